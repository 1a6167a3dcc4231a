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
) -> None:
    """Start the service; refuses a non-loopback address until a token exists."""
    import uvicorn

    from oligoguide.service import Settings, StartupRefusedError
    from oligoguide.service.launch import build_app

    issuers = json.loads(cds_issuers.read_text()) if cds_issuers else []
    settings = Settings(
        host=host,
        port=port,
        db_url=db,
        examples_dir=examples,
        base_url=base_url,
        cds_issuers=issuers,
    )
    with fail_on_input_error():
        try:
            app, registry = build_app(settings)
        except StartupRefusedError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
    local = not registry.list_tokens()
    typer.echo(f"oligoguide serving at {settings.public_url()}  (registry: {registry.url})")
    if local:
        typer.echo(
            "local mode: no API token exists, so loopback callers act as the local "
            "clinician; create one with `oligoguide token create`"
        )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
