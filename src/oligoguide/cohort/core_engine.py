"""The reference engine: one `assess()` call per patient, exactly as the CLI does for one case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from oligoguide.assess import assess
from oligoguide.cohort import tables
from oligoguide.cohort.case_rows import build_case
from oligoguide.cohort.inputs import CohortInputs
from oligoguide.cohort.result_row import assessed_row, rejected_row
from oligoguide.cohort.schema import RESULT_SCHEMA


def screen_rows(
    inputs: CohortInputs, progress: Callable[[int], None] | None = None
) -> list[dict[str, Any]]:
    results = []
    for rows in tables.patients(inputs):
        case, problems = build_case(rows)
        results.append(
            rejected_row(rows.key, problems)
            if case is None
            else assessed_row(rows.key, assess(case))
        )
        if progress is not None:
            progress(len(results))
    return results


def screen_table(inputs: CohortInputs, progress: Callable[[int], None] | None = None) -> pa.Table:
    return pa.Table.from_pylist(screen_rows(inputs, progress), schema=RESULT_SCHEMA)


def screen_to_file(
    inputs: CohortInputs, out: Path, progress: Callable[[int], None] | None = None
) -> None:
    pq.write_table(screen_table(inputs, progress), out)
