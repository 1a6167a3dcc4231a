"""Case registry: versioned cases, assessments, an append-only audit log and API tokens.

SQLite (WAL) in the user's data directory by default, PostgreSQL by URL; the schema is managed
by the Alembic migrations shipped in `migrations/` and applied by `Registry.open`. `Registry`
is the whole public API; see docs/store.md.

Exception hierarchy::

    OligoguideError
    └── StoreError
        ├── StoreInputError
        ├── NotFound
        │   ├── CaseNotFound
        │   └── TokenNotFound
        ├── AlreadyExists
        ├── VersionConflict
        └── StoreUnavailable   (.reason: read_only, disk_full, locked, unreachable, schema, other)
"""

from oligoguide.store.engine import DB_ENV, default_sqlite_path, resolve_url
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
from oligoguide.store.hashing import canonical_case_json, case_hash
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
from oligoguide.store.registry import AssessmentLike, Registry, cli_actor

__all__ = [
    "DB_ENV",
    "AlreadyExists",
    "AssessmentLike",
    "AssessmentRecord",
    "AuditEntry",
    "CaseNotFound",
    "CasePage",
    "CaseRecord",
    "CaseSummary",
    "CaseVersionInfo",
    "NotFound",
    "Principal",
    "Registry",
    "Role",
    "StoreError",
    "StoreInputError",
    "StoreUnavailable",
    "TokenInfo",
    "TokenNotFound",
    "VersionConflict",
    "canonical_case_json",
    "case_hash",
    "cli_actor",
    "default_sqlite_path",
    "resolve_url",
]
