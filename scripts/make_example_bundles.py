"""Generate examples/fhir/<name>.json (mCODE Bundles) from the native cases examples/<name>.json.

Run: .venv/bin/python scripts/make_example_bundles.py  (output is deterministic; commit it)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from oligoguide.fhir import case_to_bundle
from oligoguide.model import load_case

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    out_dir = ROOT / "examples" / "fhir"
    out_dir.mkdir(parents=True, exist_ok=True)
    for source in sorted((ROOT / "examples").glob("*.json")):
        bundle = case_to_bundle(load_case(source))
        target = out_dir / source.name
        target.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{target.relative_to(ROOT)}: {len(bundle['entry'])} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
