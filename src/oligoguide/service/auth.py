"""Bearer-token authentication and role checks for the REST API.

Roles, from least to most: reader (read and compute), clinician (also write cases),
admin (also manage tokens). With no token issued at all and a loopback bind, the service runs
in local mode: requests act as the local clinician (start-up says so), and only requests
addressed to a loopback name are answered (`middleware.LoopbackHostOnly`, against DNS
rebinding); any other bind refuses to start without tokens (see app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from fastapi import Request

from oligoguide.service.problems import ProblemError


class Role(IntEnum):
    READER = 1
    CLINICIAN = 2
    ADMIN = 3


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role


LOCAL_CALLER = Caller(name="local", role=Role.CLINICIAN)


class TokenChecker(Protocol):
    def caller_for(self, token: str) -> Caller | None: ...
    def any_tokens(self) -> bool: ...


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authenticate(request: Request, checker: TokenChecker, local_mode: Callable[[], bool]) -> Caller:
    """The caller a request's bearer token names; without one, the local clinician in local
    mode. `local_mode` is a registry query: asked only when no token was sent."""
    token = _bearer(request)
    if token is None:
        if local_mode():
            return LOCAL_CALLER
        raise ProblemError(
            401,
            "Authentication required",
            "send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    caller = checker.caller_for(token)
    if caller is None:
        raise ProblemError(
            401,
            "Invalid token",
            "the token is unknown or revoked",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return caller


def require(caller: Caller, role: Role) -> None:
    if caller.role < role:
        raise ProblemError(403, "Forbidden", f"this needs the {role.name.lower()} role")
