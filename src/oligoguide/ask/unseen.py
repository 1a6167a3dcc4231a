"""Score `ask` on questions written by someone who never read its code (tests/data/ask_unseen/).

Each item: `id`, `question`, `type`, `must_include` (regexes a specialist expects in the answer),
`first_sentence_must` (regex(es) the first sentence must match), `must_not` (regexes that must
never appear), `source`; optionally `paraphrases` (the same question typed differently, scored
against the same expectations).

What is scored is what the answer says: its first sentence (`Answer.lead`, cut at the first
sentence end), its section sentences and its gaps (refusals and what is missing are said there);
not the question echoed back and not the reference titles. Figures are reported as measured:
per question type, type agreement, element recall (share of `must_include` found), first-sentence
agreement and `must_not` hits.
"""

from __future__ import annotations

import re
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


def load_unseen(path: Path) -> list[UnseenItem]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(raw, dict):
        raw = raw.get("questions") or raw.get("items") or []
    items: list[UnseenItem] = []
    for i, row in enumerate(raw):
        if not isinstance(row, dict) or not row.get("question"):
            continue
        items.append(
            UnseenItem(
                id=str(row.get("id", i)),
                question=str(row["question"]),
                type=normalise_type(row.get("type", "")),
                must_include=tuple(_as_list(row.get("must_include"))),
                first_sentence_must=tuple(_as_list(row.get("first_sentence_must"))),
                must_not=tuple(_as_list(row.get("must_not"))),
                paraphrases=tuple(_as_list(row.get("paraphrases"))),
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
        return {
            "n": len(items),
            "type_agreement": (
                sum(r.type == r.predicted_type for r in items) / len(items) if items else 0.0
            ),
            "element_recall": sum(r.found for r in items) / expected if expected else 1.0,
            "first_sentence": sum(firsts) / len(firsts) if firsts else 1.0,
            "must_not_hits": sum(len(r.forbidden) for r in items),
            "errors": sum(r.error is not None for r in items),
        }

    def summary(self, paraphrase: bool | None = False) -> dict[str, float | int]:
        return self._summary(self.rows(paraphrase))

    def by_type(self, paraphrase: bool | None = False) -> dict[str, dict[str, float | int]]:
        groups: dict[str, list[ItemResult]] = defaultdict(list)
        for r in self.rows(paraphrase):
            groups[r.type].append(r)
        return {kind: self._summary(rows) for kind, rows in sorted(groups.items())}


def _score(item: UnseenItem, question: str, paraphrase: bool) -> ItemResult:
    from oligoguide.ask import ask

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
        )
    text = answer_text(answer)
    first = first_sentence(answer)
    found = sum(_search(p, text) for p in item.must_include)
    first_ok = (
        all(_search(p, first) for p in item.first_sentence_must)
        if item.first_sentence_must
        else None
    )
    forbidden = tuple(p for p in item.must_not if _search(p, text))
    return ItemResult(
        item.id,
        item.type,
        str(getattr(answer, "question_type", "none")),
        paraphrase,
        found,
        len(item.must_include),
        first_ok,
        forbidden,
    )


def score_unseen(items: Iterable[UnseenItem], paraphrases: bool = True) -> UnseenReport:
    report = UnseenReport()
    for item in items:
        report.results.append(_score(item, item.question, False))
        if paraphrases:
            for text in item.paraphrases:
                report.results.append(_score(item, text, True))
    return report
