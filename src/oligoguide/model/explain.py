"""How every stage says why: explanations, missing data and warnings share one shape."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Explanation(BaseModel):
    """One step of reasoning: which rule, about what, with which numbers."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(description="Name of the rule that produced this step")
    text: str
    lesion_id: str | None = None
    citations: tuple[str, ...] = Field(default=(), description="Evidence ids in the knowledge base")


class MissingData(BaseModel):
    """Something the case lacks for a decision, and what to add."""

    model_config = ConfigDict(frozen=True)

    item: str = Field(description="What is missing (a field pointer or a work-up item)")
    reason: str = Field(description="Which decision needs it")
