"""Score `ask` on questions written by someone who never read its code (tests/data/ask_unseen/).

Each item: `id`, `question`, `type`, `must_include` (regexes a specialist expects in the answer),
`first_sentence_must` (regex(es) the first sentence must match), `must_not` (regexes that must
never appear), `source`; optionally `paraphrases` (the same question typed differently, scored
against the same expectations; also read from `paraphrases.yaml` beside the files, by id),
`cite` (DOIs as `doi:10...` or PMIDs as `pmid:123` a specialist expects among the references)
and `refuse` (whether the question should be refused; default: its type is out_of_scope).

What is scored is what the answer says: its first sentence (`Answer.lead`, cut at the first
sentence end), its section sentences and its gaps (refusals and what is missing are said there);
not the question echoed back and not the reference titles. Figures are reported as measured:
per question type, type agreement, element recall (share of `must_include` found), citation
recall (share of `cite` found among the references, over items that list any), first-sentence
agreement, `must_not` hits, refusal accuracy and the in-process latency of each answer.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oligoguide.ask.models import Answer

_TYPE_ALIASES = {
    "management": "guideline",
    "guideline_management": "guideline",
    "guideline/management": "guideline",
    "followup": "follow_up",
    "follow-up": "follow_up",
    "described_patient": "case",
    "patient": "case",
    "false premise": "false_premise",
    "out of scope": "out_of_scope",
    "out-of-scope": "out_of_scope",
    "refusal": "out_of_scope",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")


def normalise_type(raw: str) -> str:
    text = str(raw).strip().lower()
    if text in _TYPE_ALIASES:
        return _TYPE_ALIASES[text]
    return _TYPE_ALIASES.get(re.sub(r"[\s/-]+", "_", text), re.sub(r"[\s/-]+", "_", text))


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


@dataclass(frozen=True)
class UnseenItem:
    id: str
    question: str
    type: str
    must_include: tuple[str, ...]
    first_sentence_must: tuple[str, ...]
    must_not: tuple[str, ...]
    paraphrases: tuple[str, ...] = ()
    cite: tuple[str, ...] = ()
    refuse: bool = False


def _paraphrases_beside(path: Path) -> dict[str, list[str]]:
    extra = path.parent / "paraphrases.yaml"
    if not extra.exists():
        return {}
    raw = yaml.safe_load(extra.read_text(encoding="utf-8")) or {}
    return {str(k): _as_list(v) for k, v in raw.items()}


def load_unseen(path: Path) -> list[UnseenItem]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(raw, dict):
        raw = raw.get("questions") or raw.get("items") or []
    beside = _paraphrases_beside(path)
    items: list[UnseenItem] = []
    for i, row in enumerate(raw):
        if not isinstance(row, dict) or not row.get("question"):
            continue
        item_id = str(row.get("id", i))
        kind = normalise_type(row.get("type", ""))
        refuse = row.get("refuse")
        items.append(
            UnseenItem(
                id=item_id,
                question=str(row["question"]),
                type=kind,
                must_include=tuple(_as_list(row.get("must_include"))),
                first_sentence_must=tuple(_as_list(row.get("first_sentence_must"))),
                must_not=tuple(_as_list(row.get("must_not"))),
                paraphrases=tuple(_as_list(row.get("paraphrases")) or beside.get(item_id, [])),
                cite=tuple(re.sub(r"\s+", "", c).lower() for c in _as_list(row.get("cite"))),
                refuse=bool(refuse) if refuse is not None else kind == "out_of_scope",
            )
        )
    return items


def first_sentence(answer: Answer) -> str:
    lead = getattr(answer, "lead", "") or next(
        (s.sentences[0].text for s in answer.answer.sections if s.sentences), ""
    )
    if not lead and answer.gaps:
        lead = answer.gaps[0]
    return _SENTENCE_END.split(lead, maxsplit=1)[0]


def answer_text(answer: Answer) -> str:
    parts = [getattr(answer, "lead", "")]
    parts += [s.text for section in answer.answer.sections for s in section.sentences]
    parts += list(answer.gaps)
    return "\n".join(p for p in parts if p)


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text, re.IGNORECASE) is not None
    except re.error:
        return pattern.lower() in text.lower()


@dataclass
class ItemResult:
    id: str
    type: str
    predicted_type: str
    paraphrase: bool
    found: int
    expected: int
    first_ok: bool | None
    forbidden: tuple[str, ...]
    error: str | None = None
    cited: int = 0
    cite_expected: int = 0
    refusal_ok: bool = True
    latency_ms: float = 0.0


@dataclass
class UnseenReport:
    results: list[ItemResult] = field(default_factory=list)

    def rows(self, paraphrase: bool | None = False) -> list[ItemResult]:
        return [r for r in self.results if paraphrase is None or r.paraphrase is paraphrase]

    @staticmethod
    def _summary(rows: Iterable[ItemResult]) -> dict[str, float | int]:
        items = list(rows)
        expected = sum(r.expected for r in items)
        firsts = [r.first_ok for r in items if r.first_ok is not None]
        cite_expected = sum(r.cite_expected for r in items)
        return {
            "n": len(items),
            "type_agreement": (
                sum(r.type == r.predicted_type for r in items) / len(items) if items else 0.0
            ),
            "element_recall": sum(r.found for r in items) / expected if expected else 1.0,
            "citation_recall": (
                sum(r.cited for r in items) / cite_expected if cite_expected else float("nan")
            ),
            "first_sentence": sum(firsts) / len(firsts) if firsts else 1.0,
            "must_not_hits": sum(len(r.forbidden) for r in items),
            "refusal_accuracy": (
                sum(r.refusal_ok for r in items) / len(items) if items else float("nan")
            ),
            "latency_p50_ms": statistics.median(r.latency_ms for r in items) if items else 0.0,
            "errors": sum(r.error is not None for r in items),
        }

    def summary(self, paraphrase: bool | None = False) -> dict[str, float | int]:
        return self._summary(self.rows(paraphrase))

    def by_type(self, paraphrase: bool | None = False) -> dict[str, dict[str, float | int]]:
        groups: dict[str, list[ItemResult]] = defaultdict(list)
        for r in self.rows(paraphrase):
            groups[r.type].append(r)
        return {kind: self._summary(rows) for kind, rows in sorted(groups.items())}


def _reference_ids(answer: Answer) -> set[str]:
    found: set[str] = set()
    for ref in answer.references:
        if ref.doi:
            doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", ref.doi.strip().lower())
            found.add(f"doi:{doi}")
        if ref.pmid:
            found.add(f"pmid:{str(ref.pmid).strip()}")
    return found


def _score(item: UnseenItem, question: str, paraphrase: bool) -> ItemResult:
    from oligoguide.ask import ask

    start = time.perf_counter()
    try:
        answer = ask(question)
    except Exception as error:  # a crash is a result to report, not to hide
        return ItemResult(
            item.id,
            item.type,
            "error",
            paraphrase,
            0,
            len(item.must_include),
            False,
            (),
            error=f"{type(error).__name__}: {error}",
            cite_expected=len(item.cite),
            refusal_ok=False,
        )
    latency_ms = (time.perf_counter() - start) * 1000
    text = answer_text(answer)
    first = first_sentence(answer)
    found = sum(_search(p, text) for p in item.must_include)
    first_ok = (
        all(_search(p, first) for p in item.first_sentence_must)
        if item.first_sentence_must
        else None
    )
    forbidden = tuple(p for p in item.must_not if _search(p, text))
    references = _reference_ids(answer)
    return ItemResult(
        item.id,
        item.type,
        str(getattr(answer, "question_type", "none")),
        paraphrase,
        found,
        len(item.must_include),
        first_ok,
        forbidden,
        cited=sum(c in references for c in item.cite),
        cite_expected=len(item.cite),
        refusal_ok=answer.not_covered == item.refuse,
        latency_ms=latency_ms,
    )


def score_unseen(items: Iterable[UnseenItem], paraphrases: bool = True) -> UnseenReport:
    report = UnseenReport()
    for item in items:
        report.results.append(_score(item, item.question, False))
        if paraphrases:
            for text in item.paraphrases:
                report.results.append(_score(item, text, True))
    return report
