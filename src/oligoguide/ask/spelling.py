"""Spelling tolerance for typed questions ("metastsis", "stereotatic", "negitive").

A word of five or more letters that is neither in the domain vocabulary (every word of the
knowledge base's statements, caveats and evidence, the lexicon's plain aliases and
data/spelling.yaml) nor an English word (pyspellchecker's English word list) is replaced by the
closest domain word within one edit (two for words of nine or more letters; a transposition is
one edit, optimal string alignment), else by the most frequent English word one edit away, which
also beats a domain word two edits away ("inumerable" is innumerable, never inoperable). Ties go
to the word the knowledge base uses most. Three real words typed for clinical ones are replaced
outright ("chord", "brian", "prostrate"). Words with a capital after their first letter
(acronyms, trial names, brand stylings) and words with digits are never touched, and nothing is
corrected when no candidate is close: a misread word is better left alone than turned into
another word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA
from spellchecker import SpellChecker

from oligoguide.knowledge import default_knowledge_base

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
_PLAIN = re.compile(r"^[a-z][a-z -]*$")
MIN_LENGTH = 5


@cache
def _checker() -> SpellChecker:
    return SpellChecker(language="en", distance=1)


@cache
def _english() -> frozenset[str]:
    return frozenset(_checker().word_frequency.keys())


@dataclass(frozen=True)
class _Vocabulary:
    words: frozenset[str]
    by_length: dict[int, tuple[str, ...]]
    counts: Counter[str]


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@cache
def _vocabulary() -> _Vocabulary:
    counts: Counter[str] = Counter()
    kb = default_knowledge_base()
    for statement in kb.statements.values():
        counts.update(_words(f"{statement.text} {statement.caveat or ''} {statement.topic}"))
    for item in kb.evidence.values():
        counts.update(_words(f"{item.citation} {item.population or ''} {' '.join(item.findings)}"))
    data = resources.files("oligoguide.ask").joinpath("data")
    lexicon = yaml.safe_load(data.joinpath("lexicon.yaml").read_text(encoding="utf-8"))
    for value in _plain_strings(lexicon):
        counts.update(_words(value))
    extra = yaml.safe_load(data.joinpath("spelling.yaml").read_text(encoding="utf-8"))
    counts.update(w.lower() for w in extra["words"])
    by_length: dict[int, list[str]] = {}
    for word in counts:
        by_length.setdefault(len(word), []).append(word)
    return _Vocabulary(
        words=frozenset(counts),
        by_length={n: tuple(sorted(ws)) for n, ws in by_length.items()},
        counts=counts,
    )


def _plain_strings(node: object) -> list[str]:
    """Aliases that are plain words (not regexes) and mapping keys, anywhere in the lexicon."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and _PLAIN.match(key.replace("_", " ")):
                found.append(key.replace("_", " "))
            found += _plain_strings(value)
    elif isinstance(node, list):
        for value in node:
            found += _plain_strings(value)
    elif isinstance(node, str) and _PLAIN.match(node):
        found.append(node)
    return found


def correct_word(word: str) -> str:
    """The vocabulary word closest to `word`, or `word` itself when none is close enough."""
    lower = word.lower()
    if len(word) < MIN_LENGTH or not word.replace("-", "").isalpha():
        return word
    if any(c.isupper() for c in word[1:]):
        return word  # acronyms and brand stylings: SABR, T-DXd, McKenzie
    vocabulary = _vocabulary()
    if lower in vocabulary.words or lower in _english():
        return word
    limit = 2 if len(word) >= 9 else 1
    candidates = [
        w
        for n in range(len(lower) - limit, len(lower) + limit + 1)
        for w in vocabulary.by_length.get(n, ())
    ]
    matches = process.extract(
        lower, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None
    )
    english = _checker().correction(lower)  # one edit away, the most frequent English word
    if english == lower:
        english = None
    if not matches:
        return english or word
    best = min(matches, key=lambda m: (m[1], -vocabulary.counts[m[0]], m[0]))
    # one English edit beats two domain edits ('inumerable' is innumerable, not inoperable)
    return english if english and best[1] > 1 else best[0]


# Real English words typed for a clinical one ("spinal chord", "brian met", "prostrate cancer").
CONFUSABLE = {"chord": "cord", "brian": "brain", "prostrate": "prostate"}


def correct(text: str) -> str:
    """The question with each misspelt word replaced by its correction (see the module doc)."""
    for pattern, replacement in _expansions():
        text = pattern.sub(replacement, text)
    return _WORD.sub(lambda m: CONFUSABLE.get(m.group(0).lower()) or correct_word(m.group(0)), text)


@cache
def _expansions() -> tuple[tuple[re.Pattern[str], str], ...]:
    data = resources.files("oligoguide.ask").joinpath("data", "spelling.yaml")
    raw = yaml.safe_load(data.read_text(encoding="utf-8"))
    return tuple((re.compile(p, re.IGNORECASE), r) for p, r in raw.get("expansions", ()))
