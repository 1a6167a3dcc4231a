"""`oligoguide assess`, `oligoguide schema` and `oligoguide demo`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from oligoguide.assess import Assessment, assess
from oligoguide.cli.errors import fail_on_input_error
from oligoguide.cli.output import emit
from oligoguide.model import Case, CaseInputError, case_from_data, case_json_schema
from oligoguide.model.errors import InputIssue
from oligoguide.model.io import read_json_file
from oligoguide.render import render_markdown, render_text


class OutputFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"  # the UI's report page, self-contained (inline SVG figures)
    PDF = "pdf"  # the same page printed by WeasyPrint (needs its system libraries)


class SchemaName(StrEnum):
    CASE = "case"
    ASSESSMENT = "assessment"


def render(assessment: Assessment, fmt: OutputFormat, case: Case | None = None) -> str:
    """A text format of the report; html with the UI's figures when the case is given."""
    if fmt == OutputFormat.HTML:
        from oligoguide.render.html import render_html
        from oligoguide.render.plots import all_figures

        return render_html(assessment, all_figures(case, assessment) if case else ())
    if fmt == OutputFormat.PDF:
        raise ValueError("pdf is binary: use render_report")
    if fmt == OutputFormat.JSON:
        return assessment.model_dump_json(indent=2) + "\n"
    if fmt == OutputFormat.MARKDOWN:
        return render_markdown(assessment, case)
    return render_text(assessment, case)


def render_report(assessment: Assessment, fmt: OutputFormat, case: Case | None = None) -> bytes:
    """The report in any format as bytes (pdf raises PdfUnavailableError when it cannot be made)."""
    if fmt != OutputFormat.PDF:
        return render(assessment, fmt, case).encode("utf-8")
    from oligoguide.render.pdf import render_pdf
    from oligoguide.render.plots import all_figures

    return render_pdf(assessment, all_figures(case, assessment) if case else ())


def assess_file(path: Path, lenient: bool = False) -> Assessment:
    """`read_and_assess` without the case."""
    return read_and_assess(path, lenient)[1]


def read_and_assess(path: Path, lenient: bool = False) -> tuple[Case, Assessment]:
    """A case JSON file, or an mCODE FHIR Bundle (`"resourceType": "Bundle"`), assessed.

    A Bundle is read strictly (anything the case would be read without refuses it, naming the
    entry by JSON pointer) unless `lenient`: then every resource left out is in the warnings."""
    data = read_json_file(path)
    if not (isinstance(data, dict) and data.get("resourceType") == "Bundle"):
        case = case_from_data(data)  # what load_case(path) gives, without a second read
        return case, assess(case)
    try:
        from oligoguide.fhir import assess_reading, bundle_to_case
    except ImportError:  # the FHIR face needs the `service` extra (fhir.resources)
        raise CaseInputError(
            [InputIssue("/resourceType", "reading FHIR Bundles needs the 'service' extra")]
        ) from None
    reading = bundle_to_case(data, lenient=lenient)
    return reading.case, assess_reading(reading)


def assess_command(
    case_file: Annotated[
        Path, typer.Argument(help="Case JSON file, or an mCODE FHIR Bundle", show_default=False)
    ],
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, markdown, json, or the UI's report as html or pdf (pdf needs WeasyPrint's "
            "system libraries: Pango, HarfBuzz-subset)",
        ),
    ] = OutputFormat.TEXT,
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
        case, assessment = read_and_assess(case_file, lenient)
    emit(lambda: render_report(assessment, fmt, case), fmt == OutputFormat.PDF, output)


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
        with fail_on_input_error():  # its errors name the file
            data = read_json_file(file)
        with fail_on_input_error(str(file)):
            typer.echo(render_text(assess(case_from_data(data))))
