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
from there); this module is the batch loop that combines them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from oligoguide.cohort.kernel.rule_steps import (
    ABSENT,
    NORMAL_NODE_MM,
    NOT_EVALUATED,
    NULL_STATUS,
    PR_REL,
    PRESENT,
    UNEQUIVOCAL,
    WINDOW_DAYS,
    _grows,
    _nadir_of_sums,
    _overall,
    _present,
    _row_order,
    _rows_valid,
    _select_targets,
    _size,
)
from oligoguide.cohort.kernel.timepoints import (
    NULL_DAY,
    group_days,
    mark_winners,
    point_of,
    study_days,
)


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
    lo = np.empty(most, np.int64)
    hi = np.empty(most, np.int64)
    candidates = np.empty(most, np.int64)
    per_organ = np.empty(len(site_diffuse), np.int64)
    stamp = np.full(len(lesion_blank), -1, np.int64)
    code = np.empty(most, np.int32)
    l_site = np.empty(most, np.int32)
    first_seen = np.empty(most, np.int32)
    last_seen = np.empty(most, np.int32)
    seg_start = np.empty(most, np.int32)
    l_status = np.empty(most, np.int8)
    l_node = np.empty(most, np.bool_)
    l_tgt = np.empty(most, np.bool_)
    at_base = np.empty(most, np.bool_)
    has_latest = np.empty(most, np.bool_)
    l_present = np.empty(most, np.bool_)
    irr = np.empty(most, np.bool_)
    is_target = np.empty(most, np.bool_)
    base_diam = np.empty(most, np.float64)
    base_size = np.empty(most, np.float64)
    l_size = np.empty(most, np.float64)
    l_diam = np.empty(most, np.float64)
    nadir = np.empty(most, np.float64)
    kept = np.empty(most, np.bool_)
    first_present = np.empty(most, np.int32)
    study = np.empty(most, np.int32)
    point = np.empty(most, np.int32)
    gday = np.empty(most, np.int32)
    wins = np.empty(most, np.bool_)
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

        # 6. per lesion (rows ordered by lesion, then date)
        n = 0
        valid = True
        for j in range(m):
            i = order[j]
            sizes[j] = _size(status[i], diam_ok[i], diam[i], statuses, limits)
            if j == 0 or lesion[i] != lesion[order[j - 1]]:
                lo[n] = j
                n += 1
            else:
                previous = order[j - 1]
                if (
                    date[i] == date[previous]
                    or site[i] != site[previous]
                    or node[i] != node[previous]
                    or tgt[i] != tgt[previous]
                ):
                    valid = False  # two rows on one date, or rows that disagree
            hi[n - 1] = j + 1
        if not valid:
            continue
        for k in range(n):
            mark_winners(lo[k], hi[k], gday, order, diam_ok, wins)
            at_base[k] = False
            base_diam[k] = np.nan
            base_size[k] = np.nan
            has_latest[k] = False
            l_status[k] = NULL_STATUS
            l_size[k] = np.nan
            l_diam[k] = np.nan
            l_present[k] = False
            seg_start[k] = NULL_DAY
            irr[k] = False
            nadir[k] = np.nan
            kept[k] = False
            first_present[k] = NULL_DAY
            first = order[lo[k]]
            code[k] = lesion[first]
            l_site[k] = site[first]
            l_node[k] = node[first]
            l_tgt[k] = tgt[first]
            first_seen[k] = gday[lo[k]]
            last_seen[k] = gday[hi[k] - 1]
            for j in range(lo[k], hi[k]):
                if not wins[j]:
                    continue
                i = order[j]
                present = _present(status[i], diam_ok[i], diam[i], statuses)
                if present and first_present[k] == NULL_DAY:
                    first_present[k] = gday[j]
                if status[i] != statuses[NOT_EVALUATED]:  # seen when last evaluated?
                    kept[k] = present
                if gday[j] == baseline:
                    at_base[k] = True
                    base_size[k] = sizes[j]
                    if diam_ok[i]:
                        base_diam[k] = diam[i]
                if gday[j] == latest:
                    has_latest[k] = True
                    l_status[k] = status[i]
                    l_size[k] = sizes[j]
                    l_present[k] = present
                    if diam_ok[i]:
                        l_diam[k] = diam[i]
        # local treatments: the nadir restarts after one; irradiated before baseline
        for t in range(t_starts[p], t_starts[p + 1]):
            k = -1
            for candidate in range(n):
                if code[candidate] == t_lesion[t]:
                    k = candidate
            if k < 0:
                valid = False  # a treatment of a lesion the patient does not have
                break
            day = t_date[t]
            if day >= baseline and day < latest:
                seg_start[k] = max(seg_start[k], day)
            if t_radiation[t] and day < baseline:
                irr[k] = True
        if not valid:
            continue
        for k in range(n):
            since = seg_start[k] if seg_start[k] != NULL_DAY else baseline
            for j in range(lo[k], hi[k]):
                day = gday[j]
                value = sizes[j]
                in_segment = wins[j] and day >= since and day < latest and not np.isnan(value)
                if in_segment and (np.isnan(nadir[k]) or value < nadir[k]):
                    nadir[k] = value

        # 7. targets
        any_flagged = False
        for k in range(n):
            any_flagged = any_flagged or (l_tgt[k] and at_base[k])
        _select_targets(
            n,
            any_flagged,
            l_tgt,
            at_base,
            irr,
            l_node,
            base_diam,
            code,
            l_site,
            limits,
            is_target,
            candidates,
            per_organ,
        )

        # 8-9. each lesion at the latest time point, and the patient's counts
        n_t = 0
        n_t_measured = 0
        base_sum = 0.0
        l_sum = 0.0
        t_gone = True
        n_nt = 0
        nt_pd = False
        nt_ne = False
        nt_normal = True
        new_pd = False
        n_prog = 0
        n_present = 0
        n_unassessed = 0
        diffuse = False
        for k in range(n):
            unequivocal = l_status[k] == statuses[UNEQUIVOCAL]
            traj = last_seen[k] >= baseline
            evaluated = has_latest[k] and l_status[k] != statuses[NOT_EVALUATED]
            restarted = seg_start[k] != NULL_DAY and seg_start[k] != baseline
            # new: first seen after baseline, or absent at baseline and seen later
            appeared = first_present[k] != NULL_DAY and first_present[k] > baseline
            newcase = (first_seen[k] > baseline or appeared) and not restarted
            grows = _grows(l_size[k], nadir[k], limits)
            # an unassessed new lesion seen when last evaluated stays NEW (lesions.py)
            kept_new = newcase and not evaluated and kept[k]
            if newcase:
                progressing = traj and (kept_new or (evaluated and l_present[k]))
                disappeared = traj and evaluated and not l_present[k]
            else:
                progressing = traj and evaluated and (unequivocal or grows)
                disappeared = traj and evaluated and not unequivocal and l_size[k] == 0.0
            if is_target[k]:
                n_t += 1
                if not np.isnan(base_size[k]):
                    base_sum += base_size[k]
                if not np.isnan(l_size[k]):
                    l_sum += l_size[k]
                    n_t_measured += 1
                gone = (l_size[k] < limits[NORMAL_NODE_MM]) if l_node[k] else (l_size[k] == 0.0)
                t_gone = t_gone and gone
            elif at_base[k]:
                n_nt += 1
                nt_pd = nt_pd or unequivocal
                nt_ne = nt_ne or not has_latest[k] or l_status[k] == statuses[NOT_EVALUATED]
                normal_size = (
                    (l_diam[k] < limits[NORMAL_NODE_MM]) if l_node[k] else (l_diam[k] == 0.0)
                )
                status_fits = l_status[k] == NULL_STATUS or l_status[k] == statuses[PRESENT]
                normal = has_latest[k] and (
                    l_status[k] == statuses[ABSENT]
                    or (not np.isnan(l_diam[k]) and status_fits and normal_size)
                )
                nt_normal = nt_normal and normal
            # a new lesion makes the time point PD (recist.evaluate_timepoints): first present
            # after baseline, present at the latest and not treated locally since baseline (not
            # `restarted`), as in the SQL's `new_pd`
            if appeared and l_present[k] and not restarted:
                new_pd = True
            if progressing:
                prog_lesion[n_prog_all] = code[k]
                prog_site[n_prog_all] = l_site[k]
                n_prog_all += 1
                n_prog += 1
                diffuse = diffuse or site_diffuse[l_site[k]]
            if traj and not disappeared:
                n_present += 1
            if traj and not evaluated and not kept_new:
                unassessed_lesion[n_unassessed_all] = code[k]
                n_unassessed_all += 1
                n_unassessed += 1

        # 10. the RECIST nadir of the target sum; responses (recist.py Tables 1 and 2)
        best = _nadir_of_sums(
            lo, hi, is_target, n, gday, wins, sizes, baseline, latest, n_t, days, values
        )
        sum_nadir = best if not np.isnan(best) and best < base_sum else base_sum
        overall = _overall(
            latest == baseline,
            n_t,
            _grows(l_sum, sum_nadir, limits),
            n_t_measured,
            t_gone,
            (l_sum - base_sum) / base_sum <= limits[PR_REL] if base_sum > 0.0 else False,
            n_nt,
            nt_pd,
            nt_ne,
            nt_normal,
            new_pd,
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
