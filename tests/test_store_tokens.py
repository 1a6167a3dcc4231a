"""API tokens on SQLite and PostgreSQL: the secret is shown once and never stored; roles;
revocation; refusals audited. Also `oligoguide token create|list|revoke`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from oligoguide.cli import app
from oligoguide.store import (
    AlreadyExists,
    Principal,
    Registry,
    Role,
    StoreInputError,
    TokenNotFound,
)
from store_support import pg_schema_url, registry, store_url

__all__ = ["pg_schema_url", "registry", "store_url"]  # fixtures used by the tests below


def _every_stored_value(registry: Registry) -> str:
    """All values of all tables as one string."""
    parts: list[str] = []
    with registry._engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def test_the_secret_is_returned_once_and_only_its_hash_is_stored(registry: Registry) -> None:
    secret = registry.create_token("dr-house", Role.CLINICIAN, actor="admin")
    assert secret.startswith("ogt_")
    assert len(secret) >= 40
    stored = _every_stored_value(registry)
    assert secret not in stored
    assert secret.removeprefix("ogt_") not in stored
    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    assert registry.create_token("other", "reader") != secret


def test_authenticate(registry: Registry) -> None:
    clinician = registry.create_token("dr-house", "clinician")
    reader = registry.create_token("student", "reader")
    admin = registry.create_token("ops", "admin")
    assert registry.authenticate(clinician) == Principal("dr-house", Role.CLINICIAN)
    assert registry.authenticate(reader) == Principal("student", Role.READER)
    who = registry.authenticate(admin)
    assert who is not None
    assert who.can_administer
    assert who.can_write_cases
    student = registry.authenticate(reader)
    assert student is not None
    assert not student.can_write_cases
    for bad in ("", "ogt_", clinician + "x", clinician[:-1], "Bearer " + clinician, "x" * 5000):
        assert registry.authenticate(bad) is None


def test_revocation_and_list(registry: Registry) -> None:
    secret = registry.create_token("dr-house", "clinician", actor="admin")
    assert registry.authenticate(secret) is not None
    registry.revoke_token("dr-house", actor="admin")
    registry.revoke_token("dr-house", actor="admin")  # idempotent
    assert registry.authenticate(secret) is None
    [info] = registry.list_tokens(actor="admin")
    assert (info.name, info.role, info.active, info.created_by) == (
        "dr-house",
        Role.CLINICIAN,
        False,
        "admin",
    )
    assert info.last_used_at is not None
    with pytest.raises(AlreadyExists, match="never reused"):
        registry.create_token("dr-house", "reader")
    with pytest.raises(TokenNotFound):
        registry.revoke_token("nobody")


def test_bad_names_and_roles(registry: Registry) -> None:
    with pytest.raises(StoreInputError, match="unknown role"):
        registry.create_token("x", "superuser")
    for name in ("", " spaced", "a b", "x" * 101, "-lead"):
        with pytest.raises(StoreInputError, match="token name"):
            registry.create_token(name, "reader")
    assert registry.list_tokens() == []


def test_token_operations_and_refusals_are_audited(registry: Registry) -> None:
    secret = registry.create_token("dr-house", "clinician", actor="admin")
    registry.authenticate(secret)  # success: the request's own entry names the principal
    registry.authenticate("ogt_wrong")
    registry.revoke_token("dr-house", actor="admin")
    registry.authenticate(secret)
    entries = list(reversed(registry.audit_log("admin", target_type="token")))
    assert [(e.actor, e.action, e.target_id, e.outcome, e.detail) for e in entries] == [
        ("admin", "create_token", "dr-house", "ok", "role=clinician"),
        ("anonymous", "authenticate", None, "denied", "unknown token"),
        ("admin", "revoke_token", "dr-house", "ok", None),
        ("anonymous", "authenticate", "dr-house", "denied", "revoked token"),
    ]
    assert secret not in repr(registry.audit_log("admin"))


runner = CliRunner()


def test_token_cli(store_url: URL) -> None:
    db = store_url.render_as_string(hide_password=False)
    created = runner.invoke(
        app, ["token", "create", "--role", "reader", "--name", "ward", "--db", db]
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("ogt_")
    assert "will not be shown again" in created.stderr

    listed = runner.invoke(app, ["token", "list", "--db", db])
    assert listed.exit_code == 0, listed.output
    for word in ("ward", "reader", "active"):
        assert word in listed.stdout
    assert secret not in listed.stdout

    again = runner.invoke(app, ["token", "create", "--role", "admin", "--name", "ward", "--db", db])
    assert again.exit_code == 2
    assert "exists" in again.stderr

    bad_role = runner.invoke(app, ["token", "create", "--role", "root", "--name", "x", "--db", db])
    assert bad_role.exit_code == 2

    revoked = runner.invoke(app, ["token", "revoke", "ward", "--db", db])
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in runner.invoke(app, ["token", "list", "--db", db]).stdout

    missing = runner.invoke(app, ["token", "revoke", "nobody", "--db", db])
    assert missing.exit_code == 2
    assert "no API token named 'nobody'" in missing.stderr

    with Registry.open(store_url) as registry:
        assert registry.authenticate(secret) is None
        actors = {e.actor for e in registry.audit_log("admin")}
        assert any(actor.startswith("cli") for actor in actors)


def test_token_cli_uses_the_environment_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLIGOGUIDE_DB", str(tmp_path / "env.sqlite3"))
    result = runner.invoke(app, ["token", "create", "--role", "admin", "--name", "ops"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env.sqlite3").exists()
