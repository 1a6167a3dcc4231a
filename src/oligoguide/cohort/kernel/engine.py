"""The embedded engine's compiled path: Parquet row groups streamed through the numba rules.

Per patient the rules (`rules.py`) compute what the SQL computes up to its `resp` step; the SQL's
own `state` step and final SELECT then word the result (`wording.py`), so every text and the
disease-state rules stay one. Patients the rules do not assess (a row with a problem, no or
several patient rows, an odd id, rows without a patient_id, a patient only in the patient or
treatment table) are screened by the whole SQL on their rows alone, so every problem is reported
as the SQL engine reports it. Batches run two at a time (the kernel, pyarrow and DuckDB release
the GIL) and results are worded and written `WORDING_CHUNK` patients at a time (`output.py`), so
memory stays bounded by the row group and the chunk, not the cohort.

Threads: the main thread reads row groups and collects results; two pool threads run the rules;
a side connection to the same DuckDB database (its own thread) checks the patient table while
the first row groups are read, then screens the SQL's share while the last chunk is worded; the
output thread words and writes on the main connection.

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
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.cohort.duckdb_run import copy_screen, install_macros, register_views
from oligoguide.cohort.kernel import batch_rules, context, stream
from oligoguide.cohort.kernel.allocator import run_allocation
from oligoguide.cohort.kernel.output import WRITE_OPTIONS, Output
from oligoguide.cohort.kernel.report import KernelReport
from oligoguide.cohort.kernel.stream import UngroupedRowsError, why_not_typed
from oligoguide.cohort.kernel.wording import Wording, result_rows
from oligoguide.cohort.schema import RESULT_SCHEMA
from oligoguide.cohort.sqltext import screen_sql
from oligoguide.cohort.views import select_list

if TYPE_CHECKING:
    import duckdb

    from oligoguide.cohort.inputs import CohortInputs, TableFiles

Progress = Callable[[float], None]

#: Rows of patients the rules do not assess are held in memory for the SQL; beyond this many,
#: the whole cohort goes to the SQL (which streams and spills).
SUBSET_ROW_LIMIT = 1_000_000
#: Assessed patients are worded (by the SQL's last steps) and written this many at a time: one
#: large query costs less than one per batch, and memory stays bounded.
WORDING_CHUNK = 250_000
_IN_FLIGHT = 3  # batches submitted ahead of the one being collected
_IN_FLIGHT_LOADING = 6  # the same while the patient table loads


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
    """What the batches left for the SQL (the rejected patients' keys and rows), and the
    assessed patients' `resp` rows not yet worded."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.rows: list[pa.Table] = []
        self.orphans: list[pa.Table] = []
        self.met: _Met | None = None
        self.compiled = 0
        self.assessed: list[pa.Table] = []

    def word(self, output: Output) -> None:
        if self.assessed:
            output.word(self.assessed)
            self.assessed = []

    def held(self) -> int:
        return int(sum(t.num_rows for t in self.rows + self.orphans))


class _Met:
    """Which entries of the patient and treatment tables had measurement rows. Each array has
    one spare last entry, which the -1 of an id without an entry marks."""

    def __init__(self, loaded: _Context) -> None:
        patients, treatments = loaded
        self.patients = np.zeros(len(patients.index.keys) + 1, np.bool_)
        self.treatments = np.zeros(len(treatments.index.keys) + 1, np.bool_)

    def mark(self, assessed: batch_rules.Assessed) -> None:
        """Raises UngroupedRowsError when a patient comes back in a second run (its rows are not
        contiguous). An id without a patient row may: the SQL screens it, on all its rows."""
        at = assessed.patient_at[assessed.patient_at >= 0]
        if self.patients[at].any() or len(np.unique(at)) < len(at):
            raise UngroupedRowsError
        self.patients[at] = True
        self.treatments[assessed.treatment_at] = True

    def unmet_patients(self) -> Any:
        return ~self.patients[:-1]

    def unmet_treatments(self) -> Any:
        return ~self.treatments[:-1]


_Context = tuple[context.PatientTable, context.Treatments]


def _load_context(
    side: duckdb.DuckDBPyConnection, steps: dict[str, str], warm: threading.Thread
) -> _Context:
    """The patient and treatment tables, once the compiled rules are loaded too (batches wait
    for both)."""
    loaded = context.patient_table(side, steps), context.treatments(side, steps)
    warm.join()
    return loaded


def _screen_batch(batch: Any, loaded: Future[_Context]) -> tuple[Any, batch_rules.Assessed]:
    cols = stream.columns(batch.rows)  # made while the patient table may still be loading
    patients, treatments = loaded.result()
    return batch, batch_rules.assess(batch, cols, patients, treatments)


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


def _side_connection(
    con: duckdb.DuckDBPyConnection, inputs: CohortInputs
) -> duckdb.DuckDBPyConnection:
    """A second connection to the same database, so the patient table and the SQL's share of
    patients run beside the main connection's wording. Temporary views and macros belong to a
    connection, so it gets its own."""
    side = con.cursor()
    install_macros(side)
    register_views(side, inputs, suffix="_all")
    _sql_views(side, False)
    return side


def screen(
    con: duckdb.DuckDBPyConnection, inputs: CohortInputs, out: Path, progress: Progress | None
) -> KernelReport:
    """Screen into `out` (Parquet). `con` holds the input views named og_*_all."""
    with _collector_paused(), run_allocation():
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
    wording = Wording(con, steps, final)
    side = _side_connection(con, inputs)
    partial = out.with_name(out.name + ".partial")
    collected = _Collected()
    try:
        with (
            ThreadPoolExecutor(2) as pool,
            ThreadPoolExecutor(1) as beside,
            pq.ParquetWriter(partial, RESULT_SCHEMA, **WRITE_OPTIONS) as writer,
        ):
            loaded = beside.submit(_load_context, side, steps, warm)
            output = Output(writer, wording)
            try:
                _stream(measurements, pool, loaded, collected, output, progress)
                patients, treatments = loaded.result()
                # the SQL's share runs on the side connection while the last chunk is worded
                finished = beside.submit(_finish, side, collected, patients, treatments)
                collected.word(output)
                sql_rows = finished.result()
                if sql_rows is not None:
                    output.write(sql_rows)
            finally:
                output.close()
    except UngroupedRowsError:
        return _abandon(
            con, out, partial, "a patient's measurement rows are not contiguous", progress
        )
    except _FallbackError as error:
        return _abandon(con, out, partial, str(error), progress)
    except BaseException:
        partial.unlink(missing_ok=True)  # no half-written result is left behind
        raise
    finally:
        side.close()
    os.replace(partial, out)
    if progress is not None:
        progress(100.0)
    return KernelReport(collected.compiled, len(collected.keys))


def _stream(
    measurements: TableFiles,
    pool: ThreadPoolExecutor,
    loaded: Future[_Context],
    collected: _Collected,
    output: Output,
    progress: Progress | None,
) -> None:
    """Every batch through the rules (two at a time), their results worded a chunk at a time.
    While the patient table loads, more batches are read and converted ahead."""
    pending: deque[Future[tuple[Any, batch_rules.Assessed]]] = deque()
    for batch in stream.grouped(measurements, collected.orphans):
        pending.append(pool.submit(_screen_batch, batch, loaded))
        ahead = _IN_FLIGHT if loaded.done() else _IN_FLIGHT_LOADING
        while len(pending) >= ahead or (pending and pending[0].done()):
            _collect(pending.popleft().result(), collected, loaded, progress)
            if sum(t.num_rows for t in collected.assessed) >= WORDING_CHUNK:
                collected.word(output)
    while pending:
        _collect(pending.popleft().result(), collected, loaded, progress)


def _abandon(
    con: duckdb.DuckDBPyConnection, out: Path, partial: Path, reason: str, progress: Progress | None
) -> KernelReport:
    partial.unlink(missing_ok=True)
    return _whole_sql(con, out, reason, progress)


def _collect(
    done: tuple[Any, batch_rules.Assessed],
    collected: _Collected,
    loaded: Future[_Context],
    progress: Progress | None,
) -> None:
    batch, assessed = done
    ok, rows = assessed.ok, assessed.resp
    if collected.met is None:
        collected.met = _Met(loaded.result())
    collected.met.mark(assessed)
    collected.assessed.append(rows)
    collected.compiled += rows.num_rows
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
    collected: _Collected,
    patients: context.PatientTable,
    treatments: context.Treatments,
) -> pa.Table | None:
    """The SQL over the patients the rules left: rejected ones, rows without a patient_id, and
    ids found only in the patient or treatment table."""
    rows = list(collected.rows)
    if collected.orphans:
        collected.keys.add("")
        rows += collected.orphans
    met = collected.met or _Met((patients, treatments))  # no batch: nothing met
    for keys, unmet in (
        (patients.index.keys, met.unmet_patients()),
        (treatments.index.keys, met.unmet_treatments()),
    ):
        collected.keys.update(keys.filter(pa.array(unmet)).to_pylist())
    if not collected.keys:
        return None
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
    return result_rows(con.sql(screen_sql("duckdb")).to_arrow_table())
