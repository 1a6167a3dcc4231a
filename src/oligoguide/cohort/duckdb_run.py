"""The DuckDB plumbing both embedded engines share: the connection with the Spark-named macros,
the og_* views over the input files, and the whole screening SQL COPYed to Parquet.

Its own module so that the SQL engine (`cohort/embedded.py`) and the compiled-rules engine
(`cohort/kernel/engine.py`) both depend on it and not on each other: embedded chooses the
engine and calls `kernel.engine.screen`; the kernel engine uses only this module.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from oligoguide.cohort.inputs import CohortInputs, TableFiles
from oligoguide.cohort.sqltext import DUCKDB_MACROS, screen_sql
from oligoguide.cohort.views import VIEW_NAMES, empty_select, select_list

if TYPE_CHECKING:
    import duckdb

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


def copy_screen(con: duckdb.DuckDBPyConnection, out: Path, progress: Progress | None) -> None:
    """The whole screening SQL over the og_* views, written to `out` by DuckDB (spilling)."""
    target = str(out).replace("'", "''")
    query = f"COPY ({screen_sql('duckdb')}) TO '{target}' (FORMAT parquet)"
    _run_with_progress(con, lambda: _execute(con, query), progress)
