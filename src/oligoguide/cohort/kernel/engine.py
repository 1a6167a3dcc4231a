"""The embedded engine's compiled path: Parquet row groups streamed through the numba rules.

Per patient the rules (`rules.py`) compute what the SQL computes up to its `resp` step; the SQL's
own `state` step and final SELECT then word the result (`wording.py`), so every text and the
disease-state rules stay one. Patients the rules do not assess (a row with a problem, no or
several patient rows, an odd id, rows without a patient_id, a patient only in the patient or
treatment table) are screened by the whole SQL on their rows alone, so every problem is reported
as the SQL engine reports it. Batches run two at a time (the kernel, pyarrow and DuckDB release
the GIL) and results are worded and written `WORDING_CHUNK` patients at a time, so memory stays
bounded by the row group and the chunk, not the cohort.

Falls back to the SQL for the whole cohort (and says why) when the measurements are not typed
Parquet, when a patient's rows are not contiguous, or when more than `SUBSET_ROW_LIMIT` rows would
go to the SQL (they are held in memory).
"""

from __future__ import annotations

import gc
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.cohort.embedded import copy_screen
from oligoguide.cohort.kernel import batch_rules, context, stream
from oligoguide.cohort.kernel.report import KernelReport
from oligoguide.cohort.kernel.stream import UngroupedRowsError, why_not_typed
from oligoguide.cohort.kernel.wording import Wording, result_rows
from oligoguide.cohort.schema import RESULT_SCHEMA
from oligoguide.cohort.sqltext import screen_sql
from oligoguide.cohort.views import select_list

if TYPE_CHECKING:
    import duckdb

    from oligoguide.cohort.inputs import CohortInputs

Progress = Callable[[float], None]

#: Rows of patients the rules do not assess are held in memory for the SQL; beyond this many,
#: the whole cohort goes to the SQL (which streams and spills).
SUBSET_ROW_LIMIT = 1_000_000
#: Assessed patients are worded (by the SQL's last steps) and written this many at a time: one
#: large query costs less than one per batch, and memory stays bounded.
WORDING_CHUNK = 250_000
_IN_FLIGHT = 3  # batches submitted ahead of the one being collected


class _FallbackError(Exception):
    pass


def _sql_views(con: duckdb.DuckDBPyConnection, subset: bool) -> None:
    """Point og_* at the inputs: all of them, or (patient and treatment tables) only the
    patients in og_kernel_keys."""
    for view in ("og_measurements", "og_patients", "og_treatments"):
        where = ""
        if subset and view != "og_measurements":
            where = (
                " WHERE coalesce(CAST(patient_id AS STRING), '') IN "
                "(SELECT key FROM og_kernel_keys)"
            )
        # view names are constants; the only input is bound through the registered table
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {view}_all{where}")  # nosec B608


def _whole_sql(
    con: duckdb.DuckDBPyConnection, out: Path, reason: str, progress: Progress | None
) -> KernelReport:
    _sql_views(con, False)
    copy_screen(con, out, progress)
    return KernelReport(fallback=reason)


class _Collected:
    """What the batches left for the SQL: the rejected patients' keys and rows."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.rows: list[pa.Table] = []
        self.orphans: list[pa.Table] = []
        self.seen: list[pa.Array] = []
        self.compiled = 0
        self.assessed: list[pa.Table] = []  # `resp` rows not yet worded

    def word(self, wording: Wording, writer: pq.ParquetWriter) -> None:
        if self.assessed:
            writer.write_table(wording(pa.concat_tables(self.assessed)))
            self.assessed = []

    def held(self) -> int:
        return int(sum(t.num_rows for t in self.rows + self.orphans))


def _screen_batch(
    batch: Any, patients: context.PatientTable, treatments: context.Treatments
) -> tuple[Any, Any, pa.Table]:
    ok, resp = batch_rules.assess(batch, patients, treatments)
    return batch, ok, resp


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The run creates no reference cycles, but each collection walks every object numba and
    pyarrow keep alive: about 10% of a 10^7-row run. Paused for the run, restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def screen(
    con: duckdb.DuckDBPyConnection, inputs: CohortInputs, out: Path, progress: Progress | None
) -> KernelReport:
    """Screen into `out` (Parquet). `con` holds the input views named og_*_all."""
    with _collector_paused():
        return _screen(con, inputs, out, progress)


def _screen(
    con: duckdb.DuckDBPyConnection, inputs: CohortInputs, out: Path, progress: Progress | None
) -> KernelReport:
    measurements = inputs.table("measurements")
    reason = "no measurement table" if measurements is None else why_not_typed(measurements)
    if reason is not None or measurements is None:
        return _whole_sql(con, out, reason or "no measurement table", progress)
    warm = threading.Thread(target=batch_rules.warm_up, daemon=True)
    warm.start()  # loads the compiled rules while DuckDB reads the patient table
    _sql_views(con, False)
    steps, final = context.sql_steps()
    patients = context.patient_table(con, steps)
    treatments = context.treatments(con, steps)
    warm.join()
    wording = Wording(con, steps, final)
    partial = out.with_name(out.name + ".partial")
    collected = _Collected()
    try:
        with ThreadPoolExecutor(2) as pool, pq.ParquetWriter(partial, RESULT_SCHEMA) as writer:
            pending: deque[Future[tuple[Any, Any, pa.Table]]] = deque()
            for batch in stream.grouped(measurements, collected.orphans):
                pending.append(pool.submit(_screen_batch, batch, patients, treatments))
                while len(pending) >= _IN_FLIGHT or (pending and pending[0].done()):
                    _collect(pending.popleft().result(), collected, progress)
                    if sum(t.num_rows for t in collected.assessed) >= WORDING_CHUNK:
                        collected.word(wording, writer)
            while pending:
                _collect(pending.popleft().result(), collected, progress)
            collected.word(wording, writer)
            _finish(con, writer, collected, patients, treatments)
    except UngroupedRowsError:
        return _abandon(
            con, out, partial, "a patient's measurement rows are not contiguous", progress
        )
    except _FallbackError as error:
        return _abandon(con, out, partial, str(error), progress)
    except BaseException:
        partial.unlink(missing_ok=True)  # no half-written result is left behind
        raise
    os.replace(partial, out)
    if progress is not None:
        progress(100.0)
    return KernelReport(collected.compiled, len(collected.keys))


def _abandon(
    con: duckdb.DuckDBPyConnection, out: Path, partial: Path, reason: str, progress: Progress | None
) -> KernelReport:
    partial.unlink(missing_ok=True)
    return _whole_sql(con, out, reason, progress)


def _collect(
    done: tuple[Any, Any, pa.Table], collected: _Collected, progress: Progress | None
) -> None:
    batch, ok, rows = done
    collected.assessed.append(rows)
    collected.compiled += rows.num_rows
    collected.seen.append(batch.keys)
    if not ok.all():
        rejected = ~ok
        collected.keys.update(batch.keys.filter(pa.array(rejected)).to_pylist())
        mask = np.repeat(rejected, np.diff(batch.starts))
        collected.rows.append(batch.rows.filter(pa.array(mask)))
    if collected.held() > SUBSET_ROW_LIMIT:
        raise _FallbackError(f"more than {SUBSET_ROW_LIMIT:,} rows need the SQL")
    if progress is not None:
        progress(95.0 * batch.fraction)


def _finish(
    con: duckdb.DuckDBPyConnection,
    writer: pq.ParquetWriter,
    collected: _Collected,
    patients: context.PatientTable,
    treatments: context.Treatments,
) -> None:
    """The SQL over the patients the rules left: rejected ones, rows without a patient_id, and
    ids found only in the patient or treatment table."""
    rows = list(collected.rows)
    if collected.orphans:
        collected.keys.add("")
        rows += collected.orphans
    seen = pa.chunked_array(collected.seen, pa.string()).combine_chunks()
    for keys in (patients.keys, treatments.keys):
        unseen = pc.invert(pc.is_in(keys, value_set=seen))
        collected.keys.update(keys.filter(unseen).to_pylist())
    if not collected.keys:
        return
    con.register("og_kernel_keys", pa.table({"key": sorted(collected.keys)}))
    _sql_views(con, True)
    if rows:
        plain = pa.schema(
            [(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f for f in rows[0].schema]
        )
        con.register("og_kernel_rows", pa.concat_tables([t.cast(plain) for t in rows]))
        listed = select_list("measurements", plain.names, '"')
        measured = f"SELECT {listed} FROM og_kernel_rows"  # nosec B608 - fixed column list
    else:
        measured = "SELECT * FROM og_measurements_all WHERE 1 = 0"
    con.execute(f"CREATE OR REPLACE TEMP VIEW og_measurements AS {measured}")  # nosec B608
    writer.write_table(result_rows(con.sql(screen_sql("duckdb")).to_arrow_table()))
