"""The Answer of `ask`: what a question was understood as, cited sections, numbered references.

The JSON is a stable contract (fields are added, never renamed): `question`, `understood`,
`answer.sections[]` (title, sentences with citation ids), `references[]`, `kb_version`,
`confidence`, `not_covered`, `warnings`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from oligoguide.plan.models import Reference

Confidence = Literal["high", "moderate", "low", "none"]
QuestionType = Literal[
    "definition",
    "guideline",
    "evidence",
    "dose",
    "follow_up",
    "case",
    "false_premise",
    "out_of_scope",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class LesionMention(_Out):
    site: str | None
    size_mm: float | None = None
    new: bool = False
    growing: bool = False
    stable: bool = Field(
        default=False,
        description="Its clause says it is stable, smaller or gone ('no longer visible')",
    )
    adjacent_organs: tuple[str, ...] = Field(
        default=(), description="Organs at risk its clause puts next to it ('abuts the duodenum')"
    )
    symptoms: tuple[str, ...] = Field(
        default=(), description="Symptoms its clause gives it ('painful', 'VAS 8/10'), not denied"
    )


class Understood(_Out):
    """The entities read from the question (see `ask.understand`)."""

    cancers: tuple[str, ...] = ()
    other_cancers: tuple[str, ...] = Field(
        default=(), description="Primaries the knowledge base holds nothing specific for"
    )
    drivers: tuple[str, ...] = ()
    drivers_negated: tuple[str, ...] = Field(
        default=(), description="Drivers the question rules out; 'any' for 'no driver mutation'"
    )
    therapies: tuple[str, ...] = Field(default=(), description="Named drugs")
    therapy_classes: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    lesion_count: int | None = None
    lesions: tuple[LesionMention, ...] = ()
    scenarios: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    ecog: int | None = None
    symptomatic: bool | None = None
    uncovered_topics: tuple[str, ...] = ()
    premises: tuple[str, ...] = Field(default=(), description="False premises recognised")
    patient_specific: bool = Field(
        default=False, description="The question describes a concrete patient"
    )
    in_domain: bool = True
    question_type: QuestionType = "guideline"
    sites_negated: tuple[str, ...] = Field(
        default=(), description="Sites the question denies ('brain MRI negative', 'no liver mets')"
    )
    sites_uncertain: tuple[str, ...] = Field(
        default=(), description="Sites only hedged ('suspicious for', 'possible', 'equivocal')"
    )
    diffuse_sites: tuple[str, ...] = Field(
        default=(),
        description="Sites with uncounted or many lesions ('innumerable', 'multiple new')",
    )
    not_stated: tuple[str, ...] = Field(
        default=(), description="For a described patient: what the text does not say"
    )
    therapy_starting: bool = Field(
        default=False, description="The text says the therapy is only now starting"
    )
    months_on_therapy: float | None = Field(
        default=None, description="How long the current therapy has run, when the text says so"
    )
    off_therapy: bool = Field(
        default=False,
        description="The text says the patient is off systemic therapy now ('FOLFOX done, off "
        "all treatment')",
    )


class Sentence(_Out):
    text: str
    citations: tuple[str, ...] = Field(min_length=1, description="Evidence ids")
    source: str = Field(
        description="Where the sentence comes from: statement:<id>, caveat:<id>, "
        "evidence:<id>#<finding>, plan:<statement id>, dose:<evidence id>"
    )


class Section(_Out):
    title: str
    key: str
    sentences: tuple[Sentence, ...]


class AnswerBody(_Out):
    sections: tuple[Section, ...] = ()


#: One numbered reference; the same shape (and numbering rule) as the plan's references.
AnswerReference = Reference


class Correction(_Out):
    premise: str
    statement_id: str | None = Field(default=None, description="The correcting statement")
    evidence_id: str | None = Field(
        default=None, description="Or the evidence item whose finding or population corrects it"
    )


class Answer(_Out):
    question: str
    question_type: QuestionType = "guideline"
    lead: str = Field(default="", description="The first sentence: the answer to the question")
    understood: Understood
    answer: AnswerBody
    references: tuple[AnswerReference, ...]
    kb_version: str
    confidence: Confidence
    not_covered: bool
    closest_topics: tuple[str, ...] = Field(
        default=(), description="When not covered: the nearest statement topics held"
    )
    gaps: tuple[str, ...] = Field(
        default=(), description="What the knowledge base does not hold for this question"
    )
    corrections: tuple[Correction, ...] = ()
    statements_used: tuple[str, ...] = ()
    disease_state: str | None = Field(
        default=None, description="For a described patient: the state from assess()"
    )
    retriever: str
    warnings: tuple[str, ...] = Field(
        default=(), description="Software status the reader must see, e.g. an overdue base"
    )
    disclaimer: str = (
        "Decision support only, built from the oligoguide knowledge base: it does not replace "
        "the judgement of the treating clinicians and the multidisciplinary tumour board."
    )

    def sentence_count(self) -> int:
        return sum(len(s.sentences) for s in self.answer.sections)
