"""The case registry seen from the service: token checks and error statuses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from oligoguide.service.auth import Caller, Role
from oligoguide.service.problems import problem_response
from oligoguide.store import (
    AlreadyExists,
    NotFound,
    Registry,
    StoreError,
    StoreInputError,
    StoreUnavailable,
    VersionConflict,
)


class RegistryTokens:
    """TokenChecker over the registry's hashed API tokens."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def caller_for(self, token: str) -> Caller | None:
        principal = self.registry.authenticate(token)
        if principal is None:
            return None
        return Caller(name=principal.name, role=Role[principal.role.name])

    def any_tokens(self) -> bool:
        """Asked on every request (local mode or not); unaudited, unlike `list_tokens`."""
        return self.registry.has_active_token()


_STATUS: tuple[tuple[type[StoreError], int, str], ...] = (
    (NotFound, 404, "Not found"),
    (AlreadyExists, 409, "Already exists"),
    (VersionConflict, 409, "Version conflict"),
    (StoreInputError, 400, "Invalid request"),
    (StoreUnavailable, 503, "Registry unavailable"),
)


def _store_error(_: Request, exc: Exception) -> JSONResponse:
    for kind, status, title in _STATUS:
        if isinstance(exc, kind):
            return problem_response(status, title, str(exc))
    return problem_response(500, "Registry error", str(exc))


def install(app: FastAPI) -> None:
    app.add_exception_handler(StoreError, _store_error)
