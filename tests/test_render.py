"""Renderers: the seed-answer layout in text, markdown, HTML and PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import need
from oligoguide.assess import assess
from oligoguide.model import load_case
from oligoguide.render import render_markdown, render_text
from oligoguide.render.html import render_html
from oligoguide.render.pdf import pdf_problem, render_pdf

EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
SECTIONS = (
    "Patient and report",
    "Bottom line",
    "Plan",
    "Disease state and why",
    "RECIST 1.1 time points",
    "Step 1 - Work-up and tumour-board review",
    "Step 2 - Local treatment, lesion by lesion",
    "Step 3 - Systemic therapy",
    "Follow-up",
    "References",
)


def test_markdown_has_the_answer_layout_in_order() -> None:
    md = render_markdown(assess(load_case(EXAMPLE)))
    positions = [md.index(f"## {title}") for title in SECTIONS]
    assert positions == sorted(positions)
    assert "Knowledge base version" in md
    assert "does not replace" in md


def test_text_cites_with_reference_numbers() -> None:
    text = render_text(assess(load_case(EXAMPLE)))
    assert "L5 - SBRT" in text  # the details name the lesion and the modality
    assert "48 Gy in 4 fractions; BED10 105.6 Gy" in text  # the plan table's dose
    assert "] (grade" in text


def test_html_escapes_and_is_self_contained() -> None:
    html = render_html(assess(load_case(EXAMPLE)))
    assert "<script" not in html
    assert "http://" not in html.split("<body>")[0]  # no external stylesheet or font
    assert '<ol class="references">' in html


def test_pdf_text_shows_the_plan_and_references(tmp_path: Path) -> None:
    problem = pdf_problem()
    need(problem is None, f"WeasyPrint's system libraries: {problem}")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) not installed")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(assess(load_case(EXAMPLE))))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Bottom line" in text
    flat = " ".join(text.split())
    assert "L5 SBRT 48 Gy/4 fx" in flat  # the bottom line
    assert "L5 - SBRT" in flat  # the details
    assert "References" in text
    assert "doi:10.1016/j.annonc.2022.10.003" in text.replace("\n", "")


def test_plots_are_accessible_vector_graphics_highlighting_progression() -> None:
    from oligoguide.render.plots import lesion_trajectories_svg, site_grid_svg, sum_vs_nadir_svg

    case = load_case(EXAMPLE)
    a = assess(case)
    lesions = lesion_trajectories_svg(case, a)
    assert lesions.startswith("<svg")
    assert 'role="img"' in lesions
    assert "L2 liver (progressing)" in lesions
    assert "FOLFOX + panitumumab" in lesions  # the therapy band
    # The PD threshold at the last scan: nadir 45 mm -> max(45 * 1.2, 45 + 5) = 54 mm.
    assert "PD threshold" in sum_vs_nadir_svg(a)
    assert "L5: new" in site_grid_svg(a)
