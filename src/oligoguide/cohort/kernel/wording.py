"""The SQL's last steps (`state` and the final SELECT) over the compiled rules' `resp` rows.

The disease-state rules and every text of the result stay in `screen.sql`; each worker thread
runs them on its own DuckDB cursor, batch by batch, so they overlap the kernel's work.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pyarrow as pa  # type: ignore[import-untyped]

from oligoguide.cohort.kernel.context import with_steps
from oligoguide.cohort.schema import RESULT_SCHEMA
from oligoguide.cohort.sqltext import DUCKDB_MACROS

if TYPE_CHECKING:
    import duckdb

#: The `resp` columns the rules do not compute: a clean patient has no input problem.
_RESP_VIEW = (
    "CREATE OR REPLACE TEMP VIEW resp AS "
    "SELECT *, CAST([] AS VARCHAR[]) AS all_input_problems FROM og_kernel_resp"
)


class Wording:
    """Turns `resp` rows into result rows (RESULT_SCHEMA), from any thread."""

    def __init__(self, con: duckdb.DuckDBPyConnection, steps: dict[str, str], final: str):
        self._con = con
        self._query = with_steps(steps, ["state"], final)
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._lock:
                cursor = self._con.cursor()
                self._cursors.append(cursor)
            for macro in DUCKDB_MACROS:
                cursor.execute(macro)
            self._local.cursor = cursor
        return cursor

    def __call__(self, resp: pa.Table) -> pa.Table:
        cursor = self._cursor()
        cursor.register("og_kernel_resp", resp)
        cursor.execute(_RESP_VIEW)
        return result_rows(cursor.sql(self._query).to_arrow_table())

    def close(self) -> None:
        for cursor in self._cursors:
            cursor.close()


def result_rows(table: pa.Table) -> pa.Table:
    """The SQL's result with the result file's exact types."""
    return table.select(list(RESULT_SCHEMA.names)).cast(RESULT_SCHEMA)
