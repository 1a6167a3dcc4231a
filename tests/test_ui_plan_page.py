"""The plan page (issue 22, 'Reading the plan'): organ-at-risk limits with every SBRT/SRS dose,
tumour-board review as a step of the plan, references as DOI and PubMed links, no rule ids.

Expected limits come from AAPM TG-101 (Benedict 2010, Table III): duodenum in 3 fractions
D5cc 16.5 Gy, D10cc 11.4 Gy, Dmax 22.2 Gy; liver (the organ every liver SBRT irradiates)
700 cc below 19.2 Gy in 3 fractions. The liver schedule is 60 Gy in 3 fractions (Rusthoven 2009).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oligoguide.model import case_from_data
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.store import Registry
from service_helpers import LOCAL

CRC = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, Registry]]:
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    app, registry = build_app(Settings(db_url=db))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as c:
        yield c, registry
    registry.close()


def _liver_next_to_duodenum() -> dict[str, object]:
    data = json.loads(CRC.read_text())
    for lesion in data["lesions"]:
        if lesion["site"] == "liver":
            lesion["adjacent_organs"] = ["duodenum"]
    return data


def _plan_page(client: TestClient, registry: Registry, data: dict[str, object]) -> str:
    case = case_from_data(data)
    registry.create_case(case, "seed")
    response = client.get(f"/ui/cases/{case.case_id}/assessment")
    assert response.status_code == 200, response.text
    return response.text


def test_sbrt_dose_shows_the_organ_limits_for_its_fractions(
    client: tuple[TestClient, Registry],
) -> None:
    page = _plan_page(*client, _liver_next_to_duodenum())
    if "60 Gy in 3 fraction" not in page:
        pytest.skip("no liver SBRT recommendation for this example case")
    assert "Organ-at-risk limits for this schedule" in page
    rows = re.findall(r"<tr><td>([a-z ]+)</td><td>([^<]+)</td><td>&lt; ([\d.]+) Gy in 3", page)
    found = {(organ, metric): float(v) for organ, metric, v in rows}
    assert found[("duodenum", "D5cc")] == 16.5
    assert found[("duodenum", "D10cc")] == 11.4
    assert found[("liver", "CV700cc")] == 19.2
    assert "yes: this limit comes before coverage" in page


def test_tumour_board_is_a_step_and_references_are_links(
    client: tuple[TestClient, Registry],
) -> None:
    page = _plan_page(*client, json.loads(CRC.read_text()))
    work_up = page.split("Step 1 - Work-up", 1)[1].split("Tumour-board review</h3>", 1)[0]
    assert "Tumour-board review</strong>" not in work_up
    assert "<h3>Tumour-board review</h3>" in page
    # ESMO mCRC 2023 (Cervantes): doi 10.1016/j.annonc.2022.10.003, PMID 36307056
    assert 'href="https://doi.org/10.1016/j.annonc.2022.10.003"' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/36307056/"' in page
    assert 'class="rule"' not in page
    assert "verified: false" not in page


def test_every_workup_code_has_words_on_the_page() -> None:
    from oligoguide.model.vocab import WorkupCode
    from oligoguide.service.ui.views import WORKUP_LABELS

    assert set(WORKUP_LABELS) == set(WorkupCode)


def test_a_statement_shared_by_several_lines_is_shown_in_full_once(
    client: tuple[TestClient, Registry],
) -> None:
    # The CRC example's work-up asks for CT and PET-CT under one staging statement; the page
    # shows its paragraph once, the second line only by its lead.
    page = _plan_page(*client, json.loads(CRC.read_text()))
    paragraph = "stage the whole body with contrast CT of chest, abdomen and pelvis"
    assert page.count(paragraph) == 1
    assert "(as above)" in page
