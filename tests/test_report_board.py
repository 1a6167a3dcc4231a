"""The tumour-board report (issue 22): header, order, no repeats, no internal names, links,
legends, page numbers and length; the same report from the UI, the API and the CLI.

Expected header values are read from the example case files (their JSON) and the knowledge
base's manifest, not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import need
from oligoguide.assess import Assessment, assess
from oligoguide.cli import app
from oligoguide.knowledge import default_knowledge_base
from oligoguide.model import Case, load_case
from oligoguide.render.header import ReportMeta
from oligoguide.render.html import render_html
from oligoguide.render.pdf import pdf_problem, render_pdf
from oligoguide.render.plots import all_figures
from service_helpers import ui_site

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
CRC = ROOT / "examples" / "crc_oligoprogression.json"
MANIFEST = ROOT / "src" / "oligoguide" / "knowledge" / "data" / "manifest.yaml"
DAY = dt.date(2026, 12, 5)
META = ReportMeta(case_version=3, author="dr-saved", generated_by="dr-asked", generated=DAY)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _report(path: Path) -> tuple[Case, Assessment, str]:
    case = load_case(path)
    a = assess(case)
    return case, a, render_html(a, all_figures(case, a), META)


def visible(page: str) -> str:
    """The words a reader sees: no style, no SVG, no tags, entities decoded."""
    body = page.split("<body>", 1)[1]
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def blocks(page: str) -> list[str]:
    """The text of every paragraph, list item and table cell, in page order."""
    body = re.sub(r"<svg.*?</svg>", " ", page.split("<body>", 1)[1], flags=re.S)
    found = re.findall(r"<(p|li|td)\b[^>]*>(.*?)</\1>", body, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()) for _, text in found]


def expected_header(path: Path) -> dict[str, str]:
    """What the header must say, from the case file's data and the knowledge-base manifest."""
    data = json.loads(path.read_text())
    patient, cancer = data["patient"], data["cancer"]
    birth = dt.date.fromisoformat(patient["birth_date"])
    age = DAY.year - birth.year - ((DAY.month, DAY.day) < (birth.month, birth.day))
    therapy = data["systemic_therapies"][0]
    return {
        "Patient": patient["id"],
        "Sex": patient["sex"],
        "Age": f"{age} years",
        "ECOG": str(patient["ecog"]),
        "Cancer": cancer["histology"],
        "Drivers": "; ".join(
            f"{b['name']} {b['status']}" + (f" ({b['detail']})" if "detail" in b else "")
            for b in cancer.get("biomarkers", [])
        )
        or "not recorded",
        "Current therapy": " + ".join(therapy["agents"]) + f" (line {therapy['line']}, since "
        f"{therapy['start']}",
        "Case version": "3",
        "Author": "dr-saved",
        "Generated": f"{DAY} by dr-asked",
        "Knowledge base version": str(yaml.safe_load(MANIFEST.read_text())["version"]),
    }


def header_cells(page: str) -> dict[str, str]:
    table = page.split('<table class="header"', 1)[1].split("</table>", 1)[0]
    pairs = re.findall(r"<th scope=\"row\">(.*?)</th><td>(.*?)</td>", table, flags=re.S)
    return {html.unescape(k): html.unescape(v) for k, v in pairs}


def _pdf_text(pdf: bytes, folder: Path) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) not installed")
    target = folder / "report.pdf"
    target.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout


def _need_pdf() -> None:
    problem = pdf_problem()
    need(problem is None, f"WeasyPrint's system libraries: {problem}")


# -- the header ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_header_names_patient_cancer_therapy_and_provenance(path: Path) -> None:
    cells = header_cells(_report(path)[2])
    for label, value in expected_header(path).items():
        assert value in cells[label], (label, cells.get(label))
    assert cells["Prior therapy"] == "none recorded"  # no example has an earlier line


def test_the_pdf_text_carries_the_header_fields(tmp_path: Path) -> None:
    _need_pdf()
    case = load_case(CRC)
    a = assess(case)
    text = " ".join(_pdf_text(render_pdf(a, all_figures(case, a), META), tmp_path).split())
    for label, value in expected_header(CRC).items():
        assert label in text
        assert value in text, (label, value)


def test_prior_therapy_lists_ended_lines_and_lines_without_dates() -> None:
    case = load_case(CRC)
    data = case.model_dump(mode="json")
    data["systemic_therapies"].insert(
        0,
        {
            "agents": ["capecitabine"],
            "classes": ["chemotherapy"],
            "line": 1,
            "start": "2021-01-04",
            "end": "2022-06-30",
            "best_response": "SD",
        },
    )
    data["systemic_therapies"][1]["line"] = 3
    data["prior_treatment_lines"] = [{"line": 2, "agents": ["FOLFIRI"], "year": 2022}]
    changed = Case.model_validate(data)
    a = assess(changed)
    cells = header_cells(render_html(a, all_figures(changed, a), META))
    assert cells["Current therapy"] == (
        "FOLFOX + panitumumab (line 3, since 2023-02-01, best response PR)"
    )
    assert cells["Prior therapy"] == (
        "FOLFIRI (line 2, 2022); capecitabine (line 1, 2021-01-04 to 2022-06-30, best response SD)"
    )


def test_from_the_cli_version_and_author_are_not_recorded() -> None:
    result = CliRunner().invoke(app, ["assess", str(CRC), "--format", "html"])
    assert result.exit_code == 0, result.stderr
    cells = header_cells(result.stdout)
    assert cells["Case version"] == "not recorded"
    assert cells["Author"] == "not recorded"
    assert cells["Patient"] == "EX-CRC-01"
    assert cells["Generated"] == str(dt.date.today())


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_from_the_cli_carry_the_header_too(fmt: str) -> None:
    result = CliRunner().invoke(app, ["assess", str(CRC), "--format", fmt])
    assert result.exit_code == 0, result.stderr
    flat = " ".join(result.stdout.replace("*", "").split())
    assert "Patient: EX-CRC-01" in flat
    assert "Drivers: KRAS negative; NRAS negative; BRAF negative; MSI negative (MSS)" in flat
    assert "Current therapy: FOLFOX + panitumumab (line 1, since 2023-02-01" in flat


# -- layout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_bottom_line_then_plan_table_then_details(path: Path) -> None:
    page = _report(path)[2]
    header = page.index('<table class="header"')
    bottom = page.index('class="bottom-line"')
    details = page.index('<h2 class="part">Details</h2>')
    assert header < bottom < details
    if "<h2>Plan</h2>" in page:  # a case without a decision has no plan rows
        plan = page.index('<table class="plan">')
        assert bottom < plan < details
        assert "Strength" in page[plan:details]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_paragraph_or_long_sentence_is_printed_twice(path: Path) -> None:
    texts = [b for b in blocks(_report(path)[2]) if len(b) > 40]
    assert len(texts) == len(set(texts)), [t for t in texts if texts.count(t) > 1][:3]
    sentences = [s for text in texts for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 60]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated, sorted(repeated)[:3]


def test_what_is_said_of_several_lesions_is_said_once() -> None:
    # The breast example's five liver lesions first seen on 2023-09-01 (H3-H7 in its file).
    text = visible(_report(ROOT / "examples" / "breast_polyprogression.json")[2])
    assert "H3 (liver), H4 (liver), H5 (liver), H6 (liver), H7 (liver): unequivocal new" in text
    assert text.count("unequivocal new lesion, first seen 2023-09-01") == 1


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_internal_names_in_the_visible_text(path: Path) -> None:
    _, a, page = _report(path)
    text = visible(page)
    kb = default_knowledge_base()
    names = set(kb.evidence) | set(kb.statements)
    names |= {r.rule for r in a.recommendations} | {e.rule for e in a.explanations}
    shown = set(re.findall(r"\b[a-z][a-z0-9]*(?:[._][a-z0-9]+)+\b", text))
    assert not {n for n in names if "_" in n or "." in n} & shown
    assert not [w for w in shown if "_" in w], "a snake_case name is shown"
    assert "verified: false" not in text
    assert "(unverified)" not in text
    assert not re.search(r"(?<![\w/])/lesions/", text), "a raw field pointer is shown"


def test_unverified_sources_are_said_in_words() -> None:
    # The CRC liver SBRT schedule's source is not verified in the knowledge base.
    text = visible(_report(CRC)[2])
    assert "not yet verified against its source" in text


def test_tumour_board_review_is_a_step_of_the_plan_not_a_work_up_test() -> None:
    page = _report(CRC)[2]
    rows = _table_rows(page, '<table class="plan">')
    steps = [row[0] for row in rows if row]
    assert "Tumour-board review" in steps
    review = steps.index("Tumour-board review")
    assert all(s == "Work-up" for s in steps[:review])
    assert "Work-up" not in steps[review + 1 :]
    assert steps[review + 1 :].count("Local treatment") == 3  # L2 surgery or SBRT, L5 SBRT


# -- organs at risk -------------------------------------------------------------------------


def _table_rows(page: str, after: str) -> list[list[str]]:
    """The body rows of the first table after the heading `after`, as cell texts."""
    table = page.split(after, 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    ]


def test_sbrt_rows_show_the_organ_limits_for_their_fraction_count() -> None:
    # CRC L2: SBRT 60 Gy in 3 fractions; no organ recorded next to it, so the liver's own
    # limit applies: TG-101 critical volume 700 cc, 19.2 Gy in 3 fractions (constraints.yaml).
    _, a, page = _report(CRC)
    tg101 = next(r.number for r in a.references if r.id == "benedict_2010_tg101")
    rows = _table_rows(page, "<h2>Step 2 - Local treatment, lesion by lesion</h2>")
    assert [
        "L2",
        "liver",
        "CV700cc",
        "19.2 Gy in 3 fx",
        "basic liver function",
        f"[{tg101}]",
    ] in rows
    text = visible(page)
    assert text.count("record adjacent organs (or their distances)") == 1  # L2 and L5, once
    assert "No sourced limit in 4 fractions for: lung" in text  # L5: SBRT 48 Gy in 4


def test_an_organ_next_to_the_lesion_is_listed_first_and_marked() -> None:
    data = load_case(CRC).model_dump(mode="json")
    for lesion in data["lesions"]:
        if lesion["id"] == "L2":
            lesion["adjacent_organs"] = ["stomach"]
    case = Case.model_validate(data)
    a = assess(case)
    rows = _table_rows(render_html(a, all_figures(case, a), META), "<h2>Step 2 - Local treatment")
    # TG-101 stomach limits in 3 fractions (constraints.yaml): D10cc 16.5 Gy, Dmax 22.2 Gy.
    organs = [(r[1], r[2], r[3]) for r in rows if r[0] == "L2"]
    assert organs[:2] == [
        ("stomach (next to the lesion)", "D10cc", "16.5 Gy in 3 fx"),
        ("stomach (next to the lesion)", "Dmax", "22.2 Gy in 3 fx"),
    ]


# -- references and plots --------------------------------------------------------------------


def test_references_link_to_doi_and_pubmed() -> None:
    _, a, page = _report(CRC)
    assert a.references
    for ref in a.references:
        if ref.doi:
            assert f'href="https://doi.org/{ref.doi}"' in page, ref.doi
        if ref.pmid:
            assert f'href="https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"' in page, ref.pmid
    # Reference numbers in the text link to their entry in the list.
    assert '<a href="#ref-1">1</a>' in page
    assert '<li id="ref-1">' in page
    assert any(r.doi for r in a.references)
    assert any(r.pmid for r in a.references)


def test_the_pdf_keeps_the_links(tmp_path: Path) -> None:
    _need_pdf()
    case = load_case(CRC)
    a = assess(case)
    need(shutil.which("pdfinfo") is not None, "pdfinfo (poppler-utils) not installed")
    target = tmp_path / "report.pdf"
    target.write_bytes(render_pdf(a, all_figures(case, a), META))
    urls = subprocess.run(
        ["pdfinfo", "-url", str(target)], capture_output=True, text=True, check=True
    ).stdout
    for ref in a.references:
        if ref.doi:
            assert f"https://doi.org/{ref.doi}" in urls
        if ref.pmid:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/" in urls


def test_every_plot_has_a_legend_and_more_than_colour() -> None:
    case = load_case(CRC)
    a = assess(case)
    lesions, sums, grid = all_figures(case, a)
    for svg in (lesions, sums):
        assert 'class="legend"' in svg
        assert "stroke-dasharray" in svg  # lines told apart by dash pattern
    assert "L2 liver (progressing)" in lesions
    assert lesions.count("<rect x=") > 1
    assert "<path d=" in lesions
    assert "PD threshold (+20%, +5 mm)" in sums
    assert "time point with PD" in sums
    assert ">prog.</text>" in grid
    assert "prog.: progressing" in grid


# -- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_pdf_has_page_numbers_and_at_most_four_pages(path: Path, tmp_path: Path) -> None:
    _need_pdf()
    case, a, _ = _report(path)
    text = _pdf_text(render_pdf(a, all_figures(case, a), META), tmp_path)
    pages = text.count("\f")
    assert 1 <= pages <= 4, f"{path.name}: {pages} pages"
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text


# -- one report from every face --------------------------------------------------------------


def _sign_in(client: Any, token: str) -> None:
    csrf = CSRF.search(client.get("/ui/sign-in").text)
    assert csrf is not None
    form = {"csrf_token": csrf.group(1), "token": token, "next": "/ui/"}
    assert client.post("/ui/sign-in", data=form).status_code == 303


def test_the_ui_and_the_api_give_the_same_report_with_version_and_author(tmp_path: Path) -> None:
    with ui_site(tmp_path) as (client, tokens, registry):
        registry.create_case(load_case(CRC), "dr-seed")
        edited = load_case(CRC).model_copy(update={"clinically_deteriorating": False})
        registry.update_case("crc-oligoprogression-01", edited, "dr-edit", 1)
        api = client.get(
            "/v1/cases/crc-oligoprogression-01/report.html",
            headers={"authorization": f"Bearer {tokens['reader']}"},
        )
        _sign_in(client, tokens["reader"])
        ui = client.get("/ui/cases/crc-oligoprogression-01/report.html")
    assert api.status_code == ui.status_code == 200, api.text[:300]
    assert api.text == ui.text
    cells = header_cells(ui.text)
    assert cells["Case version"] == "2"
    assert cells["Author"] == "dr-edit"
    assert cells["Patient"] == "EX-CRC-01"
