"""The embedded engine: the screening SQL run by DuckDB, streaming from Parquet or CSV.

DuckDB reads the inputs lazily and writes the result with COPY, so the cohort never passes
through Python and a cohort larger than memory spills to a temporary directory.
"""

from __future__ import annotations

import importlib.util
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from oligoguide.cohort.inputs import CohortInputs, TableFiles
from oligoguide.cohort.kernel.report import KernelReport
from oligoguide.cohort.sqltext import DUCKDB_MACROS, screen_sql
from oligoguide.cohort.views import VIEW_NAMES, empty_select, select_list

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa  # type: ignore[import-untyped]

Progress = Callable[[float], None]


def _source(files: TableFiles) -> str:
    paths = "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in files.paths) + "]"
    if files.format == "parquet":
        return f"read_parquet({paths}, union_by_name = true)"
    return f"read_csv({paths}, header = true, all_varchar = true, union_by_name = true)"


def connect(
    threads: int | None = None, memory_limit: str | None = None, temp_dir: Path | None = None
) -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    if temp_dir is not None:
        con.execute("SET temp_directory = ?", [str(temp_dir)])
    install_macros(con)
    return con


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The macros that give DuckDB the SQL's Spark names (they belong to one connection)."""
    for macro in DUCKDB_MACROS:
        con.execute(macro)


def register_views(con: duckdb.DuckDBPyConnection, inputs: CohortInputs, suffix: str = "") -> None:
    """The views the screening SQL reads (`suffix` appended to their names)."""
    for table, name in VIEW_NAMES.items():
        view = name + suffix
        files = inputs.table(table)
        if files is None:
            # view and table names come from VIEW_NAMES, a constant; no user text in the SQL.
            con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS {empty_select(table)}")  # nosec B608
            continue
        source = _source(files)
        # source: file paths quoted with '' escaping in _source; columns: a fixed list, quoted.
        describe = f"DESCRIBE SELECT * FROM {source}"  # nosec B608
        available = [row[0] for row in con.execute(describe).fetchall()]
        columns = select_list(table, available, '"')
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {columns} FROM {source}")  # nosec B608


def _run_with_progress(
    con: duckdb.DuckDBPyConnection, run: Callable[[], None], progress: Progress | None
) -> None:
    if progress is None:
        run()
        return
    failure: list[BaseException] = []

    def target() -> None:
        try:
            run()
        except BaseException as error:  # re-raised in the calling thread
            failure.append(error)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        done = con.query_progress()
        if done >= 0:
            progress(min(done, 100.0))
    if failure:
        raise failure[0]
    progress(100.0)


def _execute(con: duckdb.DuckDBPyConnection, query: str) -> None:
    con.execute(query)


#: Below this many measurement rows the SQL alone is as fast as the compiled rules, whose
#: one-off load (about 0.4 s) it also saves (bench/cohort_bench.py: equal at 10^5 rows).
KERNEL_MIN_ROWS = 250_000


def _kernel_declined(inputs: CohortInputs, kernel: bool | None) -> str | None:
    """Why the SQL alone screens this cohort (None: the compiled rules may)."""
    if kernel is False:
        return "the SQL alone was asked for (--no-kernel)"
    if importlib.util.find_spec("numba") is None:
        return "numba is not installed (pip install 'oligoguide[cohort]')"
    files = inputs.table("measurements")
    if kernel is None and files is not None and files.format == "parquet":
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        rows = sum(pq.ParquetFile(path).metadata.num_rows for path in files.paths)
        if rows < KERNEL_MIN_ROWS:
            return f"{rows:,} measurement rows: below {KERNEL_MIN_ROWS:,} the SQL alone is as fast"
    return None


def copy_screen(con: duckdb.DuckDBPyConnection, out: Path, progress: Progress | None) -> None:
    """The whole screening SQL over the og_* views, written to `out` by DuckDB (spilling)."""
    target = str(out).replace("'", "''")
    query = f"COPY ({screen_sql('duckdb')}) TO '{target}' (FORMAT parquet)"
    _run_with_progress(con, lambda: _execute(con, query), progress)


def screen_to_file(
    inputs: CohortInputs,
    out: Path,
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    progress: Progress | None = None,
    kernel: bool | None = None,
) -> KernelReport:
    """Screen the cohort into a Parquet file. Patient-grouped typed Parquet goes through the
    compiled rules (`kernel/`) when `kernel` is True, or when it is None and the cohort has at
    least KERNEL_MIN_ROWS measurement rows; otherwise the SQL screens every patient (the report
    says why)."""
    declined = _kernel_declined(inputs, kernel)
    con = connect(threads, memory_limit, out.parent / ".oligoguide-spill")
    try:
        if declined is None:
            from oligoguide.cohort.kernel.engine import screen as kernel_screen

            register_views(con, inputs, suffix="_all")
            return kernel_screen(con, inputs, out, progress)
        register_views(con, inputs)
        copy_screen(con, out, progress)
        return KernelReport(fallback=declined)
    finally:
        con.close()


def screen_table(
    inputs: CohortInputs, *, threads: int | None = None, kernel: bool | None = None
) -> pa.Table:
    """The result as an Arrow table (for tests and small cohorts)."""
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="oligoguide-") as scratch:
        out = Path(scratch) / "result.parquet"
        screen_to_file(inputs, out, threads=threads, kernel=kernel)
        return pq.read_table(out)
