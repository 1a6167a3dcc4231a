"""Evaluation of `ask` against tests/data/ask_eval.yaml (run by bench/eval_ask.py and a test).

Metrics (after ALCE, Gao et al. 2023, and the QA review in research/software-anchors.md §5):
- statement recall: share of required statements the answer uses;
- required-citation recall: share of required evidence ids among the answer's references;
- sentence support (citation recall): share of sentences grounded in a knowledge-base record
  whose text they repeat and cited to at least one evidence id that supports that record;
- citation precision: share of (sentence, citation) pairs where the cited evidence supports the
  sentence: the sentence repeats a statement (text or caveat) that cites it, a finding of that
  evidence item, or a dose-table schedule sourced to it;
- refusal share on out-of-scope questions, false refusals on in-scope ones;
- false-premise correction share; gap reporting share; forbidden statements shown;
- retrieval recall@5 of the required statements (retrieval alone, before composition).
The support check is computed from the texts, not from the `source` label the composer writes.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oligoguide.ask import ask
from oligoguide.ask.models import Answer
from oligoguide.ask.retrieve import RetrieverKind, get_retriever, rank_statements
from oligoguide.knowledge import KnowledgeBase, default_knowledge_base

_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    category: str
    question: str
    statements: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    not_covered: bool = False
    premise: str | None = None
    gap: bool = False


def load_questions(path: Path) -> list[EvalQuestion]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        EvalQuestion(
            id=q["id"],
            category=q["category"],
            question=q["question"],
            statements=tuple(q.get("statements") or ()),
            citations=tuple(q.get("citations") or ()),
            forbidden=tuple(q.get("forbidden") or ()),
            not_covered=bool(q.get("not_covered", False)),
            premise=q.get("premise"),
            gap=bool(q.get("gap", False)),
        )
        for q in raw["questions"]
    ]


@dataclass
class _Support:
    """Texts of the knowledge base and the evidence ids that support each."""

    records: list[tuple[str, frozenset[str]]] = field(default_factory=list)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> _Support:
        from oligoguide.dose import default_dose_tables

        support = cls()
        for s in kb.statements.values():
            support.records.append((_norm(s.text), frozenset(s.evidence)))
            if s.caveat:
                support.records.append((_norm(s.caveat), frozenset(s.evidence)))
        for e in kb.evidence.values():
            for finding in e.findings:
                support.records.append((_norm(finding), frozenset({e.id})))
        for row in default_dose_tables().schedules:
            support.records.append((_norm(row.note), frozenset({row.source})))
        return support

    def supporting(self, sentence: str) -> frozenset[str]:
        text = _norm(sentence)
        found: set[str] = set()
        for record, ids in self.records:
            if record and record in text:
                found |= ids
        return frozenset(found)


@dataclass
class QuestionResult:
    id: str
    category: str
    used: tuple[str, ...]
    missing_statements: tuple[str, ...]
    missing_citations: tuple[str, ...]
    forbidden_shown: tuple[str, ...]
    not_covered: bool
    corrected: bool | None
    gap_reported: bool | None
    sentences: int
    supported_sentences: int
    citation_pairs: int
    supported_pairs: int
    retrieval_hits_at5: int
    seconds: float


@dataclass
class Report:
    retriever: str
    results: list[QuestionResult]
    required_statements: int
    required_citations: int

    def _share(self, num: int, den: int) -> float:
        return 1.0 if den == 0 else num / den

    def summary(self) -> dict[str, Any]:
        r = self.results
        statements_found = self.required_statements - sum(len(x.missing_statements) for x in r)
        citations_found = self.required_citations - sum(len(x.missing_citations) for x in r)
        oos = [x for x in r if x.category == "out_of_scope"]
        in_scope = [x for x in r if x.category != "out_of_scope"]
        premises = [x for x in r if x.corrected is not None]
        gaps = [x for x in r if x.gap_reported is not None]
        times = sorted(x.seconds for x in r)
        p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
        return {
            "retriever": self.retriever,
            "questions": len(r),
            "statement_recall": self._share(statements_found, self.required_statements),
            "citation_recall_required": self._share(citations_found, self.required_citations),
            "sentence_support": self._share(
                sum(x.supported_sentences for x in r), sum(x.sentences for x in r)
            ),
            "citation_precision": self._share(
                sum(x.supported_pairs for x in r), sum(x.citation_pairs for x in r)
            ),
            "refusal_out_of_scope": self._share(sum(x.not_covered for x in oos), len(oos)),
            "false_refusal_in_scope": self._share(
                sum(x.not_covered for x in in_scope), len(in_scope)
            )
            if in_scope
            else 0.0,
            "premise_corrected": self._share(
                sum(bool(x.corrected) for x in premises), len(premises)
            ),
            "gap_reported": self._share(sum(bool(x.gap_reported) for x in gaps), len(gaps)),
            "forbidden_shown": sum(len(x.forbidden_shown) for x in r),
            "retrieval_recall_at5": self._share(
                sum(x.retrieval_hits_at5 for x in r), self.required_statements
            ),
            "latency_median_ms": 1000 * statistics.median(times),
            "latency_p90_ms": 1000 * p90,
        }


def evaluate(questions: list[EvalQuestion], retriever: RetrieverKind | str) -> Report:
    kb = default_knowledge_base()
    kind = RetrieverKind(retriever)
    support = _Support.build(kb)
    engine = get_retriever(kind)
    ask("warm-up: oligoprogression in NSCLC", kind)  # build indexes outside the timings
    results: list[QuestionResult] = []
    for q in questions:
        start = time.perf_counter()
        answer = ask(q.question, kind)
        seconds = time.perf_counter() - start
        results.append(_score(q, answer, support))
        results[-1].seconds = seconds
        top5 = rank_statements(engine.search(q.question, 30), kb)[:5]
        results[-1].retrieval_hits_at5 = sum(s in top5 for s in q.statements)
    return Report(
        retriever=str(kind),
        results=results,
        required_statements=sum(len(q.statements) for q in questions),
        required_citations=sum(len(q.citations) for q in questions),
    )


def _score(q: EvalQuestion, answer: Answer, support: _Support) -> QuestionResult:
    used = answer.statements_used
    cited = {ref.id for ref in answer.references}
    sentences = supported = pairs = good_pairs = 0
    for section in answer.answer.sections:
        for sentence in section.sentences:
            sentences += 1
            ids = support.supporting(sentence.text)
            pairs += len(sentence.citations)
            good = sum(c in ids for c in sentence.citations)
            good_pairs += good
            supported += good > 0
    return QuestionResult(
        id=q.id,
        category=q.category,
        used=used,
        missing_statements=tuple(s for s in q.statements if s not in used),
        missing_citations=tuple(c for c in q.citations if c not in cited),
        forbidden_shown=tuple(s for s in q.forbidden if s in used),
        not_covered=answer.not_covered,
        corrected=None
        if q.premise is None
        else any(c.statement_id == q.premise for c in answer.corrections),
        gap_reported=None if not q.gap else bool(answer.gaps),
        sentences=sentences,
        supported_sentences=supported,
        citation_pairs=pairs,
        supported_pairs=good_pairs,
        retrieval_hits_at5=0,
        seconds=0.0,
    )
