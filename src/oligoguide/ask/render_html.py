"""An Answer as a standalone HTML page (and, through WeasyPrint, a PDF): the same content as the
text and markdown forms, with reference numbers linked to DOI and PubMed."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from oligoguide.ask.models import Answer

_env = Environment(
    loader=PackageLoader("oligoguide.ask", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_answer_html(answer: Answer, generated: dt.date | None = None) -> str:
    numbers = {ref.id: ref.number for ref in answer.references}

    def cite(citations: tuple[str, ...]) -> Markup:
        found = [numbers[c] for c in citations if c in numbers]
        links = (Markup('<a href="#ref-{0}">{0}</a>').format(n) for n in found)
        return Markup("[") + Markup(", ").join(links) + Markup("]") if found else Markup("")

    template = _env.get_template("answer.html.j2")
    return template.render(answer=answer, cite=cite, generated=generated)


def render_answer_pdf(answer: Answer, generated: dt.date | None = None) -> bytes:
    """The HTML answer as PDF; PdfUnavailableError when WeasyPrint's libraries are missing."""
    from oligoguide.render.pdf import html_to_pdf

    return html_to_pdf(render_answer_html(answer, generated))
