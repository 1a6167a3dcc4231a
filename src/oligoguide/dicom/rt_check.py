"""Check an actual plan's dose (RTSTRUCT + RTDOSE [+ RTPLAN]) against the organ-at-risk limits.

For each structure the name table maps to an organ (rt_names), every metric the constraint
tables have for that organ is computed from its DVH (rt_dvh) and judged by
`oligoguide.dose.check_constraints`, so limits, sources and caveats come from the one table.
Each organ and metric is pass / fail / no_sourced_limit (no limit for this fraction count) /
not_evaluable (structure not usable on this grid, or smaller than the metric's volume).

Public API: check_plan(...) -> PlanCheckReport (as text: rt_text.plan_check_lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from oligoguide.dicom.rt_dvh import NotEvaluable, StructureDose, metric_value, plane_thickness
from oligoguide.dicom.rt_dvh import structure_dose as compute_structure_dose
from oligoguide.dicom.rt_grid import DoseGrid, check_same_frame, read_rtdose
from oligoguide.dicom.rt_names import Kind, match_structure
from oligoguide.dicom.rt_read import PlanInfo, RtInputError, read_rtplan, read_rtstruct
from oligoguide.dose import DoseInputError, DosePoint, check_constraints, default_dose_tables
from oligoguide.dose.tables import DoseTables

Status = Literal["pass", "fail", "no_sourced_limit", "not_evaluable"]
COARSE_GRID_RATIO = 0.2  # voxel vs contour volume difference that earns a caution


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlanMetricCheck(_Model):
    organ: str
    structure: str
    metric: str
    status: Status
    value_gy: float | None = None
    limit_gy: float | None = None
    endpoint: str | None = None
    source: str | None = None
    verified: bool | None = None
    reason: str | None = None  # why not evaluable
    cautions: list[str] = Field(default_factory=list)


class StructureSummary(_Model):
    structure: str
    kind: Kind
    organ: str | None = None
    volume_cc: float | None = None
    contour_volume_cc: float | None = None
    planes: int | None = None
    mean_gy: float | None = None
    dmax_gy: float | None = None  # D0.035cc, the house's Dmax
    max_voxel_gy: float | None = None
    reason: str | None = None  # why its dose could not be computed


class NamedStructure(_Model):
    structure: str
    kind: Kind
    note: str = ""


class PlanCheckReport(_Model):
    rtstruct: str
    rtdose: str
    rtplan: str | None
    fractions: int
    fractions_from: str
    grid: str
    checks: tuple[PlanMetricCheck, ...]
    structures: tuple[StructureSummary, ...]  # organs and PRVs, with their doses
    unrecognised: tuple[NamedStructure, ...]  # unknown or ambiguous names: not checked
    not_organs_at_risk: tuple[str, ...]  # targets, body outline, markers
    organs_without_structure: tuple[str, ...]
    all_passed: bool
    cautions: list[str]
    reading_notes: tuple[str, ...]
    knowledge_version: str


def _fractions(given: int | None, plan: PlanInfo | None) -> tuple[int, str]:
    if given is not None and given < 1:
        raise DoseInputError("--fractions", f"must be at least 1, got {given}")
    if plan is None:
        if given is None:
            raise DoseInputError(
                "--fractions", "give --fractions N or --rtplan RP.dcm (NumberOfFractionsPlanned)"
            )
        return given, "--fractions"
    field = "FractionGroupSequence"
    if len(plan.fraction_counts) != 1:
        raise RtInputError(
            plan.path, field, f"has {len(plan.fraction_counts)} fraction groups; one is needed"
        )
    planned = plan.fraction_counts[0]
    field = f"{field}[0].NumberOfFractionsPlanned"
    if planned is None or planned < 1:
        raise RtInputError(plan.path, field, f"is {planned!r}, not a fraction count")
    if given is not None and given != planned:
        raise RtInputError(plan.path, field, f"is {planned}, but --fractions is {given}")
    return planned, f"{Path(plan.path).name} {field}"


def _usable_dose(dose: DoseGrid) -> list[str]:
    if dose.units != "GY":
        raise RtInputError(
            dose.path, "DoseUnits", f"is {dose.units or 'missing'!r}; only GY can meet a limit"
        )
    if dose.summation_type != "PLAN":
        raise RtInputError(
            dose.path,
            "DoseSummationType",
            f"is {dose.summation_type or 'missing'!r}; only PLAN (the whole course of one "
            "plan) is checked against course limits",
        )
    if dose.dose_type == "ERROR":
        raise RtInputError(dose.path, "DoseType", "is ERROR (an error grid, not a dose)")
    if dose.dose_type == "EFFECTIVE":
        return ["DoseType is EFFECTIVE (RBE-weighted); the limits are for physical dose."]
    return []


def _grid_text(dose: DoseGrid) -> str:
    dx, dy, dz = dose.spacing
    frames, rows, columns = dose.values.shape
    return (
        f"{columns} x {rows} x {frames} voxels of {dx:g} x {dy:g} x {dz:g} mm, "
        f"{dose.summation_type} dose in {dose.units}, max {float(dose.values.max()):.2f} Gy"
    )


def _summary(name: str, kind: Kind, organ: str | None, sd: StructureDose | str) -> StructureSummary:
    if isinstance(sd, str):
        return StructureSummary(structure=name, kind=kind, organ=organ, reason=sd)
    return StructureSummary(
        structure=name,
        kind=kind,
        organ=organ,
        volume_cc=round(sd.volume_cc, 3),
        contour_volume_cc=round(sd.contour_cc, 3),
        planes=sd.planes,
        mean_gy=round(sd.mean_gy, 3),
        dmax_gy=round(sd.dmax(), 3),
        max_voxel_gy=round(sd.max_voxel_gy, 3),
    )


def _metric(sd: StructureDose | str, metric: str) -> float | str:
    """The metric's value, or why it is not evaluable."""
    if isinstance(sd, str):
        return sd
    try:
        value = metric_value(sd, metric)
    except ValueError as error:
        return str(error)
    if value is None:
        return f"structure volume {sd.volume_cc:.2f} cc is smaller than the volume {metric} needs"
    return value


def check_plan(
    rtstruct: Path,
    rtdose: Path,
    rtplan: Path | None = None,
    fractions: int | None = None,
    *,
    tables: DoseTables | None = None,
) -> PlanCheckReport:
    """Read the files, compute each mapped organ's metrics, judge them against the tables.
    Raises RtInputError / DoseInputError (one line naming the file and field) on bad input."""
    tables = tables or default_dose_tables()
    structures = read_rtstruct(rtstruct)
    dose = read_rtdose(rtdose)
    plan = read_rtplan(rtplan) if rtplan is not None else None
    check_same_frame(structures, dose, plan)
    cautions = _usable_dose(dose)
    n, fractions_from = _fractions(fractions, plan)

    all_planes = [c.z for roi in structures.rois for c in roi.contours]
    fallback = plane_thickness(all_planes, dose.spacing[2])
    summaries: list[StructureSummary] = []
    unrecognised: list[NamedStructure] = []
    not_oar: list[str] = []
    pending: list[tuple[str, str, str, float | str]] = []  # organ, structure, metric, value
    for roi in structures.rois:
        match = match_structure(roi.name)
        if match.kind in ("target", "not_oar"):
            not_oar.append(roi.name)
            continue
        if match.kind in ("unknown", "ambiguous") or match.organ is None:
            unrecognised.append(
                NamedStructure(structure=roi.name, kind=match.kind, note=match.note)
            )
            continue
        sd: StructureDose | str
        try:
            sd = compute_structure_dose(roi, dose, fallback)
        except NotEvaluable as reason:
            sd = str(reason)
        summaries.append(_summary(roi.name, match.kind, match.organ, sd))
        if not isinstance(sd, str) and abs(sd.volume_cc - sd.contour_cc) > (
            COARSE_GRID_RATIO * sd.contour_cc
        ):
            cautions.append(
                f"{roi.name}: voxel volume {sd.volume_cc:.2f} cc vs contour volume "
                f"{sd.contour_cc:.2f} cc; the dose grid is coarse for this structure."
            )
        if match.kind == "organ":
            pending += [
                (match.organ, roi.name, m, _metric(sd, m)) for m in tables.metrics_for(match.organ)
            ]

    checks = _judge(pending, n, tables)
    mapped = {s.organ for s in summaries if s.kind == "organ"}
    missing = tuple(o for o in tables.organs if o not in mapped)
    if not checks:
        cautions.append("No structure was recognised as an organ at risk: nothing was checked.")
    elif missing:
        cautions.append(
            "Only the organs found were checked; the tables also have limits for: "
            + ", ".join(missing)
            + "."
        )
    return PlanCheckReport(
        rtstruct=str(rtstruct),
        rtdose=str(rtdose),
        rtplan=None if rtplan is None else str(rtplan),
        fractions=n,
        fractions_from=fractions_from,
        grid=_grid_text(dose),
        checks=tuple(checks),
        structures=tuple(summaries),
        unrecognised=tuple(unrecognised),
        not_organs_at_risk=tuple(not_oar),
        organs_without_structure=missing,
        all_passed=bool(checks) and all(c.status == "pass" for c in checks),
        cautions=cautions,
        reading_notes=structures.notes + dose.notes + (plan.notes if plan else ()),
        knowledge_version=tables.knowledge_version,
    )


def _judge(
    pending: Sequence[tuple[str, str, str, float | str]], fractions: int, tables: DoseTables
) -> list[PlanMetricCheck]:
    points = [
        DosePoint(organ=organ, metric=metric, value_gy=float(value))
        for organ, _, metric, value in pending
        if not isinstance(value, str)
    ]
    results = iter(
        check_constraints(None, fractions, points, tables=tables).results if points else ()
    )
    checks: list[PlanMetricCheck] = []
    for organ, structure, metric, value in pending:
        if isinstance(value, str):
            checks.append(
                PlanMetricCheck(
                    organ=organ,
                    structure=structure,
                    metric=metric,
                    status="not_evaluable",
                    reason=value,
                )
            )
            continue
        r = next(results)
        checks.append(
            PlanMetricCheck(
                organ=organ,
                structure=structure,
                metric=metric,
                status=r.status,
                value_gy=float(value),
                limit_gy=r.limit_gy,
                endpoint=r.endpoint,
                source=r.source,
                verified=r.verified,
                cautions=r.cautions,
            )
        )
    return checks
