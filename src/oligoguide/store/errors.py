"""Errors of the case registry.

Exception hierarchy::

    OligoguideError
    └── StoreError                 the registry refused or could not do what was asked
        ├── StoreInputError        a bad argument (empty actor, unknown role, mismatched case id)
        ├── NotFound
        │   ├── CaseNotFound       no such case, or no such version of it
        │   └── TokenNotFound      no API token of that name
        ├── AlreadyExists          the case id or token name is taken
        ├── VersionConflict        expected_version is not the latest version any more
        └── StoreUnavailable       the database cannot be used: read-only, disk full, locked,
                                   unreachable, or its schema is newer than this program

Messages name ids and versions only, never patient data, so they are safe to log and to return
in an API problem body. A failed write leaves the registry as it was (one transaction per call).
"""

from __future__ import annotations

from typing import Literal

from oligoguide.model.errors import OligoguideError

UnavailableReason = Literal["read_only", "disk_full", "locked", "unreachable", "schema", "other"]


class StoreError(OligoguideError):
    """Base of every error the registry raises on purpose."""


class StoreInputError(StoreError):
    """An argument the registry cannot accept."""


class NotFound(StoreError):  # noqa: N818 (the registry's API names)
    """Base of the not-found errors."""


class CaseNotFound(NotFound):
    def __init__(self, case_id: str, version: int | None = None) -> None:
        self.case_id = case_id
        self.version = version
        what = f"case {case_id!r}" if version is None else f"version {version} of case {case_id!r}"
        super().__init__(f"{what} not found")


class TokenNotFound(NotFound):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no API token named {name!r}")


class AlreadyExists(StoreError):  # noqa: N818 (the registry's API names)
    """The case id or the token name is already taken."""


class VersionConflict(StoreError):  # noqa: N818 (the registry's API names)
    """Optimistic concurrency: somebody saved a newer version since the caller read it."""

    def __init__(self, case_id: str, expected: int, latest: int) -> None:
        self.case_id = case_id
        self.expected = expected
        self.latest = latest
        super().__init__(
            f"case {case_id!r} is at version {latest}, not {expected}: "
            "reload the latest version and apply the edit again"
        )


class StoreUnavailable(StoreError):  # noqa: N818 (the registry's API names)
    """The database cannot be used as it is; `reason` says why in one word."""

    def __init__(self, reason: UnavailableReason, message: str) -> None:
        self.reason: UnavailableReason = reason
        super().__init__(message)
