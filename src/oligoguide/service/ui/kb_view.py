"""The knowledge-base browser's view: each evidence item, its citation and where it is used."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from oligoguide.dose import default_dose_tables
from oligoguide.knowledge import default_knowledge_base
from oligoguide.knowledge.models import Evidence


@dataclass(frozen=True)
class Use:
    kind: str  # "statement" or "dose table"
    id: str
    text: str


@dataclass(frozen=True)
class EvidenceItem:
    evidence: Evidence
    reference: str
    doi_url: str | None
    pmid_url: str | None
    uses: tuple[Use, ...]
    haystack: str  # lower-case text the search looks in


@cache
def evidence_items() -> tuple[EvidenceItem, ...]:
    """Every evidence item, by first author and year (the knowledge base is immutable)."""
    kb = default_knowledge_base()
    uses: dict[str, list[Use]] = {}
    for statement in kb.statements.values():
        for evidence_id in statement.evidence:
            uses.setdefault(evidence_id, []).append(
                Use("statement", statement.id, f"{statement.topic} (grade {statement.grade.value})")
            )
    tables = default_dose_tables()
    for tissue, row in tables.alpha_beta.items():
        uses.setdefault(row.source, []).append(
            Use("dose table", f"alpha_beta:{tissue}", f"alpha/beta of {tissue}")
        )
    for schedule in tables.schedules:
        uses.setdefault(schedule.source, []).append(
            Use(
                "dose table",
                schedule.id,
                f"schedule {schedule.total_gy:g} Gy / {schedule.fractions} fx, "
                f"{schedule.site.value} ({schedule.location})",
            )
        )
    for limit in tables.constraints:
        uses.setdefault(limit.source, []).append(
            Use("dose table", f"{limit.organ}:{limit.metric}", f"{limit.organ} {limit.metric}")
        )
    for rule in tables.reirradiation:
        uses.setdefault(rule.source, []).append(
            Use("dose table", f"reirradiation:{rule.organ}", f"re-irradiation of {rule.organ}")
        )
    items = []
    for evidence in kb.evidence.values():
        found = tuple(uses.get(evidence.id, ()))
        text = " ".join(
            [
                evidence.id,
                evidence.citation.formatted(),
                evidence.population,
                *evidence.findings,
                *evidence.cancers,
                *evidence.sites,
            ]
        )
        items.append(
            EvidenceItem(
                evidence=evidence,
                reference=evidence.citation.formatted(),
                doi_url=f"https://doi.org/{evidence.doi}" if evidence.doi else None,
                pmid_url=f"https://pubmed.ncbi.nlm.nih.gov/{evidence.pmid}/"
                if evidence.pmid
                else None,
                uses=found,
                haystack=text.lower(),
            )
        )
    items.sort(key=lambda i: (i.evidence.citation.authors.lower(), i.evidence.citation.year))
    return tuple(items)


def search(query: str, cancer: str) -> list[EvidenceItem]:
    words = query.lower().split()
    return [
        item
        for item in evidence_items()
        if all(w in item.haystack for w in words)
        and (not cancer or cancer in item.evidence.cancers or "any" in item.evidence.cancers)
    ]


def cancers() -> list[str]:
    return sorted({c for i in evidence_items() for c in i.evidence.cancers if c != "any"})
