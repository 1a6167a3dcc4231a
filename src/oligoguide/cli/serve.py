"""`oligoguide serve`: the REST API, CDS Hooks and web UI on one port."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from oligoguide.cli.errors import fail_on_input_error


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
    trusted_proxies: Annotated[
        str,
        typer.Option(
            envvar="OLIGOGUIDE_TRUSTED_PROXIES",
            help="Comma-separated addresses or networks of reverse proxies whose "
            "X-Forwarded-For is believed (default: none, the header is ignored)",
        ),
    ] = "",
) -> None:
    """Start the service; refuses a non-loopback address until a token exists."""
    import uvicorn
    from pydantic import ValidationError

    from oligoguide.service import Settings, StartupRefusedError
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
            **limits(rate_limit, auth_failure_limit, max_body_bytes),
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
    local = settings.loopback and not registry.has_active_token()
    typer.echo(f"oligoguide serving at {settings.public_url()}  (registry: {registry.url})")
    if local:
        typer.echo(
            "local mode: no API token exists, so loopback callers act as the local "
            "clinician (requests addressed to other names than localhost, 127.0.0.1 or [::1] "
            "are refused); create one with `oligoguide token create`"
        )
    # proxy_headers=False: uvicorn would otherwise take the client address from
    # X-Forwarded-For sent by any loopback peer; the service reads it itself, and only from
    # the proxies named in --trusted-proxies (service/middleware.py, client_address).
    uvicorn.run(
        app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False
    )


def limits(
    rate_limit: int | None, auth_failure_limit: int | None, max_body_bytes: int | None
) -> dict[str, int]:
    """The limits the operator set; the others keep the service's defaults."""
    given = {
        "rate_limit_per_minute": rate_limit,
        "auth_failure_limit_per_minute": auth_failure_limit,
        "max_body_bytes": max_body_bytes,
    }
    return {name: value for name, value in given.items() if value is not None}


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
