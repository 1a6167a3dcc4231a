"""`make eval-ask`: evaluate `oligoguide ask` on tests/data/ask_eval.yaml, per retriever.

Prints statement recall, citation precision/recall, refusal and false-premise shares, retrieval
recall@5 and latency per question (median, p90; warm indexes, one process, measured side by side).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from oligoguide.ask.evaluate import evaluate, load_questions
from oligoguide.ask.retrieve import DEFAULT_RETRIEVER, RetrieverKind

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "ask_eval.yaml"


def main() -> int:
    questions = load_questions(DATA)
    rows = [evaluate(questions, kind).summary() for kind in RetrieverKind]
    keys = [k for k in rows[0] if k != "retriever"]
    print(f"ask evaluation: {len(questions)} questions; default retriever: {DEFAULT_RETRIEVER}")
    print(f"{'metric':28}" + "".join(f"{r['retriever']:>12}" for r in rows))
    for key in keys:
        cells = []
        for r in rows:
            value = r[key]
            cells.append(f"{value:12.3f}" if isinstance(value, float) else f"{value:12}")
        print(f"{key:28}" + "".join(cells))
    base = rows[0]["latency_median_ms"]
    print(
        "latency median ratio vs lexical: "
        + ", ".join(f"{r['retriever']} {r['latency_median_ms'] / base:.2f}x" for r in rows)
    )
    if "--json" in sys.argv:
        print(json.dumps(rows, indent=2))
    if "--misses" in sys.argv:
        for kind in RetrieverKind:
            report = evaluate(questions, kind)
            for res in report.results:
                if res.missing_statements or res.missing_citations or res.forbidden_shown:
                    print(
                        kind,
                        res.id,
                        res.missing_statements,
                        res.missing_citations,
                        res.forbidden_shown,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
