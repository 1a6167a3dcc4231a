"""The case registry: versioned cases, assessments, the audit log and API tokens.

Every public method is one database transaction that also appends its audit entry, so a write
and its audit line are stored together or not at all. Refused operations (unknown case, version
conflict, taken id) roll back and are then audited on their own with their outcome. When the
database itself fails (read-only, disk full) nothing is written and StoreUnavailable says why.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, Self

from sqlalchemy import Engine, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from oligoguide.model.case import Case
from oligoguide.model.errors import CaseInputError
from oligoguide.model.io import case_from_data
from oligoguide.model.vocab import DiseaseState
from oligoguide.store import migrate
from oligoguide.store.engine import display_url, make_engine, resolve_url, unavailable
from oligoguide.store.errors import (
    AlreadyExists,
    CaseNotFound,
    NotFound,
    StoreError,
    StoreInputError,
    StoreUnavailable,
    TokenNotFound,
    VersionConflict,
)
from oligoguide.store.hashing import (
    TOKEN_PREFIX,
    canonical_case_json,
    canonical_json,
    new_token,
    sha256_hex,
    token_hash,
)
from oligoguide.store.records import (
    AssessmentRecord,
    AuditEntry,
    CasePage,
    CaseRecord,
    CaseSummary,
    CaseVersionInfo,
    Principal,
    Role,
    TokenInfo,
)
from oligoguide.store.schema import (
    ID_LENGTH,
    AssessmentRow,
    AuditRow,
    CaseRow,
    CaseVersionRow,
    SecretRow,
    TokenRow,
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


class Registry:
    """The case registry. Open it with `Registry.open(url)`; it is safe to share across threads.

    `actor` arguments name who acts (for the API, the token's name); they go to the audit log.
    """

    def __init__(self, engine: Engine, url: URL) -> None:
        self._engine = engine
        self._url = url
        self._secrets: dict[str, bytes] = {}

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, url: str | URL | os.PathLike[str] | None = None, *, migrate_schema: bool = True
    ) -> Registry:
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
    def _transaction(self) -> Iterator[Session]:
        try:
            with Session(self._engine, expire_on_commit=False) as session, session.begin():
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

    # -- cases ---------------------------------------------------------------------------------

    def create_case(self, case: Case, actor: str) -> CaseRecord:
        """Store a new case as version 1. AlreadyExists if its case_id is taken."""
        document = canonical_case_json(case)
        with self._operation(actor, "create_case", "case", case.case_id, 1) as op:
            _check_case(case)
            session = op.session
            if session.get(CaseRow, case.case_id) is not None:
                raise AlreadyExists(
                    f"case {case.case_id!r} already exists: update it to add a version"
                )
            now = op.at
            session.add(
                CaseRow(
                    case_id=case.case_id,
                    patient_id=case.patient.id,
                    primary_site=case.cancer.primary_site.value,
                    latest_version=1,
                    created_at=now,
                    created_by=op.actor,
                    updated_at=now,
                    updated_by=op.actor,
                )
            )
            row = CaseVersionRow(
                case_id=case.case_id,
                version=1,
                document=document,
                content_hash=sha256_hex(document),
                created_at=now,
                created_by=op.actor,
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:  # created concurrently by another writer
                raise AlreadyExists(f"case {case.case_id!r} already exists") from None
            return self._record(row, 1)

    def update_case(
        self, case_id: str, case: Case, actor: str, expected_version: int | None = None
    ) -> CaseRecord:
        """Store an edit as a new version; earlier versions stay as they were.

        expected_version: the version the edit was based on; if another version was saved since,
        VersionConflict (nothing is written). None skips the check (last writer wins, but still
        nothing is overwritten). Content identical to the latest version adds no version and
        returns the latest one.
        """
        document = canonical_case_json(case)
        content_hash = sha256_hex(document)
        with self._operation(actor, "update_case", "case", case_id) as op:
            if case.case_id != case_id:
                raise StoreInputError(
                    f"the case's case_id {case.case_id!r} does not match the case {case_id!r} "
                    "being updated"
                )
            _check_case(case)
            session = op.session
            head = self._case_row(session, case_id, lock=True)
            if expected_version is not None and expected_version != head.latest_version:
                raise VersionConflict(case_id, expected_version, head.latest_version)
            latest = self._version_row(session, case_id, head.latest_version)
            if latest.content_hash == content_hash:
                op.version = latest.version
                op.outcome = "unchanged"
                return self._record(latest, latest.version)
            version = head.latest_version + 1
            row = CaseVersionRow(
                case_id=case_id,
                version=version,
                document=document,
                content_hash=content_hash,
                created_at=op.at,
                created_by=op.actor,
            )
            session.add(row)
            head.latest_version = version
            head.patient_id = case.patient.id
            head.primary_site = case.cancer.primary_site.value
            head.updated_at = op.at
            head.updated_by = op.actor
            op.version = version
            return self._record(row, version)

    def get_case(self, case_id: str, actor: str, version: int | None = None) -> CaseRecord:
        """The latest version of a case, or the version asked for. CaseNotFound otherwise."""
        with self._operation(actor, "read_case", "case", case_id, version) as op:
            head = self._case_row(op.session, case_id)
            wanted = head.latest_version if version is None else version
            row = self._version_row(op.session, case_id, wanted)
            op.version = row.version
            return self._record(row, head.latest_version)

    def case_versions(self, case_id: str, actor: str) -> list[CaseVersionInfo]:
        """Every version of a case, oldest first, without content."""
        with self._operation(actor, "read_versions", "case", case_id) as op:
            self._case_row(op.session, case_id)
            rows = op.session.execute(
                select(CaseVersionRow)
                .where(CaseVersionRow.case_id == case_id)
                .order_by(CaseVersionRow.version)
            ).scalars()
            versions = [
                CaseVersionInfo(
                    case_id=r.case_id,
                    version=r.version,
                    content_hash=r.content_hash,
                    created_at=r.created_at,
                    created_by=r.created_by,
                )
                for r in rows
            ]
            op.detail = f"versions={len(versions)}"
            return versions

    def list_cases(
        self,
        actor: str,
        query: str | None = None,
        state: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> CasePage:
        """Cases, most recently updated first, with the latest disease-state badge.

        query: case-insensitive substring of the case id, patient id or primary site.
        state: only cases whose badge is this disease state (a DiseaseState value).
        The audit entry records which filters were used, never the search text.
        """
        conditions = []
        if query is not None and query.strip():
            cleaned = _audit_id(_CONTROL.sub("", query.strip().lower())) or ""
            pattern = f"%{_escape_like(cleaned)}%"
            conditions.append(
                or_(
                    func.lower(CaseRow.case_id).like(pattern, escape="\\"),
                    func.lower(CaseRow.patient_id).like(pattern, escape="\\"),
                    func.lower(CaseRow.primary_site).like(pattern, escape="\\"),
                )
            )
        if state is not None:
            conditions.append(CaseRow.latest_state == state)
        with self._operation(actor, "list_cases", "case") as op:
            _check_page(limit, offset)
            if state is not None and state not in {s.value for s in DiseaseState}:
                raise StoreInputError(f"unknown disease state {state!r}")
            total = op.session.execute(
                select(func.count()).select_from(CaseRow).where(*conditions)
            ).scalar_one()
            rows = op.session.execute(
                select(CaseRow)
                .where(*conditions)
                .order_by(CaseRow.updated_at.desc(), CaseRow.case_id)
                .limit(limit)
                .offset(offset)
            ).scalars()
            items = tuple(
                CaseSummary(
                    case_id=r.case_id,
                    patient_id=r.patient_id,
                    primary_site=r.primary_site,
                    latest_version=r.latest_version,
                    created_at=r.created_at,
                    updated_at=r.updated_at,
                    updated_by=r.updated_by,
                    disease_state=r.latest_state,
                    assessed_version=r.latest_state_version,
                    kb_version=r.latest_kb_version,
                    assessed_at=r.latest_assessed_at,
                )
                for r in rows
            )
            filters = [
                name for name, used in (("query", query), ("state", state)) if used is not None
            ]
            op.detail = (
                f"results={len(items)} total={total}"
                + (f" state={state}" if state else "")
                + (f" filters={','.join(filters)}" if filters else "")
            )
            return CasePage(items=items, total=total, limit=limit, offset=offset)

    # -- assessments ---------------------------------------------------------------------------

    def save_assessment(
        self, case_id: str, version: int | None, assessment: AssessmentLike, actor: str
    ) -> AssessmentRecord:
        """Store an assessment of a version of a case (None: the latest version).

        The input hash is the content hash of that version; the case's badge moves to this
        disease state unless a higher version was already assessed.
        """
        document = canonical_json(assessment.model_dump(mode="json"))
        state = DiseaseState(assessment.disease_state).value
        with self._operation(actor, "save_assessment", "case", case_id, version) as op:
            if assessment.case_id != case_id:
                raise StoreInputError(
                    f"the assessment is of case {assessment.case_id!r}, not {case_id!r}"
                )
            session = op.session
            head = self._case_row(session, case_id, lock=True)
            version = head.latest_version if version is None else version
            op.version = version
            case_version = self._version_row(session, case_id, version)
            row = AssessmentRow(
                case_id=case_id,
                version=version,
                kb_version=assessment.kb_version,
                input_hash=case_version.content_hash,
                disease_state=state,
                document=document,
                created_at=op.at,
                created_by=op.actor,
            )
            session.add(row)
            session.flush()
            if head.latest_state_version is None or version >= head.latest_state_version:
                head.latest_state = state
                head.latest_state_version = version
                head.latest_kb_version = assessment.kb_version
                head.latest_assessed_at = op.at
            op.detail = f"assessment={row.id} kb={assessment.kb_version}"[:200]
            return self._assessment_record(row)

    @staticmethod
    def _assessment_record(row: AssessmentRow) -> AssessmentRecord:
        return AssessmentRecord(
            id=row.id,
            case_id=row.case_id,
            version=row.version,
            kb_version=row.kb_version,
            input_hash=row.input_hash,
            disease_state=row.disease_state,
            created_at=row.created_at,
            created_by=row.created_by,
            data=json.loads(row.document),
        )

    def assessments(
        self, case_id: str, actor: str, version: int | None = None
    ) -> list[AssessmentRecord]:
        """The saved assessments of a case (or of one version of it), newest first."""
        with self._operation(actor, "read_assessments", "case", case_id, version) as op:
            self._case_row(op.session, case_id)
            statement = select(AssessmentRow).where(AssessmentRow.case_id == case_id)
            if version is not None:
                statement = statement.where(AssessmentRow.version == version)
            rows = op.session.execute(statement.order_by(AssessmentRow.id.desc())).scalars()
            records = [self._assessment_record(r) for r in rows]
            op.detail = f"results={len(records)}"
            return records

    # -- audit ---------------------------------------------------------------------------------

    def record_event(
        self,
        actor: str,
        action: str,
        target_type: str,
        target_id: str,
        detail: str | None = None,
    ) -> None:
        """Append an event that is not a case write (e.g. CDS Hooks card feedback) to the log.

        `detail` is free text for codes and counts only; never put patient data in it.
        """
        if not action.strip() or len(action) > 64:
            raise StoreInputError("an event action must be 1-64 characters")
        with self._operation(actor, action, target_type, target_id) as op:
            op.detail = None if detail is None else detail[:200]

    def audit_log(
        self,
        actor: str,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        by: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """Audit entries, newest first; filter by target or by who acted. This read is audited."""
        _check_page(limit, offset)
        statement = select(AuditRow)
        if target_type is not None:
            statement = statement.where(AuditRow.target_type == target_type)
        if target_id is not None:
            statement = statement.where(AuditRow.target_id == target_id)
        if by is not None:
            statement = statement.where(AuditRow.actor == by)
        statement = statement.order_by(AuditRow.id.desc()).limit(limit).offset(offset)
        with self._operation(actor, "read_audit", target_type, target_id) as op:
            entries = [
                AuditEntry(
                    id=r.id,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    target_type=r.target_type,
                    target_id=r.target_id,
                    version=r.version,
                    outcome=r.outcome,
                    detail=r.detail,
                )
                for r in op.session.execute(statement).scalars()
            ]
            op.detail = f"results={len(entries)}"
            return entries

    # -- API tokens ----------------------------------------------------------------------------

    def create_token(self, name: str, role: Role | str, *, actor: str = "system") -> str:
        """Create an API token and return its secret: the only time it is ever available.

        Only the sha256 of the secret is stored. Names are unique for good (a revoked name is
        not reused), so the audit log's actor names stay unambiguous.
        """
        if not _TOKEN_NAME.match(name):
            raise StoreInputError(
                "a token name is 1-100 letters, digits or . _ @ - and starts with a letter or digit"
            )
        try:
            parsed = Role(role)
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise StoreInputError(f"unknown role {role!r}: use one of {known}") from None
        secret = new_token()
        with self._operation(actor, "create_token", "token", name) as op:
            if op.session.execute(select(TokenRow.id).where(TokenRow.name == name)).first():
                raise AlreadyExists(f"a token named {name!r} exists (names are never reused)")
            op.session.add(
                TokenRow(
                    name=name,
                    role=parsed.value,
                    token_hash=token_hash(secret),
                    created_at=op.at,
                    created_by=op.actor,
                )
            )
            try:
                op.session.flush()
            except IntegrityError:
                raise AlreadyExists(f"a token named {name!r} exists") from None
            op.detail = f"role={parsed.value}"
        return secret

    def authenticate(self, token: str) -> Principal | None:
        """The principal of an active token, or None (unknown, malformed or revoked).

        Refusals are audited (actor 'anonymous', or the token's name when it was revoked);
        successes are not, since the request's own audit entry names the principal.
        """
        well_formed = (
            isinstance(token, str)
            and token.startswith(TOKEN_PREFIX)
            and len(token) <= _MAX_TOKEN_LENGTH
        )
        with self._operation(ANONYMOUS, "authenticate", "token") as op:
            row = None
            if well_formed:
                row = op.session.execute(
                    select(TokenRow).where(TokenRow.token_hash == token_hash(token))
                ).scalar_one_or_none()
            if row is None:
                op.outcome = "denied"
                op.detail = "unknown token" if well_formed else "malformed token"
                return None
            if row.revoked_at is not None:
                op.outcome = "denied"
                op.target_id = row.name
                op.detail = "revoked token"
                return None
            if row.last_used_at is None or op.at - row.last_used_at >= TOKEN_USE_RESOLUTION:
                row.last_used_at = op.at
            op.audited = False
            return Principal(name=row.name, role=Role(row.role))

    def revoke_token(self, name: str, *, actor: str = "system") -> None:
        """Revoke a token for good. TokenNotFound if there is none of that name."""
        with self._operation(actor, "revoke_token", "token", name) as op:
            row = op.session.execute(
                select(TokenRow).where(TokenRow.name == name).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                raise TokenNotFound(name)
            if row.revoked_at is not None:
                op.outcome = "unchanged"
                return
            row.revoked_at = op.at
            row.revoked_by = op.actor

    def list_tokens(self, *, actor: str = "system") -> list[TokenInfo]:
        """Every token (active and revoked), oldest first, without secrets or hashes."""
        with self._operation(actor, "list_tokens", "token") as op:
            rows = op.session.execute(select(TokenRow).order_by(TokenRow.id)).scalars()
            tokens = [
                TokenInfo(
                    name=r.name,
                    role=Role(r.role),
                    created_at=r.created_at,
                    created_by=r.created_by,
                    last_used_at=r.last_used_at,
                    revoked_at=r.revoked_at,
                )
                for r in rows
            ]
            op.detail = f"results={len(tokens)}"
            return tokens

    def has_active_token(self) -> bool:
        """Whether any token is active: the service asks on each request to know whether it
        runs in local mode. Not audited: it names no token and reads no clinical data, and one
        audit row per request would bury the entries that matter (writes, reads of cases,
        token changes, refused authentications)."""
        with self._transaction() as session:
            found = session.execute(
                select(TokenRow.id).where(TokenRow.revoked_at.is_(None)).limit(1)
            ).first()
        return found is not None

    # -- deployment secrets --------------------------------------------------------------------

    def case_key_secret(self) -> bytes:
        """The secret of pseudonymous FHIR case ids (`oligoguide.fhir.case_key`).

        Made (32 random bytes) the first time any process asks, then the same for every
        process and restart on this database, so a re-sent patient maps to the same case.
        """
        found = self._secrets.get(CASE_KEY_SECRET)
        if found is None:
            found = self._secrets[CASE_KEY_SECRET] = self._deployment_secret(CASE_KEY_SECRET)
        return found

    def _deployment_secret(self, name: str) -> bytes:
        insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        with self._operation(SYSTEM, "create_secret", "secret", name) as op:
            made = op.session.execute(
                insert(SecretRow)
                .values(name=name, value=secrets.token_hex(SECRET_BYTES), created_at=op.at)
                .on_conflict_do_nothing(index_elements=["name"])  # made before, or by a rival
                .returning(SecretRow.name)
            ).first()
            op.audited = made is not None  # audit the creation only
            value = op.session.execute(
                select(SecretRow.value).where(SecretRow.name == name)
            ).scalar_one()
        return bytes.fromhex(value)

    # -- maintenance ---------------------------------------------------------------------------

    def integrity_check(self, actor: str) -> list[str]:
        """Problems found (empty: healthy): SQLite's own checks, foreign keys, every version's
        content hash, and contiguous versions ending at each case's latest_version."""
        problems: list[str] = []
        with self._operation(actor, "integrity_check") as op:
            session = op.session
            if self.dialect == "sqlite":
                result = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
                if result != ["ok"]:
                    problems.extend(f"sqlite: {line}" for line in result)
                problems.extend(
                    f"foreign key: {r[0]} row {r[1]} -> {r[2]}"
                    for r in session.execute(text("PRAGMA foreign_key_check"))
                )
            versions: dict[str, list[int]] = {}
            for row in session.execute(select(CaseVersionRow)).scalars():
                versions.setdefault(row.case_id, []).append(row.version)
                if sha256_hex(row.document) != row.content_hash:
                    problems.append(f"case {row.case_id!r} version {row.version}: hash mismatch")
            for head in session.execute(select(CaseRow)).scalars():
                found = sorted(versions.get(head.case_id, []))
                if found != list(range(1, head.latest_version + 1)):
                    problems.append(
                        f"case {head.case_id!r}: versions {found} but latest is "
                        f"{head.latest_version}"
                    )
            op.detail = f"problems={len(problems)}"
        return problems
