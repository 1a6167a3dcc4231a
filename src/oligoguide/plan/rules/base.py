"""What every rule returns besides drafts: the data it found missing."""

from __future__ import annotations

from dataclasses import dataclass, field

from oligoguide.model.explain import MissingData
from oligoguide.model.vocab import RecommendationCategory, WorkupCode
from oligoguide.plan.drafts import Draft


@dataclass
class Findings:
    drafts: list[Draft] = field(default_factory=list)
    missing: list[MissingData] = field(default_factory=list)

    def need(self, item: str, reason: str) -> None:
        if all(m.item != item for m in self.missing):
            self.missing.append(MissingData(item=item, reason=reason))


def workup_draft(code: WorkupCode, statement: str, rule: str, lead: str, why: str) -> Draft:
    return Draft(
        category=RecommendationCategory.WORKUP,
        statement_id=statement,
        rule=rule,
        code=code,
        lead=lead,
        rationale=why,
    )


def caution_draft(
    statement: str, rule: str, why: str, lead: str = "", lesion: str | None = None
) -> Draft:
    return Draft(
        category=RecommendationCategory.CAUTION,
        statement_id=statement,
        rule=rule,
        rationale=why,
        lead=lead,
        lesion_id=lesion,
    )
