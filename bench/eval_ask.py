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
UNSEEN = Path(__file__).resolve().parents[1] / "tests" / "data" / "ask_unseen"


def unseen(show_dev_misses: bool = False) -> int:
    """`--unseen`: per-type scores on the unseen dev and held-out halves, as measured.

    Misses are listed for the dev half only (`--misses`); the held-out half is reported as
    figures, never question by question, so it cannot be tuned on.
    """
    from oligoguide.ask.unseen import load_unseen, score_unseen

    cols = ("n", "type_agreement", "element_recall", "first_sentence", "must_not_hits", "errors")
    for part in ("dev", "heldout"):
        path = UNSEEN / f"{part}.yaml"
        if not path.exists():
            print(f"{part}: {path} not found")
            continue
        report = score_unseen(load_unseen(path))
        for label, paraphrase in (("original", False), ("paraphrases", True)):
            rows = report.by_type(paraphrase)
            if not rows:
                continue
            print(f"\n{part} ({label})")
            print(f"{'type':16}" + "".join(f"{c:>16}" for c in cols))
            for kind, summary in [*rows.items(), ("ALL", report.summary(paraphrase))]:
                cells = "".join(
                    f"{summary[c]:16.3f}" if isinstance(summary[c], float) else f"{summary[c]:16}"
                    for c in cols
                )
                print(f"{kind:16}" + cells)
        if part == "dev" and show_dev_misses:
            for r in report.results:
                if r.found < r.expected or r.first_ok is False or r.forbidden or r.error:
                    print(
                        "  miss",
                        r.id,
                        r.type,
                        "->",
                        r.predicted_type,
                        f"{r.found}/{r.expected}",
                        "first" if r.first_ok is False else "",
                        r.forbidden or "",
                        r.error or "",
                    )
    return 0


def main() -> int:
    if "--unseen" in sys.argv:
        return unseen(show_dev_misses="--misses" in sys.argv)
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
