"""Which scans count: the time points of a case and the RECIST baseline among them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oligoguide.model.case import Case


@dataclass(frozen=True)
class Baseline:
    date: dt.date
    reason: str


def timepoint_dates(case: Case) -> list[dt.date]:
    """Every date on which at least one lesion was assessed, in order."""
    return sorted({m.date for lesion in case.lesions for m in lesion.measurements})


def choose_baseline(case: Case, dates: list[dt.date]) -> Baseline | None:
    """The declared baseline, else the last scan before the current therapy, else the first scan."""
    if not dates:
        return None
    if case.baseline_date is not None:
        earlier = [d for d in dates if d <= case.baseline_date]
        if earlier:
            return Baseline(earlier[-1], f"declared baseline_date {case.baseline_date}")
        return Baseline(
            dates[0],
            f"first scan ({dates[0]}); no scan on or before the declared "
            f"baseline_date {case.baseline_date}",
        )
    current = case.therapies_ongoing_on(dates[-1])
    if current:
        start = max(t.start for t in current)
        before = [d for d in dates if d <= start]
        if before:
            return Baseline(
                before[-1], f"last scan on or before the current therapy began ({start})"
            )
    return Baseline(dates[0], "first scan in the case")
