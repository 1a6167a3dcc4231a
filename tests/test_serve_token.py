"""Safe local default (issue 23): `serve` with no API token configured prints a one-time access
token and requires it, loopback included; it is revoked when serve stops; `--no-token-local-demo`
opts out (every loopback caller is the local clinician, as before)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from oligoguide.cli import app as cli
from oligoguide.store import Registry
from service_helpers import LOCAL


def test_serve_prints_a_one_time_token_and_requires_it_on_loopback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **_kw: Any) -> None:
        seen["app"] = app
        with TestClient(app, base_url=LOCAL) as api:
            seen["anonymous"] = api.get("/v1/cases").status_code
            seen["bad"] = api.get("/v1/cases", headers={"authorization": "Bearer x"}).status_code

    monkeypatch.setattr(uvicorn, "run", fake_run)
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    result = CliRunner().invoke(cli, ["serve", "--db", db])
    assert result.exit_code == 0, result.output
    match = re.search(r"access token: (\S+)", result.output)
    assert match, result.output
    assert "/ui/sign-in" in result.output
    assert "--no-token-local-demo" in result.output
    assert seen["anonymous"] == 401  # loopback, but no token: refused
    assert seen["bad"] == 401
    registry = seen["app"].state.oligoguide.registry
    # the printed token worked while serve ran, and is revoked once it stopped
    assert not registry.has_active_token()
    assert registry.authenticate(match[1]) is None
    registry.close()


def test_the_printed_token_opens_the_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    from oligoguide.cli import serve

    seen: dict[str, Any] = {}
    original = serve.start_session_token

    def remember(registry: Registry, settings: Any) -> str:
        name = original(registry, settings)
        seen["name"] = name
        return name

    monkeypatch.setattr(serve, "start_session_token", remember)
    # capture the secret by wrapping create_token
    secrets_made: list[str] = []
    original_create = Registry.create_token

    def create(self: Registry, *a: Any, **k: Any) -> str:
        secret = original_create(self, *a, **k)
        secrets_made.append(secret)
        return secret

    monkeypatch.setattr(Registry, "create_token", create)

    def fake_run_with_requests(app: Any, **_kw: Any) -> None:
        seen["app"] = app
        with TestClient(app, base_url=LOCAL) as api:
            bearer = {"authorization": f"Bearer {secrets_made[0]}"}
            seen["with_token"] = api.get("/v1/cases", headers=bearer).status_code

    monkeypatch.setattr(uvicorn, "run", fake_run_with_requests)
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    result = CliRunner().invoke(cli, ["serve", "--db", db])
    assert result.exit_code == 0, result.output
    assert f"access token: {secrets_made[0]}" in result.output
    assert seen["with_token"] == 200
    seen["app"].state.oligoguide.registry.close()


def test_a_token_left_by_a_killed_serve_is_revoked_at_the_next_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    registry = Registry.open(db)
    registry.create_token("local-session-deadbeef", "clinician")
    registry.close()
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **_kw: seen.update(app=app))
    result = CliRunner().invoke(cli, ["serve", "--db", db])
    assert result.exit_code == 0, result.output
    assert "access token:" in result.output  # a fresh one, not the stale one
    names = {t.name: t.revoked_at for t in seen["app"].state.oligoguide.registry.list_tokens()}
    assert names["local-session-deadbeef"] is not None
    seen["app"].state.oligoguide.registry.close()


def test_no_token_local_demo_keeps_loopback_open(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **_kw: Any) -> None:
        seen["app"] = app
        with TestClient(app, base_url=LOCAL) as api:
            seen["anonymous"] = api.get("/v1/cases").status_code

    monkeypatch.setattr(uvicorn, "run", fake_run)
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    result = CliRunner().invoke(cli, ["serve", "--db", db, "--no-token-local-demo"])
    assert result.exit_code == 0, result.output
    assert "access token" not in result.output
    assert "local demo mode" in result.output
    assert seen["anonymous"] == 200
    seen["app"].state.oligoguide.registry.close()
