"""The oncology lexicon (data/lexicon.yaml) and answer layout (data/layout.yaml), compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

Pattern = re.Pattern[str]


def compile_alias(alias: str) -> Pattern:
    """An alias as a case-insensitive regex on word boundaries ("re:" prefix: taken as is)."""
    if alias.startswith("re:"):
        return re.compile(alias[3:], re.IGNORECASE)
    return re.compile(rf"(?<![\w-]){alias}(?![\w])", re.IGNORECASE)


def _group(raw: dict[str, list[str]]) -> dict[str, tuple[Pattern, ...]]:
    return {key: tuple(compile_alias(a) for a in aliases) for key, aliases in raw.items()}


@dataclass(frozen=True)
class Premise:
    """A false premise; corrected by a statement, or by one finding of an evidence item."""

    id: str
    statement: str | None
    premise: str
    groups: tuple[tuple[Pattern, ...], ...]
    evidence: str | None = None
    finding: int | None = None

    def matches(self, text: str) -> bool:
        return all(any(p.search(text) for p in group) for group in self.groups)


@dataclass(frozen=True)
class Drug:
    name: str
    pattern: Pattern
    driver: str | None
    therapy_class: str
    cancer: str | None


@dataclass(frozen=True)
class Lexicon:
    cancers: dict[str, tuple[Pattern, ...]]
    other_cancers: dict[str, tuple[Pattern, ...]]
    drivers: dict[str, tuple[Pattern, ...]]
    drugs: tuple[Drug, ...]
    therapy_classes: dict[str, tuple[Pattern, ...]]
    sites: dict[str, tuple[Pattern, ...]]
    scenarios: dict[str, tuple[Pattern, ...]]
    intents: dict[str, tuple[Pattern, ...]]
    synonyms: dict[str, tuple[Pattern, ...]]
    negation_cues: tuple[str, ...]
    uncovered_topics: dict[str, tuple[Pattern, ...]]
    domain_terms: tuple[Pattern, ...]
    premises: tuple[Premise, ...]


@dataclass(frozen=True)
class Layout:
    statement_sections: dict[str, str]
    section_titles: dict[str, str]
    definitions: dict[str, tuple[tuple[str, int], ...]]
    definition_terms: dict[str, tuple[Pattern, ...]]
    definition_statements: dict[str, tuple[str, ...]]
    management_core: dict[str, tuple[str, ...]]
    cancer_core: dict[str, tuple[str, ...]]
    site_core: dict[str, tuple[str, ...]]


def _read(name: str) -> dict[str, Any]:
    text = resources.files("oligoguide.ask").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


@cache
def lexicon() -> Lexicon:
    raw = _read("lexicon.yaml")
    drugs = tuple(
        Drug(
            name=name,
            pattern=compile_alias(
                "(?:" + "|".join([info.get("name_pattern", name), *info.get("aliases", ())]) + ")"
            ),
            driver=info.get("driver"),
            therapy_class=info["class"],
            cancer=info.get("cancer"),
        )
        for name, info in raw["drugs"].items()
    )
    premises = tuple(
        Premise(
            id=p["id"],
            statement=p.get("statement"),
            premise=p["premise"],
            groups=tuple(tuple(compile_alias(a) for a in group) for group in p["all"]),
            evidence=p.get("evidence"),
            finding=p.get("finding"),
        )
        for p in raw["premises"]
    )
    return Lexicon(
        cancers=_group(raw["cancers"]),
        other_cancers=_group(raw["other_cancers"]),
        drivers=_group(raw["drivers"]),
        drugs=drugs,
        therapy_classes=_group(raw["therapy_classes"]),
        sites=_group(raw["sites"]),
        scenarios=_group(raw["scenarios"]),
        intents=_group(raw["intents"]),
        synonyms=_group(raw["synonyms"]),
        negation_cues=tuple(raw["negation_cues"]),
        uncovered_topics=_group(raw["uncovered_topics"]),
        domain_terms=tuple(compile_alias(a) for a in raw["domain_terms"]),
        premises=premises,
    )


@cache
def layout() -> Layout:
    raw = _read("layout.yaml")
    return Layout(
        statement_sections=dict(raw["statement_sections"]),
        section_titles=dict(raw["section_titles"]),
        definitions={
            k: tuple((str(e), int(i)) for e, i in v) for k, v in raw["definitions"].items()
        },
        definition_terms=_group(raw["definition_terms"]),
        definition_statements={
            k: tuple(v) for k, v in raw.get("definition_statements", {}).items()
        },
        management_core={k: tuple(v) for k, v in raw["management_core"].items()},
        cancer_core={k: tuple(v) for k, v in raw["cancer_core"].items()},
        site_core={k: tuple(v) for k, v in raw["site_core"].items()},
    )


def expand(text: str) -> str:
    """The text plus the canonical key of every synonym group it mentions (for retrieval)."""
    keys = [
        key for key, patterns in lexicon().synonyms.items() if any(p.search(text) for p in patterns)
    ]
    return text if not keys else f"{text} {' '.join(keys)}"


def content_words(text: str, shortest: int = 3) -> set[str]:
    """The text's words of at least `shortest` letters, with the synonym keys it mentions
    ("SRS" and "radiosurgery" both give "srs"): what word-overlap rankings compare."""
    pattern = rf"[a-z][a-z0-9+-]{{{shortest - 1},}}"
    return set(re.findall(pattern, expand(text).lower()))
