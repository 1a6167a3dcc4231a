"""The report layout, built once and written out by each format (text, markdown, HTML, PDF).

A tumour-board report read in two minutes: a header (patient, cancer, therapy, where the report
came from), the bottom line, the plan as a table (one row per recommendation), then the details:
disease state and why, RECIST time points, each part of the plan with its statement, reasons and
caveats said once, organ-at-risk limits, context, follow-up, missing data, warnings, plots and
numbered references (DOI and PubMed). Clinical text carries reference numbers, never internal
names (see `oligoguide.render.wording`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oligoguide.assess import Assessment
from oligoguide.knowledge import KnowledgeBase, default_knowledge_base
from oligoguide.model.case import Case
from oligoguide.render.header import ReportMeta, header_rows
from oligoguide.render.plan_parts import LOCAL_STEP, ORGAN_HEADER, PLAN_HEADER, PlanParts
from oligoguide.render.wording import Wording, missing_words, words

#: Explanations the report shows as a table instead (the RECIST time points).
SHOWN_AS_TABLE = frozenset({"recist_timepoint"})


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class RefEntry:
    number: int
    text: str
    doi: str | None
    pmid: str | None

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def pubmed_url(self) -> str | None:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None
    kind: str = "detail"  # header | bottom_line | plan | detail | references | about


@dataclass
class Document:
    title: str
    sections: list[Section]
    references: list[RefEntry] = field(default_factory=list)

    def section(self, kind: str) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)


def _fmt(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:g}{suffix}"


def build_document(
    a: Assessment,
    kb: KnowledgeBase | None = None,
    case: Case | None = None,
    meta: ReportMeta | None = None,
) -> Document:
    kb = kb or default_knowledge_base()
    w = Wording(a, kb)
    plan = PlanParts(a, kb, w)
    header = [[label, value] for label, value in header_rows(a, case, meta or ReportMeta())]
    sections = [
        Section("Patient and report", table=Table(["", ""], header), kind="header"),
        Section("Bottom line", paragraphs=[w.clean(a.bottom_line)], kind="bottom_line"),
    ]
    rows = plan.table_rows()
    if rows:
        sections.append(Section("Plan", table=Table(PLAN_HEADER, rows), kind="plan"))
    sections += [_state(a, w), _timepoints(a), _lesions(a)]
    for title, paragraphs in plan.details():
        sections.append(Section(title, bullets=paragraphs))
        if title == LOCAL_STEP:
            sections[-1].bullets += plan.organ_notes()
            organs = plan.organ_rows()
            sections[-1].table = Table(ORGAN_HEADER, organs) if organs else None
    for note in a.context:
        text = f"{w.clean(note.text)}{w.cite(note.citations)}"
        sections.append(
            Section(
                note.title, paragraphs=[text + (f" {w.clean(note.caveat)}" if note.caveat else "")]
            )
        )
    sections.append(_follow_up(a, w))
    if a.missing_data:
        sections.append(
            Section(
                "Missing data",
                bullets=[f"{missing_words(m.item)}: {w.clean(m.reason)}" for m in a.missing_data],
            )
        )
    if a.warnings:
        sections.append(Section("Warnings", bullets=[w.clean(x) for x in a.warnings]))
    references = [
        RefEntry(r.number, kb.evidence[r.id].citation.formatted(), r.doi, r.pmid)
        for r in a.references
    ]
    sections.append(
        Section("References", bullets=[_reference_text(r) for r in references], kind="references")
    )
    sections.append(
        Section(
            "About",
            paragraphs=[f"{a.disclaimer} Output contract {a.contract_version}."],
            kind="about",
        )
    )
    return Document(f"oligoguide assessment - case {a.case_id}", sections, references)


def _reference_text(r: RefEntry) -> str:
    links = [f"doi:{r.doi}" if r.doi else "", r.pubmed_url or ""]
    return f"{r.number}. {r.text} " + " ".join(x for x in links if x)


def _state(a: Assessment, w: Wording) -> Section:
    label = words(a.disease_state.value)
    state = Section("Disease state and why")
    state.paragraphs.append(
        f"State: {label}."
        + (f" ESTRO/EORTC class: {a.estro_eortc_class.label}." if a.estro_eortc_class else "")
    )
    state.bullets = [
        f"{', '.join(lesions)}: {w.clean(rest)}" if lesions else w.clean(rest)
        for rest, lesions in _by_lesion(a, w).items()
    ]
    return state


def _by_lesion(a: Assessment, w: Wording) -> dict[str, list[str]]:
    """Explanations that say the same of several lesions ('H3 (liver): unequivocal new lesion,
    first seen ...'), said once with the lesions listed, in the order first met."""
    said: dict[str, list[str]] = {}
    for e in a.explanations:
        if e.rule in SHOWN_AS_TABLE:
            continue
        text = f"{e.text}{w.cite(e.citations)}"
        name, sep, rest = text.partition(": ")
        if e.lesion_id and sep and name.split(" (")[0] == e.lesion_id:
            said.setdefault(rest, []).append(name)
        else:
            said.setdefault(text, [])
    return said


def _follow_up(a: Assessment, w: Wording) -> Section:
    follow = Section("Follow-up")
    if a.follow_up:
        weeks = a.follow_up.imaging_interval_weeks
        interval = f"Imaging every {weeks[0]:g}-{weeks[1]:g} weeks. " if weeks else ""
        follow.paragraphs.append(
            f"{interval}{w.clean(a.follow_up.text)}{w.cite(a.follow_up.citations)}"
        )
    else:
        follow.paragraphs.append(
            "No sourced follow-up interval applies: set it at the tumour board."
        )
    return follow


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
            words(les.site.value),
            words(les.status.value),
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
