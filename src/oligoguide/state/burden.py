"""Burden the lesion list alone does not show: grouped lesions, and treated lesions that changed.

A group ("innumerable lung nodules") counts as many lesions, never as one: an uncounted group
counts as more than the oligo cap, so it can only push the state towards polyprogression. A lesion
whose growth after radiotherapy was judged fibrosis, or is still indeterminate, is not counted as
progressing (post-SBRT change mimics recurrence; Dahele 2011, Huang 2013): the plan asks for the
imaging that settles it instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oligoguide.model.case import Case
from oligoguide.model.vocab import Site
from oligoguide.model.vocab_context import GroupStatus, PostTreatmentAppearance
from oligoguide.response.models import LesionTrajectory

GROUP_PROGRESSING = (GroupStatus.NEW, GroupStatus.PROGRESSING)


@dataclass(frozen=True)
class GroupBurden:
    id: str
    site: Site
    status: GroupStatus
    count: int  # counted lesions, or cap + 1 for an uncounted group
    counted: bool

    @property
    def progressing(self) -> bool:
        return self.status in GROUP_PROGRESSING

    @property
    def present(self) -> bool:
        return self.status != GroupStatus.ABSENT


def group_burden(case: Case, latest: dt.date, cap: int) -> list[GroupBurden]:
    found = []
    for group in case.lesion_groups:
        seen = [o for o in group.observations if o.date <= latest]
        if not seen:
            continue
        last = max(seen, key=lambda o: o.date)
        n = last.counted
        found.append(
            GroupBurden(
                id=group.id,
                site=group.site,
                status=last.status,
                count=n if n is not None else cap + 1,
                counted=n is not None,
            )
        )
    return found


def post_treatment_change(case: Case, t: LesionTrajectory) -> str:
    """Why a treated lesion's growth is not counted as progression, or '' when it counts."""
    seen = case.lesion(t.id).post_treatment_assessment
    if seen is None or seen.appearance == PostTreatmentAppearance.RECURRENCE:
        return ""
    basis = f" ({', '.join(seen.basis)})" if seen.basis else ""
    if seen.appearance == PostTreatmentAppearance.FIBROSIS:
        return f"judged post-treatment fibrosis on {seen.date}{basis}, not recurrence"
    return f"post-treatment change of uncertain nature on {seen.date}{basis}: not yet recurrence"
