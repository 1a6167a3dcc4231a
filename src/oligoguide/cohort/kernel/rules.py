"""The screening rules compiled (numba) for patients whose rows are all valid.

It computes, patient by patient, what `screen.sql` computes up to its `resp` step: the assessment
time points (`timepoints.py`), the RECIST baseline, target selection, the target sum and its nadir,
the overall response at the latest time point and each lesion's progression against its own nadir
(response/timepoints.py, baseline.py, selection.py, recist.py, lesions.py). The disease-state
rules and every text stay in the SQL, which runs on this step's one row per patient. A patient
with any input problem is not assessed here: `ok` is false and the SQL engine assesses it, so
that every problem is worded by one text.

Rows arrive grouped by patient (`starts`); inside a patient they may be in any order. Lesion codes
are dense and ordered as the lesion ids are, so ties broken by code are broken by id.

The codes, limits and inlined steps live in `rule_steps.py` (the other kernel modules take them
from there), each lesion's state in `lesion_rules.py` (step 6) and the response built from the
lesions in `response_rules.py` (steps 8-10); this module is the batch loop that combines them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from oligoguide.cohort.kernel.lesion_rules import (
    LESION,
    lesion_nadirs,
    lesion_states,
    local_treatments,
)
from oligoguide.cohort.kernel.response_rules import respond
from oligoguide.cohort.kernel.rule_steps import (
    WINDOW_DAYS,
    _row_order,
    _rows_valid,
    _select_targets,
)
from oligoguide.cohort.kernel.timepoints import NULL_DAY, group_days, point_of, study_days


@njit(cache=True, nogil=True)
def assess_batch(
    starts: Any,
    lesion: Any,
    lesion_blank: Any,
    date: Any,
    site: Any,
    site_diffuse: Any,
    node: Any,
    tgt: Any,
    diam: Any,
    diam_ok: Any,
    status: Any,
    patient_ok: Any,
    therapy_start: Any,
    therapy_end: Any,
    baseline_date: Any,
    t_starts: Any,
    t_lesion: Any,
    t_date: Any,
    t_radiation: Any,
    t_ok: Any,
    statuses: Any,
    limits: Any,
) -> Any:
    n_patients = len(starts) - 1
    ok = np.zeros(n_patients, np.bool_)
    latest_out = np.full(n_patients, NULL_DAY, np.int32)
    baseline_out = np.full(n_patients, NULL_DAY, np.int32)
    on_therapy_out = np.zeros(n_patients, np.bool_)
    overall_out = np.zeros(n_patients, np.int8)
    n_prog_out = np.zeros(n_patients, np.int64)
    n_present_out = np.zeros(n_patients, np.int64)
    n_unassessed_out = np.zeros(n_patients, np.int64)
    diffuse_out = np.zeros(n_patients, np.bool_)
    prog_start = np.zeros(n_patients + 1, np.int64)
    unassessed_start = np.zeros(n_patients + 1, np.int64)
    prog_lesion = np.empty(len(lesion), np.int32)
    prog_site = np.empty(len(lesion), np.int32)
    unassessed_lesion = np.empty(len(lesion), np.int32)
    most = 1
    for p in range(n_patients):
        most = max(most, starts[p + 1] - starts[p])
    # scratch, reused by every patient (allocating per patient costs more than the rules)
    order = np.empty(most, np.int64)
    sizes = np.empty(most, np.float64)
    days = np.empty(most, np.int64)
    values = np.empty(most, np.float64)
    candidates = np.empty(most, np.int64)
    per_organ = np.empty(len(site_diffuse), np.int64)
    stamp = np.full(len(lesion_blank), -1, np.int64)
    study = np.empty(most, np.int32)
    point = np.empty(most, np.int32)
    gday = np.empty(most, np.int32)
    wins = np.empty(most, np.bool_)
    les = np.empty(most, LESION)
    n_prog_all = 0
    n_unassessed_all = 0
    for p in range(n_patients):
        prog_start[p] = n_prog_all
        unassessed_start[p] = n_unassessed_all
        r0 = starts[p]
        r1 = starts[p + 1]
        if not patient_ok[p] or r1 == r0:
            continue
        if not _rows_valid(
            r0, r1, lesion, lesion_blank, date, site, diam, diam_ok, status, statuses
        ):
            continue
        treatments_ok = True
        for t in range(t_starts[p], t_starts[p + 1]):
            treatments_ok = treatments_ok and t_ok[t] and t_lesion[t] >= 0
        if not treatments_ok:
            continue
        _row_order(lesion, date, r0, r1, order, stamp, p)
        m = r1 - r0
        ts = therapy_start[p]
        te = therapy_end[p]
        bd = baseline_date[p]

        # 4. assessment time points: each row's (in `order`) in gday
        u = study_days(date, r0, r1, study)
        group_days(study, u, limits[WINDOW_DAYS], ts, t_date, t_starts[p], t_starts[p + 1], point)
        for j in range(m):
            gday[j] = point_of(date[order[j]], study, point, u)
        if bd != NULL_DAY and point_of(bd, study, point, u) != NULL_DAY:
            bd = point_of(bd, study, point, u)  # a declared baseline stands for its time point

        # 5. time points, the RECIST baseline, therapy at the latest time point
        first_d = gday[0]
        latest = gday[0]
        d_le_bd = NULL_DAY
        d_le_ts = NULL_DAY
        for j in range(m):
            day = gday[j]
            first_d = min(first_d, day)
            latest = max(latest, day)
            if bd != NULL_DAY and day <= bd:
                d_le_bd = max(d_le_bd, day)
            if ts != NULL_DAY and day <= ts:
                d_le_ts = max(d_le_ts, day)
        on_therapy = ts != NULL_DAY and ts <= latest and (te == NULL_DAY or te >= latest)
        if bd != NULL_DAY:
            baseline = d_le_bd if d_le_bd != NULL_DAY else first_d
        elif on_therapy:
            baseline = d_le_ts if d_le_ts != NULL_DAY else first_d
        else:
            baseline = first_d

        # 6. each lesion at baseline and the latest time point, its treatments and its nadir
        n = lesion_states(
            order,
            m,
            gday,
            sizes,
            wins,
            lesion,
            date,
            site,
            node,
            tgt,
            diam,
            diam_ok,
            status,
            statuses,
            limits,
            baseline,
            latest,
            les,
        )
        if n < 0:
            continue
        t0 = t_starts[p]
        t1 = t_starts[p + 1]
        if not local_treatments(les, n, t0, t1, t_lesion, t_date, t_radiation, baseline, latest):
            continue
        lesion_nadirs(les, n, gday, wins, sizes, baseline, latest)

        # 7. targets
        any_flagged = False
        for k in range(n):
            any_flagged = any_flagged or (les[k].tgt and les[k].at_base)
        _select_targets(les, n, any_flagged, limits, candidates, per_organ)

        # 8-10. the response at the latest time point
        overall, n_prog, n_present, n_unassessed, diffuse, n_prog_all, n_unassessed_all = respond(
            les,
            n,
            gday,
            wins,
            sizes,
            baseline,
            latest,
            days,
            values,
            site_diffuse,
            statuses,
            limits,
            prog_lesion,
            prog_site,
            unassessed_lesion,
            n_prog_all,
            n_unassessed_all,
        )

        ok[p] = True
        latest_out[p] = latest
        baseline_out[p] = baseline
        on_therapy_out[p] = on_therapy
        overall_out[p] = overall
        n_prog_out[p] = n_prog
        n_present_out[p] = n_present
        n_unassessed_out[p] = n_unassessed
        diffuse_out[p] = diffuse
    prog_start[n_patients] = n_prog_all
    unassessed_start[n_patients] = n_unassessed_all
    return (
        ok,
        latest_out,
        baseline_out,
        on_therapy_out,
        overall_out,
        n_prog_out,
        n_present_out,
        n_unassessed_out,
        diffuse_out,
        prog_start,
        prog_lesion[:n_prog_all],
        prog_site[:n_prog_all],
        unassessed_start,
        unassessed_lesion[:n_unassessed_all],
    )
