"""PDF: the HTML report printed by WeasyPrint, offline (fonts from the system, no fetches)."""

from __future__ import annotations

from collections.abc import Sequence

from oligoguide.assess import Assessment
from oligoguide.render.html import render_html


def _no_fetch(url: str, timeout: int = 0, ssl_context: object = None) -> dict[str, object]:
    # Reports are self-contained; refusing every fetch keeps PDF generation offline and safe.
    raise ValueError(f"external resource refused: {url}")


def render_pdf(a: Assessment, figures: Sequence[str] = ()) -> bytes:
    from weasyprint import HTML  # heavy, optional: imported only when a PDF is asked for

    pdf = HTML(string=render_html(a, figures), url_fetcher=_no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)
