"""What the case record leaves open that changes the reading: say it, never guess it."""

from __future__ import annotations

import datetime as dt

from oligoguide.model.case import Lesion
from oligoguide.model.vocab import LesionObservation, Site, WorkupCode
from oligoguide.plan.context import PlanContext
from oligoguide.plan.rules.base import Findings, workup_draft
from oligoguide.response.timepoints import DEFAULT_WINDOW_DAYS

#: How a lesion that was not evaluated is imaged again, by site (with the statement behind it).
REIMAGE: dict[Site, tuple[WorkupCode, str, str]] = {
    Site.LIVER: (WorkupCode.LIVER_MRI, "workup_liver_mri", "Liver MRI"),
    Site.BRAIN: (WorkupCode.BRAIN_MRI, "workup_brain_mri", "Contrast brain MRI"),
    Site.SPINE: (WorkupCode.SPINE_MRI, "spine_mri_sins", "MRI of the spine"),
}
DEFAULT_REIMAGE = (
    WorkupCode.CT_CHEST_ABDOMEN_PELVIS,
    "workup_whole_body_imaging",
    "Contrast CT of chest, abdomen and pelvis",
)


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


def lesion_not_evaluated(ctx: PlanContext, out: Findings) -> None:
    """A lesion the latest restaging did not assess: 'the rest is controlled' is then an
    assumption for it, so the plan asks for it to be imaged (RECIST 1.1: a time point is complete
    only when every target is assessed)."""
    if ctx.latest_date is None:
        return
    latest = ctx.latest_date
    for t in ctx.response.lesions:
        if t.status.value != "not_evaluable" or t.locally_treated:
            continue
        lesion = ctx.lesion(t.id)
        assessed = [x.date for x in lesion.timeline if x.status != LesionObservation.NOT_EVALUATED]
        now = lesion.measurement_on(latest)
        said_not_evaluated = now is not None and now.status == LesionObservation.NOT_EVALUATED
        recent = bool(assessed) and (latest - max(assessed)).days <= DEFAULT_WINDOW_DAYS
        if not said_not_evaluated and (recent or not assessed):
            continue  # assessed within the restaging window, or never seen at all
        code, statement, what = REIMAGE.get(t.site, DEFAULT_REIMAGE)
        out.need(
            f"/lesions/{t.id}/measurements",
            f"{t.id} ({t.site.value}) was not assessed on {latest}: the plan takes it as "
            "controlled until it is imaged",
        )
        if not any(d.code == code for d in out.drafts):
            out.drafts.append(
                workup_draft(
                    code,
                    statement,
                    "workup.reimage_not_evaluated",
                    f"{what} for {t.id}, not assessed on the latest restaging.",
                    f"{t.id} ({t.site.value}) was not assessed on {latest}.",
                )
            )


RULES = (unsized_lesion_first_recorded_late, lesion_not_evaluated)
