"""Accessibility of the web UI (issue 22): axe-core (shipped by axe-playwright-python, run in
Debian's chromium) on the pages a clinician uses, plus keyboard focus on the case form.

axe-core checks WCAG 2 A/AA rules: every input has a label, text contrast is at least 4.5:1
(3:1 for large text), landmarks, headings, ARIA use. Every violation is reported by rule and
element; none is allowed at "serious" or "critical" impact, and none of the label, contrast and
name rules at any impact.
"""

from __future__ import annotations

from typing import Any

import pytest

import test_ui_browser
from conftest import need
from oligoguide.model import load_case
from test_ui_browser import EXAMPLES, Server, _page, _sign_in

browser = test_ui_browser.browser
server = test_ui_browser.server
ALWAYS = {"label", "color-contrast", "button-name", "link-name", "select-name", "image-alt"}


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
    found = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical") or v["id"] in ALWAYS:
            where = "; ".join(", ".join(n["target"]) for n in v["nodes"][:3])
            found.append(f"{v['id']} ({v['impact']}): {v['help']} at {where}")
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/ui/",
        "/ui/cases/new",
        "/ui/cases/{case}",
        "/ui/cases/{case}/assessment",
        "/ui/cases/{case}/edit",
        "/ui/import-sr",
        "/ui/cases/{case}/import-sr",
        "/ui/ask",
        "/ui/dose",
        "/ui/kb",
    ],
)
def test_pages_have_no_serious_accessibility_violations(
    browser: Any, server: Server, path: str
) -> None:
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        need(False, "axe-playwright-python not installed")
    case = load_case(EXAMPLES / "crc_oligoprogression.json")
    page = _page(browser)
    _sign_in(page, server, server.clinician_token)
    if "{case}" in path:
        page.request.post(
            f"{server.url}/v1/cases",
            data=case.model_dump_json(),
            headers={
                "Authorization": f"Bearer {server.clinician_token}",
                "Content-Type": "application/json",
            },
        )
    page.goto(server.url + path.format(case=case.case_id))
    assert _violations(page) == []


def test_the_check_finds_a_planted_violation(browser: Any) -> None:
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        need(False, "axe-playwright-python not installed")
    page = _page(browser)
    page.set_content(
        "<html lang=en><title>t</title><main><input type=text>"
        "<p style='color:#ddd;background:#fff'>faint</p></main></html>"
    )
    found = " ".join(_violations(page))
    assert "label" in found
    assert "color-contrast" in found


def test_the_form_is_usable_by_keyboard(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page = _page(browser)
    _sign_in(page, server, server.clinician_token)
    page.goto(server.url + "/ui/cases/new")
    page.locator("#f-case_id").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#f-case_id")).not_to_be_focused()  # focus moves on, nothing saved
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("f-")  # to the next field of the form
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"  # the focused field is visibly marked
