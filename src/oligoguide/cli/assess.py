"""`oligoguide assess`, `oligoguide schema` and `oligoguide demo`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from oligoguide.assess import Assessment, assess
from oligoguide.cli.errors import fail_on_input_error
from oligoguide.model import CaseInputError, case_json_schema, load_case
from oligoguide.model.errors import InputIssue
from oligoguide.model.io import MAX_CASE_BYTES, parse_json_text
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


def assess_file(path: Path, lenient: bool = False) -> Assessment:
    """A case JSON file, or an mCODE FHIR Bundle (`"resourceType": "Bundle"`), assessed.

    A Bundle is read strictly (anything the case would be read without refuses it, naming the
    entry by JSON pointer) unless `lenient`: then every resource left out is in the warnings."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_CASE_BYTES + 1)
    except OSError as error:
        raise CaseInputError([InputIssue("", f"cannot read {path}: {error.strerror}")]) from None
    if len(raw) > MAX_CASE_BYTES:
        raise CaseInputError([InputIssue("", f"input larger than {MAX_CASE_BYTES} bytes")])
    data = parse_json_text(raw)
    if not (isinstance(data, dict) and data.get("resourceType") == "Bundle"):
        return assess(load_case(path))  # the core reads it again, its own way
    try:
        from oligoguide.fhir import assess_reading, bundle_to_case
    except ImportError:  # the FHIR face needs the `service` extra (fhir.resources)
        raise CaseInputError(
            [InputIssue("/resourceType", "reading FHIR Bundles needs the 'service' extra")]
        ) from None
    return assess_reading(bundle_to_case(data, lenient=lenient))


def assess_command(
    case_file: Annotated[
        Path, typer.Argument(help="Case JSON file, or an mCODE FHIR Bundle", show_default=False)
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TEXT,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file")] = None,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="FHIR Bundles: assess without what cannot be read (a tumour size without a "
            "date or a Tumor, another patient's resource, an unknown resource), listing every "
            "item in the warnings, instead of refusing the Bundle",
        ),
    ] = False,
) -> None:
    """Assess a case: RECIST 1.1, per-lesion progression, disease state and the cited plan."""
    with fail_on_input_error():
        text = render(assess_file(case_file, lenient), fmt)
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
