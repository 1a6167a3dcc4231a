"""Assessment time points for the compiled rules, as response/timepoints.py groups them.

A patient's study dates, sorted, are grouped: a time point starts at its first date and takes
every later date within the window of it, never across the therapy start or a local treatment;
it is dated by its latest study. In a lesion's rows (sorted by date) the row that counts at a
time point is its latest with a diameter, else its latest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

#: A date that is NULL (days since 1970 are int32 in Arrow).
NULL_DAY = np.int32(-(2**31))


@njit(cache=True, nogil=True, inline="always")
def study_days(date: Any, r0: int, r1: int, days: Any) -> int:
    """days[:u] = the distinct dates of rows r0:r1, sorted; returns u (insertion: a patient has
    a few dates, each on many rows)."""
    u = 0
    for i in range(r0, r1):
        day = date[i]
        b = u
        while b > 0 and days[b - 1] > day:
            b -= 1
        if b > 0 and days[b - 1] == day:
            continue
        for c in range(u, b, -1):
            days[c] = days[c - 1]
        days[b] = day
        u += 1
    return u


@njit(cache=True, nogil=True, inline="always")
def _boundary(before: int, day: int, ts: int, t_date: Any, t0: int, t1: int) -> bool:
    """A therapy start or local treatment in (before, day]: the two dates are two assessments."""
    if ts != NULL_DAY and before < ts <= day:
        return True
    for t in range(t0, t1):  # noqa: SIM110 - a plain loop compiles to the tightest code
        if t_date[t] != NULL_DAY and before < t_date[t] <= day:
            return True
    return False


@njit(cache=True, nogil=True, inline="always")
def group_days(
    days: Any, u: int, window: float, ts: int, t_date: Any, t0: int, t1: int, points: Any
) -> None:
    """points[i] = the date of the time point of days[i] (the latest date of its group)."""
    first = 0
    for i in range(1, u + 1):
        joins = i < u and days[i] - days[first] <= window
        if joins and not _boundary(days[i - 1], days[i], ts, t_date, t0, t1):
            continue
        for a in range(first, i):
            points[a] = days[i - 1]
        first = i


@njit(cache=True, nogil=True, inline="always")
def point_of(day: int, days: Any, points: Any, u: int) -> Any:
    """The time point of `day` (NULL_DAY when it is not a study date)."""
    lo, hi = 0, u
    while lo < hi:
        mid = (lo + hi) // 2
        if days[mid] < day:
            lo = mid + 1
        else:
            hi = mid
    return points[lo] if lo < u and days[lo] == day else NULL_DAY


@njit(cache=True, nogil=True, inline="always")
def mark_winners(lo: int, hi: int, gday: Any, order: Any, diam_ok: Any, wins: Any) -> None:
    """wins[lo:hi] (one lesion's rows, by date): true for the row that counts at each time point,
    the latest with a diameter, else the latest."""
    j = lo
    while j < hi:
        end = j
        best = -1
        while end < hi and gday[end] == gday[j]:
            wins[end] = False
            if diam_ok[order[end]]:
                best = end
            end += 1
        wins[best if best >= 0 else end - 1] = True
        j = end
