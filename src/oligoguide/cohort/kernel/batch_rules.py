"""One batch of patients through the compiled rules: the kernel's inputs, and its `resp` rows."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from oligoguide.cohort.kernel import rules
from oligoguide.cohort.kernel.context import PatientTable, Treatments
from oligoguide.cohort.kernel.keys import KeyIndex
from oligoguide.cohort.kernel.rule_steps import OVERALL, writable
from oligoguide.cohort.kernel.stream import SITES, STATUSES, Batch, Columns, columns
from oligoguide.cohort.kernel.timepoints import NULL_DAY
from oligoguide.model.vocab import DIFFUSE_SITES, LesionObservation
from oligoguide.response import arithmetic, selection
from oligoguide.state import Thresholds

#: The status codes and limits the rules name, as tuples: the compiled rules index them with
#: constants and pass them to helpers without reference counting.
_STATUS_CODES = tuple(
    STATUSES.index(status)
    for status in (
        LesionObservation.ABSENT,
        LesionObservation.NOT_EVALUATED,
        LesionObservation.TOO_SMALL_TO_MEASURE,
        LesionObservation.UNEQUIVOCAL_PROGRESSION,
        LesionObservation.PRESENT,
    )
)
_LIMITS = tuple(
    float(limit)
    for limit in (
        arithmetic.TOO_SMALL_DEFAULT_MM,
        arithmetic.PD_ABSOLUTE_MM,
        arithmetic.PD_RELATIVE,
        arithmetic.PR_RELATIVE,
        selection.MIN_MEASURABLE_MM,
        selection.MIN_MEASURABLE_NODE_MM,
        selection.NORMAL_NODE_MM,
        selection.MAX_TARGETS,
        selection.MAX_TARGETS_PER_ORGAN,
        Thresholds().timepoint_window_days,
    )
)
_DIFFUSE = np.array([site in {s.value for s in DIFFUSE_SITES} for site in SITES], np.bool_)
_SITES_BY_NAME = pa.array(sorted(SITES))
_SITE_RANK = np.array([sorted(SITES).index(site) for site in SITES], np.int64)
_OVERALL = pa.array(OVERALL, pa.string())


def _lists(offsets: Any, values: pa.Array) -> pa.Array:
    """A list per run; NULL (as SQL's array_agg gives) where the run has none."""
    empty = pa.array(offsets[1:] == offsets[:-1])
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values, mask=empty)


def _runs(offsets: Any) -> Any:
    return np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))


def _sorted_ids(offsets: Any, codes: Any, names: pa.Array) -> pa.Array:
    """Each run's lesion ids sorted, as the SQL's array_sort: codes order as the ids do."""
    ordered = codes[np.lexsort((codes, _runs(offsets)))]
    return _lists(offsets, names.take(pa.array(ordered)))


def _distinct_sites(offsets: Any, codes: Any) -> pa.Array:
    """Each run's sites once each, sorted by name, as the SQL's array_sort(array_distinct())."""
    keys = np.unique(_runs(offsets) * len(SITES) + _SITE_RANK[codes])
    runs, ranks = np.divmod(keys, len(SITES))
    starts = np.searchsorted(runs, np.arange(len(offsets)))
    return _lists(starts, _SITES_BY_NAME.take(pa.array(ranks)))


class Assessed(NamedTuple):
    """One batch through the rules."""

    ok: Any  # bool per run: assessed by the rules (else left to the SQL)
    resp: pa.Table  # the assessed runs' `resp` rows
    patient_at: Any  # per run, its row in the patient table (-1: none)
    treatment_at: Any  # per run, its entry in the treatment table (-1: none)


def assess(batch: Batch, cols: Columns, patients: PatientTable, treatments: Treatments) -> Assessed:
    """The batch through the rules (`cols`: the batch's `columns`, which do not need the patient
    table, so they can be made while it loads)."""
    where = patients.index.find(batch.keys)
    at = np.where(where >= 0, where, len(patients.index.keys))  # no patient row: the last entry
    key_ok = pc.and_(
        pc.equal(pc.utf8_trim(batch.keys, characters=" "), batch.keys), pc.not_equal(batch.keys, "")
    ).to_numpy(zero_copy_only=False)
    patient_ok = key_ok & patients.clean[at]
    t_where = treatments.index.find(batch.keys)
    has = t_where >= 0
    t_first = np.zeros(len(t_where), np.int64)
    t_count = np.zeros(len(t_where), np.int64)
    t_first[has] = treatments.offsets[t_where[has]]
    t_count[has] = treatments.offsets[t_where[has] + 1] - t_first[has]
    t_starts = np.concatenate(([0], np.cumsum(t_count))).astype(np.int64)
    t_rows = np.repeat(t_first - t_starts[:-1], t_count) + np.arange(t_starts[-1])
    t_names = treatments.lesion.take(pa.array(t_rows, pa.int64()))
    t_lesion = pc.fill_null(pc.index_in(t_names, value_set=cols.lesion_names), -1)
    result = rules.assess_batch(
        batch.starts,
        cols.lesion,
        cols.lesion_blank,
        cols.date,
        cols.site,
        _DIFFUSE,
        cols.node,
        cols.target,
        cols.diameter,
        cols.diameter_ok,
        cols.status,
        writable(patient_ok, np.bool_),
        patients.therapy_start[at],
        patients.therapy_end[at],
        patients.baseline_date[at],
        t_starts,
        writable(t_lesion.to_numpy(), np.int32),
        treatments.day[t_rows],
        treatments.radiation[t_rows],
        treatments.clean[t_rows],
        _STATUS_CODES,
        _LIMITS,
    )
    (
        ok,
        latest,
        baseline,
        on_therapy,
        overall,
        n_prog,
        n_present,
        n_unassessed,
        diffuse,
        prog_start,
        prog_lesion,
        prog_site,
        unassessed_start,
        unassessed_lesion,
    ) = result
    resp = pa.table(
        {
            "pkey": batch.keys,
            "latest": pa.array(latest).cast(pa.date32()),
            "baseline": pa.array(baseline).cast(pa.date32()),
            "on_therapy": on_therapy,
            "overall": _OVERALL.take(pa.array(overall)),
            "n_prog": n_prog,
            "n_present": n_present,
            "n_unassessed": n_unassessed,
            "diffuse": diffuse,
            "prog_ids": _sorted_ids(prog_start, prog_lesion, cols.lesion_names),
            "prog_sites": _distinct_sites(prog_start, prog_site),
            "unassessed_ids": _sorted_ids(unassessed_start, unassessed_lesion, cols.lesion_names),
        }
    ).filter(pa.array(ok))
    return Assessed(ok, resp, where, t_where)


def warm_up() -> None:
    """Load the compiled rules (from numba's cache, or compile them once) on one tiny patient,
    through the same conversions as real batches, so every signature is the one they use."""
    from oligoguide.cohort.kernel.stream import canonical_batch

    patients = PatientTable(
        index=KeyIndex.of(pa.array(["warm-up"])),
        clean=np.array([True, False]),  # and the entry for ids with no patient row
        therapy_start=np.full(2, NULL_DAY, np.int32),
        therapy_end=np.full(2, NULL_DAY, np.int32),
        baseline_date=np.full(2, NULL_DAY, np.int32),
    )
    treatments = Treatments(
        index=KeyIndex.of(pa.array([], pa.string())),
        offsets=np.zeros(1, np.int64),
        lesion=pa.array([], pa.string()),
        day=np.zeros(0, np.int32),
        radiation=np.zeros(0, np.bool_),
        clean=np.zeros(0, np.bool_),
    )
    batch = canonical_batch("warm-up")
    assess(batch, columns(batch.rows), patients, treatments)
