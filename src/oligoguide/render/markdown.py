"""Markdown: the report for tumour-board notes and EHR text fields."""

from __future__ import annotations

from oligoguide.assess import Assessment
from oligoguide.model.case import Case
from oligoguide.render.document import RefEntry, Section, Table, build_document
from oligoguide.render.header import ReportMeta


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def _table(table: Table) -> list[str]:
    out = ["| " + " | ".join(table.header) + " |", "|" + "---|" * len(table.header)]
    out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in table.rows]
    return out


def _reference(r: RefEntry) -> str:
    links = [
        f"[doi:{r.doi}]({r.doi_url})" if r.doi else "",
        f"[PubMed]({r.pubmed_url})" if r.pmid else "",
    ]
    return f"{r.number}. {r.text} " + " ".join(x for x in links if x)


def _section(section: Section, references: list[RefEntry]) -> list[str]:
    if section.kind == "header" and section.table:
        return [f"- **{label}:** {_escape(value)}" for label, value in section.table.rows]
    if section.kind == "references":
        return [_reference(r) for r in references]
    lines = [*section.paragraphs]
    if section.paragraphs and (section.bullets or section.table):
        lines.append("")
    lines += [f"- {b}" for b in section.bullets]
    if section.table:
        lines += _table(section.table)
    return lines


def render_markdown(a: Assessment, case: Case | None = None, meta: ReportMeta | None = None) -> str:
    """The report as markdown; with the case, its header names the patient (see ReportMeta)."""
    doc = build_document(a, case=case, meta=meta)
    lines = [f"# {doc.title}"]
    for section in doc.sections:
        lines += ["", f"## {section.title}", "", *_section(section, doc.references)]
    return "\n".join(lines) + "\n"
