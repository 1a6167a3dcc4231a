"""The web UI's defences: CSRF on every form, security headers, cookie flags, a fresh session at
sign-in, no open redirect, and uploads that are JSON only and size-limited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oligoguide.store import Registry
from service_helpers import HTTPS, UiSite, ui_site

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
COOKIE = "oligoguide_session"


def _ui_present() -> bool:
    try:
        import oligoguide.service.ui  # noqa: F401
    except ImportError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _ui_present(), reason="the web UI (/ui) is not in this build")


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[UiSite]:
    with ui_site(tmp_path) as opened:
        yield opened


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF field in the form"
    return found.group(1)


def sign_in(client: TestClient, token: str) -> str:
    """Sign in; returns the CSRF token of the new session."""
    form = client.get("/ui/sign-in")
    response = client.post(
        "/ui/sign-in", data={"csrf_token": csrf_of(form.text), "token": token, "next": "/ui/"}
    )
    assert response.status_code == 303
    return csrf_of(client.get("/ui/cases/new").text)


def test_pages_carry_the_security_headers(ui: tuple[TestClient, dict[str, str], Registry]) -> None:
    client = ui[0]
    for path in ("/ui/sign-in", "/ui/static/ui.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_the_session_cookie_is_httponly_strict_and_secure_over_https(
    ui: tuple[TestClient, dict[str, str], Registry],
) -> None:
    cookie = ui[0].get("/ui/sign-in").headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=")
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" in cookie


def test_sign_in_without_or_with_a_wrong_csrf_token_is_refused(
    ui: tuple[TestClient, dict[str, str], Registry],
) -> None:
    client, tokens, _ = ui
    client.get("/ui/sign-in")
    for data in ({"token": tokens["clinician"]}, {"token": tokens["clinician"], "csrf_token": "x"}):
        response = client.post("/ui/sign-in", data=data)
        assert response.status_code == 403
        assert "location" not in response.headers


def test_sign_in_gives_a_fresh_session_id(ui: tuple[TestClient, dict[str, str], Registry]) -> None:
    client, tokens, _ = ui
    client.get("/ui/sign-in")
    planted = client.cookies[COOKIE]
    sign_in(client, tokens["clinician"])
    assert client.cookies[COOKIE] != planted


def test_a_write_form_without_the_sessions_csrf_token_stores_nothing(
    ui: tuple[TestClient, dict[str, str], Registry],
) -> None:
    client, tokens, registry = ui
    csrf = sign_in(client, tokens["clinician"])
    form = {"/case_id": "csrf-1", "/patient/id": "P1", "/cancer/primary_site": "colorectal"}
    assert client.post("/ui/cases/new", data=form).status_code == 403
    assert client.post("/ui/cases/new", data=form | {"csrf_token": "forged"}).status_code == 403
    other = TestClient(client.app, base_url=HTTPS, follow_redirects=False)
    other_csrf = sign_in(other, tokens["clinician"])
    assert other_csrf != csrf
    assert client.post("/ui/cases/new", data=form | {"csrf_token": other_csrf}).status_code == 403
    assert registry.list_cases("t").total == 0


# The refused upload is also closed (tests/test_ui_csrf_upload.py); here: nothing is stored.
def test_an_upload_without_the_csrf_token_stores_nothing(
    ui: tuple[TestClient, dict[str, str], Registry],
) -> None:
    client, tokens, registry = ui
    sign_in(client, tokens["clinician"])
    upload = {"file": ("case.json", EXAMPLE.read_bytes(), "application/json")}
    assert client.post("/ui/import", files=upload).status_code == 403
    assert client.post("/ui/import", data={"csrf_token": "x"}, files=upload).status_code == 403
    assert registry.list_cases("t").total == 0


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/ui//evil"])
def test_sign_in_never_redirects_off_site(
    ui: tuple[TestClient, dict[str, str], Registry], target: str
) -> None:
    client, tokens, _ = ui
    form = client.get("/ui/sign-in")
    response = client.post(
        "/ui/sign-in",
        data={"csrf_token": csrf_of(form.text), "token": tokens["reader"], "next": target},
    )
    assert response.headers["location"] == "/ui/"


XXE = b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY e SYSTEM "file:///etc/passwd">]><case>&e;</case>'


def test_an_xml_upload_is_refused_and_never_parsed_as_xml(
    ui: tuple[TestClient, dict[str, str], Registry],
) -> None:
    client, tokens, registry = ui
    csrf = sign_in(client, tokens["clinician"])
    response = client.post(
        "/ui/import",
        data={"csrf_token": csrf},
        files={"file": ("case.xml", XXE, "application/xml")},
    )
    assert response.status_code == 400
    assert "root:" not in response.text  # /etc/passwd was not expanded into the page
    assert registry.list_cases("t").total == 0


def test_an_oversized_upload_is_refused(ui: tuple[TestClient, dict[str, str], Registry]) -> None:
    client, tokens, registry = ui
    csrf = sign_in(client, tokens["clinician"])
    big = b'{"case_id": "big", "pad": "' + b"x" * 1_100_000 + b'"}'
    response = client.post(
        "/ui/import",
        data={"csrf_token": csrf},
        files={"file": ("big.json", big, "application/json")},
    )
    assert response.status_code == 413
    assert registry.list_cases("t").total == 0


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"case_id": ' + b"9" * 5000 + b"}"])
def test_a_hostile_json_upload_is_a_clear_refusal_not_a_500(
    ui: tuple[TestClient, dict[str, str], Registry], raw: bytes
) -> None:
    client, tokens, _ = ui
    csrf = sign_in(client, tokens["clinician"])
    response = client.post(
        "/ui/import", data={"csrf_token": csrf}, files={"file": ("c.json", raw, "application/json")}
    )
    assert 400 <= response.status_code < 500, response.text[:300]
