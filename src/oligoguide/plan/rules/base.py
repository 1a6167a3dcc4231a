"""What every rule returns besides drafts: the data it found missing."""

from __future__ import annotations

from dataclasses import dataclass, field

from oligoguide.model.explain import MissingData
from oligoguide.plan.drafts import Draft


@dataclass
class Findings:
    drafts: list[Draft] = field(default_factory=list)
    missing: list[MissingData] = field(default_factory=list)

    def need(self, item: str, reason: str) -> None:
        if all(m.item != item for m in self.missing):
            self.missing.append(MissingData(item=item, reason=reason))
