"""`make bench`: every benchmark of the project, one after the other.

Arguments are passed to the cohort benchmark (e.g. `--sizes 10000,100000`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

if __name__ == "__main__":
    runs = (("cohort_bench.py", sys.argv[1:]), ("engine_choice.py", []), ("fhir_bench.py", []))
    for bench, args in runs:
        print(f"\n== {bench}", flush=True)
        subprocess.run([sys.executable, str(HERE / bench), *args], check=True)
