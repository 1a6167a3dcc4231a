"""Step 6 of the compiled screening rules (`rules.py`): each lesion of one patient at baseline and
at the latest time point, its local treatments and its nadir (response/lesions.py and recist.py,
as the SQL's per-lesion steps compute them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from oligoguide.cohort.kernel.rule_steps import NOT_EVALUATED, NULL_STATUS, _present, _size
from oligoguide.cohort.kernel.timepoints import NULL_DAY, mark_winners

#: One lesion of a patient (`les[k]`, k in lesion-id order): a record array, not an array per
#: field, because each array handed to a step costs reference counting per patient (a fifth of
#: the rules' time, measured, when the fields were a tuple of arrays); a record array is one.
LESION = np.dtype(
    [
        ("lo", np.int64),  # its rows are order[lo:hi]
        ("hi", np.int64),
        ("code", np.int32),
        ("site", np.int32),
        ("node", np.bool_),
        ("tgt", np.bool_),  # flagged a target
        ("first_seen", np.int32),
        ("last_seen", np.int32),
        ("first_present", np.int32),
        ("seg_start", np.int32),  # the day its nadir restarts (a local treatment), or NULL_DAY
        ("at_base", np.bool_),
        ("base_diam", np.float64),
        ("base_size", np.float64),
        ("irr", np.bool_),  # irradiated before baseline
        ("kept", np.bool_),  # present when last evaluated
        ("nadir", np.float64),
        ("is_target", np.bool_),
        # at the latest time point
        ("has_latest", np.bool_),
        ("status", np.int8),
        ("size", np.float64),
        ("diam", np.float64),
        ("present", np.bool_),
    ]
)


@njit(cache=True, nogil=True, inline="always")
def lesion_states(
    order: Any,
    m: int,
    gday: Any,
    sizes: Any,
    wins: Any,
    lesion: Any,
    date: Any,
    site: Any,
    node: Any,
    tgt: Any,
    diam: Any,
    diam_ok: Any,
    status: Any,
    statuses: Any,
    limits: Any,
    baseline: Any,
    latest: Any,
    les: Any,
) -> int:
    """Fills `les` for the patient's m rows (in `order`, grouped by lesion, then date; `gday`:
    each row's time point) and `sizes`/`wins` per row. Returns the number of lesions, or -1 when
    the SQL reports the patient instead: two rows of a lesion on one date, or rows that
    disagree."""
    n = 0
    for j in range(m):
        i = order[j]
        sizes[j] = _size(status[i], diam_ok[i], diam[i], statuses, limits)
        if j == 0 or lesion[i] != lesion[order[j - 1]]:
            les[n].lo = j
            n += 1
        else:
            previous = order[j - 1]
            if (
                date[i] == date[previous]
                or site[i] != site[previous]
                or node[i] != node[previous]
                or tgt[i] != tgt[previous]
            ):
                return -1
        les[n - 1].hi = j + 1
    for k in range(n):
        mark_winners(les[k].lo, les[k].hi, gday, order, diam_ok, wins)
        les[k].at_base = False
        les[k].base_diam = np.nan
        les[k].base_size = np.nan
        les[k].has_latest = False
        les[k].status = NULL_STATUS
        les[k].size = np.nan
        les[k].diam = np.nan
        les[k].present = False
        les[k].seg_start = NULL_DAY
        les[k].irr = False
        les[k].nadir = np.nan
        les[k].kept = False
        les[k].first_present = NULL_DAY
        first = order[les[k].lo]
        les[k].code = lesion[first]
        les[k].site = site[first]
        les[k].node = node[first]
        les[k].tgt = tgt[first]
        les[k].first_seen = gday[les[k].lo]
        les[k].last_seen = gday[les[k].hi - 1]
        for j in range(les[k].lo, les[k].hi):
            if not wins[j]:
                continue
            i = order[j]
            present = _present(status[i], diam_ok[i], diam[i], statuses)
            if present and les[k].first_present == NULL_DAY:
                les[k].first_present = gday[j]
            if status[i] != statuses[NOT_EVALUATED]:  # seen when last evaluated?
                les[k].kept = present
            if gday[j] == baseline:
                les[k].at_base = True
                les[k].base_size = sizes[j]
                if diam_ok[i]:
                    les[k].base_diam = diam[i]
            if gday[j] == latest:
                les[k].has_latest = True
                les[k].status = status[i]
                les[k].size = sizes[j]
                les[k].present = present
                if diam_ok[i]:
                    les[k].diam = diam[i]
    return n


@njit(cache=True, nogil=True, inline="always")
def local_treatments(
    les: Any,
    n: int,
    t0: int,
    t1: int,
    t_lesion: Any,
    t_date: Any,
    t_radiation: Any,
    baseline: Any,
    latest: Any,
) -> bool:
    """Treatments t0:t1 into `les`: the nadir restarts after one; irradiated before baseline.
    False (the SQL reports the patient) for a treatment of a lesion the patient does not have."""
    for t in range(t0, t1):
        k = -1
        for candidate in range(n):
            if les[candidate].code == t_lesion[t]:
                k = candidate
        if k < 0:
            return False
        day = t_date[t]
        if day >= baseline and day < latest:
            les[k].seg_start = max(les[k].seg_start, day)
        if t_radiation[t] and day < baseline:
            les[k].irr = True
    return True


@njit(cache=True, nogil=True, inline="always")
def lesion_nadirs(
    les: Any, n: int, gday: Any, wins: Any, sizes: Any, baseline: Any, latest: Any
) -> None:
    """Each lesion's nadir: its smallest size from baseline (or its last local treatment) up to,
    not including, the latest time point."""
    for k in range(n):
        since = les[k].seg_start if les[k].seg_start != NULL_DAY else baseline
        for j in range(les[k].lo, les[k].hi):
            day = gday[j]
            value = sizes[j]
            in_segment = wins[j] and day >= since and day < latest and not np.isnan(value)
            if in_segment and (np.isnan(les[k].nadir) or value < les[k].nadir):
                les[k].nadir = value
