"""RECIST 1.1 time-point response: target sum, non-target status, new lesions, overall (Table 1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oligoguide.model.case import Case, Lesion, Measurement
from oligoguide.model.vocab import (
    LesionObservation,
    NonTargetResponse,
    OverallResponse,
    TargetResponse,
)
from oligoguide.response.arithmetic import (
    TOO_SMALL_DEFAULT_MM,
    is_partial_response,
    is_progression,
    percent_change,
)
from oligoguide.response.models import TimepointResponse
from oligoguide.response.selection import NORMAL_NODE_MM


def lesion_size(m: Measurement | None) -> float | None:
    """The size RECIST counts for a measurement; None when it was not evaluated."""
    if m is None or m.status == LesionObservation.NOT_EVALUATED:
        return None
    if m.status == LesionObservation.ABSENT:
        return 0.0
    if m.diameter_mm is not None:
        return m.diameter_mm
    if m.status == LesionObservation.TOO_SMALL_TO_MEASURE:
        return TOO_SMALL_DEFAULT_MM
    return None


@dataclass
class _SumState:
    baseline: float
    nadir: float


def _target_sum(targets: list[Lesion], day: dt.date) -> tuple[float, bool]:
    """Sum of the measured targets, and whether every target was measured."""
    sizes = [lesion_size(t.measurement_on(day)) for t in targets]
    return sum(s for s in sizes if s is not None), all(s is not None for s in sizes)


def _all_targets_gone(targets: list[Lesion], day: dt.date) -> bool:
    """CR for targets: non-nodal targets at 0 and every target node under 10 mm short axis."""
    for t in targets:
        size = lesion_size(t.measurement_on(day))
        if size is None:
            return False
        if t.is_lymph_node and size >= NORMAL_NODE_MM:
            return False
        if not t.is_lymph_node and size > 0:
            return False
    return True


def target_response(
    targets: list[Lesion], day: dt.date, state: _SumState
) -> tuple[TargetResponse, float | None, bool]:
    """Response, the sum (None if not evaluable) and whether every target was measured."""
    total, complete = _target_sum(targets, day)
    if is_progression(total, state.nadir):
        # The measured targets alone already show PD, so a missing one cannot undo it.
        return TargetResponse.PD, total, complete
    if not complete:
        return TargetResponse.NE, None, False
    if _all_targets_gone(targets, day):
        return TargetResponse.CR, total, True
    if is_partial_response(total, state.baseline):
        return TargetResponse.PR, total, True
    return TargetResponse.SD, total, True


def non_target_response(non_targets: list[Lesion], day: dt.date) -> NonTargetResponse:
    if not non_targets:
        return NonTargetResponse.NONE
    measurements = [n.measurement_on(day) for n in non_targets]
    if any(m and m.status == LesionObservation.UNEQUIVOCAL_PROGRESSION for m in measurements):
        return NonTargetResponse.PD
    if any(m is None or m.status == LesionObservation.NOT_EVALUATED for m in measurements):
        return NonTargetResponse.NE
    gone = all(_normal(lesion, m) for lesion, m in zip(non_targets, measurements, strict=True))
    return NonTargetResponse.CR if gone else NonTargetResponse.NON_CR_NON_PD


def _normal(lesion: Lesion, m: Measurement | None) -> bool:
    """Non-target CR: the lesion is gone, or a node is back under 10 mm short axis."""
    if m is None or m.status == LesionObservation.ABSENT:
        return m is not None
    if m.diameter_mm is None or (m.status is not None and m.status != LesionObservation.PRESENT):
        return False
    return m.diameter_mm < NORMAL_NODE_MM if lesion.is_lymph_node else m.diameter_mm == 0


def overall_response(
    target: TargetResponse | None, non_target: NonTargetResponse, new_lesion: bool
) -> OverallResponse:
    """RECIST 1.1 Table 1 (targets present) and Table 2 (non-target disease only)."""
    if new_lesion or target == TargetResponse.PD or non_target == NonTargetResponse.PD:
        return OverallResponse.PD
    if target is None:  # non-target disease only
        return {
            NonTargetResponse.CR: OverallResponse.CR,
            NonTargetResponse.NON_CR_NON_PD: OverallResponse.NON_CR_NON_PD,
            NonTargetResponse.NE: OverallResponse.NE,
            NonTargetResponse.NONE: OverallResponse.NE,
        }[non_target]
    if target == TargetResponse.NE:
        return OverallResponse.NE
    if target == TargetResponse.CR:
        cr = non_target in (NonTargetResponse.CR, NonTargetResponse.NONE)
        return OverallResponse.CR if cr else OverallResponse.PR
    return OverallResponse.PR if target == TargetResponse.PR else OverallResponse.SD


def is_present(m: Measurement | None) -> bool:
    """Seen on this scan (a lesion too small to measure is still present)."""
    if m is None or m.status in (LesionObservation.ABSENT, LesionObservation.NOT_EVALUATED):
        return False
    return m.status is not None or (m.diameter_mm or 0.0) > 0


def appeared_on(lesion: Lesion, baseline: dt.date) -> dt.date | None:
    """The scan on which a lesion not present at baseline was first seen, else None.

    RECIST 1.1: a lesion absent at (or not yet imaged by) the baseline scan that appears later is a
    new lesion; one present at baseline that disappears and comes back is not (RECIST FAQ).
    """
    present = [m.date for m in lesion.timeline if is_present(m)]
    if not present or present[0] <= baseline:
        return None
    return present[0]


def _treated_since_baseline(case: Case, lesion: Lesion, baseline: dt.date, day: dt.date) -> bool:
    """A local treatment after baseline and before this day: the lesion is followed from its
    treatment on (lesions.py restarts its nadir there), so it is no longer a new lesion."""
    return any(baseline < t.date < day for t in case.local_treatments_of(lesion.id))


def new_lesions_on(case: Case, baseline: dt.date, day: dt.date) -> list[Lesion]:
    """Lesions not present at baseline, seen for the first time on this day, not treated since."""
    return [
        lesion
        for lesion in case.lesions
        if appeared_on(lesion, baseline) == day
        and not _treated_since_baseline(case, lesion, baseline, day)
    ]


def new_lesions_present(case: Case, baseline: dt.date, day: dt.date) -> list[Lesion]:
    """Unequivocal lesions that appeared after baseline, are still seen on this day and were not
    treated locally since baseline: RECIST progression is not undone by the next scan."""
    found = []
    for lesion in case.lesions:
        appeared = appeared_on(lesion, baseline)
        if appeared is None or appeared >= day or lesion.equivocal:
            continue
        if not is_present(lesion.measurement_on(day)):
            continue
        if _treated_since_baseline(case, lesion, baseline, day):
            continue
        found.append(lesion)
    return found


def _new_lesion_sum(lesions: list[Lesion], day: dt.date) -> float | None:
    sizes = [lesion_size(x.measurement_on(day)) for x in lesions]
    known = [s for s in sizes if s is not None]
    return sum(known) if known else None


def evaluate_timepoints(
    case: Case, baseline: dt.date, targets: list[Lesion], dates: list[dt.date]
) -> list[TimepointResponse]:
    """The baseline row, then one row per later date, carrying the nadir forward."""
    non_targets = [
        lesion
        for lesion in case.lesions
        if lesion.measurement_on(baseline) is not None and lesion not in targets
    ]
    base_sum, _ = _target_sum(targets, baseline)
    rows = [
        TimepointResponse(
            date=baseline,
            sum_mm=base_sum if targets else None,
            baseline_sum_mm=base_sum if targets else None,
            nadir_mm=None,
            change_from_baseline_pct=None,
            change_from_nadir_pct=None,
            target=None,
            non_target=NonTargetResponse.NONE
            if not non_targets
            else NonTargetResponse.NON_CR_NON_PD,
            new_lesions=(),
            overall=OverallResponse.BASELINE,
        )
    ]
    state = _SumState(baseline=base_sum, nadir=base_sum)
    for day in (d for d in dates if d > baseline):
        target, total, complete = (
            target_response(targets, day, state) if targets else (None, None, False)
        )
        non_target = non_target_response(non_targets, day)
        fresh = [n for n in new_lesions_on(case, baseline, day) if not n.equivocal]
        persisting = new_lesions_present(case, baseline, day)
        rows.append(
            TimepointResponse(
                date=day,
                sum_mm=total,
                baseline_sum_mm=state.baseline if targets else None,
                nadir_mm=state.nadir if targets else None,
                change_from_baseline_pct=None
                if total is None
                else percent_change(total, state.baseline),
                change_from_nadir_pct=None if total is None else percent_change(total, state.nadir),
                target=target,
                non_target=non_target,
                new_lesions=tuple(n.id for n in fresh),
                new_lesions_persisting=tuple(n.id for n in persisting),
                new_lesion_sum_mm=_new_lesion_sum([*fresh, *persisting], day),
                overall=overall_response(target, non_target, bool(fresh or persisting)),
            )
        )
        if total is not None and complete:
            state.nadir = min(state.nadir, total)
    return rows
