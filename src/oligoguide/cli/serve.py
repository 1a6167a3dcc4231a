"""`oligoguide serve`: the REST API, CDS Hooks and web UI on one port."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from oligoguide.cli.errors import fail_on_input_error

if TYPE_CHECKING:
    from oligoguide.service import Settings
    from oligoguide.store import Registry

# The name prefix (not a secret) of the one-time tokens of `serve`, revoked when it stops.
SESSION_TOKEN_PREFIX = "local-session-"  # nosec B105


def serve_command(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    db: Annotated[str | None, typer.Option(help="Database URL (default: SQLite file)")] = None,
    examples: Annotated[Path | None, typer.Option(help="Load these example cases")] = None,
    base_url: Annotated[str | None, typer.Option(help="Public URL for links and JWT aud")] = None,
    cds_issuers: Annotated[
        Path | None, typer.Option(help="JSON list of {iss, jwks_url} allowed to call CDS Hooks")
    ] = None,
    # None: the service's own default (service/settings.py), not a second copy of it here
    rate_limit: Annotated[
        int | None,
        typer.Option(min=1, help="Requests per minute per API token (default: the service's, 600)"),
    ] = None,
    auth_failure_limit: Annotated[
        int | None,
        typer.Option(
            min=1, help="Failed authentications per minute per address (default: the service's, 30)"
        ),
    ] = None,
    max_body_bytes: Annotated[
        int | None,
        typer.Option(
            min=1_000, help="Largest request body in bytes (default: the service's, 2000000)"
        ),
    ] = None,
    max_upload_bytes: Annotated[
        int | None,
        typer.Option(
            min=1_000,
            help="Largest request body of the DICOM upload routes (RT plan check, SR import) in "
            "bytes (default: the service's, 100000000)",
        ),
    ] = None,
    compute_threads: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=32,
            help="Threads the CPU-bound assess and ask computations run in, in turn "
            "(default: the service's, 1; 0: in the event loop; more add contention, not "
            "parallelism)",
        ),
    ] = None,
    trusted_proxies: Annotated[
        str,
        typer.Option(
            envvar="OLIGOGUIDE_TRUSTED_PROXIES",
            help="Comma-separated addresses or networks of reverse proxies whose "
            "X-Forwarded-For is believed (default: none, the header is ignored)",
        ),
    ] = "",
    no_token_local_demo: Annotated[
        bool,
        typer.Option(
            "--no-token-local-demo",
            envvar="OLIGOGUIDE_NO_TOKEN_LOCAL_DEMO",
            help="Only for a purely local demo: with no API token configured, let every loopback "
            "caller act as the local clinician without a token (by default a one-time access "
            "token is printed and required, even on loopback)",
        ),
    ] = False,
) -> None:
    """Start the service; refuses a non-loopback address until a token exists.

    With no API token configured, a one-time clinician token is made, printed (with a sign-in
    URL) and required for every request, loopback included; it is revoked when serve stops."""
    import uvicorn
    from pydantic import ValidationError

    from oligoguide.service import Settings, StartupRefusedError
    from oligoguide.service.app import freeze_start_up_heap
    from oligoguide.service.launch import build_app

    issuers = json.loads(cds_issuers.read_text()) if cds_issuers else []
    try:
        settings = Settings(
            host=host,
            port=port,
            db_url=db,
            examples_dir=examples,
            base_url=base_url,
            cds_issuers=issuers,
            trusted_proxies=trusted_proxies,
            **limits(rate_limit, auth_failure_limit, max_body_bytes, max_upload_bytes),
            **({} if compute_threads is None else {"compute_threads": compute_threads}),
        )
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        typer.echo(f"error: {where}: {first['msg']}", err=True)
        raise typer.Exit(2) from None
    with fail_on_input_error():
        try:
            app, registry = build_app(settings)
        except StartupRefusedError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
    revoke_session_tokens(registry)  # left by a serve that did not stop cleanly
    session = None
    if settings.loopback and not registry.has_active_token() and not no_token_local_demo:
        session = start_session_token(registry, settings)
    local = settings.loopback and not registry.has_active_token()
    typer.echo(f"oligoguide serving at {settings.public_url()}  (registry: {registry.url})")
    if local:
        typer.echo(
            "local demo mode (--no-token-local-demo): no API token exists, so loopback callers "
            "act as the local clinician (requests addressed to other names than localhost, "
            "127.0.0.1 or [::1] are refused); create one with `oligoguide token create`"
        )
    freeze_start_up_heap()  # the long-lived start-up heap out of the GC's walks
    try:
        # proxy_headers=False: uvicorn would otherwise take the client address from
        # X-Forwarded-For sent by any loopback peer; the service reads it itself, and only from
        # the proxies named in --trusted-proxies (service/middleware.py, client_address).
        uvicorn.run(
            app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False
        )
    finally:
        if session is not None:
            registry.revoke_token(session, actor="serve")


def start_session_token(registry: Registry, settings: Settings) -> str:
    """Make, print and return the name of a one-time clinician token for this run."""
    name = SESSION_TOKEN_PREFIX + secrets.token_hex(4)
    secret = registry.create_token(name, "clinician", actor="serve")
    url = settings.public_url()
    typer.echo(
        "No API token is configured: this run requires its one-time access token, "
        "loopback included (revoked when serve stops; --no-token-local-demo opts out)."
    )
    typer.echo(f"  access token: {secret}")
    typer.echo(f"  web UI: {url}/ui/sign-in  (paste the token)")
    typer.echo(f"  API:    curl -H 'Authorization: Bearer {secret}' {url}/v1/cases")
    return name


def revoke_session_tokens(registry: Registry) -> None:
    """Revoke one-time tokens of earlier runs still active (a killed serve cannot revoke)."""
    for token in registry.list_tokens(actor="serve"):
        if token.name.startswith(SESSION_TOKEN_PREFIX) and token.revoked_at is None:
            registry.revoke_token(token.name, actor="serve")


def limits(
    rate_limit: int | None,
    auth_failure_limit: int | None,
    max_body_bytes: int | None,
    max_upload_bytes: int | None = None,
) -> dict[str, int]:
    """The limits the operator set; the others keep the service's defaults."""
    given = {
        "rate_limit_per_minute": rate_limit,
        "auth_failure_limit_per_minute": auth_failure_limit,
        "max_body_bytes": max_body_bytes,
        "max_upload_bytes": max_upload_bytes,
    }
    return {name: value for name, value in given.items() if value is not None}


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
