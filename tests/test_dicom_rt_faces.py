"""Issue 24, RT plan dose check: the REST, UI and report faces of `check_plan`.

The RT files are the synthetic ones of tests/test_dicom_rt.py (its builders imported, not
copied): a uniform dose gradient along x, dose = A + B*x Gy, so each box's metrics are known
analytically (see that module). Posted through POST /v1/dose/check-plan, the dose page's upload
form and POST /v1/cases/{id}/report.{fmt}.
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
from oligoguide.dicom.rt_check import check_plan
from oligoguide.dose import default_dose_tables
from oligoguide.render.pdf import pdf_problem
from service_helpers import READER, client, ui_site
from test_dicom_rt import (
    CORD_AREA_YZ,
    DOSE_TOL,
    analytic_d_cc,
    box,
    dose_file,
    files,  # noqa: F401  (the fixture: RS.dcm, RD.dcm, RP.dcm)
    struct_file,
)

browser = test_ui_browser.browser  # the browser and live server of the UI browser tests
server = test_ui_browser.server
AUTH = {"authorization": "Bearer r-token"}
EXAMPLE = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"


def _parts(paths: dict[str, Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [(part, (p.name, p.read_bytes(), "application/dicom")) for part, p in paths.items()]


def _post(api: Any, url: str, paths: dict[str, Path], **form: str) -> Any:
    return api.post(url, files=_parts(paths), data=form, headers=AUTH)


def test_rest_check_plan_gives_the_cli_report(files: dict[str, Path]) -> None:  # noqa: F811
    api = client(READER)
    sent = {"rtstruct": files["rs"], "rtdose": files["rd"], "rtplan": files["rp"]}
    answer = _post(api, "/v1/dose/check-plan", sent)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    # The same function as the CLI's --format json, files named by their uploaded names.
    expected = json.loads(check_plan(files["rs"], files["rd"], files["rp"]).model_dump_json())
    assert (data["rtstruct"], data["rtdose"]) == ("rtstruct RS.dcm", "rtdose RD.dcm")
    assert data["rtplan"] == "rtplan RP.dcm"
    assert "RP.dcm FractionGroupSequence[0].NumberOfFractionsPlanned" in data["fractions_from"]
    for key in ("fractions", "checks", "structures", "unrecognised", "all_passed", "cautions"):
        assert data[key] == expected[key], key
    # The analytic values of the cord box (x 13..21 mm, 17-20 Gy voxels), as in test_dicom_rt.
    tables = default_dose_tables()
    cord = {c["metric"]: c for c in data["checks"] if c["structure"] == "SpinalCord"}
    for metric, cc in (("Dmax", 0.035), ("D0.35cc", 0.35), ("D1.2cc", 1.2)):
        assert abs(cord[metric]["value_gy"] - analytic_d_cc(cc, 21, CORD_AREA_YZ)) <= DOSE_TOL
        limit = tables.limit("spinal_cord", metric, 3)
        assert limit is not None
        assert cord[metric]["limit_gy"] == limit.limit_gy
        assert cord[metric]["source"] == "benedict_2010_tg101"
    assert cord["D0.35cc"]["status"] == "fail"
    assert {u["structure"] for u in data["unrecognised"]} == {"Box", "Lung", "Helper_ring"}
    # Without the plan, the fraction count as a form field; without either, 422 naming it.
    alone = _post(api, "/v1/dose/check-plan", {"rtstruct": files["rs"], "rtdose": files["rd"]})
    assert alone.status_code == 422
    assert alone.json()["errors"][0]["pointer"] == "/fractions"
    by_field = _post(
        api,
        "/v1/dose/check-plan",
        {"rtstruct": files["rs"], "rtdose": files["rd"]},
        fractions="3",
    )
    assert by_field.status_code == 200
    assert by_field.json()["fractions_from"] == "--fractions"
    assert "/v1/dose/check-plan" in api.get("/openapi.json").json()["paths"]


def test_rest_bad_files_are_400_naming_file_and_attribute(
    files: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    api = client(READER)
    no_scaling = dose_file(tmp_path / "noscale.dcm", scaling=None)
    answer = _post(
        api, "/v1/dose/check-plan", {"rtstruct": files["rs"], "rtdose": no_scaling}, fractions="3"
    )
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["detail"] == "rtdose noscale.dcm: DoseGridScaling: missing"
    assert problem["errors"][0]["pointer"] == "/rtdose"
    assert str(tmp_path) not in answer.text
    assert "upload-" not in answer.text
    other = struct_file(tmp_path / "other.dcm", {"Cord": [box(13, 21, -5, 5, 0)]}, frame="1.2.3")
    mismatch = _post(api, "/v1/dose/check-plan", {"rtstruct": other, "rtdose": files["rd"]})
    assert mismatch.status_code == 400
    detail = mismatch.json()["detail"]
    assert detail.startswith("rtstruct other.dcm: StructureSetROISequence[0]")
    assert "ReferencedFrameOfReferenceUID" in detail
    assert "rtdose RD.dcm" in detail
    noise = tmp_path / "noise.dcm"
    noise.write_bytes(b"not dicom at all")
    garbage = _post(api, "/v1/dose/check-plan", {"rtstruct": noise, "rtdose": files["rd"]})
    assert garbage.status_code == 400
    assert garbage.json()["detail"].startswith("rtstruct noise.dcm: ")
    swapped = _post(api, "/v1/dose/check-plan", {"rtstruct": files["rd"], "rtdose": files["rd"]})
    assert swapped.status_code == 400
    assert "Modality: is 'RTDOSE', expected RTSTRUCT" in swapped.json()["detail"]
    missing = _post(api, "/v1/dose/check-plan", {"rtstruct": files["rs"]}, fractions="3")
    assert missing.status_code == 422
    too_many = _post(
        api,
        "/v1/dose/check-plan",
        {"rtstruct": files["rs"], "rtdose": files["rd"], "rtplan": files["rp"]},
        fractions="5",
    )
    assert too_many.status_code == 400
    assert "NumberOfFractionsPlanned: is 3, but fractions is 5" in too_many.json()["detail"]


def test_rest_check_plan_needs_authentication(files: dict[str, Path]) -> None:  # noqa: F811
    api = client(READER)
    sent = _parts({"rtstruct": files["rs"], "rtdose": files["rd"]})
    anonymous = api.post("/v1/dose/check-plan", files=sent, data={"fractions": "3"})
    assert anonymous.status_code == 401
    wrong = api.post(
        "/v1/dose/check-plan",
        files=sent,
        data={"fractions": "3"},
        headers={"authorization": "Bearer nope"},
    )
    assert wrong.status_code == 401


def _csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_ui_dose_page_checks_a_plan(files: dict[str, Path], tmp_path: Path) -> None:  # noqa: F811
    with ui_site(tmp_path) as (web, tokens, _):
        form = web.get("/ui/sign-in")
        web.post(
            "/ui/sign-in",
            data={"csrf_token": _csrf_of(form.text), "token": tokens["reader"], "next": "/ui/"},
        )
        page = web.get("/ui/dose")
        assert page.status_code == 200
        assert "Check a treatment plan (DICOM RT)" in page.text
        for part in ("rtstruct", "rtdose", "rtplan"):
            assert f'<label for="d-{part}">' in page.text
        csrf = _csrf_of(page.text)

        def upload(paths: dict[str, Path], **form: str) -> Any:
            data = {"csrf_token": csrf, "action": "check_plan", **form}
            return web.post("/ui/dose", data=data, files=_parts(paths))

        done = upload({"rtstruct": files["rs"], "rtdose": files["rd"], "rtplan": files["rp"]})
        assert done.status_code == 200, done.text
        html = done.text
        assert "Not all constraints pass" in html
        row = re.search(
            r"<tr class=\"status-fail\"><td>spinal cord</td><td>SpinalCord</td>"
            r"<td>D0.35cc</td><td>([\d.]+) Gy</td><td>18 Gy</td>",
            html,
        )
        assert row is not None
        assert abs(float(row.group(1)) - analytic_d_cc(0.35, 21, CORD_AREA_YZ)) <= DOSE_TOL
        assert 'href="/ui/kb#ev-benedict_2010_tg101"' in html
        assert "Not evaluable" in html
        assert "liver" in html
        assert "Structure names not recognised" in html
        assert "Helper_ring" in html
        assert "SpinalCord_PRV05" in html
        # A bad file: the form again, naming the file and the attribute.
        bad = upload(
            {"rtstruct": files["rs"], "rtdose": dose_file(tmp_path / "x.dcm", units="RELATIVE")},
            plan_fractions="3",
        )
        assert bad.status_code == 400
        assert "rtdose x.dcm: DoseUnits" in bad.text
        missing = upload({"rtstruct": files["rs"]})
        assert missing.status_code == 422
        assert "choose the RTDOSE file" in missing.text
        no_csrf = web.post(
            "/ui/dose",
            data={"action": "check_plan"},
            files=_parts({"rtstruct": files["rs"], "rtdose": files["rd"]}),
        )
        assert no_csrf.status_code == 403


def test_report_with_an_attached_plan(files: dict[str, Path], tmp_path: Path) -> None:  # noqa: F811
    with ui_site(tmp_path) as (web, tokens, _):
        auth = {"authorization": f"Bearer {tokens['clinician']}"}
        case = json.loads(EXAMPLE.read_text())
        made = web.post("/v1/cases", json=case, headers=auth)
        assert made.status_code == 201, made.text
        case_id = made.json()["case_id"]
        sent = _parts({"rtstruct": files["rs"], "rtdose": files["rd"], "rtplan": files["rp"]})
        html = web.post(f"/v1/cases/{case_id}/report.html", files=sent, headers=auth)
        assert html.status_code == 200, html.text
        text = html.text
        assert "Treatment plan dose check" in text
        # After the plan table, before the details.
        assert text.index("<h2>Plan</h2>") < text.index("Treatment plan dose check")
        assert text.index("Treatment plan dose check") < text.index('<h2 class="part">Details')
        assert "exceeds limit" in text
        assert "SpinalCord" in text
        assert "https://doi.org/" in text
        pdf = web.post(f"/v1/cases/{case_id}/report.pdf", files=sent, headers=auth)
        if pdf_problem() is None:
            assert pdf.status_code == 200
            assert pdf.content.startswith(b"%PDF")
            assert len(pdf.content) > len(
                web.get(f"/v1/cases/{case_id}/report.pdf", headers=auth).content
            )
        else:
            assert pdf.status_code == 503
        plain = web.get(f"/v1/cases/{case_id}/report.html", headers=auth)
        assert "Treatment plan dose check" not in plain.text
        data = web.post(f"/v1/cases/{case_id}/report.json", files=sent, headers=auth).json()
        assert data["plan_dose_check"]["rtstruct"] == "rtstruct RS.dcm"
        assert (
            data["disease_state"]
            == web.get(f"/v1/cases/{case_id}/report.json", headers=auth).json()["disease_state"]
        )
        bad = web.post(
            f"/v1/cases/{case_id}/report.html",
            files=_parts({"rtstruct": files["rd"], "rtdose": files["rd"]}),
            data={"fractions": "3"},
            headers=auth,
        )
        assert bad.status_code == 400
        assert bad.json()["detail"].startswith("rtstruct RD.dcm: Modality")
        unknown = web.post("/v1/cases/nope/report.html", files=sent, headers=auth)
        assert unknown.status_code == 404
        assert web.post(f"/v1/cases/{case_id}/report.html", files=sent).status_code == 401


def test_the_plan_check_result_passes_axe(
    files: dict[str, Path],  # noqa: F811
    browser: Any,
    server: Any,
) -> None:
    """The dose page with a plan check's table and lists: no serious axe-core violation (the
    empty page is in tests/test_ui_accessibility.py)."""
    pytest.importorskip("axe_playwright_python")
    import test_ui_accessibility as a11y

    page = test_ui_browser._page(browser)
    test_ui_browser._sign_in(page, server, server.clinician_token)
    page.goto(server.url + "/ui/dose")
    page.set_input_files("#d-rtstruct", str(files["rs"]))
    page.set_input_files("#d-rtdose", str(files["rd"]))
    page.set_input_files("#d-rtplan", str(files["rp"]))
    page.get_by_role("button", name="Check the plan").click()
    page.wait_for_selector("table.plan-check-table")
    assert a11y._violations(page) == []
