"""What a running service holds: settings, the registry, key caches. One instance per app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Request

from oligoguide.service.auth import Caller, TokenChecker, authenticate
from oligoguide.service.cds_jwt import JwksCache, ReplayCache
from oligoguide.service.compute_lane import ComputeLane
from oligoguide.service.settings import Settings


@dataclass
class ServiceState:
    settings: Settings
    tokens: TokenChecker
    registry: Any  # oligoguide.store.Registry; typed loosely so the compute API runs without it
    jwks: JwksCache
    compute: ComputeLane  # sized by settings.compute_threads (service/app.py)
    replay: ReplayCache = field(default_factory=ReplayCache)
    http: httpx.Client | None = None  # outbound FHIR calls; tests inject a mock transport

    @property
    def local_mode(self) -> bool:
        return self.settings.loopback and not self.tokens.any_tokens()


def service_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.oligoguide
    return state


def current_caller(request: Request) -> Caller:
    state = service_state(request)
    return authenticate(request, state.tokens, lambda: state.local_mode)
