"""Cohort screening: the core's RECIST and disease-state rules over whole tables of patients.

Engines with one contract (`screen`): `core` (one `assess()` per patient, the reference),
`embedded` (DuckDB running `sql/screen.sql`, streaming) and `spark` (Spark SQL running the same
text). Heavy dependencies (pyarrow, duckdb, pyspark) are imported only when an engine runs.
"""

from __future__ import annotations

from oligoguide.cohort.api import ENGINES, ScreenRun, screen

__all__ = ["ENGINES", "ScreenRun", "screen"]
