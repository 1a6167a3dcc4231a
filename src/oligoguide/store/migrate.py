"""Apply the packaged Alembic migrations programmatically (private: `Registry.open` calls it)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from oligoguide.store.errors import StoreUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"
#: Any constant: serialises concurrent first-time migrations on one PostgreSQL database.
_PG_LOCK_KEY = 0x0119_0600


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def upgrade(engine: Engine) -> None:
    """Bring the schema to the head revision, in one transaction (all or nothing)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        current = current_revision(connection)
        if current == head_revision():
            return
        if current is not None and current not in known_revisions():
            raise StoreUnavailable(
                "schema",
                f"the registry database is at schema revision {current!r}, which this version "
                "of oligoguide does not know (a newer oligoguide wrote it): upgrade oligoguide",
            )
        command.upgrade(alembic_config(connection), "head")
