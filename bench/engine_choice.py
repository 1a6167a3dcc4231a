"""DuckDB or polars for the embedded engine: the two on the same per-row work, side by side.

The screen's cost is dominated by grouping the measurement rows, so both engines run the same
two groupings straight from the synthetic Parquet file (results written out, so that nothing is
pruned): the per-lesion aggregate the screen needs (first and last date, size range, attribute
agreement, number of dated and of distinct dates), and the (patient, lesion, date) grouping of
the duplicate-date check. Medians of `--repeats` runs, one process, engines interleaved.

    .venv/bin/python bench/engine_choice.py [--rows 10000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cohort_bench import _dataset, _rows


def _duckdb_lesions(source: Path, out: Path) -> None:
    import duckdb

    path = str(source).replace("'", "''")
    duckdb.connect().execute(
        f"""COPY (SELECT patient_id, lesion_id, min(date) AS a, max(date) AS b,
              min(diameter_mm) AS c, max(diameter_mm) AS d, min(site) AS e, max(site) AS f,
              bool_or(target) AS g, bool_and(target) AS h, bool_or(is_lymph_node) AS i,
              bool_and(is_lymph_node) AS j, count(date) AS k,
              cardinality(array_distinct(array_agg(date))) AS l
            FROM read_parquet('{path}') GROUP BY ALL) TO '{out}' (FORMAT parquet)"""
    )


def _polars_lesions(source: Path, out: Path) -> None:
    import polars as pl

    c = pl.col
    (
        pl.scan_parquet(source)
        .group_by("patient_id", "lesion_id")
        .agg(
            c("date").min().alias("a"),
            c("date").max().alias("b"),
            c("diameter_mm").min().alias("c"),
            c("diameter_mm").max().alias("d"),
            c("site").min().alias("e"),
            c("site").max().alias("f"),
            c("target").any().alias("g"),
            c("target").all().alias("h"),
            c("is_lymph_node").any().alias("i"),
            c("is_lymph_node").all().alias("j"),
            c("date").count().alias("k"),
            c("date").n_unique().alias("l"),
        )
        .sink_parquet(out)
    )


def _duckdb_dates(source: Path, out: Path) -> None:
    import duckdb

    path = str(source).replace("'", "''")
    duckdb.connect().execute(
        f"""COPY (SELECT patient_id, lesion_id, date, count(*) AS n FROM read_parquet('{path}')
            GROUP BY ALL HAVING count(*) > 1) TO '{out}' (FORMAT parquet)"""
    )


def _polars_dates(source: Path, out: Path) -> None:
    import polars as pl

    (
        pl.scan_parquet(source)
        .group_by("patient_id", "lesion_id", "date")
        .agg(pl.len().alias("n"))
        .filter(pl.col("n") > 1)
        .sink_parquet(out)
    )


RUNS: dict[str, Callable[[Path, Path], None]] = {
    "per-lesion aggregate, DuckDB": _duckdb_lesions,
    "per-lesion aggregate, polars": _polars_lesions,
    "(patient, lesion, date) groups, DuckDB": _duckdb_dates,
    "(patient, lesion, date) groups, polars": _polars_dates,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    directory = _dataset(args.rows)
    source = directory / "measurements.parquet"
    rows = _rows(directory)
    times: dict[str, list[float]] = {name: [] for name in RUNS}
    for _ in range(args.repeats):
        for name, run in RUNS.items():
            out = Path(tempfile.mkdtemp()) / "out.parquet"
            started = time.perf_counter()
            run(source, out)
            times[name].append(time.perf_counter() - started)
    print(f"# engine choice on {rows:,} measurement rows; medians of {args.repeats} runs")
    print("| work | median s | rows/s |")
    print("|---|---:|---:|")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"| {name} | {median:.2f} | {rows / median:,.0f} |")


if __name__ == "__main__":
    main()
