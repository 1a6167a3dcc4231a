"""An answer being assembled: sentences by section, statements used, gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from oligoguide.ask.models import (
    Sentence,
)
from oligoguide.knowledge import Statement


@dataclass
class Draft:
    sections: dict[str, list[Sentence]] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def add(self, key: str, sentence: Sentence) -> None:
        bucket = self.sections.setdefault(key, [])
        if all(s.text != sentence.text for s in bucket):
            bucket.append(sentence)

    def add_first(self, key: str, sentence: Sentence) -> None:
        """Put the sentence first in its section (moving it there if it is already in)."""
        bucket = self.sections.setdefault(key, [])
        bucket[:] = [sentence, *(s for s in bucket if s.text != sentence.text)]

    def add_statement(self, key: str, statement: Statement) -> None:
        self.add(key, from_statement(statement))
        if statement.id not in self.used:
            self.used.append(statement.id)

    def has_statement(self, statement_id: str) -> bool:
        return any(
            s.source in (f"statement:{statement_id}", f"plan:{statement_id}")
            for bucket in self.sections.values()
            for s in bucket
        )


def from_statement(statement: Statement) -> Sentence:
    return Sentence(
        text=statement.text, citations=statement.evidence, source=f"statement:{statement.id}"
    )
