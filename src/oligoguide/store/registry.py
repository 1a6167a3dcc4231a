"""The case registry: versioned cases, assessments, the audit log and API tokens.

Every public method is one database transaction that also appends its audit entry, so a write
and its audit line are stored together or not at all. Refused operations (unknown case, version
conflict, taken id) roll back and are then audited on their own with their outcome. When the
database itself fails (read-only, disk full) nothing is written and StoreUnavailable says why.
"""

from __future__ import annotations

from sqlalchemy import select, text

from oligoguide.store.errors import (
    StoreInputError,
)
from oligoguide.store.hashing import (
    sha256_hex,
)
from oligoguide.store.records import (
    AuditEntry,
)
from oligoguide.store.registry_base import (
    AssessmentLike,
    _check_page,
    _Operation,
    cli_actor,
)
from oligoguide.store.registry_cases import CasesPart
from oligoguide.store.registry_tokens import TokensPart
from oligoguide.store.schema import (
    AuditRow,
    CaseRow,
    CaseVersionRow,
)

# Split along its seams (issue 23): registry_base.py (checks, opening, transactions),
# registry_cases.py (cases, assessments), registry_tokens.py (tokens, secrets); the audit log and
# maintenance stay here. The names below stay importable from here as before.
__all__ = ["AssessmentLike", "Registry", "_Operation", "cli_actor"]


class Registry(CasesPart, TokensPart):
    """The case registry. Open it with `Registry.open(url)`; it is safe to share across threads.

    `actor` arguments name who acts (for the API, the token's name); they go to the audit log.
    """

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
