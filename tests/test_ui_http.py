"""The web UI over HTTP (no browser): sessions, CSRF, roles, uploads, escaping, headers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from oligoguide.model import load_case
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry
from service_helpers import LOCAL

EXAMPLES = Path(__file__).parent.parent / "examples"
CRC = EXAMPLES / "crc_oligoprogression.json"
Site = tuple[TestClient, dict[str, str], Registry]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _client(
    tmp_path: Path, roles: tuple[str, ...] = (), **settings: object
) -> tuple[TestClient, dict[str, str], Registry]:
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    with Registry.open(db) as registry:
        tokens = {role: registry.create_token(f"{role}-1", role) for role in roles}
    app, registry = build_app(Settings(db_url=db, **settings))  # type: ignore[arg-type]
    return TestClient(app, base_url=LOCAL, raise_server_exceptions=False), tokens, registry


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    client, tokens, registry = _client(tmp_path, ("reader", "clinician"))
    with client:
        yield client, tokens, registry
    registry.close()


def _csrf(client: TestClient, path: str = "/ui/sign-in") -> str:
    found = CSRF.search(client.get(path).text)
    assert found is not None
    return found.group(1)


def _sign_in(client: TestClient, token: str) -> str:
    response = client.post(
        "/ui/sign-in",
        data={"csrf_token": _csrf(client), "token": token, "next": "/ui/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return _csrf(client, "/ui/")


def _upload(client: TestClient, csrf: str, body: bytes, name: str = "case.json") -> Any:
    return client.post(
        "/ui/import",
        data={"csrf_token": csrf},
        files={"file": (name, body, "application/json")},
        follow_redirects=False,
    )


def test_root_redirects_to_the_ui_and_the_ui_asks_for_sign_in(site: Site) -> None:
    client, _, _ = site
    root = client.get("/", follow_redirects=False)
    assert root.status_code == 307
    assert root.headers["location"] == "/ui/"
    page = client.get("/ui/cases/x?y=1", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/ui/sign-in?next=/ui/cases/x%3Fy%3D1"


def test_session_cookie_flags_and_a_new_id_at_sign_in(site: Site) -> None:
    client, tokens, _ = site
    first = client.get("/ui/sign-in")
    cookie = first.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http on loopback
    before = client.cookies["oligoguide_session"]
    _sign_in(client, tokens["clinician"])
    assert client.cookies["oligoguide_session"] != before  # no session fixation


def test_secure_cookie_when_the_public_url_is_https(tmp_path: Path) -> None:
    client, _, registry = _client(tmp_path, ("reader",), base_url="https://board.example.org")
    with client:
        assert "secure" in client.get("/ui/sign-in").headers["set-cookie"].lower()
    registry.close()


def test_unknown_token_is_refused_at_the_field(site: Site) -> None:
    client, _, _ = site
    response = client.post(
        "/ui/sign-in", data={"csrf_token": _csrf(client), "token": "ogt_wrong", "next": "/ui/"}
    )
    assert response.status_code == 401
    assert 'id="token-error"' in response.text
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/ui/sign-in", {"token": "x"}),
        ("/ui/cases/new", {"/case_id": "c"}),
        ("/ui/dose", {"action": "bed", "total_gy": "8", "fractions": "1"}),
        ("/ui/ask", {"question": "SBRT?"}),
        ("/ui/sign-out", {}),
    ],
)
def test_every_post_checks_the_csrf_token(site: Site, path: str, data: dict[str, str]) -> None:
    client, tokens, _ = site
    _sign_in(client, tokens["clinician"])
    missing = client.post(path, data=data)
    wrong = client.post(path, data={**data, "csrf_token": "forged"})
    assert missing.status_code == wrong.status_code == 403
    assert "Form expired" in missing.text


def test_every_form_carries_the_csrf_token(site: Site) -> None:
    client, tokens, _ = site
    csrf = _sign_in(client, tokens["clinician"])
    for path in ("/ui/", "/ui/cases/new", "/ui/import", "/ui/dose", "/ui/ask", "/ui/kb"):
        html = client.get(path).text
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S):
            assert f'value="{csrf}"' in form, (path, form[:80])


def test_reader_is_not_offered_writes_and_is_refused_them(site: Site) -> None:
    client, tokens, _ = site
    csrf = _sign_in(client, tokens["reader"])
    listing = client.get("/ui/").text
    assert "/ui/cases/new" not in listing
    assert "/ui/import" not in listing
    assert client.get("/ui/cases/new").status_code == 403
    refused = client.post("/ui/cases/new", data={"csrf_token": csrf, "/case_id": "x"})
    assert refused.status_code == 403
    assert _upload(client, csrf, CRC.read_bytes()).status_code == 403


def test_revoked_token_ends_the_session(site: Site) -> None:
    client, tokens, registry = site
    _sign_in(client, tokens["clinician"])
    assert client.get("/ui/", follow_redirects=False).status_code == 200
    registry.revoke_token("clinician-1")
    assert client.get("/ui/", follow_redirects=False).status_code == 303


def test_sign_in_never_redirects_off_site(site: Site) -> None:
    client, tokens, _ = site
    for target in ("https://evil.example/", "//evil.example/ui/", "/v1/cases"):
        response = client.post(
            "/ui/sign-in",
            data={"csrf_token": _csrf(client), "token": tokens["reader"], "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/ui/"


def test_local_mode_acts_as_the_local_clinician(tmp_path: Path) -> None:
    client, _, registry = _client(tmp_path)
    with client:
        page = client.get("/ui/")
        assert page.status_code == 200
        assert "Local mode" in page.text
        assert "/ui/cases/new" in page.text
        assert "Sign out" not in page.text
    registry.close()


def test_import_checks_size_json_and_case(site: Site) -> None:
    client, tokens, _ = site
    csrf = _sign_in(client, tokens["clinician"])
    too_big = _upload(client, csrf, b" " * 1_100_000)
    assert too_big.status_code == 413
    not_json = _upload(client, csrf, b"PK\x03\x04 not json", "case.zip")
    assert not_json.status_code == 400
    assert "not valid JSON" in not_json.text
    data = json.loads(CRC.read_text())
    data["patient"]["ecog"] = 9
    bad = _upload(client, csrf, json.dumps(data).encode())
    assert bad.status_code == 422
    assert "/patient/ecog" in bad.text
    good = _upload(client, csrf, CRC.read_bytes())
    assert good.status_code == 303
    again = _upload(client, csrf, CRC.read_bytes())
    assert again.status_code == 409
    assert "Open the existing case" in again.text


def test_everything_is_escaped(site: Site) -> None:
    client, tokens, _ = site
    csrf = _sign_in(client, tokens["clinician"])
    data = json.loads(CRC.read_text())
    data["case_id"] = "x<svg onload=alert(1)>"
    refused = _upload(client, csrf, json.dumps(data).encode())
    assert refused.status_code == 422  # issue 19: a case id is plain ASCII, refused at /case_id
    assert "/case_id" in refused.text
    assert "<svg onload" not in refused.text
    data["case_id"] = "escaped-case"
    data["patient"]["id"] = "x<svg onload=alert(1)>"
    data["cancer"]["histology"] = '"><img src=x onerror=alert(1)>'
    assert _upload(client, csrf, json.dumps(data).encode()).status_code == 303
    listing = client.get("/ui/").text
    assert "<svg onload" not in listing
    case_page = client.get("/ui/cases/escaped-case")
    assert case_page.status_code == 200
    assert "<img src=x" not in case_page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in case_page.text


def test_pages_have_the_csp_and_no_inline_script(site: Site) -> None:
    client, tokens, _ = site
    csrf = _sign_in(client, tokens["clinician"])
    _upload(client, csrf, CRC.read_bytes())
    case = "/ui/cases/crc-oligoprogression-01"
    for path in ("/ui/", case, f"{case}/assessment", "/ui/cases/new", "/ui/dose", "/ui/kb"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)", response.text), path
        assert " on" + "click=" not in response.text
        assert "http://" not in response.text.replace("http://www.w3.org/2000/svg", "")


def test_reports_through_the_session(site: Site) -> None:
    client, tokens, registry = site
    _sign_in(client, tokens["reader"])
    registry.create_case(load_case(CRC), "seed")  # never assessed: the pages assess it
    case = "/ui/cases/crc-oligoprogression-01"
    html = client.get(f"{case}/report.html")
    assert html.status_code == 200
    assert "References" in html.text
    pdf = client.get(f"{case}/report.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == (
        'attachment; filename="crc-oligoprogression-01-v1.pdf"'
    )


def test_not_found_pages_are_html(site: Site) -> None:
    client, tokens, _ = site
    _sign_in(client, tokens["reader"])
    for path in ("/ui/cases/nobody", "/ui/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")


def test_empty_state_and_search(site: Site) -> None:
    client, tokens, _ = site
    csrf = _sign_in(client, tokens["clinician"])
    assert "No cases yet." in client.get("/ui/").text
    _upload(client, csrf, CRC.read_bytes())
    assert "badge-oligoprogression" in client.get("/ui/?q=CRC").text
    assert "No case matches" in client.get("/ui/?q=melanoma").text
    assert "badge-oligoprogression" in client.get("/ui/?state=oligoprogression").text


def test_dose_and_ask_errors_are_at_the_field(site: Site) -> None:
    client, tokens, _ = site
    csrf = _sign_in(client, tokens["reader"])
    dose = client.post(
        "/ui/dose",
        data={"csrf_token": csrf, "action": "bed", "total_gy": "abc", "fractions": "2.5"},
    )
    assert dose.status_code == 422
    assert 'id="d-total_gy-error"' in dose.text
    assert "whole number" in dose.text
    ask = client.post("/ui/ask", data={"csrf_token": csrf, "question": "   "})
    assert ask.status_code == 422
    assert 'id="question-error"' in ask.text
