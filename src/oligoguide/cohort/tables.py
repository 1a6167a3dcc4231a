"""Reading the input tables into Python rows, for the core engine (small cohorts only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.cohort.case_rows import PatientRows, patient_key
from oligoguide.cohort.inputs import CohortInputs, TableFiles
from oligoguide.cohort.schema import COLUMNS
from oligoguide.cohort.views import select_list


def _read(files: TableFiles, table: str) -> list[dict[str, Any]]:
    parts = []
    for path in files.paths:
        if files.format == "parquet":
            parts.append(pq.read_table(path))
        else:
            options = pacsv.ConvertOptions(
                column_types={c: pa.string() for c in COLUMNS[table]}, strings_can_be_null=True
            )
            parts.append(pacsv.read_csv(path, convert_options=options))
    rows: list[dict[str, Any]] = []
    for part in parts:
        select_list(table, part.column_names, "")  # the same column check as the SQL engines
        rows += part.to_pylist()
    return [{c: row.get(c) for c in COLUMNS[table]} for row in rows]


def patients(inputs: CohortInputs) -> Iterator[PatientRows]:
    """Every patient key found in any table, with its rows."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"patients": [], "measurements": [], "local_treatments": []}
    )
    for table in ("patients", "measurements", "local_treatments"):
        files = inputs.table(table)
        if files is None:
            continue
        for row in _read(files, table):
            grouped[patient_key(row["patient_id"])][table].append(row)
    for key in sorted(grouped):
        tables = grouped[key]
        yield PatientRows(
            key, tables["patients"], tables["measurements"], tables["local_treatments"]
        )
