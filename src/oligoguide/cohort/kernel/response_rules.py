"""Steps 8-10 of the compiled screening rules (`rules.py`): one patient's response at the latest
time point from its lesions (`lesion_rules.LESION` records, targets chosen): each lesion's
progression and presence, the target and non-target responses, new lesions, the RECIST nadir of
the target sum and the overall response (response/lesions.py, recist.py Tables 1 and 2).
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
    _grows,
    _nadir_of_sums,
    _overall,
)
from oligoguide.cohort.kernel.timepoints import NULL_DAY


@njit(cache=True, nogil=True, inline="always")
def respond(
    les: Any,
    n: int,
    gday: Any,
    wins: Any,
    sizes: Any,
    baseline: Any,
    latest: Any,
    days: Any,
    values: Any,
    site_diffuse: Any,
    statuses: Any,
    limits: Any,
    prog_lesion: Any,
    prog_site: Any,
    unassessed_lesion: Any,
    n_prog_all: int,
    n_unassessed_all: int,
) -> Any:
    """(overall, n_prog, n_present, n_unassessed, diffuse, n_prog_all, n_unassessed_all): the
    patient's progressing and unassessed lesions are appended to the batch's lists at
    `n_prog_all` and `n_unassessed_all`, which come back advanced past them."""
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
        unequivocal = les[k].status == statuses[UNEQUIVOCAL]
        traj = les[k].last_seen >= baseline
        evaluated = les[k].has_latest and les[k].status != statuses[NOT_EVALUATED]
        restarted = les[k].seg_start != NULL_DAY and les[k].seg_start != baseline
        # new: first seen after baseline, or absent at baseline and seen later
        appeared = les[k].first_present != NULL_DAY and les[k].first_present > baseline
        newcase = (les[k].first_seen > baseline or appeared) and not restarted
        grows = _grows(les[k].size, les[k].nadir, limits)
        # an unassessed new lesion seen when last evaluated stays NEW (lesions.py)
        kept_new = newcase and not evaluated and les[k].kept
        if newcase:
            progressing = traj and (kept_new or (evaluated and les[k].present))
            disappeared = traj and evaluated and not les[k].present
        else:
            progressing = traj and evaluated and (unequivocal or grows)
            disappeared = traj and evaluated and not unequivocal and les[k].size == 0.0
        if les[k].is_target:
            n_t += 1
            if not np.isnan(les[k].base_size):
                base_sum += les[k].base_size
            if not np.isnan(les[k].size):
                l_sum += les[k].size
                n_t_measured += 1
            gone = (les[k].size < limits[NORMAL_NODE_MM]) if les[k].node else (les[k].size == 0.0)
            t_gone = t_gone and gone
        elif les[k].at_base:
            n_nt += 1
            nt_pd = nt_pd or unequivocal
            nt_ne = nt_ne or not les[k].has_latest or les[k].status == statuses[NOT_EVALUATED]
            normal_size = (
                (les[k].diam < limits[NORMAL_NODE_MM]) if les[k].node else (les[k].diam == 0.0)
            )
            status_fits = les[k].status == NULL_STATUS or les[k].status == statuses[PRESENT]
            normal = les[k].has_latest and (
                les[k].status == statuses[ABSENT]
                or (not np.isnan(les[k].diam) and status_fits and normal_size)
            )
            nt_normal = nt_normal and normal
        # a new lesion makes the time point PD (recist.evaluate_timepoints): first present
        # after baseline, present at the latest and not treated locally since baseline (not
        # `restarted`), as in the SQL's `new_pd`
        if appeared and les[k].present and not restarted:
            new_pd = True
        if progressing:
            prog_lesion[n_prog_all] = les[k].code
            prog_site[n_prog_all] = les[k].site
            n_prog_all += 1
            n_prog += 1
            diffuse = diffuse or site_diffuse[les[k].site]
        if traj and not disappeared:
            n_present += 1
        if traj and not evaluated and not kept_new:
            unassessed_lesion[n_unassessed_all] = les[k].code
            n_unassessed_all += 1
            n_unassessed += 1

    # 10. the RECIST nadir of the target sum; responses (recist.py Tables 1 and 2)
    best = _nadir_of_sums(les, n, gday, wins, sizes, baseline, latest, n_t, days, values)
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
    return overall, n_prog, n_present, n_unassessed, diffuse, n_prog_all, n_unassessed_all
