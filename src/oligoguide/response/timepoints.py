"""Assessment time points: the studies of one restaging, days apart, form one time point.

RECIST 1.1 evaluates a restaging as one time point even when its studies (CT of the body, MRI of
the brain, a bone scan) are done on different days, and asks that baseline imaging be done no more
than 4 weeks before treatment starts (Eisenhauer 2009). oligoguide groups every study date (lesion
measurements and recorded imaging) into time points: a time point starts at its first study and
takes every later study within `window_days` (default 28, configurable), and is dated by its
latest study. A time point never spans the start of a systemic therapy or a local treatment: a
study after either belongs to the next assessment. Measurements are then re-dated to their time
point, so the RECIST arithmetic sees one scan per restaging; each explanation names the studies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oligoguide.model.case import Case, Lesion, Measurement
from oligoguide.model.case_context import LesionGroup
from oligoguide.model.explain import Explanation

DEFAULT_WINDOW_DAYS = 28
CITATIONS = ("eisenhauer_2009_recist",)


@dataclass(frozen=True)
class Timepoint:
    date: dt.date  # the latest study of the time point
    studies: tuple[dt.date, ...]


def group_dates(case: Case, window_days: int = DEFAULT_WINDOW_DAYS) -> list[Timepoint]:
    dates = sorted(
        {m.date for lesion in case.lesions for m in lesion.measurements}
        | {s.date for s in case.imaging}
        | {o.date for g in case.lesion_groups for o in g.observations}
    )
    boundaries = sorted(
        {t.start for t in case.systemic_therapies} | {t.date for t in case.local_treatments}
    )
    groups: list[list[dt.date]] = []
    for day in dates:
        if groups and _joins(groups[-1], day, window_days, boundaries):
            groups[-1].append(day)
        else:
            groups.append([day])
    return [Timepoint(date=g[-1], studies=tuple(g)) for g in groups]


def _joins(group: list[dt.date], day: dt.date, window: int, boundaries: list[dt.date]) -> bool:
    if (day - group[0]).days > window:
        return False
    # a therapy start or local treatment between the two studies separates the assessments
    return not any(group[-1] < b <= day for b in boundaries)


def regroup(
    case: Case, window_days: int = DEFAULT_WINDOW_DAYS
) -> tuple[Case, list[Timepoint], list[Explanation]]:
    """The case with every measurement dated by its time point, and what the grouping did."""
    timepoints = group_dates(case, window_days)
    date_of = {d: tp.date for tp in timepoints for d in tp.studies}
    notes = [_describe(case, tp, window_days) for tp in timepoints if len(tp.studies) > 1]
    if not notes:
        return case, timepoints, []
    lesions = []
    for lesion in case.lesions:
        kept, moved = _redate(lesion, date_of)
        lesions.append(lesion.model_copy(update={"measurements": kept}))
        notes += [
            Explanation(
                rule="timepoint_grouping", text=text, lesion_id=lesion.id, citations=CITATIONS
            )
            for text in moved
        ]
    groups = [_redate_group(g, date_of) for g in case.lesion_groups]
    baseline = case.baseline_date
    if baseline is not None and baseline in date_of:
        baseline = date_of[baseline]
    regrouped = case.model_copy(
        update={
            "lesions": tuple(lesions),
            "lesion_groups": tuple(groups),
            "baseline_date": baseline,
        }
    )
    return regrouped, timepoints, notes


def _redate(
    lesion: Lesion, date_of: dict[dt.date, dt.date]
) -> tuple[tuple[Measurement, ...], list[str]]:
    by_point: dict[dt.date, list[Measurement]] = {}
    for m in lesion.timeline:
        by_point.setdefault(date_of.get(m.date, m.date), []).append(m)
    kept: list[Measurement] = []
    notes: list[str] = []
    for point, found in by_point.items():
        # the latest study with a diameter wins; a bare status only when nothing was measured
        measured = [m for m in found if m.diameter_mm is not None] or found
        chosen = measured[-1]
        kept.append(chosen.model_copy(update={"date": point}))
        if chosen.date != point or len(found) > 1:
            seen = ", ".join(f"{m.date}{_modality(m)}" for m in found)
            notes.append(
                f"{lesion.id}: the value on {chosen.date}{_modality(chosen)} counts at time point "
                f"{point} (studies of this lesion in the time point: {seen})."
            )
    return tuple(kept), notes


def _redate_group(group: LesionGroup, date_of: dict[dt.date, dt.date]) -> LesionGroup:
    latest: dict[dt.date, object] = {}
    for o in sorted(group.observations, key=lambda o: o.date):
        point = date_of.get(o.date, o.date)
        latest[point] = o.model_copy(update={"date": point})
    return group.model_copy(update={"observations": tuple(latest.values())})


def _modality(m: Measurement) -> str:
    return f" ({m.modality.value})" if m.modality is not None else ""


def _describe(case: Case, tp: Timepoint, window: int) -> Explanation:
    studies = []
    for day in tp.studies:
        kinds = [
            f"{s.modality.value} {'/'.join(r.value for r in s.regions)}"
            for s in case.imaging
            if s.date == day
        ]
        studies.append(f"{day}" + (f" ({'; '.join(kinds)})" if kinds else ""))
    return Explanation(
        rule="timepoint_grouping",
        text=f"Time point {tp.date} groups {len(tp.studies)} studies within {window} days: "
        f"{', '.join(studies)}; it is dated by the latest study.",
        citations=CITATIONS,
    )
