"""FHIR Bulk Data NDJSON into the cohort tables: one process against one per core, side by side.

The export is `synth --format fhir` (seed 20240601). Each patient's resources are read by the
FHIR adapter (`bundle_to_case`, whose FHIR model validation is most of the cost) and written as
table rows. The screen of those tables is not timed here: the cohort benchmark measures it.
Medians of `--repeats` runs, one process, the two ways interleaved.

    .venv/bin/python bench/fhir_bench.py [--patients 3000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from oligoguide.cohort.fhir_export import synth_export
from oligoguide.cohort.fhir_ndjson import convert


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=3_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    export = synth_export(args.patients, 20240601, work / "export")
    files = sorted(export.out.glob("*.ndjson"))
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    cores = os.cpu_count() or 1
    ways = {"1 process": 1, f"{cores} processes": cores}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for repeat in range(args.repeats):
        for name, workers in ways.items():
            started = time.perf_counter()
            convert(files, work / f"tables-{workers}-{repeat}", workers=workers)
            times[name].append(time.perf_counter() - started)
    print(
        f"# FHIR NDJSON to tables: {export.patients:,} patients, {megabytes:.0f} MB of NDJSON, "
        f"{cores} CPUs; medians of {args.repeats} runs"
    )
    print("| conversion | median s | patients/s | x 1 process |")
    print("|---|---:|---:|---:|")
    serial = statistics.median(times["1 process"])
    for name, runs in times.items():
        median = statistics.median(runs)
        print(
            f"| {name} | {median:.2f} | {export.patients / median:,.0f} | {serial / median:.2f} |"
        )


if __name__ == "__main__":
    main()
