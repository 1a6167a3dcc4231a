"""`oligoguide assess CASE --format text|markdown|json|html|pdf [-o FILE]`: the UI's report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import need
from oligoguide.assess import assess
from oligoguide.cli import app
from oligoguide.model import load_case
from oligoguide.render.html import render_html
from oligoguide.render.pdf import INSTALL_HINT, pdf_problem
from oligoguide.render.plots import all_figures

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
runner = CliRunner()


def _run(*args: str) -> tuple[int, bytes, str]:
    result = runner.invoke(app, ["assess", str(EXAMPLE), *args])
    return result.exit_code, result.stdout_bytes, result.stderr


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("text", "oligoguide assessment"),
        ("markdown", "## Bottom line"),
        ("json", '"disease_state"'),
        ("html", "<!doctype html>"),
    ],
)
def test_every_text_format_goes_to_stdout_and_to_a_file(
    tmp_path: Path, fmt: str, marker: str
) -> None:
    code, out, err = _run("--format", fmt)
    assert code == 0, err
    assert marker in out.decode()
    target = tmp_path / f"report.{fmt}"
    code, _, err = _run("--format", fmt, "-o", str(target))
    assert code == 0, err
    assert target.read_bytes() == out


def test_html_is_the_uis_report_with_its_figures() -> None:
    case = load_case(EXAMPLE)
    result = assess(case)
    code, out, _ = _run("--format", "html")
    assert code == 0
    assert out.decode() == render_html(result, all_figures(case, result))
    assert "<svg" in out.decode()
    assert json.loads(_run("--format", "json")[1])["disease_state"] == "oligoprogression"


def test_pdf_is_written_to_a_file(tmp_path: Path) -> None:
    problem = pdf_problem()
    need(problem is None, f"WeasyPrint's system libraries: {problem}")
    target = tmp_path / "report.pdf"
    code, _, err = _run("--format", "pdf", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")


def test_without_the_pdf_engine_the_cli_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("oligoguide.render.pdf._loaded", True)
    monkeypatch.setattr("oligoguide.render.pdf._load_problem", "simulated: no libharfbuzz-subset")
    target = tmp_path / "report.pdf"
    code, _, err = _run("--format", "pdf", "-o", str(target))
    assert code == 3
    assert "simulated: no libharfbuzz-subset" in err
    assert INSTALL_HINT in err
    assert "Traceback" not in err
    assert not target.exists()
