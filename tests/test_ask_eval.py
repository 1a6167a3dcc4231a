"""The ask evaluation set (tests/data/ask_eval.yaml) with the thresholds the project meets.

Thresholds are set a little under the measured figures (docs/ask.md) so that a regression fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("bm25s")
pytest.importorskip("tokenizers")

from oligoguide.ask.evaluate import evaluate, load_questions
from oligoguide.ask.retrieve import DEFAULT_RETRIEVER, RetrieverKind

DATA = Path(__file__).parent / "data" / "ask_eval.yaml"


def test_evaluation_set_shape() -> None:
    questions = load_questions(DATA)
    assert len(questions) >= 60
    categories = {q.category for q in questions}
    assert {"seed", "colorectal", "nsclc", "other_primary", "dose", "followup"} <= categories
    assert {"definition", "out_of_scope", "false_premise"} <= categories
    assert len({q.id for q in questions}) == len(questions)


def test_default_retriever_meets_thresholds() -> None:
    summary = evaluate(load_questions(DATA), DEFAULT_RETRIEVER).summary()
    assert summary["statement_recall"] >= 0.95
    assert summary["citation_recall_required"] >= 0.95
    assert summary["citation_precision"] >= 0.98
    assert summary["sentence_support"] >= 0.98
    assert summary["refusal_out_of_scope"] == 1.0
    assert summary["false_refusal_in_scope"] == 0.0
    assert summary["premise_corrected"] >= 0.85
    assert summary["gap_reported"] == 1.0
    assert summary["forbidden_shown"] == 0
    assert summary["retrieval_recall_at5"] >= 0.70


def test_dense_retriever_end_to_end() -> None:
    summary = evaluate(load_questions(DATA), RetrieverKind.DENSE).summary()
    assert summary["statement_recall"] >= 0.90
    assert summary["citation_precision"] >= 0.98
