"""The answer layout users know, built once and written out by each format.

Bottom line, disease state and why, the plan step by step, evidence with its numbers, prognostic
factors, safety, follow-up, what is missing, numbered references, knowledge-base version and a
disclaimer. Each sentence that rests on evidence carries its reference numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oligoguide.assess import Assessment
from oligoguide.knowledge import KnowledgeBase, default_knowledge_base
from oligoguide.model.vocab import RecommendationCategory
from oligoguide.plan import Recommendation

#: How many findings of each evidence item the evidence section quotes.
FINDINGS_PER_ITEM = 2


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass
class Document:
    title: str
    sections: list[Section]


def _fmt(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:g}{suffix}"


class _Cite:
    def __init__(self, a: Assessment) -> None:
        self.numbers = {r.id: r.number for r in a.references}

    def __call__(self, ids: tuple[str, ...] | list[str]) -> str:
        numbers = sorted({self.numbers[i] for i in ids if i in self.numbers})
        return f" [{', '.join(map(str, numbers))}]" if numbers else ""


def _recommendation(r: Recommendation, cite: _Cite) -> str:
    text = f"{r.text}{cite(r.citations)} (grade {r.strength.value})"
    if r.dose:
        text += (
            f" Dose: {r.dose.total_gy:g} Gy in {r.dose.fractions} fraction(s), BED10 "
            f"{r.dose.bed10:g} Gy, EQD2 {r.dose.eqd2_10:g} Gy."
        )
    if r.alternatives:
        text += f" Alternatives: {', '.join(m.value for m in r.alternatives)}."
    text += f" Why: {r.rationale}"
    if r.caveat:
        text += f" Caveat: {r.caveat}"
    return text


STEPS = (
    ("Step 1 - Work-up and review", RecommendationCategory.WORKUP),
    ("Step 2 - Local treatment, lesion by lesion", RecommendationCategory.LOCAL_THERAPY),
    ("Step 3 - Systemic therapy", RecommendationCategory.SYSTEMIC),
    ("Cautions", RecommendationCategory.CAUTION),
)


def build_document(a: Assessment, kb: KnowledgeBase | None = None) -> Document:
    kb = kb or default_knowledge_base()
    cite = _Cite(a)
    sections = [Section("Bottom line", paragraphs=[a.bottom_line])]
    state = Section("Disease state and why")
    label = a.disease_state.value.replace("_", " ")
    state.paragraphs.append(
        f"State: {label}."
        + (f" ESTRO/EORTC class: {a.estro_eortc_class.label}." if a.estro_eortc_class else "")
        + (f" Current systemic therapy: {a.current_therapy}." if a.current_therapy else "")
    )
    state.bullets = [f"{e.text}{cite(e.citations)}" for e in a.explanations]
    sections.append(state)
    sections.append(_timepoints(a))
    sections.append(_lesions(a))
    for title, category in STEPS:
        recs = [r for r in a.recommendations if r.category == category]
        if recs:
            sections.append(Section(title, bullets=[_recommendation(r, cite) for r in recs]))
    sections.append(_evidence(a, kb, cite))
    for note in a.context:
        text = f"{note.text}{cite(note.citations)}" + (f" {note.caveat}" if note.caveat else "")
        sections.append(Section(note.title, paragraphs=[text]))
    follow = Section("Follow-up")
    if a.follow_up:
        weeks = a.follow_up.imaging_interval_weeks
        interval = f"Imaging every {weeks[0]:g}-{weeks[1]:g} weeks. " if weeks else ""
        follow.paragraphs.append(f"{interval}{a.follow_up.text}{cite(a.follow_up.citations)}")
    else:
        follow.paragraphs.append(
            "No sourced follow-up interval applies: set it at the tumour board."
        )
    sections.append(follow)
    if a.missing_data:
        sections.append(
            Section("Missing data", bullets=[f"{m.item}: {m.reason}" for m in a.missing_data])
        )
    if a.warnings:
        sections.append(Section("Warnings", bullets=list(a.warnings)))
    sections.append(Section("References", bullets=[f"{r.number}. {r.text}" for r in a.references]))
    sections.append(
        Section(
            "About",
            paragraphs=[
                f"Knowledge base version {a.kb_version}; output contract {a.contract_version}.",
                a.disclaimer,
            ],
        )
    )
    return Document(title=f"oligoguide assessment - case {a.case_id}", sections=sections)


def _timepoints(a: Assessment) -> Section:
    rows = [
        [
            str(t.date),
            _fmt(t.sum_mm),
            _fmt(t.change_from_baseline_pct, "%"),
            _fmt(t.change_from_nadir_pct, "%"),
            t.target.value if t.target else "-",
            "-" if t.non_target.value == "none" else t.non_target.value,
            ", ".join(t.new_lesions) or "-",
            t.overall.value + (f" ({t.irecist.value})" if t.irecist else ""),
        ]
        for t in a.response.timepoints
    ]
    header = ["date", "sum mm", "vs baseline", "vs nadir", "target", "non-target", "new", "overall"]
    return Section("RECIST 1.1 time points", table=Table(header, rows))


def _lesions(a: Assessment) -> Section:
    rows = [
        [
            les.id,
            les.site.value,
            les.status.value,
            _fmt(les.latest_mm),
            _fmt(les.nadir_mm),
            _fmt(les.change_from_nadir_pct, "%"),
            ", ".join(
                f
                for f, on in (
                    ("target", les.target),
                    ("new", les.is_new),
                    ("irradiated", les.irradiated),
                )
                if on
            )
            or "-",
        ]
        for les in a.lesions
    ]
    header = ["lesion", "site", "status", "latest mm", "nadir mm", "vs nadir", "flags"]
    return Section("Lesions", table=Table(header, rows))


def _evidence(a: Assessment, kb: KnowledgeBase, cite: _Cite) -> Section:
    section = Section("Evidence")
    for ref in a.references:
        item = kb.evidence[ref.id]
        findings = " ".join(item.findings[:FINDINGS_PER_ITEM])
        section.bullets.append(
            f"{item.citation.authors.split(',')[0]} {item.citation.year} "
            f"({item.kind.value.replace('_', ' ')}, level {item.level.value}): {findings}"
            f"{cite([ref.id])}"
        )
    return section
