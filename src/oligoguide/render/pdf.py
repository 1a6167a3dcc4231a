"""PDF: the HTML report printed by WeasyPrint, offline (fonts from the system, no fetches).

WeasyPrint needs system libraries (Pango, HarfBuzz and HarfBuzz-subset, fontconfig). When they are
missing it raises at import or only warns; either way the PDF is refused here with
`PdfUnavailableError` (503 in the service, a clear message in the CLI), never an unexpected
error: a library's warning never fails a request, whatever the interpreter's warning filters."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from oligoguide.assess import Assessment
from oligoguide.model.errors import OligoguideError
from oligoguide.render.header import ReportMeta
from oligoguide.render.html import render_html

if TYPE_CHECKING:
    from oligoguide.dicom.rt_check import PlanCheckReport

# What enables PDF reports on Debian/Ubuntu (the HTML report needs none of it).
INSTALL_HINT = (
    "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "
    "fonts-dejavu-core (or: bash scripts/provision.sh)"
)


class PdfUnavailableError(OligoguideError):
    """The PDF engine cannot run here; `hint` says what to install."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"PDF reports are unavailable: {reason}; install: {INSTALL_HINT}")
        self.reason = reason
        self.hint = INSTALL_HINT


_load_problem: str | None = None  # the first load's verdict, kept (a module imports once)
_loaded = False


def _no_fetch(url: str, timeout: int = 0, ssl_context: object = None) -> dict[str, object]:
    # Reports are self-contained; refusing every fetch keeps PDF generation offline and safe.
    raise ValueError(f"external resource refused: {url}")


def _warning_text(caught: list[warnings.WarningMessage]) -> str:
    return "; ".join(f"{w.category.__name__}: {w.message}" for w in caught)


def _weasyprint() -> Any:
    """The weasyprint module, or PdfUnavailableError: a failed import or a warning while loading."""
    global _load_problem, _loaded
    if _loaded and _load_problem is not None:
        raise PdfUnavailableError(_load_problem)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            import weasyprint  # heavy, optional: imported only when a PDF is asked for
        except (ImportError, OSError) as error:  # OSError: cffi could not open a library
            _loaded, _load_problem = True, f"WeasyPrint cannot load ({error})"
            raise PdfUnavailableError(_load_problem) from None
    if not _loaded:
        _loaded = True
        if caught:
            _load_problem = f"WeasyPrint warned while loading ({_warning_text(caught)})"
            raise PdfUnavailableError(_load_problem)
    return weasyprint


def pdf_problem() -> str | None:
    """None when PDF reports work here, else why not (for health checks and tests)."""
    try:
        _weasyprint()
    except PdfUnavailableError as error:
        return error.reason
    return None


def render_pdf(
    a: Assessment,
    figures: Sequence[str] = (),
    meta: ReportMeta | None = None,
    plan_check: PlanCheckReport | None = None,
) -> bytes:
    """The HTML report (see render_html for `figures`, `meta` and `plan_check`) as a PDF with
    page numbers."""
    return html_to_pdf(render_html(a, figures, meta, plan_check))


def html_to_pdf(html: str) -> bytes:
    """A standalone HTML page as PDF; nothing is fetched (no network, no local files)."""
    weasyprint = _weasyprint()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()
        except OSError as error:  # a library found at import but failing now
            raise PdfUnavailableError(f"WeasyPrint failed ({error})") from None
    if caught:
        raise PdfUnavailableError(f"WeasyPrint warned while printing ({_warning_text(caught)})")
    assert pdf is not None
    return bytes(pdf)
