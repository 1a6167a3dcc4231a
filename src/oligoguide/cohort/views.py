"""The SELECT that turns one input table into the view the screening SQL reads.

Both engines use it: absent optional columns become typed NULLs, `date` is renamed (it is a
keyword), and a missing required column is an error that names the table and the column.
"""

from __future__ import annotations

from oligoguide.cohort.inputs import CohortInputError
from oligoguide.cohort.schema import COLUMNS, REQUIRED

VIEW_NAMES = {
    "measurements": "og_measurements",
    "patients": "og_patients",
    "local_treatments": "og_treatments",
}
_RENAMED = {"measurements": "scan_date", "local_treatments": "treatment_date"}


def view_columns(table: str) -> list[str]:
    """The view's column names, in order (`date` renamed)."""
    return [
        _RENAMED.get(table, column) if column == "date" else column for column in COLUMNS[table]
    ]


def select_list(table: str, available: list[str], quote: str) -> str:
    """`col AS col, NULL AS absent, ...` for a source with the given columns."""
    present = {name.lower(): name for name in available}
    missing = [c for c in REQUIRED[table] if c not in present]
    if missing:
        raise CohortInputError(f"{table}: missing column(s) {', '.join(missing)}")
    parts = []
    for column, alias in zip(COLUMNS[table], view_columns(table), strict=True):
        source = present.get(column)
        expression = "CAST(NULL AS STRING)" if source is None else f"{quote}{source}{quote}"
        parts.append(f"{expression} AS {alias}")
    return ", ".join(parts)


def empty_select(table: str) -> str:
    """A typed, empty view for an optional table that was not given."""
    columns = ", ".join(f"CAST(NULL AS STRING) AS {alias}" for alias in view_columns(table))
    return f"SELECT {columns} WHERE 1 = 0"
