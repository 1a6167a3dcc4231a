"""What the registry returns: frozen, typed values with no database session behind them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from oligoguide.model.case import Case


class Role(StrEnum):
    """What an API token may do. Readers read; clinicians also write cases and assessments;
    admins also manage tokens and read the audit log."""

    CLINICIAN = "clinician"
    READER = "reader"
    ADMIN = "admin"

    @property
    def can_write_cases(self) -> bool:
        return self in (Role.CLINICIAN, Role.ADMIN)

    @property
    def can_administer(self) -> bool:
        return self is Role.ADMIN


@dataclass(frozen=True)
class Principal:
    """Who an API token belongs to. `name` is the actor written to the audit log."""

    name: str
    role: Role

    @property
    def can_write_cases(self) -> bool:
        return self.role.can_write_cases

    @property
    def can_administer(self) -> bool:
        return self.role.can_administer


@dataclass(frozen=True)
class TokenInfo:
    """An API token without its secret (the registry keeps only its hash)."""

    name: str
    role: Role
    created_at: dt.datetime
    created_by: str
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class CaseRecord:
    """One stored version of a case. `content_hash` is the sha256 of its canonical JSON."""

    case_id: str
    version: int
    case: Case
    content_hash: str
    created_at: dt.datetime
    created_by: str
    latest_version: int

    @property
    def is_latest(self) -> bool:
        return self.version == self.latest_version


@dataclass(frozen=True)
class CaseVersionInfo:
    """A version of a case without its content (fetch it with `get_case(..., version=n)`)."""

    case_id: str
    version: int
    content_hash: str
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True)
class CaseSummary:
    """A row of the case list, with the badge of the latest assessment.

    `disease_state` comes from the newest assessment of the highest assessed version;
    `assessed_version` says which version that was (None: never assessed), so a badge is stale
    when `assessed_version < latest_version`.
    """

    case_id: str
    patient_id: str
    primary_site: str
    latest_version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    disease_state: str | None
    assessed_version: int | None
    kb_version: str | None
    assessed_at: dt.datetime | None

    @property
    def assessment_stale(self) -> bool:
        return self.assessed_version is not None and self.assessed_version < self.latest_version


@dataclass(frozen=True)
class CasePage:
    """One page of the case list; iterating it yields the summaries, `total` counts all matches."""

    items: tuple[CaseSummary, ...]
    total: int
    limit: int
    offset: int

    def __iter__(self) -> Iterator[CaseSummary]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class AssessmentRecord:
    """A stored assessment: its JSON (`data`, the Assessment contract) and what it was made from.

    `input_hash` is the content hash of the case version assessed, `kb_version` the knowledge
    base it used. Rebuild the model with `Assessment.model_validate(record.data)`.
    """

    id: int
    case_id: str
    version: int
    kb_version: str
    input_hash: str
    disease_state: str
    created_at: dt.datetime
    created_by: str
    data: dict[str, Any]


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log: who did what to which id, when, and the outcome.

    `detail` holds versions, counts or filter names; never patient data or search text.
    """

    id: int
    at: dt.datetime
    actor: str
    action: str
    target_type: str | None
    target_id: str | None
    version: int | None
    outcome: str
    detail: str | None
