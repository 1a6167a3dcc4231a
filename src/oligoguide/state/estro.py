"""ESTRO/EORTC 2020 classification of oligometastatic disease (Guckenberger et al.).

Decision tree, applied at the latest scan:
  1. history of polymetastatic disease (an earlier scan with more than the oligometastatic limit
     of metastases)                                                   -> induced
  2. else history of oligometastatic disease (metastases on an earlier scan, or an earlier local
     treatment)                                                        -> repeat
  3. else                                                              -> de novo, synchronous when
     found within 6 months of the primary diagnosis, else metachronous
Then: de novo synchronous disease is "synchronous oligometastatic disease"; everything else is
oligorecurrence off systemic therapy, oligoprogression on therapy with a progressing lesion, and
oligopersistence on therapy without one.
"""

from __future__ import annotations

import datetime as dt

from oligoguide.model.case import Case
from oligoguide.model.explain import Explanation, MissingData
from oligoguide.model.vocab import EstroCategory, EstroSubtype, MetastasisTiming
from oligoguide.response.models import ResponseAssessment
from oligoguide.response.recist import is_present
from oligoguide.state.models import EstroEortcClass, Thresholds

CITATIONS = ("guckenberger_2020_estro_eortc",)


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.4375


def _timing(
    case: Case, first_metastasis: dt.date, thresholds: Thresholds
) -> tuple[MetastasisTiming | None, str]:
    if case.cancer.metastases_timing is not None:
        return case.cancer.metastases_timing, "as recorded in the case"
    diagnosed = case.cancer.diagnosis_date
    if diagnosed is None:
        return None, ""
    months = _months_between(diagnosed, first_metastasis)
    timing = (
        MetastasisTiming.SYNCHRONOUS
        if months <= thresholds.synchronous_months
        else MetastasisTiming.METACHRONOUS
    )
    return timing, f"metastases found {months:.1f} months after the primary diagnosis"


def _history(case: Case, latest: dt.date, limit: int) -> tuple[EstroCategory | None, str]:
    metastases = [lesion for lesion in case.lesions if not lesion.primary]
    earlier_dates = sorted(
        {m.date for lesion in metastases for m in lesion.measurements if m.date < latest}
    )
    counts = {
        day: sum(is_present(lesion.measurement_on(day)) for lesion in metastases)
        for day in earlier_dates
    }
    poly = [(day, n) for day, n in counts.items() if n > limit]
    if poly:
        day, n = poly[0]
        return EstroCategory.INDUCED, f"{n} metastases on {day}: history of polymetastatic disease"
    seen = [(day, n) for day, n in counts.items() if n > 0]
    if seen:
        day, n = seen[0]
        return EstroCategory.REPEAT, (
            f"{n} metastases already on {day}: history of oligometastatic disease"
        )
    treated = [t for t in case.local_treatments if t.date < latest]
    if treated:
        return EstroCategory.REPEAT, (
            f"earlier local treatment ({treated[0].modality.value} on {treated[0].date})"
        )
    return None, ""


def classify_estro(
    case: Case,
    response: ResponseAssessment,
    on_therapy: bool,
    progressing: bool,
    thresholds: Thresholds,
) -> tuple[EstroEortcClass | None, list[Explanation], list[MissingData]]:
    latest = response.latest_date
    metastases = [lesion for lesion in case.lesions if not lesion.primary]
    if latest is None or not metastases:
        return None, [], []
    category, why = _history(case, latest, thresholds.max_oligometastatic_lesions)
    timing: MetastasisTiming | None = None
    if category is None:
        category = EstroCategory.DE_NOVO
        timing, why = _timing(case, min(m.first_seen for m in metastases), thresholds)
        if timing is None:
            return (
                None,
                [],
                [
                    MissingData(
                        item="/cancer/diagnosis_date",
                        reason="ESTRO/EORTC class: synchronous vs metachronous needs the primary "
                        "diagnosis date (or cancer.metastases_timing)",
                    )
                ],
            )
        why = f"first diagnosis of metastases, {timing.value}: {why}"
    if timing == MetastasisTiming.SYNCHRONOUS:
        subtype = EstroSubtype.SYNCHRONOUS
        label = "synchronous oligometastatic disease"
    else:
        if not on_therapy:
            subtype = EstroSubtype.OLIGORECURRENCE
        elif progressing:
            subtype = EstroSubtype.OLIGOPROGRESSION
        else:
            subtype = EstroSubtype.OLIGOPERSISTENCE
        prefix = timing.value if timing else category.value
        label = f"{prefix} {subtype.value}"
    therapy = "on" if on_therapy else "off"
    explanation = Explanation(
        rule="estro_eortc_class",
        text=f"ESTRO/EORTC class '{label}': {why}; {therapy} systemic therapy"
        f"{' with a progressing lesion' if progressing and on_therapy else ''}.",
        citations=CITATIONS,
    )
    return (
        EstroEortcClass(category=category, timing=timing, subtype=subtype, label=label),
        [explanation],
        [],
    )
