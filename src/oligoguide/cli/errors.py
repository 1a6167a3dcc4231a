"""Turn expected errors into one clear line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from oligoguide.model.errors import OligoguideError

EXIT_BAD_INPUT = 2


@contextmanager
def fail_on_input_error(label: str = "") -> Iterator[None]:
    try:
        yield
    except OligoguideError as error:
        prefix = f"{label}: " if label else ""
        typer.echo(f"error: {prefix}{error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
