"""`oligoguide import-sr FILES... [--case CASE.json] -o CASE.json`: lesion measurements from DICOM
SR Measurement Reports (TID 1500), merged into a case or starting one (docs/dicom.md).

Exit codes: 0 imported (what was left out or conflicts with the case is listed on stderr),
2 bad input (a file that is not a TID 1500 report, an invalid case, a new case without
--primary-site): one `error:` line per problem, nothing written, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from oligoguide.cli.errors import EXIT_BAD_INPUT, fail_on_input_error
from oligoguide.dicom.sr_identity import MatchBy
from oligoguide.model import case_from_data
from oligoguide.model.io import read_json_file
from oligoguide.model.vocab import PrimarySite


def import_sr_command(
    files: Annotated[
        list[Path], typer.Argument(help="DICOM SR files (TID 1500 Measurement Reports)")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Write the case JSON here")],
    case_file: Annotated[
        Path | None,
        typer.Option("--case", help="Merge into this case JSON (nothing in it is lost)"),
    ] = None,
    primary_site: Annotated[
        PrimarySite | None,
        typer.Option(
            "--primary-site",
            help="New case (no --case): the primary cancer, which an SR does not say; "
            "the case cannot be assessed without it",
        ),
    ] = None,
    case_id: Annotated[
        str | None, typer.Option("--case-id", help="New case: its id (default: sr-PATIENTID)")
    ] = None,
    patient_id: Annotated[
        str | None,
        typer.Option("--patient-id", help="New case: the patient id (default: the SRs' PatientID)"),
    ] = None,
    match_by: Annotated[
        MatchBy,
        typer.Option(
            "--match-by",
            help="Lesion identity across reports: 'uid' (tracking unique identifier, labelled "
            "by the tracking identifier) or 'identifier' (the tracking identifier alone)",
        ),
    ] = MatchBy.UID,
    patient_check: Annotated[
        bool,
        typer.Option(
            "--patient-check/--no-patient-check",
            help="Refuse reports whose PatientID differs from each other's or the case's",
        ),
    ] = True,
) -> None:
    """Import lesion measurements from DICOM SR Measurement Reports (TID 1500) into a case."""
    from oligoguide.dicom.sr_map import NewCase, import_reports
    from oligoguide.dicom.sr_read import SrImportError, read_reports

    if case_file is None and primary_site is None:
        choices = ", ".join(p.value for p in PrimarySite)
        _fail(
            [
                "a new case needs cancer.primary_site before it can be assessed, and an SR "
                f"does not say it: give --primary-site ({choices}), or merge into an existing "
                "case with --case"
            ]
        )
    _needs_the_extra()
    case_data = _read_case(case_file) if case_file is not None else None
    new_case = (
        None
        if case_data is not None or primary_site is None
        else NewCase(primary_site=primary_site, case_id=case_id, patient_id=patient_id)
    )
    try:
        reports = read_reports(files)
        result = import_reports(
            reports,
            case_data=case_data,
            new_case=new_case,
            match_by=match_by,
            check_patient=patient_check,
        )
    except SrImportError as error:
        _fail(error.problems)
    output.write_text(json.dumps(result.data, indent=2, ensure_ascii=False) + "\n")
    for note in result.notes:
        typer.echo(f"imported: {note}", err=True)
    for conflict in result.conflicts:
        typer.echo(f"conflict: {conflict}", err=True)
    for warning in result.warnings:
        typer.echo(f"left out: {warning}", err=True)
    typer.echo(
        f"wrote {output}: {len(reports)} report(s), {len(result.notes)} lesion(s) imported, "
        f"{len(result.conflicts)} conflict(s), {len(result.warnings)} item(s) left out",
        err=True,
    )


def _fail(problems: list[str]) -> NoReturn:
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _needs_the_extra() -> None:
    try:
        import highdicom  # noqa: F401
        import pydicom  # noqa: F401
    except ImportError:
        _fail(["reading DICOM SR needs the 'dicom' extra: pip install 'oligoguide[dicom]'"])


def _read_case(path: Path) -> dict[str, Any]:
    """The case's JSON as written (merged as data, so none of its fields is rewritten), once it
    is known to be a valid case."""
    with fail_on_input_error():  # its errors name the file
        data = read_json_file(path)
    with fail_on_input_error(str(path)):
        case_from_data(data)
    assert isinstance(data, dict)
    return data


def register(app: typer.Typer) -> None:
    app.command("import-sr")(import_sr_command)
