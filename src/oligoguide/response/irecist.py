"""iRECIST (Seymour et al. 2017) for patients on immunotherapy: unconfirmed vs confirmed PD."""

from __future__ import annotations

import datetime as dt

from oligoguide.model.case import Case
from oligoguide.model.explain import Explanation
from oligoguide.model.vocab import (
    IRecistResponse,
    NonTargetResponse,
    OverallResponse,
    TherapyClass,
)
from oligoguide.response.arithmetic import PD_ABSOLUTE_MM
from oligoguide.response.models import TimepointResponse

CITATIONS = ("seymour_2017_irecist",)
CONFIRM_MIN_WEEKS, CONFIRM_MAX_WEEKS = 4, 8


def on_immunotherapy(case: Case, day: dt.date) -> bool:
    return any(TherapyClass.IMMUNOTHERAPY in t.classes for t in case.therapies_ongoing_on(day))


def _further_progression(row: TimepointResponse, iupd: TimepointResponse) -> bool:
    """Confirmation (Seymour 2017, Table 2): the target sum grows >=5 mm more, more new lesions
    appear, the new lesions grow >=5 mm in sum, or non-target disease grows."""
    grew = (
        row.sum_mm is not None
        and iupd.sum_mm is not None
        and row.sum_mm - iupd.sum_mm >= PD_ABSOLUTE_MM
    )
    new_grew = (
        row.new_lesion_sum_mm is not None
        and iupd.new_lesion_sum_mm is not None
        and row.new_lesion_sum_mm - iupd.new_lesion_sum_mm >= PD_ABSOLUTE_MM
    )
    return grew or new_grew or bool(row.new_lesions) or row.non_target == NonTargetResponse.PD


def apply_irecist(
    case: Case, rows: list[TimepointResponse]
) -> tuple[list[TimepointResponse], list[Explanation]]:
    labelled: list[TimepointResponse] = []
    explanations: list[Explanation] = []
    pending: TimepointResponse | None = None
    for row in rows:
        label: IRecistResponse | None = None
        if row.overall == OverallResponse.PD and on_immunotherapy(case, row.date):
            if pending is not None and _further_progression(row, pending):
                label = IRecistResponse.ICPD
                text = (
                    f"{row.date}: further progression after iUPD on {pending.date}: "
                    "confirmed (iCPD)"
                )
            elif pending is None and case.clinically_deteriorating:
                label = IRecistResponse.ICPD
                text = (
                    f"{row.date}: RECIST progression on immunotherapy with clinical "
                    "deterioration: treated as confirmed (iCPD), no confirmatory scan needed"
                )
            else:
                label = IRecistResponse.IUPD
                since = pending.date if pending else row.date
                text = (
                    f"{row.date}: RECIST progression on immunotherapy is unconfirmed (iUPD, "
                    f"since {since}); confirm on a scan {CONFIRM_MIN_WEEKS}-{CONFIRM_MAX_WEEKS}"
                    " weeks later if the patient is clinically stable"
                )
                pending = pending or row
            explanations.append(Explanation(rule="irecist", text=text, citations=CITATIONS))
        elif row.overall != OverallResponse.BASELINE:
            pending = None  # no PD at this scan: the iRECIST bar resets
        labelled.append(row.model_copy(update={"irecist": label}))
    return labelled, explanations
