"""Schema management and connection settings: the migrated schema equals the ORM metadata on
SQLite and PostgreSQL; migrations go down and up; URLs and SQLite pragmas."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from oligoguide.store import Registry, StoreError, resolve_url
from oligoguide.store import engine as store_engine
from oligoguide.store.migrate import alembic_config, head_revision
from oligoguide.store.schema import Base
from store_support import pg_schema_url, registry, store_url

__all__ = ["pg_schema_url", "registry", "store_url"]  # fixtures used by the tests below

TABLES = {
    "alembic_version",
    "api_tokens",
    "assessments",
    "audit_log",
    "case_versions",
    "cases",
    "deployment_secrets",
}


def test_migrated_schema_matches_the_orm_metadata(registry: Registry) -> None:
    with registry._engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert set(inspect(connection).get_table_names()) == TABLES
        assert context.get_current_revision() == head_revision()


def test_opening_again_is_idempotent_and_keeps_data(store_url: URL) -> None:
    with Registry.open(store_url) as first:
        first.create_token("ops", "admin")
    with Registry.open(store_url) as second:
        assert [t.name for t in second.list_tokens()] == ["ops"]


def test_downgrade_to_nothing_and_upgrade_again(store_url: URL) -> None:
    with Registry.open(store_url) as registry:
        engine = registry._engine
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    with Registry.open(store_url) as registry, registry._engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == TABLES


def test_sqlite_connection_settings(tmp_path: Path) -> None:
    with Registry.open(tmp_path / "r.sqlite3") as registry:
        assert registry.dialect == "sqlite"
        with registry._engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 15_000
            assert connection.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL


def test_url_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLIGOGUIDE_DB", raising=False)
    monkeypatch.setattr(store_engine, "default_sqlite_path", lambda: tmp_path / "d.sqlite3")
    assert resolve_url(None).database == str(tmp_path / "d.sqlite3")
    monkeypatch.setenv("OLIGOGUIDE_DB", "postgresql://u@h/db")
    assert resolve_url(None).drivername == "postgresql+psycopg"
    assert resolve_url("postgres://u:pw@h:5433/db").render_as_string(False) == (
        "postgresql+psycopg://u:pw@h:5433/db"
    )
    assert resolve_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert resolve_url(str(tmp_path / "x.db")).database == str(tmp_path / "x.db")
    assert resolve_url("sqlite:///rel.db").database == "rel.db"
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        resolve_url("mysql+pymysql://h/db")


def test_default_database_lives_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OLIGOGUIDE_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path))
    path = store_engine.default_sqlite_path()
    assert path.name == "registry.sqlite3"
    assert path.parent.name == "oligoguide"
    with Registry.open() as registry:
        assert registry.url.endswith("registry.sqlite3")
    assert path.exists()


def test_password_is_masked(pg_schema_url: URL) -> None:
    with Registry.open(pg_schema_url.set(password="hunter2")) as registry:
        assert "hunter2" not in registry.url
        assert registry.dialect == "postgresql"
