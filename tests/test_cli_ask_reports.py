"""`oligoguide ask QUESTION --format html|pdf [-o FILE]` (issue 23): the answer as a page.

The expected content is the answer's own (lead, sections, references), and the references link
to DOI and PubMed; the PDF's text is read back with pdftotext.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import need
from oligoguide.ask import ask
from oligoguide.cli import app
from oligoguide.render.pdf import INSTALL_HINT, pdf_problem

QUESTION = "SRS or WBRT for 3 brain metastases in EGFR NSCLC?"
runner = CliRunner()


def _run(*args: str) -> tuple[int, bytes, str]:
    result = runner.invoke(app, ["ask", QUESTION, *args])
    return result.exit_code, result.stdout_bytes, result.stderr


def test_html_carries_the_lead_the_sections_and_linked_references(tmp_path: Path) -> None:
    answer = ask(QUESTION)
    code, out, err = _run("--format", "html")
    assert code == 0, err
    page = out.decode()
    assert page.startswith("<!doctype html>")
    assert answer.answer.sections[0].title in page
    for ref in answer.references:
        if ref.doi:
            assert f'href="https://doi.org/{ref.doi}"' in page
        if ref.pmid:
            assert f'href="https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"' in page
    assert '<a href="#ref-1">1</a>' in page
    target = tmp_path / "answer.html"
    code, _, err = _run("--format", "html", "-o", str(target))
    assert code == 0, err
    assert target.read_text(encoding="utf-8") == page


def test_pdf_holds_the_answers_first_sentence(tmp_path: Path) -> None:
    problem = pdf_problem()
    need(problem is None, f"WeasyPrint's system libraries: {problem}")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) not installed")
    target = tmp_path / "answer.pdf"
    code, _, err = _run("--format", "pdf", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = ask(QUESTION).lead.split()[:6]
    assert " ".join(words) in " ".join(text.split())
    assert "page 1 of" in text


def test_without_the_pdf_engine_ask_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("oligoguide.render.pdf._loaded", True)
    monkeypatch.setattr("oligoguide.render.pdf._load_problem", "simulated: no libharfbuzz-subset")
    target = tmp_path / "answer.pdf"
    code, _, err = _run("--format", "pdf", "-o", str(target))
    assert code == 3
    assert INSTALL_HINT in err
    assert "Traceback" not in err
    assert not target.exists()
