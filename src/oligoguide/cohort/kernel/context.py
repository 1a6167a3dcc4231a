"""What the compiled rules need besides the measurement rows: each patient's checked patient row
and local treatments, from the SQL's own `prow`/`pat` and `trow` steps (small tables)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from oligoguide.cohort.kernel.keys import KeyIndex
from oligoguide.cohort.kernel.rule_steps import writable
from oligoguide.cohort.kernel.timepoints import NULL_DAY
from oligoguide.cohort.sqltext import screen_sql, split_ctes
from oligoguide.model.vocab import RADIATION_MODALITIES

if TYPE_CHECKING:
    import duckdb

_RADIATION = pa.array(sorted(m.value for m in RADIATION_MODALITIES))


def sql_steps() -> tuple[dict[str, str], str]:
    """The screening SQL's steps by name, and its final SELECT."""
    ctes, final = split_ctes(screen_sql("duckdb"))
    return dict(ctes), final


def with_steps(steps: dict[str, str], names: list[str], select: str) -> str:
    """A query that runs the named steps of the screening SQL, then `select`."""
    return "WITH " + ",\n".join(f"{n} AS (\n{steps[n]}\n)" for n in names) + "\n" + select


def _days(column: pa.ChunkedArray) -> Any:
    """Days since 1970 (NULL_DAY for NULL), and one more NULL_DAY at the end: the entry for an id
    with no patient row (`PatientTable`; unused in `Treatments`)."""
    days = pc.fill_null(column.cast(pa.int32()), NULL_DAY).to_numpy()
    return writable(np.append(days, NULL_DAY), np.int32)


@dataclass(frozen=True)
class PatientTable:
    """The patient table, one row per id: clean means one row and no problem. The arrays have
    one more entry, at index len(index.keys), for an id with no patient row (not clean, no
    dates)."""

    index: KeyIndex  # of the patient ids
    clean: Any
    therapy_start: Any
    therapy_end: Any
    baseline_date: Any


@dataclass(frozen=True)
class Treatments:
    """Local treatments sorted by patient: rows offsets[i]:offsets[i+1] are index.keys[i]'s."""

    index: KeyIndex  # of the patient ids
    offsets: Any
    lesion: pa.Array
    day: Any
    radiation: Any
    clean: Any


def patient_table(con: duckdb.DuckDBPyConnection, steps: dict[str, str]) -> PatientTable:
    select = "SELECT pkey, n_rows = 1 AND problems IS NULL AS clean, ts, te, bd FROM pat"
    table = con.sql(with_steps(steps, ["prow", "pat"], select)).to_arrow_table()
    keys = table.column("pkey").combine_chunks()
    return PatientTable(
        index=KeyIndex.of(keys),
        clean=writable(np.append(table.column("clean").to_numpy(), False), np.bool_),
        therapy_start=_days(table.column("ts")),
        therapy_end=_days(table.column("te")),
        baseline_date=_days(table.column("bd")),
    )


def treatments(con: duckdb.DuckDBPyConnection, steps: dict[str, str]) -> Treatments:
    select = "SELECT pkey, lid, modality, td, problem IS NULL AS clean FROM trow ORDER BY pkey"
    table = con.sql(with_steps(steps, ["trow"], select)).to_arrow_table().combine_chunks()
    keys = table.column("pkey").chunk(0) if table.num_rows else pa.array([], pa.string())
    change = np.flatnonzero(np.asarray(pc.not_equal(keys[1:], keys[:-1]))) + 1
    starts = np.concatenate(([0], change)).astype(np.int64) if len(keys) else np.zeros(0, np.int64)
    firsts = keys.take(pa.array(starts, pa.int64()))
    radiation = pc.fill_null(pc.is_in(table.column("modality"), value_set=_RADIATION), False)
    return Treatments(
        index=KeyIndex.of(firsts),
        offsets=np.append(starts, len(keys)).astype(np.int64),
        lesion=table.column("lid").combine_chunks(),
        day=_days(table.column("td")),
        radiation=writable(radiation.to_numpy(), np.bool_),
        clean=writable(table.column("clean").to_numpy(), np.bool_),
    )
