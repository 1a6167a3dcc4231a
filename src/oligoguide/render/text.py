"""Plain text: the report for terminals and notes."""

from __future__ import annotations

import textwrap

from oligoguide.assess import Assessment
from oligoguide.model.case import Case
from oligoguide.render.document import Table, build_document
from oligoguide.render.header import ReportMeta

WIDTH = 100


def _table(table: Table) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(table.header, *table.rows, strict=True)]
    line = "  ".join
    out = ["  " + line(h.ljust(w) for h, w in zip(table.header, widths, strict=True))]
    out += ["  " + line(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in table.rows]
    return out


def _pairs(table: Table) -> list[str]:
    width = max(len(label) for label, _ in table.rows) + 2
    return [
        line
        for label, value in table.rows
        for line in textwrap.wrap(
            value,
            WIDTH,
            initial_indent=f"  {label + ':':<{width}}",
            subsequent_indent=" " * (width + 2),
        )
    ]


def render_text(a: Assessment, case: Case | None = None, meta: ReportMeta | None = None) -> str:
    """The report as text; with the case, its header names the patient (see ReportMeta)."""
    doc = build_document(a, case=case, meta=meta)
    lines = [doc.title, "=" * len(doc.title)]
    for section in doc.sections:
        lines += ["", section.title.upper()]
        if section.kind == "header" and section.table:
            lines += _pairs(section.table)
            continue
        for paragraph in section.paragraphs:
            lines += textwrap.wrap(paragraph, WIDTH)
        mark = "  " if section.kind == "references" else "  - "  # references are numbered
        for bullet in section.bullets:
            lines += textwrap.wrap(bullet, WIDTH, initial_indent=mark, subsequent_indent="    ")
        if section.table:
            lines += _table(section.table)
    return "\n".join(lines) + "\n"
