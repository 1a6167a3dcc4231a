"""Clinical text without internal names: what a report shows instead of ids and flags.

The plan and dose modules write some sentences for developers as much as for clinicians: they
name evidence records (`rusthoven_2009_liver`), knowledge-base statements, rules, field pointers
(`/lesions/BR1/symptomatic`) and flags (`verified: false`). A report shows none of them: an
evidence id becomes its reference number [n] (or author and year when the report does not list
it), a statement id its topic, a rule id nothing, and a flag the words it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from oligoguide.assess import Assessment
from oligoguide.knowledge import KnowledgeBase

UNVERIFIED = "not yet verified against its source"
_FLAGS = (
    (re.compile(r"\s*\(verified: false\)"), f" ({UNVERIFIED})"),
    (re.compile(r"\bis marked verified: false\b"), f"is {UNVERIFIED}"),
    (re.compile(r"\bverified: false\b"), UNVERIFIED),
    (re.compile(r"\(unverified\)"), f"({UNVERIFIED})"),
)
_BRACKETED = re.compile(r"\((\[[\d, ]+\])\)")  # '([11])', once an id became a number
_FIELD_WORDS = {"symptomatic": "is it causing symptoms?", "last_doses": "date of the last dose"}
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)+\b")  # snake_case or dotted.rule names


class Wording:
    """Rewrites one assessment's clinical text for a reader (see the module docstring)."""

    def __init__(self, a: Assessment, kb: KnowledgeBase) -> None:
        self.numbers = {r.id: r.number for r in a.references}
        self._kb = kb
        rules = {r.rule for r in a.recommendations} | {e.rule for e in a.explanations}
        self._rules = {r for r in rules if "." in r or "_" in r}

    def cite(self, ids: Iterable[str]) -> str:
        """' [1, 3]' for the listed evidence ids ('' when none is a reference of the report)."""
        numbers = sorted({self.numbers[i] for i in ids if i in self.numbers})
        return f" [{', '.join(map(str, numbers))}]" if numbers else ""

    def source(self, evidence_id: str) -> str:
        """An evidence record as the report names it: [n], else first author and year."""
        return self._say(evidence_id)

    def _name(self, match: re.Match[str]) -> str:
        return self._say(match.group(0))

    def _say(self, name: str) -> str:
        if name in self.numbers:
            return f"[{self.numbers[name]}]"
        evidence = self._kb.evidence.get(name)
        if evidence is not None:
            return (
                f"{evidence.citation.authors.split(',')[0].split(' ')[0]} {evidence.citation.year}"
            )
        statement = self._kb.statements.get(name)
        if statement is not None:
            return f"'{statement.topic}'"
        if name in self._rules:
            return "a rule"
        return name

    def clean(self, text: str) -> str:
        """The sentence with ids as reference numbers, topics or words, and flags in words."""
        for pattern, words in _FLAGS:
            text = pattern.sub(words, text)
        return _BRACKETED.sub(r"\1", _NAME.sub(self._name, text))


def words(value: str) -> str:
    """An enum value as words: 'lymph_node' -> 'lymph node', 'non-CR/non-PD' kept."""
    return value.replace("_", " ")


def missing_words(item: str) -> str:
    """A missing-data item in words: '/lesions/BR1/symptomatic' -> 'Lesion BR1: symptomatic',
    '/systemic_therapies/last_doses (axitinib)' -> 'Systemic therapies: last doses (axitinib)'.
    Items that are not field pointers ('follow-up scan') are kept, with a capital letter."""
    pointer, bracket, note = item.partition(" (")
    if not pointer.startswith("/"):
        return item[:1].upper() + item[1:]
    parts = [p for p in pointer.split("/") if p]
    if len(parts) >= 2 and parts[0] == "lesions":
        head, rest = f"Lesion {parts[1]}", parts[2:]
    else:
        head, rest = words(parts[0]).capitalize(), parts[1:]
    tail = ", ".join(_FIELD_WORDS.get(p, words(p)) for p in rest if not p.isdigit())
    return head + (f": {tail}" if tail else "") + (f" ({note}" if bracket else "")
