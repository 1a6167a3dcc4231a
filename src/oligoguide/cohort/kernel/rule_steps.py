"""The building blocks of the compiled screening rules (`rules.py`): the codes and limits the
rules index by, and the per-patient steps `assess_batch` inlines (row order and validity, lesion
sizes and presence, growth against a nadir, target selection, the nadir of the target sums).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from oligoguide.cohort.kernel.timepoints import NULL_DAY

#: Overall response codes returned by `assess_batch` (0 is NULL).
OVERALL = (None, "baseline", "PD", "CR", "PR", "SD", "NE", "non-CR/non-PD")
_BASELINE, _PD, _CR, _PR, _SD, _NE, _NON_CR = 1, 2, 3, 4, 5, 6, 7
#: Indexes into the `statuses` argument (the status codes the rules name).
ABSENT, NOT_EVALUATED, TOO_SMALL, UNEQUIVOCAL, PRESENT = 0, 1, 2, 3, 4
#: Indexes into the `limits` argument.
(
    TOO_SMALL_MM,
    PD_MM,
    PD_REL,
    PR_REL,
    MEASURABLE_MM,
    MEASURABLE_NODE_MM,
    NORMAL_NODE_MM,
    MAX_TARGETS,
    MAX_PER_ORGAN,
    WINDOW_DAYS,
) = range(10)
NULL_STATUS = -1  # no status given
BAD_CODE = -2  # a value outside the vocabulary (or a missing required value)


def writable(values: Any, kind: Any) -> Any:
    """`values` as a C-contiguous, writable array of `kind` (copied only when it is not): the
    kernel is compiled for that one layout, so every call shares one compiled signature."""
    return np.require(values, kind, ("C", "W"))


@njit(cache=True, nogil=True)
def map_codes(indices: Any, by_entry: Any, missing: int) -> Any:
    """by_entry[index] for each dictionary index; `missing` where the index is -1 (NULL)."""
    out = np.empty(len(indices), np.int32)
    for i in range(len(indices)):
        out[i] = by_entry[indices[i]] if indices[i] >= 0 else missing
    return out


@njit(cache=True, nogil=True, inline="always")
def _row_order(lesion: Any, date: Any, r0: int, r1: int, order: Any, stamp: Any, p: int) -> None:
    """order[:r1-r0] = the patient's rows grouped by lesion, by date within a lesion: as given
    when they already are (`stamp[code]` marks the lesions seen in this patient)."""
    ordered = True
    for i in range(r0, r1):
        order[i - r0] = i
        if i == r0 or lesion[i] != lesion[i - 1]:
            if lesion[i] >= 0:
                if stamp[lesion[i]] == p:
                    ordered = False  # the lesion's rows are not contiguous
                stamp[lesion[i]] = p
        elif date[i] < date[i - 1]:
            ordered = False
    if ordered:
        return
    keys = np.empty(r1 - r0, np.int64)
    for i in range(r0, r1):
        keys[i - r0] = (np.int64(lesion[i]) << 32) + np.int64(date[i]) + np.int64(2**31)
    order[: r1 - r0] = np.argsort(keys, kind="mergesort") + r0


@njit(cache=True, nogil=True, inline="always")
def _rows_valid(
    r0: int,
    r1: int,
    lesion: Any,
    lesion_blank: Any,
    date: Any,
    site: Any,
    diam: Any,
    diam_ok: Any,
    status: Any,
    statuses: Any,
) -> bool:
    """No row of the patient would be reported by the SQL's row checks."""
    for i in range(r0, r1):
        if lesion[i] < 0 or lesion_blank[lesion[i]] or date[i] == NULL_DAY or site[i] < 0:
            return False
        if status[i] == BAD_CODE:
            return False
        if diam_ok[i]:
            value = diam[i]
            if not (value >= 0.0 and value <= 500.0):
                return False
            if status[i] == statuses[ABSENT] and value != 0.0:
                return False
        elif status[i] == NULL_STATUS:
            return False
    return True


@njit(cache=True, nogil=True, inline="always")
def _size(code: int, measured: bool, diameter: float, statuses: Any, limits: Any) -> float:
    """The row's size for sums (NaN for NULL), as the SQL's `size`. Scalars only: an array
    passed per row costs two atomic reference-count updates (a fifth of the rules' time, once)."""
    if code == statuses[NOT_EVALUATED]:
        return np.nan
    if code == statuses[ABSENT]:
        return 0.0
    if measured:
        return float(diameter)
    if code == statuses[TOO_SMALL]:
        return float(limits[TOO_SMALL_MM])
    return np.nan


@njit(cache=True, nogil=True, inline="always")
def _present(code: int, measured: bool, diameter: float, statuses: Any) -> bool:
    if code == statuses[ABSENT] or code == statuses[NOT_EVALUATED]:
        return False
    if code >= 0:
        return True
    return bool(measured and diameter > 0.0)


@njit(cache=True, nogil=True, inline="always")
def _grows(value: float, nadir: float, limits: Any) -> bool:
    """RECIST progression of a size (or sum) over its nadir; False when either is NULL."""
    if np.isnan(value) or np.isnan(nadir):
        return False
    growth = value - nadir
    if not growth >= limits[PD_MM]:
        return False
    return nadir == 0.0 or growth / nadir >= limits[PD_REL]


@njit(cache=True, nogil=True, inline="always")
def _select_targets(
    les: Any,
    n: int,
    any_flagged: bool,
    limits: Any,
    candidates: Any,
    per_organ: Any,
) -> None:
    """les[:n].is_target = selection.py's targets (`les`: the patient's `lesion_rules.LESION`
    records): the flagged ones measured at baseline, else the largest measurable lesions, at most
    MAX_PER_ORGAN per organ and MAX_TARGETS in all (ties by lesion id)."""
    for k in range(n):
        les[k].is_target = any_flagged and les[k].tgt and les[k].at_base
    if any_flagged:
        return
    count = 0
    for k in range(n):
        threshold = limits[MEASURABLE_NODE_MM] if les[k].node else limits[MEASURABLE_MM]
        if (
            les[k].at_base
            and not les[k].irr
            and not np.isnan(les[k].base_diam)
            and les[k].base_diam >= threshold
        ):
            candidates[count] = k
            count += 1
    # insertion sort: larger baseline diameter first, then lesion id
    for a in range(1, count):
        item = candidates[a]
        b = a - 1
        while b >= 0:
            other = candidates[b]
            if les[other].base_diam > les[item].base_diam or (
                les[other].base_diam == les[item].base_diam and les[other].code < les[item].code
            ):
                break
            candidates[b + 1] = other
            b -= 1
        candidates[b + 1] = item
    per_organ[:] = 0
    rank = 0
    for a in range(count):
        k = candidates[a]
        per_organ[les[k].site] += 1
        if per_organ[les[k].site] <= limits[MAX_PER_ORGAN]:
            rank += 1
            les[k].is_target = rank <= limits[MAX_TARGETS]


@njit(cache=True, nogil=True, inline="always")
def _nadir_of_sums(
    les: Any,
    n: int,
    gday: Any,
    wins: Any,
    sizes: Any,
    baseline: Any,
    latest: Any,
    n_targets: int,
    days: Any,
    values: Any,
) -> float:
    """The smallest complete target sum strictly between baseline and the latest time point (NaN
    if there is none), as the SQL's `tsum`/`nad` (`gday`: each row's time point; `wins`: the row
    counts there)."""
    m = 0
    for k in range(n):
        if not les[k].is_target:
            continue
        for j in range(les[k].lo, les[k].hi):
            day = gday[j]
            if wins[j] and day > baseline and day < latest:
                # insertion by date (a few target rows per patient)
                b = m
                while b > 0 and days[b - 1] > day:
                    days[b] = days[b - 1]
                    values[b] = values[b - 1]
                    b -= 1
                days[b] = day
                values[b] = sizes[j]
                m += 1
    best = np.nan
    a = 0
    while a < m:
        day = days[a]
        total_size = 0.0
        measured = 0
        while a < m and days[a] == day:
            value = values[a]
            if not np.isnan(value):
                total_size += value
                measured += 1
            a += 1
        if measured == n_targets and (np.isnan(best) or total_size < best):
            best = total_size
    return best


@njit(cache=True, nogil=True, inline="always")
def _overall(
    at_baseline: bool,
    n_t: int,
    t_grows: bool,
    n_t_measured: int,
    t_gone: bool,
    t_partial: bool,
    n_nt: int,
    nt_pd: bool,
    nt_ne: bool,
    nt_normal: bool,
    new_pd: bool,
) -> int:
    """The overall response at the latest time point from the target response (PD, NE, CR, PR,
    SD), the non-target response and new lesions (recist.py Tables 1 and 2)."""
    t_resp = 0
    if n_t > 0 and not at_baseline:
        if t_grows:
            t_resp = _PD
        elif n_t_measured < n_t:
            t_resp = _NE
        elif t_gone:
            t_resp = _CR
        elif t_partial:
            t_resp = _PR
        else:
            t_resp = _SD
    if n_nt == 0:
        nt_resp = 0  # none
    elif nt_pd:
        nt_resp = _PD
    elif nt_ne:
        nt_resp = _NE
    elif nt_normal:
        nt_resp = _CR
    else:
        nt_resp = _NON_CR
    if at_baseline:
        return _BASELINE
    if new_pd or t_resp == _PD or nt_resp == _PD:
        return _PD
    if t_resp == 0:
        return nt_resp if nt_resp in (_CR, _NON_CR) else _NE
    if t_resp == _CR:
        return _CR if nt_resp == _CR or nt_resp == 0 else _PR
    return t_resp
