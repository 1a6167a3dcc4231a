"""`oligoguide dose ...`: BED/EQD2, schedule suggestions and organ-at-risk checks.

Exit codes: 0 ok, 1 a constraint failed or has no sourced limit (`check`; `check-plan` also
when a metric is not evaluable), 2 bad input.
Bad input prints one line `error: ...` to stderr, never a traceback.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oligoguide.dose import (
    ConstraintReport,
    DosePoint,
    PriorCourse,
    ScheduleSuggestion,
    bed,
    check_constraints,
    default_dose_tables,
    eqd2,
    suggest_schedule,
)
from oligoguide.model.errors import OligoguideError, issues_from_validation
from oligoguide.model.io import JsonFileError, read_json_file
from oligoguide.model.strict import Integer, Number

dose_app = typer.Typer(
    help="Radiotherapy dose: BED/EQD2, schedules, organ-at-risk checks.", no_args_is_help=True
)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="text or json")]
TotalGy = Annotated[float, typer.Argument(help="Total dose in Gy")]
Fractions = Annotated[int, typer.Argument(help="Number of fractions")]
AlphaBeta = Annotated[
    float | None, typer.Option("--alpha-beta", help="alpha/beta in Gy (default: tumour, 10)")
]


class PlanFile(BaseModel):
    """The PLAN.json read by `dose check` (documented in docs/dose.md)."""

    model_config = ConfigDict(extra="forbid")

    total_gy: Number | None = Field(default=None, gt=0, allow_inf_nan=False)
    fractions: Integer = Field(ge=1)  # strict: `true` is not one fraction
    points: tuple[DosePoint, ...] = Field(min_length=1)
    prior_courses: tuple[PriorCourse, ...] = ()


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _default_alpha_beta() -> float:
    return default_dose_tables().alpha_beta_for("tumour").alpha_beta_gy


def _radiobiology(
    kind: str, total_gy: float, fractions: int, alpha_beta: float | None, fmt: OutputFormat
) -> None:
    ab = _default_alpha_beta() if alpha_beta is None else alpha_beta
    try:
        bed_gy = bed(total_gy, fractions, ab)
        eqd2_gy = eqd2(total_gy, fractions, ab)
    except OligoguideError as error:
        _fail(str(error))
    result = {
        "total_gy": total_gy,
        "fractions": fractions,
        "dose_per_fraction": round(total_gy / fractions, 4),
        "alpha_beta": ab,
        "bed": round(bed_gy, 2),
        "eqd2": round(eqd2_gy, 2),
    }
    if fmt is OutputFormat.JSON:
        typer.echo(json.dumps(result))
        return
    value = result["bed"] if kind == "bed" else result["eqd2"]
    label = "BED" if kind == "bed" else "EQD2"
    typer.echo(
        f"{label} = {value:g} Gy  ({total_gy:g} Gy in {fractions} fractions of "
        f"{result['dose_per_fraction']:g} Gy, alpha/beta {ab:g} Gy)"
    )


@dose_app.command("bed")
def bed_command(
    total_gy: TotalGy,
    fractions: Fractions,
    alpha_beta: AlphaBeta = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Biologically effective dose: BED = n*d*(1 + d/(alpha/beta))."""
    _radiobiology("bed", total_gy, fractions, alpha_beta, fmt)


@dose_app.command("eqd2")
def eqd2_command(
    total_gy: TotalGy,
    fractions: Fractions,
    alpha_beta: AlphaBeta = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Equivalent dose in 2-Gy fractions: EQD2 = BED / (1 + 2/(alpha/beta))."""
    _radiobiology("eqd2", total_gy, fractions, alpha_beta, fmt)


def _schedule_text(s: ScheduleSuggestion) -> list[str]:
    if s.found:
        lines = [
            f"{s.site}: {s.total_gy:g} Gy in {s.fractions} fractions of {s.dose_per_fraction:g} Gy"
            f"  BED10 {s.bed10:g} Gy, EQD2(10) {s.eqd2_10:g} Gy  [{s.source}]"
            + ("" if s.verified else "  (unverified)")
        ]
    else:
        lines = [f"{s.site}: no sourced schedule"]
    lines += [f"  caution: {c}" for c in s.cautions]
    lines += [
        f"  alternative: {a.total_gy:g} Gy/{a.fractions} (BED10 {a.bed10:g} Gy) [{a.source}]"
        for a in s.alternatives
    ]
    lines.append(f"  knowledge base {s.knowledge_version}")
    return lines


@dose_app.command("schedule")
def schedule_command(
    site: Annotated[str, typer.Option("--site", help="Lesion site, e.g. lung, liver, brain")],
    diameter_mm: Annotated[
        float | None, typer.Option("--diameter-mm", help="Longest diameter in mm")
    ] = None,
    central: Annotated[bool, typer.Option("--central", help="Central lung lesion")] = False,
    ultracentral: Annotated[
        bool, typer.Option("--ultracentral", help="Ultra-central lung lesion")
    ] = False,
    lesion_count: Annotated[
        int | None, typer.Option("--lesion-count", help="Number of lesions in the organ")
    ] = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Suggest a cited schedule for one lesion (or say that none is sourced)."""
    try:
        suggestion = suggest_schedule(
            site,
            diameter_mm,
            central=central,
            ultracentral=ultracentral,
            lesion_count=lesion_count,
        )
    except OligoguideError as error:
        _fail(str(error))
    if fmt is OutputFormat.JSON:
        typer.echo(suggestion.model_dump_json())
    else:
        typer.echo("\n".join(_schedule_text(suggestion)))


def _read_plan(path: Path) -> PlanFile:
    try:  # the core's strict reader: bad UTF-8, huge integers, deep nesting are one line
        data = read_json_file(path)
    except JsonFileError as error:
        _fail(str(error))
    try:
        return PlanFile.model_validate(data)
    except ValidationError as error:
        issues = issues_from_validation(error)
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        _fail(f"{path}: {issues[0]}{more}")


def _report_text(report: ConstraintReport) -> list[str]:
    head = f"{report.fractions} fractions"
    if report.total_gy is not None:
        head = f"{report.total_gy:g} Gy in {head} (BED10 {report.bed10:g} Gy)"
    lines = [head]
    for r in report.results:
        limit = "no sourced limit" if r.limit_gy is None else f"limit {r.limit_gy:g} Gy"
        source = f" [{r.source}]" if r.source else ""
        flag = " (unverified)" if r.verified is False else ""
        lines.append(
            f"{r.status.upper():17} {r.organ} {r.metric} = {r.value_gy:g} Gy, {limit}{source}{flag}"
        )
        if r.reirradiation and r.cumulative_eqd2_gy is not None:
            cap = (
                f" vs {r.cumulative_limit_eqd2_gy:g} Gy [{r.cumulative_source}]"
                if r.cumulative_limit_eqd2_gy is not None
                else ""
            )
            lines.append(
                f"  re-irradiation: cumulative EQD2 {r.cumulative_eqd2_gy:g} Gy "
                f"(alpha/beta {r.alpha_beta_gy:g}){cap}: {r.cumulative_status}"
            )
        elif r.reirradiation:
            lines.append("  re-irradiation")
        lines += [f"  caution: {c}" for c in r.cautions]
    lines += [f"caution: {c}" for c in report.cautions]
    lines.append("all constraints pass" if report.all_passed else "NOT all constraints pass")
    lines.append(f"knowledge base {report.knowledge_version}")
    return lines


@dose_app.command("check")
def check_command(
    plan: Annotated[Path, typer.Argument(help="PLAN.json: total_gy, fractions, points, ...")],
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check organ-at-risk dose points against the cited limit tables."""
    data = _read_plan(plan)
    try:
        report = check_constraints(data.total_gy, data.fractions, data.points, data.prior_courses)
    except OligoguideError as error:
        _fail(f"{plan}: {error}")
    if fmt is OutputFormat.JSON:
        typer.echo(report.model_dump_json())
    else:
        typer.echo("\n".join(_report_text(report)))
    if not report.all_passed:
        raise typer.Exit(1)


@dose_app.command("check-plan")
def check_plan_command(
    rtstruct: Annotated[Path, typer.Option("--rtstruct", help="RTSTRUCT file (RS.dcm)")],
    rtdose: Annotated[Path, typer.Option("--rtdose", help="RTDOSE file of the plan (RD.dcm)")],
    rtplan: Annotated[
        Path | None, typer.Option("--rtplan", help="RTPLAN file: the number of fractions")
    ] = None,
    fractions: Annotated[
        int | None, typer.Option("--fractions", help="Number of fractions (else from --rtplan)")
    ] = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check the organ-at-risk doses of an actual plan (DICOM RT) against the limit tables.

    Exit 0 all pass; 1 a fail, no sourced limit, not evaluable or no organ found; 2 bad input.
    """
    try:  # the `dicom` extra: pydicom and numpy
        from oligoguide.dicom.rt_check import check_plan
        from oligoguide.dicom.rt_text import plan_check_lines
    except ImportError as error:
        _fail(f"DICOM support is not installed ({error.name}): pip install 'oligoguide[dicom]'")
    try:
        report = check_plan(rtstruct, rtdose, rtplan, fractions)
    except OligoguideError as error:
        _fail(str(error))
    if fmt is OutputFormat.JSON:
        typer.echo(report.model_dump_json())
    else:
        typer.echo("\n".join(plan_check_lines(report)))
    if not report.all_passed:
        raise typer.Exit(1)
