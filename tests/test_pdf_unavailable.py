"""Warnings are not errors at run time (issue 23): when WeasyPrint cannot load or warns, the PDF
report is a 503 problem naming what to install, the HTML report still works, and nothing is a 500
although the tests run with `filterwarnings = error`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oligoguide.assess import assess
from oligoguide.model import Case, load_case
from oligoguide.render import pdf as pdf_module
from oligoguide.render.pdf import INSTALL_HINT, PdfUnavailableError, pdf_problem, render_pdf
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry
from service_helpers import LOCAL

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
CASE_ID = "crc-oligoprogression-01"


def _weasyprint_modules() -> list[str]:
    return [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]


@pytest.fixture
def unloaded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As in a fresh process: WeasyPrint not yet imported, no verdict kept. Afterwards the
    fake package a test imported is forgotten too (monkeypatch puts back only what it removed),
    so a later test imports the real WeasyPrint, whatever the order the tests run in."""
    monkeypatch.setattr(pdf_module, "_loaded", False)
    monkeypatch.setattr(pdf_module, "_load_problem", None)
    for name in _weasyprint_modules():
        monkeypatch.delitem(sys.modules, name)
    yield
    for name in _weasyprint_modules():
        del sys.modules[name]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, Registry]]:
    app, registry = build_app(Settings(db_url=f"sqlite:///{tmp_path / 'registry.sqlite3'}"))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as api:
        registry.create_case(Case.model_validate_json(EXAMPLE.read_bytes()), "seed")
        yield api, registry
    registry.close()


def _fake_weasyprint(folder: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    package = folder / "weasyprint"
    package.mkdir()
    (package / "__init__.py").write_text(body)
    monkeypatch.syspath_prepend(str(folder))


@pytest.mark.usefixtures("unloaded")
def test_a_warning_while_loading_is_refused_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What WeasyPrint does without libharfbuzz-subset: a DeprecationWarning at import, which
    # `filterwarnings = error` (or python -W error) would turn into an exception.
    _fake_weasyprint(
        tmp_path,
        "import warnings\n"
        "warnings.warn('HarfBuzz-Subset will be required by future versions of WeasyPrint.',"
        " category=DeprecationWarning)\n",
        monkeypatch,
    )
    problem = pdf_problem()
    assert problem is not None
    assert "HarfBuzz-Subset" in problem
    with pytest.raises(PdfUnavailableError, match="HarfBuzz-Subset") as caught:
        render_pdf(assess(load_case(EXAMPLE)))
    assert caught.value.hint == INSTALL_HINT


@pytest.mark.usefixtures("unloaded")
def test_missing_system_libraries_are_refused_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_weasyprint(
        tmp_path, "raise OSError(\"cannot load library 'libpango-1.0-0'\")\n", monkeypatch
    )
    with pytest.raises(PdfUnavailableError, match="libpango"):
        render_pdf(assess(load_case(EXAMPLE)))


@pytest.mark.usefixtures("unloaded")
def test_a_warning_while_printing_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_weasyprint(
        tmp_path,
        "import warnings\n"
        "class HTML:\n"
        "    def __init__(self, **_k): pass\n"
        "    def write_pdf(self):\n"
        "        warnings.warn('font missing', UserWarning)\n"
        "        return b'%PDF-1.7'\n",
        monkeypatch,
    )
    with pytest.raises(PdfUnavailableError, match="font missing"):
        render_pdf(assess(load_case(EXAMPLE)))


@pytest.mark.usefixtures("unloaded")
def test_the_pdf_endpoints_answer_503_and_the_html_report_still_works(
    site: tuple[TestClient, Registry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = site
    _fake_weasyprint(
        tmp_path,
        "import warnings\nwarnings.warn('HarfBuzz-Subset missing', DeprecationWarning)\n",
        monkeypatch,
    )
    for path in (f"/v1/cases/{CASE_ID}/report.pdf", f"/ui/cases/{CASE_ID}/report.pdf"):
        answer = api.get(path)
        assert answer.status_code == 503, (path, answer.text[:300])
        assert answer.headers["content-type"].startswith("application/problem+json")
        problem = answer.json()
        assert problem["title"] == "PDF report unavailable"
        assert "HarfBuzz-Subset" in problem["detail"]
        assert "libharfbuzz-subset0" in problem["detail"]
    html = api.get(f"/v1/cases/{CASE_ID}/report.html")
    assert html.status_code == 200
    assert "<svg" in html.text
