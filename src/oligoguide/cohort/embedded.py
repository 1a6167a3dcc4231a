"""The embedded engine: the screening SQL run by DuckDB, streaming from Parquet or CSV.

DuckDB reads the inputs lazily and writes the result with COPY, so the cohort never passes
through Python and a cohort larger than memory spills to a temporary directory.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

# The DuckDB plumbing lives in duckdb_run, shared with the kernel engine (no import circle);
# re-exported here for callers of the embedded engine's helpers.
from oligoguide.cohort.duckdb_run import (
    Progress,
    connect,
    copy_screen,
    install_macros,
    register_views,
)
from oligoguide.cohort.inputs import CohortInputs
from oligoguide.cohort.kernel.report import KernelReport

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

__all__ = [
    "KERNEL_MIN_ROWS",
    "Progress",
    "connect",
    "copy_screen",
    "install_macros",
    "register_views",
    "screen_table",
    "screen_to_file",
]

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
