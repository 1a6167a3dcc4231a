"""`oligoguide assess`, `oligoguide schema` and `oligoguide demo`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from oligoguide.assess import Assessment, assess
from oligoguide.cli.errors import fail_on_input_error
from oligoguide.model import case_json_schema, load_case
from oligoguide.render import render_markdown, render_text


class OutputFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


class SchemaName(StrEnum):
    CASE = "case"
    ASSESSMENT = "assessment"


def render(assessment: Assessment, fmt: OutputFormat) -> str:
    if fmt == OutputFormat.JSON:
        return assessment.model_dump_json(indent=2) + "\n"
    if fmt == OutputFormat.MARKDOWN:
        return render_markdown(assessment)
    return render_text(assessment)


def assess_command(
    case_file: Annotated[Path, typer.Argument(help="Case JSON file", show_default=False)],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TEXT,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file")] = None,
) -> None:
    """Assess a case: RECIST 1.1, per-lesion progression, disease state and the cited plan."""
    with fail_on_input_error():
        text = render(assess(load_case(case_file)), fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def schema_command(
    name: Annotated[SchemaName, typer.Argument(help="Which schema")] = SchemaName.CASE,
) -> None:
    """Print the JSON Schema of a case (input) or an assessment (output)."""
    schema = case_json_schema() if name == SchemaName.CASE else Assessment.model_json_schema()
    typer.echo(json.dumps(schema, indent=2))


def demo_command(
    folder: Annotated[Path, typer.Argument(help="Folder of case JSON files")] = Path("examples"),
) -> None:
    """Assess every example case in a folder and print the results (what `make run` does)."""
    files = sorted(folder.glob("*.json"))
    if not files:
        typer.echo(f"error: no case files in {folder}", err=True)
        raise typer.Exit(2)
    for file in files:
        typer.echo(f"=== {file.name} " + "=" * max(0, 70 - len(file.name)))
        with fail_on_input_error(str(file)):
            typer.echo(render_text(assess(load_case(file))))
