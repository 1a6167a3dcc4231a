"""Target-lesion selection (RECIST 1.1 section 4.3): check the reader's choice, or choose."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from oligoguide.model.case import Case, Lesion
from oligoguide.model.vocab import RADIATION_MODALITIES

MAX_TARGETS = 5
MAX_TARGETS_PER_ORGAN = 2
MIN_MEASURABLE_MM = 10.0
MIN_MEASURABLE_NODE_MM = 15.0
NORMAL_NODE_MM = 10.0


def baseline_size(lesion: Lesion, baseline: dt.date) -> float | None:
    m = lesion.measurement_on(baseline)
    return None if m is None else m.diameter_mm


def is_measurable(lesion: Lesion, baseline: dt.date) -> bool:
    """Measurable at baseline: >=10 mm longest diameter, or >=15 mm short axis for a node."""
    if lesion.measurable is not None:
        return lesion.measurable
    size = baseline_size(lesion, baseline)
    if size is None:
        return False
    return size >= (MIN_MEASURABLE_NODE_MM if lesion.is_lymph_node else MIN_MEASURABLE_MM)


def irradiated_before(case: Case, lesion: Lesion, day: dt.date) -> bool:
    return any(
        t.modality in RADIATION_MODALITIES and t.date < day
        for t in case.local_treatments_of(lesion.id)
    )


def select_targets(case: Case, baseline: dt.date) -> tuple[list[Lesion], list[str]]:
    """The target lesions and warnings about the selection. Never raises."""
    at_baseline = [lesion for lesion in case.lesions if lesion.measurement_on(baseline)]
    flagged = [lesion for lesion in at_baseline if lesion.target]
    warnings: list[str] = []
    late = [lesion.id for lesion in case.lesions if lesion.target and lesion not in at_baseline]
    if late:
        warnings.append(
            f"lesion(s) {', '.join(late)} flagged as target but not measured at baseline "
            f"{baseline}: handled as non-target or new"
        )
    if not flagged:
        targets = _auto_select(case, at_baseline, baseline)
        if targets:
            warnings.append(
                "no target lesions were flagged: selected automatically the largest measurable "
                f"lesions ({', '.join(t.id for t in targets)}), at most 5 and 2 per organ"
            )
        return targets, warnings
    warnings += _selection_warnings(case, flagged, baseline)
    return flagged, warnings


def _auto_select(case: Case, candidates: list[Lesion], baseline: dt.date) -> list[Lesion]:
    eligible = [
        lesion
        for lesion in candidates
        if is_measurable(lesion, baseline) and not irradiated_before(case, lesion, baseline)
    ]
    eligible.sort(key=lambda lesion: -(baseline_size(lesion, baseline) or 0.0))
    chosen: list[Lesion] = []
    per_organ: Counter[str] = Counter()
    for lesion in eligible:
        if len(chosen) < MAX_TARGETS and per_organ[lesion.site] < MAX_TARGETS_PER_ORGAN:
            chosen.append(lesion)
            per_organ[lesion.site] += 1
    return chosen


def _selection_warnings(case: Case, targets: list[Lesion], baseline: dt.date) -> list[str]:
    warnings: list[str] = []
    if len(targets) > MAX_TARGETS:
        warnings.append(f"{len(targets)} target lesions: RECIST 1.1 allows at most {MAX_TARGETS}")
    per_organ = Counter(t.site for t in targets)
    for organ, count in sorted(per_organ.items()):
        if count > MAX_TARGETS_PER_ORGAN:
            warnings.append(
                f"{count} target lesions in {organ}: RECIST 1.1 allows at most "
                f"{MAX_TARGETS_PER_ORGAN} per organ"
            )
    for lesion in targets:
        size = baseline_size(lesion, baseline)
        if size is None:
            warnings.append(f"target {lesion.id} has no baseline diameter")
        elif not is_measurable(lesion, baseline):
            need = MIN_MEASURABLE_NODE_MM if lesion.is_lymph_node else MIN_MEASURABLE_MM
            axis = "short axis" if lesion.is_lymph_node else "longest diameter"
            warnings.append(
                f"target {lesion.id} is {size:g} mm ({axis}) at baseline, below the "
                f"{need:g} mm RECIST measurability threshold"
            )
        if irradiated_before(case, lesion, baseline):
            warnings.append(
                f"target {lesion.id} lies in a previously irradiated field: RECIST 1.1 treats "
                "such lesions as non-measurable unless they have progressed since"
            )
    return warnings
