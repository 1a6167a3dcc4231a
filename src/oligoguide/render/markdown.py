"""Markdown: the answer document for tumour-board notes and EHR text fields."""

from __future__ import annotations

from oligoguide.assess import Assessment
from oligoguide.render.document import Table, build_document


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def _table(table: Table) -> list[str]:
    out = ["| " + " | ".join(table.header) + " |", "|" + "---|" * len(table.header)]
    out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in table.rows]
    return out


def render_markdown(a: Assessment) -> str:
    doc = build_document(a)
    lines = [f"# {doc.title}"]
    for section in doc.sections:
        lines += ["", f"## {section.title}", ""]
        lines += [*section.paragraphs]
        if section.paragraphs and (section.bullets or section.table):
            lines.append("")
        lines += [f"- {b}" for b in section.bullets]
        if section.table:
            lines += _table(section.table)
    return "\n".join(lines) + "\n"
