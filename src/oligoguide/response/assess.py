"""The response stage: from a case to RECIST 1.1 time points and per-lesion trajectories."""

from __future__ import annotations

from collections.abc import Sequence

from oligoguide.model.case import Case
from oligoguide.model.explain import Explanation, MissingData
from oligoguide.model.vocab import LesionStatus
from oligoguide.response.baseline import choose_baseline, timepoint_dates
from oligoguide.response.irecist import apply_irecist
from oligoguide.response.lesions import growth_below_threshold, trajectory
from oligoguide.response.models import ResponseAssessment, TimepointResponse
from oligoguide.response.recist import evaluate_timepoints
from oligoguide.response.selection import irradiated_before, select_targets
from oligoguide.response.timepoints import DEFAULT_WINDOW_DAYS, regroup

RECIST = ("eisenhauer_2009_recist",)


def assess_response(case: Case, window_days: int = DEFAULT_WINDOW_DAYS) -> ResponseAssessment:
    """RECIST 1.1 over the case's assessment time points (studies within `window_days` grouped)."""
    grouped, _, grouping_notes = regroup(case, window_days)
    return assess_grouped_response(grouped, grouping_notes)


def assess_grouped_response(
    case: Case, grouping_notes: Sequence[Explanation] = ()
) -> ResponseAssessment:
    """RECIST 1.1 over a case whose studies are already grouped into time points (`regroup`).

    Grouping is not idempotent (re-dated studies can fall within the window of each other), so
    it is done exactly once: by `assess_response`, or by the caller that passes its notes here.
    """
    dates = timepoint_dates(case)
    baseline = choose_baseline(case, dates)
    if baseline is None:
        return ResponseAssessment(
            baseline_date=None,
            latest_date=None,
            target_ids=(),
            timepoints=(),
            lesions=(),
            explanations=(),
            warnings=(),
            missing_data=(
                MissingData(
                    item="/lesions",
                    reason="no lesion measurements: nothing "
                    "to assess; add lesions with dated measurements",
                ),
            ),
        )
    latest = dates[-1]
    targets, warnings = select_targets(case, baseline.date)
    explanations = [
        *grouping_notes,
        Explanation(
            rule="baseline",
            text=f"Baseline scan {baseline.date}: {baseline.reason}.",
            citations=RECIST,
        ),
    ]
    rows = evaluate_timepoints(case, baseline.date, targets, dates)
    rows, irecist_notes = apply_irecist(case, rows)
    explanations += _timepoint_explanations(rows)
    explanations += irecist_notes
    trajectories = []
    for lesion in case.lesions:
        if lesion.timeline[-1].date < baseline.date:
            warnings.append(f"lesion {lesion.id} has no measurement since baseline: ignored")
            continue
        result, why = trajectory(case, lesion, baseline.date, latest, lesion in targets)
        trajectories.append(result)
        if why:
            explanations.append(why)
        near_miss = growth_below_threshold(result)
        if near_miss:
            explanations.append(
                Explanation(
                    rule="per_lesion_progression",
                    text=near_miss,
                    lesion_id=lesion.id,
                    citations=RECIST,
                )
            )
        if (
            lesion in targets
            and irradiated_before(case, lesion, latest)
            and not irradiated_before(case, lesion, baseline.date)
        ):
            warnings.append(
                f"target {lesion.id} was irradiated during follow-up: later RECIST "
                "sums include the effect of local therapy"
            )
        if lesion.equivocal and result.status == LesionStatus.NEW:
            warnings.append(
                f"{lesion.id} is an equivocal new lesion: re-image to confirm; if "
                "confirmed, progression dates from its first scan"
            )
    missing = []
    if len(rows) < 2:
        missing.append(
            MissingData(
                item="follow-up scan",
                reason=f"only one time point ({baseline.date}): response "
                "needs a baseline and at least one later scan",
            )
        )
    elif rows[-1].overall.value == "NE":
        missing.append(
            MissingData(
                item=f"measurements on {latest}",
                reason="not every target lesion was measured on the latest "
                "scan, so the time point is not evaluable (NE)",
            )
        )
    return ResponseAssessment(
        baseline_date=baseline.date,
        latest_date=latest,
        target_ids=tuple(t.id for t in targets),
        timepoints=tuple(rows),
        lesions=tuple(trajectories),
        explanations=tuple(explanations),
        warnings=tuple(warnings),
        missing_data=tuple(missing),
    )


def _timepoint_explanations(rows: list[TimepointResponse]) -> list[Explanation]:
    notes = []
    for row in rows[1:]:
        parts = []
        if row.sum_mm is not None and row.nadir_mm is not None:
            base = (
                "n/a"
                if row.change_from_baseline_pct is None
                else f"{row.change_from_baseline_pct:+g}%"
            )
            nadir = (
                "n/a" if row.change_from_nadir_pct is None else f"{row.change_from_nadir_pct:+g}%"
            )
            parts.append(
                f"target sum {row.sum_mm:g} mm ({base} from baseline {row.baseline_sum_mm:g} mm, "
                f"{nadir} / {row.sum_mm - row.nadir_mm:+g} mm from nadir {row.nadir_mm:g} mm) "
                f"-> target {row.target.value if row.target else 'n/a'}"
            )
        elif row.target is not None:
            parts.append(f"target {row.target.value}")
        parts.append(
            "no non-target lesions"
            if row.non_target.value == "none"
            else f"non-target {row.non_target.value}"
        )
        if row.new_lesions:
            parts.append(f"new lesion(s) {', '.join(row.new_lesions)}")
        notes.append(
            Explanation(
                rule="recist_timepoint",
                text=f"{row.date}: {'; '.join(parts)}; overall {row.overall.value}.",
                citations=RECIST,
            )
        )
    return notes
