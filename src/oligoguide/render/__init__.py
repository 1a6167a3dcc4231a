"""Output formats of an Assessment."""

from oligoguide.render.text import render_text

__all__ = ["render_text"]
