"""Output formats of an Assessment, all from one report layout (render/document.py): text and
markdown here; HTML and PDF in render.html / render.pdf (imported on demand: Jinja2, WeasyPrint).
ReportMeta says where a report comes from (case version, author, requester, date)."""

from oligoguide.render.header import ReportMeta
from oligoguide.render.markdown import render_markdown
from oligoguide.render.text import render_text

__all__ = ["ReportMeta", "render_markdown", "render_text"]
