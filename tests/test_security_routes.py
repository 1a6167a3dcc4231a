"""Authentication on every route: a test walks the app's route table, so a route added later
without a check fails here. Public routes are an explicit list, each with its reason."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oligoguide.fhir.cds_hooks import SERVICE_ID
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry

# (method, path template): why anyone may call it
PUBLIC = {
    ("GET", "/healthz"): "liveness probe; says only the knowledge-base version and review date",
    ("GET", "/openapi.json"): "the API's own description, no data",
    ("GET", "/docs"): "API documentation page",
    ("GET", "/docs/oauth2-redirect"): "part of the documentation page",
    ("GET", "/redoc"): "API documentation page",
    ("GET", "/cds-services"): "CDS Hooks discovery must be public (CDS Hooks 2.0.1)",
    ("GET", "/"): "redirects to /ui/",
    ("GET", "/favicon.ico"): "redirects to a static asset",
    ("GET", "/ui/sign-in"): "the sign-in form",
    ("POST", "/ui/sign-in"): "signing in (CSRF-checked, token-checked)",
    ("GET", "/ui/static"): "stylesheet, script and icon, no data",
}
# Answer anonymous callers, but only with "there is no such page".
NOT_FOUND_ONLY = {("GET", "/ui/{rest:path}")}
WRITE_ROUTES = {("POST", "/v1/cases"), ("PUT", "/v1/cases/{case_id}")}
EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route, mounts included (HEAD is implied by GET)."""
    try:  # FastAPI >= 0.16x keeps included routers as lazy entries
        from fastapi.routing import iter_route_contexts

        routes: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:  # older FastAPI: app.routes is already flat
        routes = list(app.routes)
    table: list[tuple[str, str]] = []
    for route in routes:
        path = route.path
        methods = route.methods if getattr(route, "methods", None) else {"GET"}  # a Mount
        table.extend((m, path) for m in sorted(methods) if m != "HEAD")
    return sorted(set(table))


def concrete(path: str) -> str:
    """A callable URL for a template: every parameter gets a harmless value."""
    path = path.replace("report.{fmt}", "report.json").replace("{service_id}", SERVICE_ID)
    return re.sub(r"\{[^}]+\}", "x", path) + ("/ui.css" if path == "/ui/static" else "")


@pytest.fixture(scope="module")
def secured(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The whole app (REST, CDS Hooks, UI) with tokens issued, so nothing runs in local mode."""
    db = f"sqlite:///{tmp_path_factory.mktemp('sec') / 'registry.sqlite3'}"
    with Registry.open(db) as registry:
        tokens = {
            role: registry.create_token(f"sec-{role}", role, actor="test")
            for role in ("reader", "clinician")
        }
    # The walks fail authentication once per route, all from one address: no guesser to stop.
    app, registry = build_app(
        Settings(db_url=db, rate_limit_per_minute=10_000, auth_failure_limit_per_minute=10_000)
    )
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client, tokens
    registry.close()


def _table(client: TestClient) -> list[tuple[str, str]]:
    app = client.app
    assert isinstance(app, FastAPI)
    return route_table(app)


def test_the_route_table_is_walked_whole(secured: tuple[TestClient, dict[str, str]]) -> None:
    table = _table(secured[0])
    for expected in [
        ("POST", "/v1/assess"),
        ("GET", "/v1/cases/{case_id}"),
        ("POST", "/cds-services/{service_id}"),
        ("GET", "/ui/cases/{case_id}"),
    ]:
        assert expected in table
    assert {r for r in PUBLIC if r not in table} == set(), "a public route disappeared"


def test_every_non_public_route_refuses_an_anonymous_caller(
    secured: tuple[TestClient, dict[str, str]],
) -> None:
    client, _ = secured
    exposed = []
    for method, path in _table(client):
        if (method, path) in PUBLIC:
            continue
        response = client.request(
            method, concrete(path), headers={"content-type": "application/json"}, content=b"{}"
        )
        if (method, path) in NOT_FOUND_ONLY:
            refused = response.status_code == 404
        elif path.startswith("/ui"):
            refused = response.status_code in (401, 403) or (
                response.status_code == 303
                and response.headers["location"].startswith("/ui/sign-in")
            )
        else:
            refused = response.status_code == 401 and "www-authenticate" in response.headers
        if not refused:
            exposed.append((method, path, response.status_code))
    assert exposed == []


def test_every_api_route_refuses_an_unknown_token(
    secured: tuple[TestClient, dict[str, str]],
) -> None:
    client, _ = secured
    bad = {"authorization": "Bearer ogt_not-a-real-token", "content-type": "application/json"}
    accepted = [
        (m, p, r.status_code)
        for m, p in _table(client)
        if (m, p) not in PUBLIC and (p.startswith("/v1") or p.startswith("/cds-services/"))
        for r in [client.request(m, concrete(p), headers=bad, content=b"{}")]
        if r.status_code != 401
    ]
    assert accepted == []


def test_public_routes_answer_without_credentials(
    secured: tuple[TestClient, dict[str, str]],
) -> None:
    client, _ = secured
    for method, path in PUBLIC:
        if method != "GET":
            continue
        response = client.get(concrete(path))
        assert response.status_code in (200, 307, 308), (path, response.status_code)


def test_writes_need_the_clinician_role(secured: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = secured
    reader = {"authorization": f"Bearer {tokens['reader']}", "content-type": "application/json"}
    for method, path in WRITE_ROUTES:
        response = client.request(
            method, concrete(path), headers=reader, content=EXAMPLE.read_bytes()
        )
        assert response.status_code == 403, (method, path)
    assert client.get("/v1/cases", headers=reader).json()["total"] == 0


def test_ui_write_pages_need_the_clinician_role(
    secured: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = secured
    page = client.get("/ui/sign-in")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    signed_in = client.post(
        "/ui/sign-in", data={"csrf_token": csrf.group(1), "token": tokens["reader"], "next": "/ui/"}
    )
    assert signed_in.status_code == 303
    try:
        for path in ("/ui/cases/new", "/ui/import"):
            assert client.get(path).status_code == 403
    finally:
        client.cookies.clear()
