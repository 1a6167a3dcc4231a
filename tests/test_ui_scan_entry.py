"""Entry by scan (issue 22): a scan is one row of the form, a date typed once and one value
per lesion; the cells become each lesion's dated measurement, as if typed lesion by lesion.

Expected states follow RECIST 1.1 (Eisenhauer 2009): a target sum 20% and 5 mm above the nadir
is progression (40 -> 52 mm is +30%, +12 mm).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oligoguide.store import Registry
from oligoguide.store.errors import CaseNotFound
from service_helpers import ui_site
from test_ui_case_edit import CSRF, _read_form, _sign_in

Site = tuple[TestClient, dict[str, str], Registry]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with ui_site(tmp_path) as opened:
        client, tokens, _ = opened
        _sign_in(client, tokens["clinician"])
        yield opened


def _csrf(client: TestClient, path: str) -> str:
    found = CSRF.search(client.get(path).text)
    assert found is not None
    return found.group(1)


def _new_case_by_scan(client: TestClient) -> dict[str, list[str]]:
    """A breast cancer patient on letrozole + palbociclib, two lesions, two scans typed by scan."""
    return {
        "csrf_token": [_csrf(client, "/ui/cases/new")],
        "/case_id": ["scan-1"],
        "/patient/id": ["P-scan-1"],
        "/cancer/primary_site": ["breast"],
        "/systemic_therapies/0/agents": ["letrozole, palbociclib"],
        "/systemic_therapies/0/classes": ["hormonal", "targeted"],
        "/systemic_therapies/0/start": ["2025-01-10"],
        "/lesions/0/id": ["L1"],
        "/lesions/0/site": ["liver"],
        "/lesions/1/id": ["L2"],
        "/lesions/1/site": ["bone"],
        "scan/0/date": ["2025-01-08"],
        "scan/0/modality": ["CT"],
        "scan/0/regions": ["chest", "abdomen", "pelvis"],
        "scan/0/lesion/0/diameter_mm": ["22"],
        "scan/0/lesion/1/diameter_mm": ["18"],
        "scan/1/date": ["2025-04-10"],
        "scan/1/modality": ["CT"],
        "scan/1/regions": ["chest", "abdomen", "pelvis"],
        "scan/1/lesion/0/diameter_mm": ["20"],
        "scan/1/lesion/1/diameter_mm": ["20"],
    }


def test_the_form_offers_one_row_per_scan_with_a_cell_per_lesion(site: Site) -> None:
    client, _, _ = site
    page = client.get("/ui/cases/new").text
    assert "Scans: one row per scan" in page
    for name in ("scan/0/date", "scan/1/date", "scan/0/lesion/0/diameter_mm", "scan/1/regions"):
        assert f'name="{name}"' in page, name
    assert 'data-plausible-max="200"' in page  # flagged at once by ui.js (browser test)


def test_a_new_case_entered_by_scan_has_each_lesions_dated_measurements(site: Site) -> None:
    client, _, registry = site
    response = client.post("/ui/cases/new", data=_new_case_by_scan(client))
    assert response.status_code == 303, response.text
    stored = registry.get_case("scan-1", "t").case
    by_id = {le.id: le for le in stored.lesions}
    assert [(str(m.date), m.diameter_mm) for m in by_id["L1"].measurements] == [
        ("2025-01-08", 22.0),
        ("2025-04-10", 20.0),
    ]
    assert [m.diameter_mm for m in by_id["L2"].measurements] == [18.0, 20.0]
    assert [str(s.date) for s in stored.imaging] == ["2025-01-08", "2025-04-10"]
    assert {r.value for r in stored.imaging[1].regions} == {"chest", "abdomen", "pelvis"}


def test_the_next_scan_is_one_row_of_the_edit_form(site: Site) -> None:
    client, _, registry = site
    assert client.post("/ui/cases/new", data=_new_case_by_scan(client)).status_code == 303
    edit = client.get("/ui/cases/scan-1/edit").text
    assert "Add the next scan" in edit
    assert "Lesion 1 (L1, liver)" in edit  # the grid names the stored lesions
    form: dict[str, list[str]] = {}
    for name, value in _read_form(edit).pairs:
        form.setdefault(name, []).append(value)
    # Next restaging: L1 alone 20 -> 30 mm (+50%, +10 mm); with L2 as a target too the sum
    # 40 -> 52 mm (+30%, +12 mm): progression either way.
    form["scan/0/date"] = ["2025-07-10"]
    form["scan/0/lesion/0/diameter_mm"] = ["30"]
    form["scan/0/lesion/1/diameter_mm"] = ["22"]
    response = client.post("/ui/cases/scan-1/edit", data=form)
    assert response.status_code == 303, response.text
    record = registry.get_case("scan-1", "t")
    assert record.version == 2
    l1 = next(le for le in record.case.lesions if le.id == "L1")
    assert [m.diameter_mm for m in l1.measurements] == [22.0, 20.0, 30.0]
    page = client.get("/ui/cases/scan-1/assessment").text
    assert "PD" in page


def test_a_scan_value_without_its_date_is_refused_at_that_lesion(site: Site) -> None:
    client, _, registry = site
    form = _new_case_by_scan(client)
    form["scan/1/date"] = [""]
    response = client.post("/ui/cases/new", data=form)
    assert response.status_code == 422
    assert "Date" in response.text
    assert "/lesions/" not in response.text.split("<main", 1)[-1].split("<form", 1)[0]
    with pytest.raises(CaseNotFound):  # nothing stored
        registry.get_case("scan-1", "t")
