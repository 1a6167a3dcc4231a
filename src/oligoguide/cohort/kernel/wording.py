"""The SQL's last steps (`state` and the final SELECT) over the compiled rules' `resp` rows.

The disease-state rules and every text of the result stay in `screen.sql`; DuckDB runs them on
large chunks of assessed patients (one query per chunk costs less than one per batch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa  # type: ignore[import-untyped]

from oligoguide.cohort.kernel.context import with_steps
from oligoguide.cohort.schema import RESULT_SCHEMA

if TYPE_CHECKING:
    import duckdb

#: The `resp` columns the rules do not compute: a clean patient has no input problem.
_RESP_VIEW = (
    "CREATE OR REPLACE TEMP VIEW resp AS "
    "SELECT *, CAST([] AS VARCHAR[]) AS all_input_problems FROM og_kernel_resp"
)


class Wording:
    """Turns `resp` rows into result rows (RESULT_SCHEMA)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, steps: dict[str, str], final: str):
        self._con = con
        self._query = with_steps(steps, ["state"], final)

    def __call__(self, resp: pa.Table) -> pa.Table:
        self._con.register("og_kernel_resp", resp)
        self._con.execute(_RESP_VIEW)
        rows = result_rows(self._con.sql(self._query).to_arrow_table())
        self._con.unregister("og_kernel_resp")
        return rows


def result_rows(table: pa.Table) -> pa.Table:
    """The SQL's result with the result file's exact types."""
    return table.select(list(RESULT_SCHEMA.names)).cast(RESULT_SCHEMA)
