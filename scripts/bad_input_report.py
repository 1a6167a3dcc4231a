"""Bad-input figures for docs/reliability.md (issue 19): every mutation of tests/mutations.py
applied to realistic cases (examples/*.json and the worked cases), counted by what oligoguide did:
refused with a pointer, assessed with a warning naming the pointer, or read silently.

Usage: python scripts/bad_input_report.py [--seeds N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from misread_outcome import outcome  # noqa: E402
from mutations import MUTATIONS  # noqa: E402


def seed_cases() -> list[dict]:
    found = [json.loads(p.read_text()) for p in sorted((ROOT / "examples").glob("*.json"))]
    for path in sorted((ROOT / "tests" / "worked_cases").rglob("*.yaml")):
        found.append(yaml.safe_load(path.read_text(encoding="utf-8"))["case"])
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5, help="mutations of each kind per case")
    args = parser.parse_args()
    counts: dict[str, Counter[str]] = {name: Counter() for name in MUTATIONS}
    silent: list[str] = []
    cases = seed_cases()
    for data in cases:
        for name, mutate in MUTATIONS.items():
            for seed in range(args.seeds):
                mutated = mutate(data, seed * 7919)
                if mutated is None:
                    continue
                kind, detail = outcome(*mutated)
                counts[name][kind] += 1
                if kind == "silent":
                    silent.append(f"{data.get('case_id')} {name} {mutated[1]}: {detail}")
    print(f"{len(cases)} realistic cases, up to {args.seeds} mutations of each kind per case")
    print(f"{'mutation':<18}{'tried':>7}{'refused':>9}{'warned':>8}{'silent':>8}")
    total: Counter[str] = Counter()
    for name, c in counts.items():
        total += c
        print(f"{name:<18}{sum(c.values()):>7}{c['refused']:>9}{c['warned']:>8}{c['silent']:>8}")
    print(
        f"{'all':<18}{sum(total.values()):>7}{total['refused']:>9}{total['warned']:>8}"
        f"{total['silent']:>8}"
    )
    for line in silent[:20]:
        print("SILENT", line)
    return 1 if silent else 0


if __name__ == "__main__":
    sys.exit(main())
