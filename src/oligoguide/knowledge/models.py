"""Typed records of the knowledge base: evidence items and the statements resting on them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from oligoguide.model.errors import PointedError

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=80)]
Doi = Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+$")]
Pmid = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,8}$")]
Text = Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]


class EvidenceKind(StrEnum):
    GUIDELINE = "guideline"
    CONSENSUS = "consensus"
    RANDOMISED_TRIAL = "randomised_trial"
    META_ANALYSIS = "meta_analysis"
    PROSPECTIVE = "prospective"
    RETROSPECTIVE = "retrospective"
    REGISTRY = "registry"
    REVIEW = "review"


class EvidenceLevel(StrEnum):
    """ESMO levels of evidence (adapted from the IDSA-USPHS grading system, Dykewicz 2001)."""

    I = "I"  # noqa: E741  large RCTs of good quality or meta-analyses of RCTs
    II = "II"  # small RCTs, or large RCTs with suspected bias, or meta-analyses of such
    III = "III"  # prospective cohort studies
    IV = "IV"  # retrospective cohort or case-control studies
    V = "V"  # studies without control group, case reports, expert opinion


class RecommendationGrade(StrEnum):
    """ESMO grades of recommendation."""

    A = "A"  # strong evidence for efficacy with substantial clinical benefit: strongly recommended
    B = "B"  # strong or moderate evidence, limited benefit: generally recommended
    C = "C"  # insufficient evidence, or benefit does not outweigh risks: optional
    D = "D"  # moderate evidence against efficacy or for adverse outcome: generally not recommended
    E = "E"  # strong evidence against: never recommended


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Record):
    authors: Text
    title: Text
    journal: Text
    year: int = Field(ge=1950, le=2100)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None

    def formatted(self) -> str:
        where = f"{self.journal} {self.year}"
        if self.volume:
            where += f";{self.volume}"
            if self.issue:
                where += f"({self.issue})"
        if self.pages:
            where += f":{self.pages}"
        return f"{self.authors} {self.title.rstrip('.')}. {where}."


class Evidence(_Record):
    id: Identifier
    kind: EvidenceKind
    citation: Citation
    doi: Doi | None = None
    pmid: Pmid | None = None
    level: EvidenceLevel
    cancers: tuple[str, ...] = Field(min_length=1, description="primary sites, or 'any'")
    sites: tuple[str, ...] = ()
    population: Text
    findings: tuple[Text, ...] = Field(min_length=1)
    checked: Text = Field(description="What the numbers were checked against, and when")

    @model_validator(mode="after")
    def _has_identifier(self) -> Self:
        if self.doi is None and self.pmid is None:
            raise ValueError("an evidence item needs a doi or a pmid")
        return self

    def reference(self) -> str:
        ids = []
        if self.doi:
            ids.append(f"doi:{self.doi}")
        if self.pmid:
            ids.append(f"PMID {self.pmid}")
        return f"{self.citation.formatted()} {'; '.join(ids)}"


class Basis(_Record):
    """The exact finding of one cited item that a statement rests on."""

    evidence: Identifier = Field(description="One of the statement's evidence ids")
    finding: Text = Field(description="The number or sentence the statement rests on, paraphrased")
    where: Text = Field(description="Where in the source: table, page, figure or abstract section")


class Verification(_Record):
    """When and how a statement was last checked against its sources."""

    date: dt.date
    method: Text = Field(description="What was read, e.g. 'full text, Table 2', 'abstract only'")


#: The direction of a statement on its clinical question: does it favour the action or not.
Direction = Literal["for", "against", "neutral"]


class Statement(_Record):
    """A clinical statement in our own words, resting on named evidence."""

    id: Identifier
    topic: Text
    text: Text
    cancers: tuple[str, ...] = Field(min_length=1)
    scenarios: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    grade: RecommendationGrade
    evidence: tuple[Identifier, ...] = Field(min_length=1)
    caveat: str | None = Field(
        default=None, description="Where the evidence is weak, negative or conflicting"
    )
    parameters: dict[str, float | int | str | list[float]] = Field(
        default_factory=dict,
        description="Numbers a rule reads, e.g. imaging_interval_weeks: [6, 12]",
    )
    basis: tuple[Basis, ...] = Field(
        default=(), description="The findings of the cited items this statement rests on"
    )
    verified: Verification | None = Field(
        default=None, description="When and how the statement was checked against its sources"
    )
    question: Identifier | None = Field(
        default=None,
        description="Key of the clinical question answered, e.g. oligoprogression_local_therapy",
    )
    direction: Direction | None = Field(
        default=None, description="for, against or neutral on the action its question names"
    )
    extrapolated: Text | None = Field(
        default=None,
        description="Why evidence from another cancer or setting applies to this statement",
    )

    @model_validator(mode="after")
    def _basis_cites_own_evidence(self) -> Self:
        for index, entry in enumerate(self.basis):
            if entry.evidence not in self.evidence:
                raise PointedError(
                    f"/basis/{index}/evidence",
                    f"basis evidence {entry.evidence!r} is not among the statement's evidence",
                )
        return self

    def number(self, key: str, default: float) -> float:
        """A numeric parameter, or `default` when the statement does not set it."""
        value = self.parameters.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"statement {self.id}: parameter {key!r} is not a number")
        return float(value)


class RuleMode(StrEnum):
    """What `oligoguide kb check` does with the problems of a switchable audit rule."""

    ERROR = "error"  # listed and the check fails (the default)
    WARN = "warn"  # listed as warnings, the check still passes


class AuditPolicy(_Record):
    """The switchable audit rules (docs/knowledge.md, "The audit"); every other rule always fails.

    `basis` covers basis_missing and basis_foreign, `population` the population rule."""

    basis: RuleMode = RuleMode.ERROR
    population: RuleMode = RuleMode.ERROR


class Manifest(_Record):
    version: str
    released: dt.date
    reviewed_on: dt.date = Field(description="Date of the last clinical review of the content")
    review_by: dt.date = Field(
        description="The next review is due by this date; after it every output carries a caution"
    )
    description: Text
    audit: AuditPolicy = Field(
        default_factory=AuditPolicy,
        description="Switchable audit rules: error (default) or warn while data is being filled",
    )

    @model_validator(mode="after")
    def _review_by_after_reviewed_on(self) -> Self:
        if self.review_by <= self.reviewed_on:
            raise PointedError(
                "/review_by",
                f"review_by ({self.review_by}) must be after reviewed_on ({self.reviewed_on})",
            )
        return self
