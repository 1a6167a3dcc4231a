"""The service's remaining edges (issue 19): loopback Host in local mode, X-Forwarded-For only
from trusted proxies, CDS Hooks JWT lifetime and jti, safe download names, If-Match, strict
compute requests with pointers into the body, an audit log of what matters, and assessments
off the event loop."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jwt_helpers import ISSUER, FakeEhr
from oligoguide.fhir.cds_hooks import SERVICE_ID
from oligoguide.model import Case
from oligoguide.service import CdsIssuer, Settings, create_app
from oligoguide.service.auth import Caller, Role
from oligoguide.service.cds_jwt import JwksCache, JwtRefusedError, ReplayCache, verify_cds_jwt
from oligoguide.service.downloads import report_filename
from oligoguide.service.launch import build_app
from oligoguide.service.routes import cases as case_routes
from oligoguide.store import Registry
from server_process import running_server
from service_helpers import LOCAL, READER, FakeTokens, client

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
CASE_ID = "crc-oligoprogression-01"
JSON = {"content-type": "application/json"}
AUD = f"http://127.0.0.1:8000/cds-services/{SERVICE_ID}"


@pytest.fixture
def local_site(tmp_path: Path) -> Iterator[tuple[TestClient, Registry]]:
    """The whole app (API, UI, registry) in local mode: no token, loopback bind."""
    app, registry = build_app(Settings(db_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}"))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as api:
        yield api, registry
    registry.close()


# -- 1. local mode answers loopback Host values only (DNS rebinding) ------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        "attacker.example:8000",
        "localhost.attacker.example",
        "127.0.0.1.nip.io:8000",
        "127.0.0.2",
        "[::2]:8000",
        "localhost:8000@attacker.example",
        "",
    ],
)
def test_local_mode_refuses_a_host_that_is_not_loopback(
    local_site: tuple[TestClient, Registry], host: str
) -> None:
    api, registry = local_site
    registry.create_case(Case.model_validate_json(EXAMPLE.read_bytes()), "seed")
    for path in ("/v1/cases", f"/v1/cases/{CASE_ID}", "/ui/", "/healthz"):
        refused = api.get(path, headers={"host": host})
        assert refused.status_code == 421, (path, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "local mode" in refused.json()["detail"]
        assert CASE_ID not in refused.text


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8000", "LocalHost:8000", "127.0.0.1", "127.0.0.1:8000", "[::1]:8000"],
)
def test_local_mode_answers_loopback_hosts(host: str) -> None:
    response = client().get("/v1/kb", headers={"host": host})
    assert response.status_code == 200


def test_two_host_headers_are_refused_in_local_mode() -> None:
    api = client()
    response = api.get("/v1/kb", headers=[("host", "localhost"), ("host", "attacker.example")])
    assert response.status_code == 421


def test_with_tokens_any_host_is_answered_the_token_protects() -> None:
    api = client(READER)
    headers = {"host": "oligo.example.org", "authorization": "Bearer r-token"}
    assert api.get("/v1/kb", headers=headers).status_code == 200
    assert api.get("/v1/kb", headers={"host": "oligo.example.org"}).status_code == 401


# -- 2. X-Forwarded-For only from a configured trusted proxy --------------------------------------


def _guess(n: int, forwarded: str | None = None) -> dict[str, str]:
    headers = {"authorization": f"Bearer ogt_guess-{n:06d}"}
    return headers | ({"x-forwarded-for": forwarded} if forwarded else {})


def test_x_forwarded_for_is_ignored_by_default() -> None:
    app = create_app(Settings(auth_failure_limit_per_minute=2), FakeTokens(dict(READER)))
    guesser = TestClient(app, client=("127.0.0.1", 50000), raise_server_exceptions=False)
    # A fresh made-up address with each guess no longer buys a fresh failure budget.
    codes = [
        guesser.get("/v1/kb", headers=_guess(n, f"198.51.100.{n}")).status_code for n in range(4)
    ]
    assert codes == [401, 401, 429, 429]


def test_a_real_server_ignores_x_forwarded_for_by_default(tmp_path: Path) -> None:
    """`oligoguide serve` (uvicorn) believed X-Forwarded-For from any loopback client."""
    args = ["--db", f"sqlite:///{tmp_path / 'registry.sqlite3'}", "--auth-failure-limit", "2"]
    with running_server(args, tmp_path) as server:
        codes = [
            httpx.get(f"{server.url}/v1/kb", headers=_guess(n, f"198.51.100.{n}")).status_code
            for n in range(4)
        ]
    assert codes == [401, 401, 429, 429]


def _behind_proxy(**settings: Any) -> TestClient:
    app = create_app(
        Settings(auth_failure_limit_per_minute=2, **settings), FakeTokens(dict(READER))
    )
    return TestClient(app, client=("10.0.0.5", 50000), raise_server_exceptions=False)


def test_a_trusted_proxy_forwards_each_clients_own_address() -> None:
    proxy = _behind_proxy(trusted_proxies="10.0.0.0/24")
    # The guesser's own spoofed hops (left) are not believed; the hop the proxy wrote is.
    codes = [
        proxy.get("/v1/kb", headers=_guess(n, f"192.0.2.{n}, 203.0.113.7")).status_code
        for n in range(3)
    ]
    assert codes == [401, 401, 429]
    valid = {"authorization": "Bearer r-token", "x-forwarded-for": "198.51.100.2"}
    assert proxy.get("/v1/kb", headers=valid).status_code == 200  # another client behind it


def test_a_peer_that_is_not_a_trusted_proxy_cannot_name_its_address() -> None:
    direct = _behind_proxy(trusted_proxies="192.0.2.1")  # the peer 10.0.0.5 is not it
    codes = [
        direct.get("/v1/kb", headers=_guess(n, f"198.51.100.{n}")).status_code for n in range(3)
    ]
    assert codes == [401, 401, 429]


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert Settings().trusted_proxies == ()
    assert Settings(trusted_proxies=" 10.0.0.0/8, ::1 ").trusted_proxies == ("10.0.0.0/8", "::1")
    with pytest.raises(ValueError, match="not an IP address"):
        Settings(trusted_proxies="proxy.example.org")


def _serve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]
) -> tuple[Any, dict[str, Any]]:
    import uvicorn

    from oligoguide.cli import app as cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    result = CliRunner().invoke(cli, ["serve", "--db", db], env=env)
    if "app" in seen:
        seen["app"].state.oligoguide.registry.close()
    return result, seen


def test_oligoguide_serve_leaves_x_forwarded_for_to_the_service(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result, seen = _serve(monkeypatch, tmp_path, {"OLIGOGUIDE_TRUSTED_PROXIES": "10.0.0.0/8"})
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is False  # uvicorn would believe any loopback peer's header
    assert seen["app"].state.oligoguide.settings.trusted_proxies == ("10.0.0.0/8",)


def test_a_bad_trusted_proxy_setting_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result, seen = _serve(monkeypatch, tmp_path, {"OLIGOGUIDE_TRUSTED_PROXIES": "nonsense"})
    assert result.exit_code == 2
    assert "trusted_proxies" in result.output
    assert "not an IP address" in result.output
    assert "Traceback" not in result.output
    assert not seen


# -- 3. CDS Hooks JWT: lifetime capped, jti a non-empty string ------------------------------------


@pytest.fixture(scope="module")
def ehr() -> FakeEhr:
    return FakeEhr()


def _verify(ehr: FakeEhr, max_lifetime: int | None = None, **claims: Any) -> dict[str, Any]:
    keys = JwksCache((CdsIssuer(iss=ISSUER, jwks=ehr.jwks),))
    extra = {} if max_lifetime is None else {"max_lifetime": max_lifetime}
    return verify_cds_jwt(ehr.token(AUD, **claims), AUD, keys, ReplayCache(), **extra)


def test_a_jwt_living_more_than_five_minutes_is_refused(ehr: FakeEhr) -> None:
    now = int(time.time())
    assert _verify(ehr, iat=now, exp=now + 300)["iss"] == ISSUER  # SMART's limit, exactly
    with pytest.raises(JwtRefusedError, match="lifetime"):
        _verify(ehr, iat=now, exp=now + 301)
    with pytest.raises(JwtRefusedError, match="lifetime"):
        _verify(ehr, iat=now, exp=now + 365 * 86400)  # was accepted: a year-long token


def test_the_lifetime_cap_is_configurable(ehr: FakeEhr) -> None:
    now = int(time.time())
    with pytest.raises(JwtRefusedError, match="at most 60 s"):
        _verify(ehr, max_lifetime=60, iat=now, exp=now + 120)
    api = client(cds_issuers=[{"iss": ISSUER, "jwks": ehr.jwks}], cds_max_token_lifetime_seconds=60)
    token = ehr.token(AUD, iat=now, exp=now + 300)
    refused = api.post(
        f"/cds-services/{SERVICE_ID}", json={}, headers={"authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 401
    assert "lifetime" in refused.json()["detail"]


@pytest.mark.parametrize("jti", ["", "   ", 42, None])
def test_an_empty_or_non_string_jti_is_refused(ehr: FakeEhr, jti: object) -> None:
    with pytest.raises(JwtRefusedError, match=r"jti|JWT ID"):
        _verify(ehr, jti=jti)


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_times_must_be_numbers(ehr: FakeEhr, claim: str) -> None:
    now = int(time.time())
    times: dict[str, Any] = {"iat": now, "exp": now + 60}
    times[claim] = str(times[claim])  # PyJWT alone would read it with int()
    with pytest.raises(JwtRefusedError, match=claim):
        _verify(ehr, **times)


def test_a_jti_is_remembered_per_issuer() -> None:
    replay = ReplayCache()
    replay.check_and_add("same-nonce", time.time() + 60, "https://ehr-a.example")
    replay.check_and_add("same-nonce", time.time() + 60, "https://ehr-b.example")
    with pytest.raises(JwtRefusedError, match="replayed"):
        replay.check_and_add("same-nonce", time.time() + 60, "https://ehr-a.example")


# -- 4. the REST PDF is named as the UI names it -------------------------------------------------


@pytest.mark.parametrize(
    "case_id",
    ['crc"; filename="evil.exe', "crc\u00e9-\u2603", "crc 01;x=y", "a\\b"],
)
def test_pdf_download_names_are_sanitised_alike_by_rest_and_ui(
    local_site: tuple[TestClient, Registry], monkeypatch: pytest.MonkeyPatch, case_id: str
) -> None:
    """Ids stored before the case-id rule existed, or any path segment, reach these routes."""
    api, registry = local_site
    stored = registry.create_case(Case.model_validate_json(EXAMPLE.read_bytes()), "seed")
    monkeypatch.setattr(registry, "get_case", lambda *_a, **_k: stored)
    monkeypatch.setattr(case_routes, "render_pdf", lambda *_a: b"%PDF-1.7 test")
    monkeypatch.setattr("oligoguide.render.pdf.render_pdf", lambda *_a: b"%PDF-1.7 test")
    rest = api.get(f"/v1/cases/{quote(case_id, safe='')}/report.pdf")
    ui = api.get(f"/ui/cases/{quote(case_id, safe='')}/report.pdf")
    assert rest.status_code == ui.status_code == 200, rest.text  # a non-Latin-1 id was a 500
    expected = f'attachment; filename="{report_filename(case_id, 1, "pdf")}"'
    assert rest.headers["content-disposition"] == ui.headers["content-disposition"] == expected
    assert expected.count('"') == 2
    assert ";" not in expected.removeprefix("attachment;")


def test_a_plain_case_id_keeps_its_name() -> None:
    assert report_filename(CASE_ID, 3, "pdf") == f"{CASE_ID}-v3.pdf"


# -- 5. If-Match ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["1" * 5000, '"' + "9" * 5000 + '"', "\u00b2", '"\u0663"', "*", '"-1"', "1, 2", ""]
)
def test_a_bad_if_match_is_a_400_naming_the_header(
    local_site: tuple[TestClient, Registry], value: str
) -> None:
    api, _ = local_site
    assert api.post("/v1/cases", content=EXAMPLE.read_bytes(), headers=JSON).status_code == 201
    response = api.put(
        f"/v1/cases/{CASE_ID}",
        content=EXAMPLE.read_bytes(),
        headers={**JSON, "if-match": value.encode()},  # non-ASCII: UTF-8 bytes, as sent
    )
    assert response.status_code == 400, response.text  # 5,000 digits were a 500
    assert response.json()["title"] == "Invalid If-Match"
    assert "If-Match" in response.json()["detail"]


@pytest.mark.parametrize("value", ['"1"', "1", 'W/"1"'])
def test_a_good_if_match_is_read(local_site: tuple[TestClient, Registry], value: str) -> None:
    api, _ = local_site
    api.post("/v1/cases", content=EXAMPLE.read_bytes(), headers=JSON)
    edited = json.loads(EXAMPLE.read_text())
    edited["patient"]["ecog"] = 2
    response = api.put(f"/v1/cases/{CASE_ID}", json=edited, headers={"if-match": value})
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2


# -- 6. strict compute requests, pointers from the root of the body -------------------------------


def _pointers(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [e["pointer"] for e in response.json()["errors"]]


POINT = {"organ": "stomach", "metric": "Dmax", "value_gy": 20}


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"fractions": 3, "points": [{"organ": "stomach", "value_gy": 20}]}, "/points/0/metric"),
        ({"fractions": 3, "points": [POINT, POINT | {"metric": 5}]}, "/points/1/metric"),
        ({"fractions": 3, "points": [POINT | {"value_gy": "20"}]}, "/points/0/value_gy"),
        ({"fractions": 3, "points": [POINT | {"value_gy": True}]}, "/points/0/value_gy"),
        ({"fractions": True, "points": [POINT]}, "/fractions"),
        (
            {
                "fractions": 3,
                "points": [POINT],
                "prior_courses": [{"fractions": 5, "points": [POINT | {"value_gy": "30"}]}],
            },
            "/prior_courses/0/points/0/value_gy",
        ),
        (
            {"fractions": 3, "points": [POINT], "prior_courses": [{"fractions": "5"}]},
            "/prior_courses/0/fractions",
        ),
    ],
)
def test_dose_check_errors_point_into_the_body(body: dict[str, Any], pointer: str) -> None:
    assert _pointers(client().post("/v1/dose/check", json=body)) == [pointer]


def test_dose_check_still_checks_a_valid_plan() -> None:
    body = {"total_gy": 30, "fractions": 3, "points": [POINT], "prior_courses": []}
    response = client().post("/v1/dose/check", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["organ"] == "stomach"


@pytest.mark.parametrize(
    ("path", "body", "pointer"),
    [
        ("/v1/dose/bed", {"total_gy": 54, "fractions": True}, "/fractions"),  # was 1 fraction
        ("/v1/dose/bed", {"total_gy": 54, "fractions": "3"}, "/fractions"),
        ("/v1/dose/bed", {"total_gy": 54, "fractions": 3.0}, "/fractions"),
        ("/v1/dose/bed", {"total_gy": "54", "fractions": 3}, "/total_gy"),
        ("/v1/dose/bed", {"total_gy": True, "fractions": 3}, "/total_gy"),
        ("/v1/dose/bed", {"total_gy": 54, "fractions": 3, "alpha_beta": "10"}, "/alpha_beta"),
        ("/v1/dose/schedule", {"site": "lung", "central": "true"}, "/central"),
        ("/v1/dose/schedule", {"site": "lung", "central": 1}, "/central"),
        ("/v1/dose/schedule", {"site": "lung", "lesion_count": True}, "/lesion_count"),
        ("/v1/dose/schedule", {"site": "lung", "diameter_mm": "20"}, "/diameter_mm"),
        ("/v1/dose/schedule", {"site": 1}, "/site"),
        ("/v1/ask", {"question": 5}, "/question"),
    ],
)
def test_compute_requests_are_strict(path: str, body: dict[str, Any], pointer: str) -> None:
    assert _pointers(client().post(path, json=body)) == [pointer]


def test_strict_compute_requests_take_what_json_sends() -> None:
    api = client()
    bed = api.post("/v1/dose/bed", json={"total_gy": 54, "fractions": 3})
    assert bed.status_code == 200
    assert bed.json()["bed_gy"] == pytest.approx(151.2)  # an integer is a number of Gy
    schedule = api.post("/v1/dose/schedule", json={"site": "lung", "central": False})
    assert schedule.status_code == 200, schedule.text


# -- 7. the audit log records what matters, not the mode check -----------------------------------


def test_local_mode_requests_write_no_list_tokens_rows(
    local_site: tuple[TestClient, Registry],
) -> None:
    api, registry = local_site
    for path in ("/v1/kb", "/v1/cases", "/ui/", "/healthz"):
        assert api.get(path).status_code == 200, path
    assert api.post("/v1/assess", content=EXAMPLE.read_bytes(), headers=JSON).is_success
    assert api.post("/v1/cases", content=EXAMPLE.read_bytes(), headers=JSON).status_code == 201
    actions = [e.action for e in registry.audit_log("test", limit=500)]
    assert "list_tokens" not in actions  # was one row per request
    assert "create_case" in actions  # writes still are
    assert "save_assessment" in actions


def test_auth_events_and_token_listing_are_still_audited(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    app, registry = build_app(Settings(db_url=db))
    registry.create_token("reader-1", "reader", actor="admin")
    with TestClient(app, raise_server_exceptions=False) as api:
        bad = {"authorization": "Bearer ogt_not-a-real-token"}
        assert api.get("/v1/kb", headers=bad).status_code == 401
    registry.list_tokens(actor="admin")  # an operator's listing, unlike the mode check
    entries = registry.audit_log("test", limit=500)
    registry.close()
    assert [e.action for e in entries].count("list_tokens") == 1
    assert any(e.action == "authenticate" and e.outcome == "denied" for e in entries)
    assert any(e.action == "create_token" for e in entries)


# -- 8. the assessment runs off the event loop ---------------------------------------------------


class HeldPlan:
    """Stands in for the plan step of `assess` (looked up at each call, so every face that
    assesses meets it): holds the request until told to go on, or a minute passes."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.started = threading.Event()
        self.go_on = threading.Event()
        self.released: bool | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.started.set()
        self.released = self.go_on.wait(timeout=60)
        return self.real(*args, **kwargs)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldPlan:
    import oligoguide.assess

    plan = HeldPlan(oligoguide.assess.make_plan)
    monkeypatch.setattr(oligoguide.assess, "make_plan", plan)
    return plan


def _healthz_while_assessing(api: TestClient, held: HeldPlan, post: Callable[[], Any]) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        in_flight = pool.submit(post)
        assert held.started.wait(timeout=60), "the assessment never started"
        health = api.get("/healthz")  # would wait for the loop if the assessment held it
        held.go_on.set()
        assessed = in_flight.result(timeout=120)
    assert health.status_code == 200
    assert held.released is True, "/healthz answered only after the assessment gave up"
    assert assessed.status_code < 400, assessed.text


def test_healthz_answers_while_an_assessment_is_in_flight(held: HeldPlan) -> None:
    app = create_app(Settings(), FakeTokens())
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as api:  # one loop
        body = EXAMPLE.read_bytes()
        _healthz_while_assessing(
            api, held, lambda: api.post("/v1/assess", content=body, headers=JSON)
        )


def test_healthz_answers_while_a_stored_case_is_assessed(
    local_site: tuple[TestClient, Registry], held: HeldPlan
) -> None:
    api, _ = local_site
    body = EXAMPLE.read_bytes()
    _healthz_while_assessing(api, held, lambda: api.post("/v1/cases", content=body, headers=JSON))


def test_healthz_answers_while_an_ehr_call_is_assessed(held: HeldPlan, ehr: FakeEhr) -> None:
    from test_service_cds import ehr_prefetch, hook_request

    api = client(cds_issuers=[{"iss": ISSUER, "jwks": ehr.jwks}])
    with api:
        headers = {"authorization": f"Bearer {ehr.token(AUD)}"}
        body = hook_request(ehr_prefetch())
        _healthz_while_assessing(
            api, held, lambda: api.post(f"/cds-services/{SERVICE_ID}", json=body, headers=headers)
        )


def test_healthz_answers_while_a_ui_import_is_assessed(
    local_site: tuple[TestClient, Registry], held: HeldPlan
) -> None:
    api, _ = local_site
    page = api.get("/ui/import")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None, page.text
    upload = {"file": ("case.json", EXAMPLE.read_bytes(), "application/json")}
    _healthz_while_assessing(
        api,
        held,
        lambda: api.post(
            "/ui/import", data={"csrf_token": csrf[1]}, files=upload, follow_redirects=False
        ),
    )


def test_a_reader_token_is_not_needed_for_healthz() -> None:
    # /healthz stays public whatever the mode: probes have no token.
    api = client({"t": Caller("x", Role.READER)})
    assert api.get("/healthz", headers={"host": "oligo.example.org"}).status_code == 200
