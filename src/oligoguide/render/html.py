"""HTML: the report as a standalone, printable page (no external assets; links to the sources)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from oligoguide.assess import Assessment
from oligoguide.render.document import build_document
from oligoguide.render.header import ReportMeta
from oligoguide.render.plan_check import plan_check_view

if TYPE_CHECKING:
    from oligoguide.dicom.rt_check import PlanCheckReport

_env = Environment(
    loader=PackageLoader("oligoguide.render", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_NUMBERS = re.compile(r"\[(\d+(?:, \d+)*)\]")


def cite_links(text: str) -> Markup:
    """The text escaped, each reference number [n] a link to its entry in the list."""
    out, start = Markup(""), 0
    for match in _NUMBERS.finditer(text):
        links = (Markup('<a href="#ref-{0}">{0}</a>').format(n) for n in match[1].split(", "))
        out += text[start : match.start()]  # a str added to Markup is escaped
        out += Markup("[") + Markup(", ").join(links) + Markup("]")
        start = match.end()
    return out + text[start:]


_env.filters["cite_links"] = cite_links
# Text inside a CSS string (the page footer): only characters that need no escaping there.
_env.filters["css_text"] = lambda text: re.sub(r"[^A-Za-z0-9 .,:_-]", "?", str(text))


def render_html(
    a: Assessment,
    figures: Sequence[str] = (),
    meta: ReportMeta | None = None,
    plan_check: PlanCheckReport | None = None,
) -> str:
    """The tumour-board report. `figures`: trusted inline SVG made by oligoguide itself (never
    user input), normally `oligoguide.render.plots.all_figures(case, a)`, which also carries the
    case the header describes (patient, cancer, therapies). `meta`: the case version, its
    author, who asked and when (see ReportMeta; left out, they read 'not recorded').
    `plan_check`: a treatment plan dose check (DICOM RT), shown after the plan."""
    template = _env.get_template("report.html.j2")
    doc = build_document(a, case=getattr(figures, "case", None), meta=meta)
    return template.render(
        doc=doc,
        state=a.disease_state.value,
        state_label=a.disease_state.value.replace("_", " "),
        figures=figures,
        plan_check=plan_check_view(plan_check) if plan_check is not None else None,
        plan_check_after="plan" if any(s.kind == "plan" for s in doc.sections) else "bottom_line",
    )
