"""`make eval-ask`: evaluate `oligoguide ask` on tests/data/ask_eval.yaml, per retriever, and
(`--unseen`) on the unseen questions of tests/data/ask_unseen/.

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


HALVES = {
    "dev": ("dev.yaml", "set2_dev.yaml", "set3_dev.yaml"),
    "heldout": ("heldout.yaml", "set2_heldout.yaml"),
}
COLUMNS = (
    "n",
    "type_agreement",
    "element_recall",
    "citation_recall",
    "first_sentence",
    "must_not_hits",
    "refusal_accuracy",
    "latency_p50_ms",
)


def _print_table(title: str, rows: dict[str, dict[str, float | int]]) -> None:
    print(f"\n{title}")
    print(f"{'':16}" + "".join(f"{c[:15]:>16}" for c in COLUMNS))
    for label, summary in rows.items():
        cells = "".join(
            f"{summary[c]:16.3f}" if isinstance(summary[c], float) else f"{summary[c]:16}"
            for c in COLUMNS
        )
        print(f"{label:16}" + cells)


def unseen(show_dev_misses: bool = False) -> int:
    """`--unseen`: scores on the unseen dev and held-out halves, originals and paraphrases.

    Each half is the first set's file (80 questions, 55/25) plus the second set's (90, split at
    random 45/45). Misses are listed for the dev half only (`--misses`); the held-out half is
    reported as figures, never question by question, so it cannot be tuned on.
    """
    from oligoguide.ask.unseen import UnseenReport, load_unseen, score_unseen

    for half, files in HALVES.items():
        report = UnseenReport()
        per_file: dict[str, UnseenReport] = {}
        for name in files:
            path = UNSEEN / name
            if path.exists():
                per_file[name] = score_unseen(load_unseen(path))
                report.results += per_file[name].results
        for label, paraphrase in (("original", False), ("paraphrases", True)):
            rows = {name: r.summary(paraphrase) for name, r in per_file.items()}
            rows |= {f"  {kind}": s for kind, s in report.by_type(paraphrase).items()}
            rows["ALL"] = report.summary(paraphrase)
            _print_table(f"{half} ({label})", rows)
        if half == "dev" and show_dev_misses:
            for r in report.results:
                if (
                    r.found < r.expected
                    or r.first_ok is False
                    or r.forbidden
                    or r.error
                    or (not r.refusal_ok)
                    or r.cited < r.cite_expected
                ):
                    print(
                        "  miss",
                        r.id,
                        "para" if r.paraphrase else "orig",
                        r.type,
                        "->",
                        r.predicted_type,
                        f"{r.found}/{r.expected}",
                        f"cite {r.cited}/{r.cite_expected}",
                        "first" if r.first_ok is False else "",
                        "refusal" if not r.refusal_ok else "",
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
