"""Database URLs, engines and the translation of driver errors into StoreError (private).

SQLite (the default) is a file in the user's data directory, used in WAL mode with foreign keys
on, a busy timeout and synchronous=FULL (an acknowledged write survives a power cut). Every
SQLite transaction that may write starts with BEGIN IMMEDIATE: writers queue on the busy timeout
instead of failing when two of them upgrade a read lock at once. A transaction that only reads
(an engine with the `READ_ONLY` execution option) starts with a plain, deferred BEGIN: in WAL
mode it neither waits for the writer nor holds the write lock, so the per-request token checks
no longer queue behind each other (and behind SQLite's busy back-off sleeps) under load.
PostgreSQL is used through psycopg 3.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from oligoguide.store.errors import StoreError, StoreUnavailable, UnavailableReason

#: Environment variable naming the registry database when no URL is given.
DB_ENV = "OLIGOGUIDE_DB"
#: How long a writer waits for another one before giving up (milliseconds).
BUSY_TIMEOUT_MS = 15_000
#: Execution option marking an engine whose transactions only read (SQLite: deferred BEGIN).
READ_ONLY = "oligoguide_read_only"


def default_sqlite_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("oligoguide")) / "registry.sqlite3"


def resolve_url(url: str | URL | os.PathLike[str] | None = None) -> URL:
    """The database URL to use: the argument, else $OLIGOGUIDE_DB, else the default SQLite file.

    `postgresql://` and `postgres://` are normalised to the psycopg 3 driver; a plain filesystem
    path (str or Path) means a SQLite file there.
    """
    if url is None:
        url = os.environ.get(DB_ENV) or None
    if url is None:
        path = default_sqlite_path()
        return URL.create("sqlite", database=str(path))
    if isinstance(url, os.PathLike):
        return URL.create("sqlite", database=str(Path(url).expanduser()))
    if isinstance(url, str):
        text = url.strip()
        if not text:
            raise StoreError("empty database URL")
        if "://" not in text:
            return URL.create("sqlite", database=str(Path(text).expanduser()))
        if text.startswith("postgres://"):
            text = "postgresql://" + text.removeprefix("postgres://")
        try:
            url = make_url(text)
        except ArgumentError:
            raise StoreError("malformed database URL") from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        # psycopg 3 is the one PostgreSQL driver oligoguide ships with.
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise StoreError(
        f"unsupported database {backend!r}: use sqlite:///path/registry.sqlite3 or "
        "postgresql://user@host/dbname"
    )


def display_url(url: URL) -> str:
    """The URL with its password masked, safe for messages."""
    return url.render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: URL) -> Engine:
    """An engine with the registry's connection settings; nothing is connected yet."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _sqlite_engine(url: URL) -> Engine:
    path = _sqlite_file(url)
    if path is not None and not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreUnavailable(
                "unreachable", f"cannot create the folder of {path}: {error.strerror}"
            ) from None
    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    }
    if url.database in (None, "", ":memory:"):
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module; `_on_begin` emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = FULL")
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() not in ("wal", "memory"):
                # A read-only file refuses WAL: opening then reports it clearly.
                with contextlib.suppress(sqlite3.OperationalError):
                    cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


_SQLITE_REASONS: dict[str, UnavailableReason] = {
    "SQLITE_READONLY": "read_only",
    "SQLITE_FULL": "disk_full",
    "SQLITE_IOERR": "disk_full",
    "SQLITE_BUSY": "locked",
    "SQLITE_LOCKED": "locked",
    "SQLITE_CANTOPEN": "unreachable",
    "SQLITE_PERM": "read_only",
    "SQLITE_AUTH": "read_only",
    "SQLITE_CORRUPT": "other",
    "SQLITE_NOTADB": "other",
}

_PG_REASONS: dict[str, UnavailableReason] = {
    "25006": "read_only",  # read_only_sql_transaction (hot standby, default_transaction_read_only)
    "42501": "read_only",  # insufficient_privilege
    "53100": "disk_full",
    "53200": "disk_full",  # out of memory
    "53300": "unreachable",  # too many connections
    "55P03": "locked",  # lock_not_available
    "57P01": "unreachable",  # admin_shutdown
    "57P03": "unreachable",  # cannot_connect_now
}

_EXPLAIN: dict[UnavailableReason, str] = {
    "read_only": "the registry database is read-only: oligoguide needs write access "
    "(every read is written to the audit log)",
    "disk_full": "the registry database cannot grow: the disk is full (or out of space/quota); "
    "nothing was written",
    "locked": "the registry database stayed locked by another writer; nothing was written, "
    "try again",
    "unreachable": "the registry database cannot be reached or opened",
    "schema": "the registry database has an unexpected schema",
    "other": "the registry database failed",
}


def classify(error: BaseException) -> UnavailableReason:
    """One word for a driver error (see StoreUnavailable.reason)."""
    orig = error.orig if isinstance(error, DBAPIError) else error
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, reason in _SQLITE_REASONS.items():
            if name.startswith(prefix):
                return reason
        return "other"
    if isinstance(orig, sqlite3.Error):
        text = str(orig).lower()
        if "readonly" in text or "read-only" in text:
            return "read_only"
        if "full" in text:
            return "disk_full"
        if "locked" in text:
            return "locked"
        if "unable to open" in text:
            return "unreachable"
        return "other"
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate in _PG_REASONS:
            return _PG_REASONS[sqlstate]
        if sqlstate.startswith("08"):
            return "unreachable"
        return "other"
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return "unreachable"
    module = type(orig).__module__
    if module.startswith("psycopg") and type(orig).__name__ == "OperationalError":
        return "unreachable"
    return "other"


def unavailable(error: SQLAlchemyError, url: URL) -> StoreUnavailable:
    """A StoreUnavailable naming the cause and the database (password masked).

    The driver's own message is not included: it may quote stored values.
    """
    reason = classify(error)
    orig = error.orig if isinstance(error, DBAPIError) else error
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
    kind = type(orig).__name__ + (f" {code}" if code else "")
    if reason == "unreachable":  # connection failures quote hosts and ports, never stored data
        first_line = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
        kind += f": {first_line[:200]}" if first_line else ""
    return StoreUnavailable(reason, f"{_EXPLAIN[reason]} ({display_url(url)}; {kind})")
