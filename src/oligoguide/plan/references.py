"""Numbered references, in order of first citation, as in the answers clinicians know."""

from __future__ import annotations

from collections.abc import Iterable

from oligoguide.knowledge import KnowledgeBase
from oligoguide.plan.models import Reference


def number_references(kb: KnowledgeBase, cited: Iterable[str]) -> tuple[Reference, ...]:
    order = list(dict.fromkeys(cited))
    missing = kb.missing_evidence(order)
    if missing:
        raise LookupError(f"cited evidence not in the knowledge base: {', '.join(missing)}")
    return tuple(
        Reference(
            number=n,
            id=evidence_id,
            text=kb.evidence[evidence_id].reference(),
            doi=kb.evidence[evidence_id].doi,
            pmid=kb.evidence[evidence_id].pmid,
        )
        for n, evidence_id in enumerate(order, start=1)
    )
