"""The web UI in a real browser: Debian's chromium, headless, against a server on loopback.

One journey, as a radiation oncologist preparing a tumour board: sign in, import a case (native
JSON and a FHIR Bundle), see the badge and the plots, open the plan, download the PDF (and read
it with pdftotext), ask a question, enter a case with a bad value; a reader is offered no writes.
Screenshots of the main pages go to docs/screenshots/ (committed; the README links them).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from conftest import need
from oligoguide.fhir.case_to_bundle import case_to_bundle
from oligoguide.model import load_case
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAPTOP = {"width": 1440, "height": 900}


@dataclass(frozen=True)
class Server:
    url: str
    clinician_token: str
    reader_token: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("ui")
    db = f"sqlite:///{folder / 'registry.sqlite3'}"
    with Registry.open(db) as registry:
        clinician = registry.create_token("dr.rossi", "clinician")
        reader = registry.create_token("fellow.lee", "reader")
    port = _free_port()
    app, registry = build_app(Settings(db_url=db, port=port))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert thread.is_alive(), "the test server stopped"
        assert time.monotonic() < deadline, "the test server did not start in time"
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", clinician, reader)
    uv.should_exit = True
    thread.join(timeout=10)
    registry.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium")
    need(chromium is not None, "chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _page(browser: Any, **options: Any) -> Any:
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors  # CSP violations show up here
    return page


def _shot(page: Any, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _sign_in(page: Any, server: Server, token: str) -> None:
    page.goto(server.url + "/")
    assert "/ui/sign-in" in page.url  # accounts exist: the UI asks who you are
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/ui/")


def _nav(page: Any, name: str) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def _import(page: Any, path: Path) -> None:
    _nav(page, "Import").click()
    page.get_by_label("Case file").set_input_files(str(path))
    page.get_by_role("button", name="Import and assess").click()


def test_tumour_board_journey(browser: Any, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = _page(browser)
    page.goto(server.url + "/ui/sign-in")
    _shot(page, "sign-in")
    _sign_in(page, server, server.clinician_token)
    expect(page.get_by_text("No cases yet.")).to_be_visible()  # the empty state

    # Import a native case, then a FHIR Bundle (made from another example).
    _import(page, EXAMPLES / "crc_oligoprogression.json")
    expect(page.get_by_role("heading", level=1)).to_contain_text("crc-oligoprogression-01")
    bundle = tmp_path / "breast.fhir.json"
    bundle.write_text(
        json.dumps(case_to_bundle(load_case(EXAMPLES / "breast_polyprogression.json")))
    )
    _import(page, bundle)
    expect(page.locator("h1 .badge")).to_have_text("polyprogression")
    _import(page, EXAMPLES / "nsclc_egfr_brain_oligoprogression.json")
    _import(page, EXAMPLES / "renal_single_scan.json")

    # The case list: search and badges.
    _nav(page, "Cases").click()
    expect(page.locator("table.cases tbody tr")).to_have_count(4)
    _shot(page, "case-list")
    page.get_by_label("Search").fill("crc")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.cases tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".badge")).to_have_text("oligoprogression")

    # The case: badge, lesion table, the three plots.
    rows.first.get_by_role("link").click()
    expect(page.locator("h1 .badge")).to_have_text("oligoprogression")
    expect(page.locator("tr.progressing")).to_have_count(2)
    plots = page.locator("figure.figure svg[role=img]")
    expect(plots).to_have_count(3)
    expect(plots.first).to_be_visible()
    assert plots.first.bounding_box()["height"] > 100
    _shot(page, "case", full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1080})  # a tumour-board screen
    _shot(page, "case-board-screen")
    page.set_viewport_size(LAPTOP)

    # The plan: dose per lesion, systemic action, references.
    page.get_by_role("link", name="Open the plan").click()
    expect(
        page.get_by_role("heading", name="Step 2 - Local treatment, lesion by lesion")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Lesion L2")).to_be_visible()
    expect(page.locator(".dose").first).to_contain_text("Gy in")
    expect(page.get_by_role("heading", name="Step 3 - Systemic therapy")).to_be_visible()
    expect(page.locator("ol.references li a[href^='https://doi.org/']").first).to_be_visible()
    _shot(page, "plan", full_page=True)

    # The PDF: downloaded, and readable by pdftotext with the plan and the references.
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF report").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Local treatment, lesion by lesion" in text
    assert "References" in text
    assert re.search(r"doi(?:\.org/|:)10\.\d{4,}/", text)
    assert "SBRT" in text

    # The HTML report opens with the same content.
    page.goto(page.url.replace("/assessment", "/report.html"))
    expect(page.get_by_role("heading", name="References")).to_be_visible()
    page.go_back()

    assert not page.console_errors, page.console_errors


def test_ask_shows_cited_answer(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page = _page(browser)
    _sign_in(page, server, server.clinician_token)
    _nav(page, "Ask").click()
    page.get_by_label("Question").fill(
        "Patient with EGFR-mutant NSCLC on osimertinib has one growing 12 mm brain metastasis; "
        "the rest is stable. What should we do?"
    )
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("heading", name="Answer", exact=True)).to_be_visible(timeout=30_000)
    citations = page.locator(".answer sup.refs a")
    assert citations.count() >= 3
    first = citations.first.get_attribute("href")
    assert first is not None
    expect(page.locator(f"li{first}")).to_contain_text(re.compile(r"doi\.org/|PubMed"))
    _shot(page, "ask", full_page=True)
    assert not page.console_errors, page.console_errors


def test_bad_value_is_shown_at_the_field(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page = _page(browser)
    _sign_in(page, server, server.clinician_token)
    _nav(page, "New case").click()
    page.get_by_label("Case ID").fill("board-2024-07")
    page.locator("#f-patient-id").fill("P-0042")
    page.get_by_label("ECOG").fill("7")
    page.get_by_label("Primary site").select_option("nsclc")
    page.locator("#f-lesions-0-id").fill("L1")
    page.locator("#f-lesions-0-site").select_option("lung")
    page.locator("#f-lesions-0-target").check()
    page.locator("#f-lesions-0-measurements-0-date").fill("2024-01-10")
    page.locator("#f-lesions-0-measurements-0-diameter_mm").fill("21")
    # JS adds a row: a fourth measurement for lesion 1.
    page.locator("fieldset.lesion").first.get_by_role("button", name="Add a measurement").click()
    page.locator("#f-lesions-0-measurements-3-date").fill("2024-04-10")
    page.locator("#f-lesions-0-measurements-3-diameter_mm").fill("-4")
    page.get_by_role("button", name="Save and assess").click()

    # Blank rows are dropped: measurement 4 becomes measurement 2, and the message sits there.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Lesion 1, measurement 2: Diameter (mm)")
    field = page.locator("#f-lesions-0-measurements-1-diameter_mm")
    expect(field).to_have_value("-4")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-lesions-0-measurements-1-diameter_mm-error")).to_contain_text(
        "greater than or equal to 0"
    )
    expect(page.locator("#f-patient-ecog-error")).to_contain_text("less than or equal to 4")
    _shot(page, "new-case-errors")
    page.locator("fieldset.lesion").first.scroll_into_view_if_needed()
    _shot(page, "new-case-field-error")

    # The summary link takes the keyboard to the field; fix both values and save.
    summary.get_by_role("link", name=re.compile("measurement 2")).click()
    field.fill("26")
    page.get_by_label("ECOG").fill("1")
    page.get_by_role("button", name="Save and assess").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("board-2024-07")
    expect(page.get_by_role("status")).to_contain_text("entered and assessed")


def test_dose_and_knowledge_pages(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page = _page(browser)
    _sign_in(page, server, server.clinician_token)
    _nav(page, "Dose").click()
    page.get_by_label("Total dose (Gy)").fill("48")
    page.get_by_label("Fractions", exact=True).fill("4")
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator(".result .big")).to_contain_text("BED 105.6 Gy")
    page.get_by_label("Site").select_option("lung")
    page.get_by_label("Diameter (mm)").fill("22")
    page.get_by_role("button", name="Suggest a schedule").click()
    expect(page.locator(".result .big").last).to_contain_text("Gy in")
    _shot(page, "dose")

    _nav(page, "Knowledge base").click()
    page.get_by_label("Search evidence").fill("SABR-COMET")
    page.get_by_role("button", name="Search").click()
    first = page.locator("article.evidence").first
    expect(first).to_contain_text("Where it is used")
    expect(first.locator(".ids")).to_contain_text(re.compile(r"doi\.org|pubmed"))
    _shot(page, "knowledge-base")
    assert not page.console_errors, page.console_errors


def test_reader_is_offered_no_writes(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page = _page(browser)
    _sign_in(page, server, server.reader_token)
    expect(page.get_by_role("link", name="New case")).to_have_count(0)
    expect(page.get_by_role("link", name="Import")).to_have_count(0)
    page.goto(server.url + "/ui/cases/new")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(server.url + "/ui/")
    assert "/ui/sign-in" in page.url


def test_keyboard_reaches_content_first(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page = _page(browser)
    _sign_in(page, server, server.clinician_token)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the page content, not the menu
    assert page.evaluate("document.activeElement.closest('main') !== null")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible


def test_enter_does_not_save_and_a_future_date_is_flagged(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page = _page(browser)
    _sign_in(page, server, server.clinician_token)
    page.goto(server.url + "/ui/cases/new")
    expect(page.locator("button.enter-guard")).to_be_hidden()  # the disabled default button
    expect(page.locator("button.enter-guard")).to_be_disabled()
    page.get_by_label("Case ID").fill("enter-half-filled")
    page.locator("#f-patient-id").fill("P-1")
    page.locator("#f-patient-id").press("Enter")  # a half-filled case: nothing is saved
    page.locator("#f-cancer-histology").fill("adenocarcinoma")
    page.locator("#f-cancer-histology").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("New case")
    expect(page.locator("#error-summary")).to_have_count(0)
    assert page.url.endswith("/ui/cases/new")
    expect(page.locator("#f-patient-id")).to_have_value("P-1")
    # The date picker's value is ISO whatever the locale; a date after today shows at once.
    birth = page.locator("#f-patient-birth_date")
    birth.fill("2999-01-01")
    birth.dispatch_event("change")
    expect(page.locator("#f-patient-birth_date-future")).to_contain_text("after today")
    birth.fill("1960-01-15")
    birth.dispatch_event("change")
    expect(page.locator("#f-patient-birth_date-future")).to_have_count(0)
    page.goto(server.url + "/ui/?q=enter-half-filled")
    expect(page.get_by_text("enter-half-filled")).to_have_count(0)
    assert not page.console_errors, page.console_errors


def test_compare_two_versions(browser: Any, server: Server) -> None:
    """A second version (via the REST API) re-reads L2's last diameter 19 -> 24 mm; the case
    page links the comparison, which lists that measurement as changed."""
    import httpx
    from playwright.sync_api import expect

    data = json.loads((EXAMPLES / "crc_oligoprogression.json").read_text())
    data["case_id"] = "crc-history-01"
    auth = {"Authorization": f"Bearer {server.clinician_token}"}
    created = httpx.post(f"{server.url}/v1/cases", json=data, headers=auth, timeout=30)
    assert created.status_code == 201, created.text
    data["lesions"][1]["measurements"][-1]["diameter_mm"] = 24  # L2 on 2023-10-19
    edited = httpx.put(
        f"{server.url}/v1/cases/crc-history-01",
        json=data,
        headers=auth | {"If-Match": '"1"'},
        timeout=30,
    )
    assert edited.status_code == 200, edited.text

    page = _page(browser)
    _sign_in(page, server, server.reader_token)
    page.goto(server.url + "/ui/cases/crc-history-01")
    page.get_by_role("link", name="Compare with previous").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("from version 1 to version 2")
    row = page.get_by_role("row").filter(has_text="Lesion L2, measurement 2023-10-19")
    expect(row).to_contain_text("changed")
    expect(row.get_by_role("cell", name="19 mm", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="24 mm", exact=True)).to_be_visible()
    _shot(page, "case-compare", full_page=True)
    page.get_by_role("link", name="Open version 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    expect(page.get_by_text("an earlier version, read-only")).to_be_visible()
    assert not page.console_errors, page.console_errors
