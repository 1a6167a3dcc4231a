"""HTML: the answer document as a standalone, printable page (no external assets)."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from oligoguide.assess import Assessment
from oligoguide.render.document import build_document

_env = Environment(
    loader=PackageLoader("oligoguide.render", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(a: Assessment, figures: Sequence[str] = ()) -> str:
    """figures: trusted inline SVG made by oligoguide itself (never user input)."""
    template = _env.get_template("report.html.j2")
    return template.render(
        doc=build_document(a),
        state=a.disease_state.value,
        state_label=a.disease_state.value.replace("_", " "),
        figures=figures,
    )
