"""What the case record leaves open that changes the reading: say it, never guess it."""

from __future__ import annotations

import datetime as dt

from oligoguide.model.case import Lesion
from oligoguide.model.vocab import LesionObservation
from oligoguide.plan.context import PlanContext
from oligoguide.plan.rules.base import Findings


def unsized_lesion_first_recorded_late(ctx: PlanContext, out: Findings) -> None:
    """A lesion first recorded after the baseline, only as 'present' (no size) and never as
    absent, is read as new (RECIST 1.1: not there at baseline). A known lesion left out of the
    baseline record reads the same way: the record cannot tell them apart, so the user is asked."""
    baseline = ctx.response.baseline_date
    if baseline is None:
        return
    for t in ctx.progressing:
        lesion = ctx.lesion(t.id)
        if t.is_new and unsized_and_first_recorded_late(lesion, baseline):
            out.need(
                f"/lesions/{t.id}/measurements",
                f"{t.id} ({t.site.value}) is first recorded on {lesion.first_seen}, after the "
                f"baseline of {baseline}, as present without a size and never as absent: it is "
                "counted as a new lesion; if it was known at baseline and only not recorded "
                "then, it is not progression and needs no local treatment",
            )


def unsized_and_first_recorded_late(lesion: Lesion, baseline: dt.date) -> bool:
    """First recorded after the baseline, never with a size and never as absent."""
    timeline = lesion.timeline
    return (
        lesion.first_seen > baseline
        and all(m.status != LesionObservation.ABSENT for m in timeline)
        and all(m.diameter_mm is None for m in timeline)
    )


RULES = (unsized_lesion_first_recorded_late,)
