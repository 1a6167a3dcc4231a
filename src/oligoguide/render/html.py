"""HTML: the report as a standalone, printable page (no external assets; links to the sources)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from oligoguide.assess import Assessment
from oligoguide.render.document import build_document
from oligoguide.render.header import ReportMeta

_env = Environment(
    loader=PackageLoader("oligoguide.render", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
# Text inside a CSS string (the page footer): only characters that need no escaping there.
_env.filters["css_text"] = lambda text: re.sub(r"[^A-Za-z0-9 .,:_-]", "?", str(text))


def render_html(a: Assessment, figures: Sequence[str] = (), meta: ReportMeta | None = None) -> str:
    """The tumour-board report. `figures`: trusted inline SVG made by oligoguide itself (never
    user input), normally `oligoguide.render.plots.all_figures(case, a)`, which also carries the
    case the header describes (patient, cancer, therapies). `meta`: the case version, its
    author, who asked and when (see ReportMeta; left out, they read 'not recorded')."""
    template = _env.get_template("report.html.j2")
    doc = build_document(a, case=getattr(figures, "case", None), meta=meta)
    return template.render(
        doc=doc,
        state=a.disease_state.value,
        state_label=a.disease_state.value.replace("_", " "),
        figures=figures,
    )
