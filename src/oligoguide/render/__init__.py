"""Output formats of an Assessment: text and markdown share one document layout."""

from oligoguide.render.markdown import render_markdown
from oligoguide.render.text import render_text

__all__ = ["render_markdown", "render_text"]
