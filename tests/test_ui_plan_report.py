"""Issue 24: the case page attaches a plan's DICOM RT files to the report (ui/plan_report.py).

The RT files are the analytic ones of tests/test_dicom_rt.py (builders imported, not copied). The
report must be the REST report with the same files (POST /v1/cases/{id}/report.{fmt}): the same
check and the same rendering.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pydicom")
pytest.importorskip("fastapi")

import test_ui_browser
from oligoguide.render.pdf import pdf_problem
from service_helpers import ui_site
from test_dicom_rt import dose_file, files  # noqa: F401  (files: the fixture RS, RD, RP)
from test_dicom_upload_limit import big_plan  # noqa: F401  (a 5.3 MB RTDOSE)

browser = test_ui_browser.browser  # the browser and live server of the UI browser tests
server = test_ui_browser.server
EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
SECTION = re.compile(r"Treatment plan dose check.*?<h2 class=\"part\">Details", re.DOTALL)


def _csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _parts(paths: dict[str, Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [(part, (p.name, p.read_bytes(), "application/dicom")) for part, p in paths.items()]


def _signed_in(web: Any, tokens: dict[str, str]) -> tuple[str, str]:
    """A stored case, and the UI signed in as the reader: (case id, CSRF token)."""
    auth = {"authorization": f"Bearer {tokens['clinician']}"}
    made = web.post("/v1/cases", json=json.loads(EXAMPLE.read_text()), headers=auth)
    assert made.status_code == 201, made.text
    form = web.get("/ui/sign-in")
    web.post(
        "/ui/sign-in",
        data={"csrf_token": _csrf_of(form.text), "token": tokens["reader"], "next": "/ui/"},
    )
    return made.json()["case_id"], _csrf_of(form.text)


def test_the_case_page_attaches_rt_files_to_the_report(
    files: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    sent = {"rtstruct": files["rs"], "rtdose": files["rd"], "rtplan": files["rp"]}
    with ui_site(tmp_path) as (web, tokens, _):
        case_id, _ = _signed_in(web, tokens)
        page = web.get(f"/ui/cases/{case_id}")
        assert page.status_code == 200
        html = page.text
        form = html[html.index('action="/ui/cases/' + case_id + '/plan-report"') - 40 :]
        assert 'enctype="multipart/form-data"' in form[:200]
        for part in ("rtstruct", "rtdose", "rtplan", "plan_fractions"):
            assert f'<label for="pr-{part}">' in html
        csrf = _csrf_of(html)

        def post(paths: dict[str, Path], **form: str) -> Any:
            data = {"csrf_token": csrf, **form}
            return web.post(f"/ui/cases/{case_id}/plan-report", data=data, files=_parts(paths))

        done = post(sent, format="html")
        assert done.status_code == 200, done.text
        assert done.headers["content-type"].startswith("text/html")
        assert done.text.index("<h2>Plan</h2>") < done.text.index("Treatment plan dose check")
        assert "exceeds limit" in done.text
        # The REST report with the same files: the same plan check section.
        rest = web.post(
            f"/v1/cases/{case_id}/report.html",
            files=_parts(sent),
            headers={"authorization": f"Bearer {tokens['reader']}"},
        )
        ui_section, rest_section = SECTION.search(done.text), SECTION.search(rest.text)
        assert ui_section is not None
        assert rest_section is not None
        assert ui_section.group(0) == rest_section.group(0)
        pdf = post(sent, format="pdf")
        if pdf_problem() is None:
            assert pdf.status_code == 200
            assert pdf.content.startswith(b"%PDF")
            assert "attachment" in pdf.headers["content-disposition"]
        else:
            assert pdf.status_code == 503
        # What to fix: the form again, naming the field, the file and the attribute.
        missing = post({"rtstruct": files["rs"]}, format="html")
        assert missing.status_code == 422
        assert "choose the RTDOSE file" in missing.text
        assert 'aria-invalid="true" aria-describedby="pr-rtdose-error"' in missing.text
        relative = dose_file(tmp_path / "x.dcm", units="RELATIVE")
        bad = post({"rtstruct": files["rs"], "rtdose": relative}, plan_fractions="3")
        assert bad.status_code == 400
        assert "rtdose x.dcm: DoseUnits" in bad.text
        assert 'role="alert"' in bad.text
        fractions = post({"rtstruct": files["rs"], "rtdose": files["rd"]}, plan_fractions="61")
        assert fractions.status_code == 422
        assert "enter a whole number from 1 to 60" in fractions.text
        assert 'value="61"' in fractions.text
        no_plan = post({"rtstruct": files["rs"], "rtdose": files["rd"]})
        assert no_plan.status_code == 422
        assert "fraction" in no_plan.text
        forged = web.post(f"/ui/cases/{case_id}/plan-report", files=_parts(sent))
        assert forged.status_code == 403
        unknown = web.post("/ui/cases/nope/plan-report", data={"csrf_token": csrf})
        assert unknown.status_code == 404
        assert web.get(f"/ui/cases/{case_id}/plan-report").status_code == 200


def test_a_real_sized_dose_grid_through_the_case_page(
    big_plan: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    """5.3 MB: over the 2 MB body limit of other routes, within the upload limit."""
    with ui_site(tmp_path) as (web, tokens, _):
        case_id, _ = _signed_in(web, tokens)
        csrf = _csrf_of(web.get(f"/ui/cases/{case_id}").text)
        done = web.post(
            f"/ui/cases/{case_id}/plan-report",
            data={"csrf_token": csrf, "format": "html"},
            files=_parts(big_plan),
        )
        assert done.status_code == 200, done.text[:500]
        assert "Treatment plan dose check" in done.text


def test_attaching_from_the_case_page_in_a_browser(
    files: dict[str, Path],  # noqa: F811
    browser: Any,
    server: Any,
) -> None:
    """By label, as a user would; the case page with the form and the form page with an error
    pass axe-core (no serious violation)."""
    case = json.loads(EXAMPLE.read_text())
    page = test_ui_browser._page(browser)
    test_ui_browser._sign_in(page, server, server.clinician_token)
    page.request.post(
        f"{server.url}/v1/cases",
        data=json.dumps(case),
        headers={
            "Authorization": f"Bearer {server.clinician_token}",
            "Content-Type": "application/json",
        },
    )
    page.goto(f"{server.url}/ui/cases/{case['case_id']}")
    page.get_by_label("Structure set (RTSTRUCT)").set_input_files(str(files["rs"]))
    page.get_by_label("Dose grid (RTDOSE)").set_input_files(str(files["rd"]))
    page.get_by_label("Plan (RTPLAN, optional: the number of fractions)").set_input_files(
        str(files["rp"])
    )
    page.get_by_role("button", name="HTML report with the plan check").click()
    page.wait_for_selector("text=Treatment plan dose check")
    assert "SpinalCord" in page.content()
    try:
        import test_ui_accessibility as a11y
    except ImportError:  # pragma: no cover
        return
    pytest.importorskip("axe_playwright_python")
    page.goto(f"{server.url}/ui/cases/{case['case_id']}")
    page.get_by_label("Structure set (RTSTRUCT)").set_input_files(str(files["rs"]))
    page.get_by_role("button", name="HTML report with the plan check").click()
    page.wait_for_selector("#pr-rtdose-error")
    assert a11y._violations(page) == []
