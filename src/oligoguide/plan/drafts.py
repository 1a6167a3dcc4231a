"""Turning a knowledge-base statement into a recommendation draft; the engine numbers them."""

from __future__ import annotations

from dataclasses import dataclass, field

from oligoguide.knowledge import KnowledgeBase
from oligoguide.model.vocab import (
    Intent,
    LocalModality,
    RecommendationCategory,
    SystemicAction,
    Timing,
    WorkupCode,
)
from oligoguide.plan.models import Dose, ExcludedOption, Recommendation


class PlanKnowledgeError(LookupError):
    """A rule names a statement the knowledge base does not hold (a packaging bug)."""


@dataclass
class Draft:
    category: RecommendationCategory
    statement_id: str
    rule: str
    rationale: str
    lesion_id: str | None = None
    modality: LocalModality | None = None
    alternatives: tuple[LocalModality, ...] = ()
    action: SystemicAction | None = None
    code: WorkupCode | None = None
    lead: str = ""  # a case-specific sentence put before the statement's own text
    extra_citations: tuple[str, ...] = ()
    dose: Dose | None = None
    notes: list[str] = field(default_factory=list)
    timing: Timing | None = None
    intent: Intent | None = None
    excluded: list[ExcludedOption] = field(default_factory=list)

    def build(self, kb: KnowledgeBase, number: int) -> Recommendation:
        statement = kb.statements.get(self.statement_id)
        if statement is None:
            raise PlanKnowledgeError(
                f"rule {self.rule} names unknown statement {self.statement_id}"
            )
        citations = tuple(dict.fromkeys((*statement.evidence, *self.extra_citations)))
        text = f"{self.lead} {statement.text}".strip() if self.lead else statement.text
        rationale = " ".join([self.rationale, *self.notes]).strip()
        return Recommendation(
            id=f"R{number}",
            category=self.category,
            lesion_id=self.lesion_id,
            modality=self.modality,
            alternatives=self.alternatives,
            excluded=tuple(self.excluded),
            timing=self.timing
            or (Timing.NOW if self.category == RecommendationCategory.LOCAL_THERAPY else None),
            intent=self.intent
            or (Intent.ABLATIVE if self.category == RecommendationCategory.LOCAL_THERAPY else None),
            action=self.action,
            code=self.code,
            text=text,
            strength=statement.grade,
            caveat=statement.caveat,
            rationale=rationale,
            rule=self.rule,
            statement_id=statement.id,
            citations=citations,
            dose=self.dose,
        )
