"""`make bench`: every benchmark of the project, one after the other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = ["cohort_bench.py"]

if __name__ == "__main__":
    for bench in BENCHES:
        print(f"\n== {bench}", flush=True)
        subprocess.run([sys.executable, str(HERE / bench), *sys.argv[1:]], check=True)
