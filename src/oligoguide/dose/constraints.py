"""Check organ-at-risk doses of a proposed schedule against the cited limit tables.

Each dose-volume point gets pass / fail / no_sourced_limit with the limit and its source. When
prior courses dosed the same organ, the point is flagged as re-irradiation and the cumulative
EQD2 is reported, judged against a cumulative limit only where one is sourced.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from oligoguide.dose.errors import DoseInputError
from oligoguide.dose.radiobiology import _check_fractions, bed, eqd2
from oligoguide.dose.tables import DoseTables, default_dose_tables

Status = Literal["pass", "fail", "no_sourced_limit"]


class DosePoint(BaseModel):
    """A dose-volume point, e.g. stomach D0.5cc = 20 Gy (see docs/dose.md for metric names).

    Strict, like every model read from outside: `"20"` or `true` is not a dose."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    organ: str = Field(min_length=1)
    metric: str = Field(min_length=1)
    value_gy: float = Field(ge=0, allow_inf_nan=False)


class PriorCourse(BaseModel):
    """An earlier radiotherapy course with its doses to the organs of this plan (strict)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    fractions: int = Field(ge=1)
    total_gy: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    months_since: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    label: str | None = None
    # A JSON array as read; each point is still validated strictly by DosePoint.
    points: tuple[DosePoint, ...] = Field(default=(), strict=False)


class ConstraintResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    organ: str
    metric: str
    value_gy: float
    fractions: int
    status: Status
    limit_gy: float | None = None
    endpoint: str | None = None
    source: str | None = None
    verified: bool | None = None
    reirradiation: bool = False
    alpha_beta_gy: float | None = None
    cumulative_eqd2_gy: float | None = None
    cumulative_limit_eqd2_gy: float | None = None
    cumulative_status: Status | None = None
    cumulative_source: str | None = None
    cautions: list[str] = Field(default_factory=list)


class ConstraintReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    total_gy: float | None
    fractions: int
    bed10: float | None
    eqd2_10: float | None
    results: tuple[ConstraintResult, ...]
    all_passed: bool
    reirradiation: bool
    unverified_limits: tuple[str, ...]
    cautions: list[str]
    knowledge_version: str


@dataclass(frozen=True)
class _Cumulative:
    alpha_beta_gy: float | None = None
    eqd2_gy: float | None = None
    limit_eqd2_gy: float | None = None
    status: Status | None = None
    source: str | None = None


def _alpha_beta(organ: str, metric: str, tables: DoseTables) -> tuple[float, str, bool]:
    """α/β for EQD2 of an organ: the re-irradiation rule's, the cord's, else late tissue."""
    rule = tables.reirradiation_rule(organ, metric)
    if rule is not None:
        return rule.alpha_beta_gy, rule.source, True
    row = tables.alpha_beta_for("spinal_cord" if organ == "spinal_cord" else "late_normal_tissue")
    return row.alpha_beta_gy, row.source, row.verified


def _point_eqd2(value_gy: float, fractions: int, alpha_beta: float) -> float:
    # A zero point dose has zero EQD2; eqd2() rejects zero as a prescription.
    return 0.0 if value_gy == 0 else eqd2(value_gy, fractions, alpha_beta)


def _normalise(point: DosePoint, pointer: str, tables: DoseTables) -> tuple[str, str]:
    organ = tables.canonical_organ(point.organ, f"{pointer}/organ")
    metric = tables.canonical_metric(organ, point.metric, f"{pointer}/metric")
    if not math.isfinite(point.value_gy) or point.value_gy < 0:
        raise DoseInputError(f"{pointer}/value_gy", f"must be a dose >= 0 Gy, got {point.value_gy}")
    return organ, metric


def check_constraints(
    total_gy: float | None,
    fractions: int,
    points: Sequence[DosePoint],
    prior_courses: Sequence[PriorCourse] = (),
    *,
    tables: DoseTables | None = None,
) -> ConstraintReport:
    """Judge each dose point of a `fractions`-fraction schedule against the limit tables."""
    tables = tables or default_dose_tables()
    n = _check_fractions(fractions)
    bed10 = eqd2_10 = None
    if total_gy is not None:
        bed10 = round(bed(total_gy, n, 10.0), 2)
        eqd2_10 = round(eqd2(total_gy, n, 10.0), 2)
    if not points:
        raise DoseInputError("/points", "at least one dose point is needed")

    # Prior doses per (organ, metric): list of (value_gy, fractions, months_since).
    prior: dict[tuple[str, str], list[tuple[float, int, float | None]]] = {}
    prior_organs: set[str] = set()
    for j, course in enumerate(prior_courses):
        for k, point in enumerate(course.points):
            organ, metric = _normalise(point, f"/prior_courses/{j}/points/{k}", tables)
            prior.setdefault((organ, metric), []).append(
                (point.value_gy, course.fractions, course.months_since)
            )
            prior_organs.add(organ)

    results: list[ConstraintResult] = []
    matched: set[tuple[str, str]] = set()
    for i, point in enumerate(points):
        organ, metric = _normalise(point, f"/points/{i}", tables)
        results.append(_judge(organ, metric, point.value_gy, n, prior, prior_organs, tables))
        matched.add((organ, metric))

    report_cautions = [
        f"Prior dose to {organ} {metric} has no matching point in this plan: not summed."
        for organ, metric in sorted(prior)
        if (organ, metric) not in matched
    ]
    unverified = tuple(
        f"{r.organ} {r.metric} ({r.fractions} fx)" for r in results if r.verified is False
    )
    all_passed = all(r.status == "pass" and r.cumulative_status in (None, "pass") for r in results)
    return ConstraintReport(
        total_gy=total_gy,
        fractions=n,
        bed10=bed10,
        eqd2_10=eqd2_10,
        results=tuple(results),
        all_passed=all_passed,
        reirradiation=any(r.reirradiation for r in results),
        unverified_limits=unverified,
        cautions=report_cautions,
        knowledge_version=tables.knowledge_version,
    )


def _judge(
    organ: str,
    metric: str,
    value_gy: float,
    fractions: int,
    prior: dict[tuple[str, str], list[tuple[float, int, float | None]]],
    prior_organs: set[str],
    tables: DoseTables,
) -> ConstraintResult:
    cautions: list[str] = []
    limit = tables.limit(organ, metric, fractions)
    status: Status
    if limit is None:
        status = "no_sourced_limit"
        available = ", ".join(str(f) for f in tables.fractions_with_limits(organ, metric))
        cautions.append(
            f"No sourced {organ} {metric} limit for {fractions} fractions "
            f"(tables have {available}); not converted from other fraction counts."
        )
    else:
        status = "pass" if value_gy <= limit.limit_gy else "fail"
        if not limit.verified:
            cautions.append(
                f"The {fractions}-fraction limit could not be confirmed by two sources "
                "(verified: false)."
            )
        if limit.caveat:
            cautions.append(f"{limit.caveat} (limit source: {limit.source})")

    cumulative = _Cumulative()
    reirradiation = organ in prior_organs
    if reirradiation:
        earlier = prior.get((organ, metric), [])
        if not earlier:
            cautions.append(
                f"Re-irradiation: {organ} was dosed before but no prior {metric} was given; "
                "cumulative dose not computed."
            )
        else:
            cumulative = _cumulative(organ, metric, value_gy, fractions, earlier, tables, cautions)

    return ConstraintResult(
        organ=organ,
        metric=metric,
        value_gy=value_gy,
        fractions=fractions,
        status=status,
        limit_gy=None if limit is None else limit.limit_gy,
        endpoint=None if limit is None else limit.endpoint,
        source=None if limit is None else limit.source,
        verified=None if limit is None else limit.verified,
        reirradiation=reirradiation,
        alpha_beta_gy=cumulative.alpha_beta_gy,
        cumulative_eqd2_gy=cumulative.eqd2_gy,
        cumulative_limit_eqd2_gy=cumulative.limit_eqd2_gy,
        cumulative_status=cumulative.status,
        cumulative_source=cumulative.source,
        cautions=cautions,
    )


def _cumulative(
    organ: str,
    metric: str,
    value_gy: float,
    fractions: int,
    earlier: list[tuple[float, int, float | None]],
    tables: DoseTables,
    cautions: list[str],
) -> _Cumulative:
    alpha_beta, ab_source, ab_verified = _alpha_beta(organ, metric, tables)
    course = _point_eqd2(value_gy, fractions, alpha_beta)
    total = course + sum(_point_eqd2(v, n, alpha_beta) for v, n, _ in earlier)
    if not ab_verified:
        cautions.append(f"alpha/beta {alpha_beta:g} Gy from {ab_source} is marked verified: false.")
    rule = tables.reirradiation_rule(organ, metric)
    if rule is None:
        cautions.append(
            f"Re-irradiation of {organ}: no sourced cumulative limit; the cumulative EQD2 "
            "is reported for review only."
        )
        return _Cumulative(alpha_beta, round(total, 2), None, "no_sourced_limit", None)
    cumulative_status: Status = "pass" if total <= rule.cumulative_eqd2_gy else "fail"
    if rule.course_eqd2_gy is not None and course > rule.course_eqd2_gy:
        cumulative_status = "fail"
        cautions.append(
            f"This course gives {course:.1f} Gy EQD2 to {organ} {metric}, above the "
            f"{rule.course_eqd2_gy:g} Gy per re-irradiation course ({rule.source})."
        )
    if rule.min_interval_months is not None:
        for _, _, months in earlier:
            if months is None:
                cautions.append(
                    f"Interval since the prior course unknown; {rule.source} associates at "
                    f"least {rule.min_interval_months:g} months with lower risk."
                )
            elif months < rule.min_interval_months:
                cautions.append(
                    f"Only {months:g} months since the prior course; {rule.source} associates "
                    f"at least {rule.min_interval_months:g} months with lower risk."
                )
    return _Cumulative(
        alpha_beta, round(total, 2), rule.cumulative_eqd2_gy, cumulative_status, rule.source
    )
