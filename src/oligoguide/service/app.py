"""The FastAPI application: REST API, CDS Hooks and (later) the web UI, over the one core."""

from __future__ import annotations

import gc
import importlib.util

from fastapi import FastAPI

from oligoguide.knowledge import default_knowledge_base
from oligoguide.service import problems
from oligoguide.service.auth import TokenChecker
from oligoguide.service.cds_jwt import JwksCache
from oligoguide.service.compute_lane import ComputeLane
from oligoguide.service.middleware import LoopbackHostOnly, RateLimit, SecurityHeaders
from oligoguide.service.routes import cds, compute, dicom_sr, health
from oligoguide.service.settings import Settings
from oligoguide.service.state import ServiceState
from oligoguide.service.upload_limit import RouteBodyLimit


class StartupRefusedError(RuntimeError):
    """The configuration is unsafe; the message says what to change."""


def freeze_start_up_heap() -> None:
    """Put every object alive once the app is built (modules, knowledge base, app, about 160,000
    objects) out of the cyclic garbage collector's reach, for a serving process only.

    Otherwise each full collection walks them all again: under load they came every few seconds
    (survivors of the requests in flight fill the oldest generation) and paused the process
    75-116 ms each, the main cause of p99 at 80 % of the maximum (docs/reliability.md). Frozen
    objects are still freed by reference counting; one that later becomes part of a garbage
    cycle is never reclaimed (bounded by the start-up heap). Collects first so no garbage is
    frozen."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings, tokens: TokenChecker, registry: object = None) -> FastAPI:
    """Build the app. Refuses a non-loopback bind when no token exists (no anonymous network)."""
    kb = default_knowledge_base()  # fails start-up on an invalid knowledge base
    if not settings.loopback and not tokens.any_tokens():
        raise StartupRefusedError(
            f"refusing to listen on {settings.host} without authentication: create a token "
            "with `oligoguide token create --role admin --name ...` first"
        )
    app = FastAPI(
        title="oligoguide",
        version=kb.version,
        description="Decision support for oligoprogression: RECIST 1.1, disease state, cited "
        "plans, dose, FHIR/mCODE and CDS Hooks. Supports, does not replace, clinical judgement.",
    )
    state = ServiceState(
        settings=settings,
        tokens=tokens,
        registry=registry,
        jwks=JwksCache(settings.cds_issuers),
        compute=ComputeLane(settings.compute_threads),
    )
    app.state.oligoguide = state
    problems.install(app)
    # The last added runs first: Host check, body limit, rate limit, security headers.
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        RateLimit,
        per_minute=settings.rate_limit_per_minute,
        auth_failures_per_minute=settings.auth_failure_limit_per_minute,
        trusted_proxies=settings.trusted_proxy_networks(),
    )
    app.add_middleware(  # the DICOM upload routes take max_upload_bytes (upload_limit.py)
        RouteBodyLimit,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(LoopbackHostOnly, local_mode=lambda: state.local_mode)
    app.include_router(health.router)
    app.include_router(compute.router)
    app.include_router(dicom_sr.router)
    if importlib.util.find_spec("pydicom") is not None:  # the `dicom` extra: RT plan check
        from oligoguide.service.routes import dicom_rt

        app.include_router(dicom_rt.router)
    app.include_router(cds.router)
    if registry is not None:
        from oligoguide.service import registry_adapter, ui
        from oligoguide.service.routes import cases

        registry_adapter.install(app)
        app.include_router(cases.router)
        ui.install(app)  # the web UI under /ui; GET / redirects there
    return app
