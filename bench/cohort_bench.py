"""Cohort screening benchmark: core loop vs embedded vs Spark local vs pyrecist.

Every (engine, size) runs in its own subprocess, so peak memory (ru_maxrss of the worker and of
its reaped children, e.g. Spark's JVM) belongs to that run alone. Sizes are measurement rows of
a synthetic cohort (`oligoguide synth`); slow engines are capped (see CAPS) and say so, and run
once above 10^5 rows (minutes per run). Machines are shared and noisy: read the ratios, measured
side by side in one run.

`embedded` is the embedded engine's compiled path (the rules compiled with numba for
patient-grouped typed Parquet, the SQL wording the result), forced at every size; `embedded-sql`
is the same engine with `--no-kernel`, the SQL alone. By default the engine takes the compiled
path from 250,000 measurement rows. The compiled rules' one-off load (numba's cache) is timed
apart, as Spark's start-up is.

Two reference lines put the embedded engine in context: `floor` is DuckDB doing only the one
per-row operation the rules cannot avoid (grouping by patient, lesion and date, which the
duplicate-date check needs) on the same Parquet file; and a single `assess` is timed in-process
and through the REST API (p50/p99).

    .venv/bin/python bench/cohort_bench.py [--sizes 10000,100000,1000000,10000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS_PER_PATIENT = 30.6  # measured mean of the synthetic cohort
CAPS = {
    "core": 1_000_000,
    "pyrecist": 1_000_000,
    "spark": 1_000_000,
    "embedded": 10**8,
    "embedded-sql": 10**8,
    "floor": 10**8,
}
SLOW = {"core", "pyrecist", "spark"}  # one run above 10^5 rows
DATA = Path(os.environ.get("OLIGOGUIDE_BENCH_DATA", Path(tempfile.gettempdir()) / "og-bench"))


def _dataset(rows: int) -> Path:
    from oligoguide.cohort.synth import generate

    directory = DATA / f"rows{rows}"
    if not (directory / "measurements.parquet").exists():
        generate(max(1, round(rows / ROWS_PER_PATIENT)), 20240601, directory)
    return directory


def _rows(directory: Path) -> int:
    import duckdb

    path = str(directory / "measurements.parquet")
    found = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchone()
    return int(found[0]) if found else 0


def _pyrecist_csv(directory: Path) -> Path:
    """pyrecist's input: one row per measured diameter, YYYYMMDD dates, target/non-target.

    Patient ids are made numeric: pyrecist 0.1.0 calls DataFrame.diff() over the id column,
    which fails on text ids under pandas 3."""
    import duckdb

    out = directory / "pyrecist.csv"
    if not out.exists():
        duckdb.connect().execute(
            f"""COPY (SELECT CAST(substr(patient_id, 2) AS BIGINT) AS patient_id,
                strftime(date, '%Y%m%d') AS study_date,
                diameter_mm AS measurement, lesion_id AS lesion_label_alias,
                CASE WHEN target THEN 'target' ELSE 'non-target' END AS lesion_category
              FROM read_parquet('{directory / "measurements.parquet"}')
              WHERE diameter_mm IS NOT NULL AND diameter_mm >= 0)
              TO '{out}' (HEADER)"""
        )
    return out


def worker(engine: str, directory: Path) -> dict[str, float]:
    """Run one engine once on one dataset, end to end (read inputs, write results).

    Imports happen before the clock starts; Spark's session start-up and the compiled rules'
    load are timed apart."""
    import duckdb  # imported lazily by the engines: imports stay off the clock

    from oligoguide.cohort.core_engine import screen_to_file as core_screen
    from oligoguide.cohort.embedded import screen_to_file as embedded_screen
    from oligoguide.cohort.inputs import discover

    with contextlib.suppress(ImportError):  # pyarrow imports pandas at its first NumPy use
        import pandas  # noqa: F401

    out = Path(tempfile.mkdtemp()) / "results.parquet"
    if engine == "floor":
        import duckdb

        source = str(directory / "measurements.parquet").replace("'", "''")
        started = time.perf_counter()
        duckdb.connect().execute(
            f"""COPY (SELECT patient_id, lesion_id, date, count(*) AS n
                FROM read_parquet('{source}') GROUP BY ALL HAVING count(*) > 1)
              TO '{out}' (FORMAT parquet)"""
        )
        return {"seconds": time.perf_counter() - started, **_memory()}
    if engine == "pyrecist":
        from pyrecist.assessment import Evaluator
        from pyrecist.data import Reader

        csv = _pyrecist_csv(directory)
        started = time.perf_counter()
        reader = Reader()
        reader.read_measurements(str(csv))
        Evaluator(reader).evaluate_recist().to_parquet(out)
        return {"seconds": time.perf_counter() - started, **_memory()}
    if engine == "spark":
        from oligoguide.cohort.spark import screen_frame, session

        begun = time.perf_counter()
        spark = session("local[*]", shuffle_partitions=4)
        startup = time.perf_counter() - begun
        started = time.perf_counter()
        screen_frame(spark, discover([directory])).write.mode("overwrite").parquet(str(out))
        elapsed = time.perf_counter() - started
        spark.stop()
        return {"seconds": elapsed, "startup_s": startup, **_memory()}
    if engine == "embedded":
        from oligoguide.cohort.kernel.batch_rules import warm_up

        begun = time.perf_counter()
        warm_up()
        startup = time.perf_counter() - begun
        started = time.perf_counter()
        embedded_screen(discover([directory]), out, kernel=True)
        return {"seconds": time.perf_counter() - started, "startup_s": startup, **_memory()}
    started = time.perf_counter()
    if engine == "embedded-sql":
        embedded_screen(discover([directory]), out, kernel=False)
    else:
        core_screen(discover([directory]), out)
    return {"seconds": time.perf_counter() - started, **_memory()}


def _memory() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_mb": max(own, children)}


def _run(engine: str, directory: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", engine, str(directory)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _p50_p99(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def single_assess_timing(repeats: int = 200) -> tuple[float, float]:
    """p50 and p99 of one in-process assess() on the bundled example (milliseconds)."""
    from oligoguide.assess import assess
    from oligoguide.model import load_case

    example = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
    case = load_case(example)
    assess(case)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        assess(case)
        times.append((time.perf_counter() - started) * 1000)
    return _p50_p99(times)


def rest_assess_timing(repeats: int = 200) -> tuple[float, float]:
    """p50 and p99 of one POST /v1/assess through a real uvicorn server on loopback (ms)."""
    import httpx
    from load_test import EXAMPLE, start_server

    folder = tempfile.mkdtemp(prefix="oligoguide-bench-")
    process, url = start_server(f"sqlite:///{folder}/registry.sqlite3")
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            client.post("/v1/assess", json=EXAMPLE).raise_for_status()
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                client.post("/v1/assess", json=EXAMPLE).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return _p50_p99(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000,10000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engines", default="core,pyrecist,spark,embedded-sql,embedded,floor")
    parser.add_argument(
        "--uncapped", default="", help="engines to run above their cap too, e.g. core (slow)"
    )
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "DIR"))
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return
    engines = args.engines.split(",")
    caps = {e: 10**8 if e in args.uncapped.split(",") else c for e, c in CAPS.items()}
    print(f"# cohort screen benchmark, {os.cpu_count()} CPUs; medians of {args.repeats} runs")
    print(
        "| rows | engine | runs | median s | rows/s | peak MB | x core | x core, start-up "
        "counted | x pyrecist |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        directory = _dataset(size)
        rows = _rows(directory)
        medians: dict[str, float] = {}
        results: dict[str, tuple[int, float, float, str]] = {}
        for engine in engines:
            if size > caps[engine]:
                continue
            repeats = 1 if engine in SLOW and size > 100_000 else args.repeats
            runs = [_run(engine, directory) for _ in range(repeats)]
            median = statistics.median(r["seconds"] for r in runs)
            peak = max(r["peak_mb"] for r in runs)
            note = ""
            if "startup_s" in runs[0]:
                note = f" (+{statistics.median(r['startup_s'] for r in runs):.2f} s start-up)"
            startup = statistics.median(r.get("startup_s", 0.0) for r in runs)
            medians[engine] = median
            results[engine] = (repeats, median, startup, peak, note)
        for engine, (repeats, median, startup, peak, note) in results.items():
            core = medians.get("core")
            peer = medians.get("pyrecist")
            x_core = f"{core / median:.1f}" if core else "-"
            # Start-up is shown apart (a long-lived process pays it once); counted, for the
            # ratio a one-off `screen` command sees.
            x_cold = f"{core / (median + startup):.1f}" if core else "-"
            x_peer = f"{peer / median:.1f}" if peer else "-"
            print(
                f"| {rows:,} | {engine}{note} | {repeats} | {median:.3f} | {rows / median:,.0f} "
                f"| {peak:.0f} | {x_core} | {x_cold} | {x_peer} |",
                flush=True,
            )
    skipped = ", ".join(f"{e} above {c:,} rows" for e, c in caps.items() if c < 10**8)
    print(f"\nCapped (too slow to run at larger sizes in one sitting): {skipped}.")
    print("floor: DuckDB grouping the rows by (patient, lesion, date) only, nothing else.")
    p50, p99 = single_assess_timing()
    print(
        f"single assess() in-process on examples/crc_oligoprogression.json: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )
    p50, p99 = rest_assess_timing()
    print(
        f"single POST /v1/assess through the REST API (uvicorn on loopback, one client): "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )


if __name__ == "__main__":
    main()
