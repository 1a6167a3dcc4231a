"""The registry's foundation: input checks, the audited operation, opening the database and the
transaction plumbing every part of `Registry` (store/registry.py) builds on."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, Self

from sqlalchemy import Engine, Executable, Row, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from oligoguide.model.case import Case
from oligoguide.model.errors import CaseInputError
from oligoguide.model.io import case_from_data
from oligoguide.model.vocab import DiseaseState
from oligoguide.store import migrate
from oligoguide.store.engine import (
    READ_ONLY,
    display_url,
    make_engine,
    resolve_url,
    unavailable,
)
from oligoguide.store.errors import (
    AlreadyExists,
    CaseNotFound,
    NotFound,
    StoreError,
    StoreInputError,
    StoreUnavailable,
    VersionConflict,
)
from oligoguide.store.hashing import (
    sha256_hex,
)
from oligoguide.store.records import (
    CaseRecord,
)
from oligoguide.store.schema import (
    ID_LENGTH,
    AuditRow,
    CaseRow,
    CaseVersionRow,
)

log = logging.getLogger("oligoguide.store")

MAX_ACTOR_LENGTH = 200
MAX_PAGE = 500
#: last_used_at of a token is refreshed at most this often (it costs a write).
TOKEN_USE_RESOLUTION = dt.timedelta(seconds=60)
_TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_MAX_TOKEN_LENGTH = 200
ANONYMOUS = "anonymous"
SYSTEM = "system"
#: Name of the FHIR case-key secret in `deployment_secrets` (the row's name, not a secret).
CASE_KEY_SECRET = "fhir_case_key"  # nosec B105
SECRET_BYTES = 32


class AssessmentLike(Protocol):
    """What the registry needs of an `oligoguide.assess.Assessment` (the store sits below assess
    in the layers, so it does not import it)."""

    @property
    def case_id(self) -> str: ...

    @property
    def kb_version(self) -> str: ...

    @property
    def disease_state(self) -> DiseaseState: ...

    def model_dump(self, *, mode: str = ...) -> dict[str, Any]: ...


def cli_actor() -> str:
    """The audit actor for commands run from a shell: `cli:<login name>`."""
    try:
        return f"cli:{getpass.getuser()}"[:MAX_ACTOR_LENGTH]
    except (OSError, KeyError):  # no login name in some containers
        return "cli"


def _check_writable(engine: Engine) -> None:
    """Fail at open, not at the first request, when the database refuses writes: a no-op
    UPDATE, rolled back. (Every read writes an audit line, so read-only is unusable.)"""
    with engine.connect() as connection, connection.begin() as transaction:
        connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        transaction.rollback()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise StoreInputError("an actor (who is acting) is required for the audit log")
    if not _storable_id(actor.strip()):
        raise StoreInputError(
            f"an actor is 1-{MAX_ACTOR_LENGTH} characters of text without control characters"
        )
    return actor.strip()


#: Versions and offsets are stored or bound as 64-bit integers; a larger one is a bad argument
#: (not a driver OverflowError, which would surface as a 500).
MAX_INT64 = 2**63 - 1


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise StoreInputError(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise StoreInputError("offset must not be negative")
    if offset > MAX_INT64:
        raise StoreInputError(f"offset must be at most {MAX_INT64}")


def _check_version(version: int | None) -> None:
    if version is not None and not -MAX_INT64 <= version <= MAX_INT64:
        raise StoreInputError(f"version must be at most {MAX_INT64}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _audit_id(value: str | None) -> str | None:
    """An id as the audit log keeps it: no control characters, at most ID_LENGTH long."""
    if value is None:
        return None
    cleaned = _CONTROL.sub("?", value)[:ID_LENGTH]
    return cleaned.encode("utf-8", "replace").decode("utf-8")


def _storable_id(value: str) -> bool:
    if not value or len(value) > ID_LENGTH or _CONTROL.search(value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def _check_case_id(case_id: str) -> None:
    """Ids the database could not compare or store are refused up front (an API may pass any
    path segment here)."""
    if not _storable_id(case_id):
        raise StoreInputError(
            f"a case id is 1-{ID_LENGTH} characters of text without control characters"
        )


def _check_case(case: Case) -> None:
    _check_case_id(case.case_id)
    if not _storable_id(case.patient.id):
        raise StoreInputError(
            f"a patient id is 1-{ID_LENGTH} characters of text without control characters"
        )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class _Operation:
    """One audited operation in progress: the body fills in version, outcome and detail."""

    session: Session
    actor: str
    action: str
    target_type: str | None
    target_id: str | None
    version: int | None = None
    outcome: str = "ok"
    detail: str | None = None
    audited: bool = True
    at: dt.datetime = field(default_factory=_now)

    def audit_row(self) -> AuditRow:
        return AuditRow(
            at=self.at,
            actor=self.actor,
            action=self.action,
            target_type=self.target_type,
            target_id=_audit_id(self.target_id),
            version=self.version,
            outcome=self.outcome,
            detail=self.detail,
        )


_REFUSALS: tuple[tuple[type[StoreError], str], ...] = (
    (NotFound, "not_found"),
    (VersionConflict, "conflict"),
    (AlreadyExists, "exists"),
    (StoreInputError, "rejected"),
)


class RegistryBase:
    """Opening, closing and the transaction plumbing; `Registry` adds the operations."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self._engine = engine
        self._reader = engine.execution_options(**{READ_ONLY: True})  # same pool, deferred BEGIN
        self._url = url
        self._secrets: dict[str, bytes] = {}

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, url: str | URL | os.PathLike[str] | None = None, *, migrate_schema: bool = True
    ) -> Self:
        """Connect and bring the schema to the latest migration.

        url: `sqlite:///path`, a plain path or Path (SQLite), `postgresql://user@host/db`, or
        None for $OLIGOGUIDE_DB, else `registry.sqlite3` in the user's data directory.
        """
        resolved = resolve_url(url)
        engine = make_engine(resolved)
        try:
            if migrate_schema:
                migrate.upgrade(engine)
            _check_writable(engine)
        except StoreError:
            engine.dispose()
            raise
        except SQLAlchemyError as error:
            engine.dispose()
            raise unavailable(error, resolved) from None
        return cls(engine, resolved)

    @property
    def url(self) -> str:
        """The database URL with any password masked."""
        return display_url(self._url)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, read_only: bool = False) -> Iterator[Session]:
        """A session in one transaction. `read_only`: for transactions that never write (on
        SQLite a deferred BEGIN, which in WAL mode does not queue for the write lock)."""
        bind = self._reader if read_only else self._engine
        try:
            with Session(bind, expire_on_commit=False) as session, session.begin():
                yield session
        except StoreError:
            raise
        except IntegrityError:
            raise StoreError(
                "the registry refused an inconsistent write; nothing was written"
            ) from None
        except SQLAlchemyError as error:
            failure = unavailable(error, self._url)
            log.debug("registry operation failed: %s", failure.reason)
            raise failure from None

    def _read_row(self, statement: Executable, parameters: dict[str, Any]) -> Row[Any] | None:
        """At most one row of a read-only query, on a connection rather than an ORM session:
        the token check runs on every request, and a session costs about three times the query
        (in process, SQLite: 250 vs 75 microseconds)."""
        try:
            with self._reader.connect() as connection:
                return connection.execute(statement, parameters).one_or_none()
        except SQLAlchemyError as error:
            failure = unavailable(error, self._url)
            log.debug("registry read failed: %s", failure.reason)
            raise failure from None

    @contextmanager
    def _operation(
        self,
        actor: str,
        action: str,
        target_type: str | None = None,
        target_id: str | None = None,
        version: int | None = None,
    ) -> Iterator[_Operation]:
        actor = _check_actor(actor)
        _check_version(version)
        try:
            with self._transaction() as session:
                operation = _Operation(session, actor, action, target_type, target_id, version)
                yield operation
                if operation.audited:
                    session.add(operation.audit_row())
        except StoreUnavailable:
            raise
        except StoreError as error:
            outcome = next((o for kind, o in _REFUSALS if isinstance(error, kind)), "error")
            self._audit_refusal(actor, action, target_type, target_id, version, outcome)
            raise

    def _audit_refusal(
        self,
        actor: str,
        action: str,
        target_type: str | None,
        target_id: str | None,
        version: int | None,
        outcome: str,
    ) -> None:
        """Audit a refused operation in its own transaction, after the rollback."""
        with self._transaction() as session:
            session.add(
                AuditRow(
                    at=_now(),
                    actor=actor,
                    action=action,
                    target_type=target_type,
                    target_id=_audit_id(target_id),
                    version=version,
                    outcome=outcome,
                )
            )

    @staticmethod
    def _case_row(session: Session, case_id: str, *, lock: bool = False) -> CaseRow:
        _check_case_id(case_id)
        statement = select(CaseRow).where(CaseRow.case_id == case_id)
        if lock:
            statement = statement.with_for_update()
        row = session.execute(statement).scalar_one_or_none()
        if row is None:
            raise CaseNotFound(case_id)
        return row

    @staticmethod
    def _version_row(session: Session, case_id: str, version: int) -> CaseVersionRow:
        row = session.get(CaseVersionRow, (case_id, version))
        if row is None:
            raise CaseNotFound(case_id, version)
        return row

    @staticmethod
    def _record(row: CaseVersionRow, latest_version: int) -> CaseRecord:
        where = f"version {row.version} of case {row.case_id!r}"
        if sha256_hex(row.document) != row.content_hash:
            raise StoreError(f"stored {where} fails its integrity check (content hash mismatch)")
        try:
            case = case_from_data(json.loads(row.document), stored=True)
        except CaseInputError as error:
            pointer = error.issues[0].pointer if error.issues else ""
            raise StoreError(
                f"stored {where} is no longer a valid case (at {pointer or '/'})"
            ) from None
        return CaseRecord(
            case_id=row.case_id,
            version=row.version,
            case=case,
            content_hash=row.content_hash,
            created_at=row.created_at,
            created_by=row.created_by,
            latest_version=latest_version,
        )
