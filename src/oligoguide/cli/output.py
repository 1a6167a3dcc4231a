"""Writing a rendered report: to a file with -o, else to stdout; PDF failures said in words."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import typer

from oligoguide.cli.errors import EXIT_BAD_INPUT

EXIT_PDF_UNAVAILABLE = 3


def emit(render: Callable[[], bytes], binary: bool, output: Path | None) -> None:
    """Render, then write to `output` or stdout. Without WeasyPrint's libraries a PDF exits 3
    saying what to install; a PDF is never written to a terminal."""
    from oligoguide.render.pdf import PdfUnavailableError

    try:
        body = render()
    except PdfUnavailableError as error:
        typer.echo(f"error: PDF reports are unavailable here: {error.reason}", err=True)
        typer.echo(f"to enable them, install: {error.hint}", err=True)
        typer.echo("the html format needs none of it: --format html", err=True)
        raise typer.Exit(EXIT_PDF_UNAVAILABLE) from None
    if output is None:
        if binary and sys.stdout.isatty():
            typer.echo("error: a PDF is binary: write it with -o FILE", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        stream = typer.get_binary_stream("stdout")
        stream.write(body)
        stream.flush()
    else:
        output.write_bytes(body)
