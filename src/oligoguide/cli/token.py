"""`oligoguide token create|list|revoke`: API tokens of the REST service, stored hashed.

The registry (SQLAlchemy) is imported only when a command runs, so the CLI still works when the
`service` extra is not installed; the command then says what to install.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from oligoguide.cli.errors import EXIT_BAD_INPUT, fail_on_input_error

if TYPE_CHECKING:
    from oligoguide.store import Registry

token_app = typer.Typer(
    help="API tokens of the REST service (stored hashed).", no_args_is_help=True
)


class RoleChoice(StrEnum):
    CLINICIAN = "clinician"
    READER = "reader"
    ADMIN = "admin"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="OLIGOGUIDE_DB",
        help="Registry database URL (sqlite:///path or postgresql://...); default: "
        "registry.sqlite3 in the user's data directory.",
        show_default=False,
    ),
]


def _open(db: str | None) -> Registry:
    try:
        from oligoguide.store import Registry
    except ModuleNotFoundError as error:
        typer.echo(
            f"error: the case registry needs {error.name}: pip install 'oligoguide[service]'",
            err=True,
        )
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return Registry.open(db)


@token_app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what the token is for (unique).")],
    role: Annotated[RoleChoice, typer.Option("--role", help="clinician, reader or admin.")],
    db: DbOption = None,
) -> None:
    """Create a token and print it once: only its hash is stored, it cannot be shown again."""
    with fail_on_input_error("token create"):
        from oligoguide.store import cli_actor

        with _open(db) as registry:
            secret = registry.create_token(name, role.value, actor=cli_actor())
    typer.echo(secret)
    typer.echo(
        f"token {name!r} ({role.value}) created; copy it now, it will not be shown again.",
        err=True,
    )


@token_app.command("list")
def list_tokens(db: DbOption = None) -> None:
    """List tokens (name, role, created, last used, status); secrets are never shown."""
    with fail_on_input_error("token list"):
        from oligoguide.store import cli_actor

        with _open(db) as registry:
            tokens = registry.list_tokens(actor=cli_actor())
    if not tokens:
        typer.echo("no tokens")
        return
    typer.echo(f"{'name':<24}{'role':<11}{'created':<18}{'last used':<18}status")
    for token in tokens:
        last = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
        status = "active" if token.active else "revoked"
        typer.echo(
            f"{token.name:<24}{token.role.value:<11}"
            f"{token.created_at.strftime('%Y-%m-%d %H:%M'):<18}{last:<18}{status}"
        )


@token_app.command("revoke")
def revoke(
    name: Annotated[str, typer.Argument(help="Name of the token to revoke.")],
    db: DbOption = None,
) -> None:
    """Revoke a token for good (its name is not reused)."""
    with fail_on_input_error("token revoke"):
        from oligoguide.store import cli_actor

        with _open(db) as registry:
            registry.revoke_token(name, actor=cli_actor())
    typer.echo(f"token {name!r} revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")
