"""Per-lesion trajectories and the per-lesion progression rule.

RECIST 1.1 judges the patient, not the lesion; oligoprogression is a lesion-level idea and no
guideline fixes a per-lesion threshold. oligoguide applies the RECIST arithmetic to each lesion
against its own nadir (>=20% and >=5 mm), plus unequivocal progression of a non-measurable lesion
and any unequivocal new lesion. This is a stated design choice, recorded in every explanation.
After a local treatment a lesion's nadir restarts from its first scan after that treatment, so a
lesion shrinking after SBRT is not compared with its size before it was treated.
"""

from __future__ import annotations

import datetime as dt

from oligoguide.model.case import Case, Lesion, LocalTreatment, Measurement
from oligoguide.model.explain import Explanation
from oligoguide.model.vocab import RADIATION_MODALITIES, LesionObservation, LesionStatus
from oligoguide.response.arithmetic import is_partial_response, is_progression, percent_change
from oligoguide.response.models import LesionPoint, LesionTrajectory
from oligoguide.response.recist import appeared_on, is_present, lesion_size

RULE = "per_lesion_progression"
CITATIONS = ("eisenhauer_2009_recist",)


def _segment_start(treatments: list[LocalTreatment], baseline: dt.date, latest: dt.date) -> dt.date:
    """Where this lesion's nadir tracking begins: baseline, or after its last local treatment."""
    after = [t.date for t in treatments if baseline <= t.date < latest]
    return max(after) if after else baseline


def trajectory(
    case: Case, lesion: Lesion, baseline: dt.date, latest: dt.date, target: bool
) -> tuple[LesionTrajectory, Explanation | None]:
    treatments = case.local_treatments_of(lesion.id)
    start = _segment_start(treatments, baseline, latest)
    sizes_before = (lesion_size(m) for m in lesion.timeline if start <= m.date < latest)
    prior_sizes = [s for s in sizes_before if s is not None]
    current = lesion.measurement_on(latest)
    size = lesion_size(current)
    appeared = appeared_on(lesion, baseline)
    is_new = lesion.first_seen > baseline or appeared is not None
    nadir = min(prior_sizes) if prior_sizes else None
    status, why = _status(
        lesion, current, size, nadir, prior_sizes, is_new, start != baseline, appeared
    )
    change_pct = None if size is None or nadir is None else percent_change(size, nadir)
    change_mm = None if size is None or nadir is None else round(size - nadir, 1)
    result = LesionTrajectory(
        id=lesion.id,
        site=lesion.site,
        is_lymph_node=lesion.is_lymph_node,
        target=target,
        is_new=is_new,
        equivocal=lesion.equivocal,
        status=status,
        latest_mm=size,
        nadir_mm=nadir,
        change_from_nadir_pct=change_pct,
        change_from_nadir_mm=change_mm,
        irradiated=any(t.modality in RADIATION_MODALITIES and t.date < latest for t in treatments),
        locally_treated=tuple(f"{t.modality.value} on {t.date}" for t in treatments),
        points=tuple(
            LesionPoint(
                date=m.date,
                diameter_mm=m.diameter_mm,
                status=None if m.status is None else m.status.value,
            )
            for m in lesion.timeline
        ),
    )
    explanation = (
        Explanation(
            rule=RULE,
            text=f"{lesion.id} ({lesion.site.value}): {why}",
            lesion_id=lesion.id,
            citations=CITATIONS,
        )
        if why
        else None
    )
    return result, explanation


def _status(
    lesion: Lesion,
    m: Measurement | None,
    size: float | None,
    nadir: float | None,
    prior: list[float],
    is_new: bool,
    restarted: bool,
    appeared: dt.date | None,
) -> tuple[LesionStatus, str]:
    seen = appeared or lesion.first_seen
    if m is None or m.status == LesionObservation.NOT_EVALUATED:
        last = [x for x in lesion.timeline if x.status != LesionObservation.NOT_EVALUATED]
        if is_new and not restarted and not lesion.equivocal and last and is_present(last[-1]):
            # A new lesion stays on the record until it is treated or seen to resolve.
            return (
                LesionStatus.NEW,
                f"unequivocal new lesion first seen {seen}, not imaged at the latest "
                f"time point (last seen {last[-1].date}): kept on the record until treated or "
                "resolved",
            )
        return LesionStatus.NOT_EVALUABLE, "not assessed on the latest time point"
    if is_new and not restarted:
        if not is_present(m):
            return LesionStatus.DISAPPEARED, "new lesion no longer seen on the latest scan"
        if lesion.equivocal:
            return (
                LesionStatus.NEW,
                f"equivocal new lesion first seen {seen}: not counted as progression "
                "until confirmed on a later scan",
            )
        absent = " (absent at baseline)" if appeared and lesion.first_seen < appeared else ""
        return LesionStatus.NEW, f"unequivocal new lesion, first seen {seen}{absent}"
    if m.status == LesionObservation.UNEQUIVOCAL_PROGRESSION:
        return LesionStatus.PROGRESSING, "unequivocal progression recorded on the latest scan"
    if size is None:
        return LesionStatus.PRESENT if is_present(m) else LesionStatus.NOT_EVALUABLE, ""
    if nadir is None:
        return (LesionStatus.DISAPPEARED if size == 0 else LesionStatus.BASELINE_ONLY), ""
    if is_progression(size, nadir):
        pct = percent_change(size, nadir)
        grew = f"+{pct:g}%" if pct is not None else "from 0 mm"
        return (
            LesionStatus.PROGRESSING,
            f"{nadir:g} mm (own nadir) to {size:g} mm, {grew} and +{size - nadir:g} mm: meets "
            ">=20% and >=5 mm over its own nadir",
        )
    if size == 0:
        return LesionStatus.DISAPPEARED, ""
    if is_partial_response(size, prior[0]):
        return LesionStatus.RESPONDING, ""
    return LesionStatus.STABLE, ""


def growth_below_threshold(trajectory: LesionTrajectory) -> str | None:
    """A sentence for a lesion that grew but not enough to count, so a reader sees the near miss."""
    mm, pct = trajectory.change_from_nadir_mm, trajectory.change_from_nadir_pct
    if trajectory.status != LesionStatus.STABLE or mm is None or mm <= 0:
        return None
    pct_text = f"+{pct:g}%" if pct is not None else "n/a"
    return (
        f"{trajectory.id}: grew {pct_text} / +{mm:g} mm over its own nadir, below the >=20% "
        "and >=5 mm progression threshold"
    )
