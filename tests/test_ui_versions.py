"""Case history in the UI (issue 22): open an earlier version, compare two versions.

The case is examples/crc_oligoprogression.json in two versions, written here:
- version 1: the first three restagings (2023-01-20, 2023-04-20, 2023-07-20). Every lesion
  shrinks on FOLFOX + panitumumab (L1 34 -> 18 -> 17, L2 22 -> 12 -> 11, L3 14 -> 8 -> 7,
  N1 18 -> 11 -> 10 mm): nothing progresses, so the state is not oligoprogression.
- version 2: the 2023-10-19 CT added (L1 16, L2 19, L3 7, N1 10 mm and a new lung lesion L5 of
  9 mm), and L3's 2023-07-20 diameter re-read as 6 mm. L2 grows 11 -> 19 mm (+8 mm, +73 % over
  its nadir) and L5 is new: two progressing lesions on systemic therapy, oligoprogression.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from oligoguide.assess import assess
from oligoguide.model import case_from_data
from oligoguide.service import Settings
from oligoguide.service.launch import build_app
from oligoguide.service.ui.case_diff import case_changes
from oligoguide.store import Registry
from service_helpers import LOCAL

CRC = Path(__file__).parent.parent / "examples" / "crc_oligoprogression.json"
CASE_ID = "crc-oligoprogression-01"
LAST_SCAN = "2023-10-19"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
Site = tuple[TestClient, dict[str, str], Registry]


def _version_1() -> dict[str, Any]:
    data = json.loads(CRC.read_text())
    for lesion in data["lesions"]:
        lesion["measurements"] = [m for m in lesion["measurements"] if m["date"] != LAST_SCAN]
    data["lesions"] = [lesion for lesion in data["lesions"] if lesion["measurements"]]
    data["imaging"] = [s for s in data["imaging"] if s["date"] != LAST_SCAN]
    return data


def _version_2() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CRC.read_text())
    l3 = next(lesion for lesion in data["lesions"] if lesion["id"] == "L3")
    next(m for m in l3["measurements"] if m["date"] == "2023-07-20")["diameter_mm"] = 6
    return data


def _store(registry: Registry, *versions: dict[str, Any]) -> None:
    for number, data in enumerate(versions, start=1):
        case = case_from_data(copy.deepcopy(data))
        if number == 1:
            registry.create_case(case, "dr.first")
        else:
            registry.update_case(CASE_ID, case, "dr.second", expected_version=number - 1)
        registry.save_assessment(CASE_ID, number, assess(case), "seed")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    db = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    with Registry.open(db) as registry:
        tokens = {role: registry.create_token(f"{role}-1", role) for role in ("reader",)}
    app, registry = build_app(Settings(db_url=db))
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        yield client, tokens, registry
    registry.close()


def _sign_in(client: TestClient, token: str) -> None:
    found = CSRF.search(client.get("/ui/sign-in").text)
    assert found is not None
    response = client.post(
        "/ui/sign-in",
        data={"csrf_token": found.group(1), "token": token, "next": "/ui/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def reader(site: Site) -> tuple[TestClient, Registry]:
    client, tokens, registry = site
    _store(registry, _version_1(), _version_2())
    _sign_in(client, tokens["reader"])
    return client, registry


def _rows(page: str) -> list[list[str]]:
    """Every table row's cells as text."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def _lesion_row(page: str, lesion: str) -> list[str]:
    return next(r for r in _rows(page) if r and r[0] == lesion)


def test_a_reader_opens_each_version_with_its_own_values(
    reader: tuple[TestClient, Registry],
) -> None:
    client, _ = reader
    first = client.get(f"/ui/cases/{CASE_ID}/versions/1")
    assert first.status_code == 200, first.text
    page = first.text
    assert "version 1" in page
    assert "an earlier version, read-only (the latest is version 2)" in page
    assert LAST_SCAN not in page  # the October scan came with version 2
    assert _lesion_row(page, "L3")[3:6] == ["14", "8", "7"]  # as first read
    assert _lesion_row(page, "L2")[3:6] == ["22", "12", "11"]
    assert not any(r and r[0] == "L5" for r in _rows(page))
    assert "badge-oligoprogression" not in page  # every lesion shrinks in version 1
    assert "Plan of this version" in page

    second = client.get(f"/ui/cases/{CASE_ID}/versions/2").text
    assert "the latest version" in second
    assert _lesion_row(second, "L3")[3:7] == ["14", "8", "6", "7"]  # re-read in version 2
    assert _lesion_row(second, "L2")[3:7] == ["22", "12", "11", "19"]
    assert _lesion_row(second, "L5")[6] == "9"
    assert "badge-oligoprogression" in second
    assert 'href="/ui/cases/crc-oligoprogression-01/compare?from=1&amp;to=2"' in second


def test_compare_shows_the_changed_measurement_and_the_state_change(
    reader: tuple[TestClient, Registry],
) -> None:
    client, _ = reader
    response = client.get(f"/ui/cases/{CASE_ID}/compare")  # defaults: 1 against 2
    assert response.status_code == 200, response.text
    page = response.text
    assert "what changed from version 1 to version 2" in page
    rows = _rows(page)
    assert ["Lesion L3, measurement 2023-07-20", "changed", "diameter", "7 mm", "6 mm"] in rows
    assert ["Lesion L2, measurement 2023-10-19", "added", "", "", "diameter 19 mm"] in rows
    assert ["Lesion L5, measurement 2023-10-19", "added", "", "", "diameter 9 mm"] in rows
    l5 = next(r for r in rows if r[:2] == ["Lesion L5", "added"])
    assert "site lung" in l5[4]
    imaging = next(r for r in rows if r[0] == "Imaging study 2023-10-19 (CT)")
    assert imaging[1] == "added"
    assert "chest, abdomen, pelvis" in imaging[4]
    assert not any(r and r[0].startswith("Lesion L1,") and r[1] != "added" for r in rows)
    # the plan: not oligoprogression before, oligoprogression after
    state = re.search(r'<p class="state-change">(.*?)</p>', page, re.S)
    assert state is not None
    badges = re.findall(r'class="badge badge-([a-z_]+)"', state.group(1))
    assert len(badges) == 2
    assert badges[0] != "oligoprogression"
    assert badges[1] == "oligoprogression"
    plan_rows = [r for r in rows if r and r[0] in {"added", "removed", "changed"}]
    assert plan_rows, "the plan of an oligoprogression differs from a response's"
    # no internal names: field pointers, rule or evidence ids, flags
    assert "/lesions/" not in page
    assert "verified: false" not in page
    assert not re.search(r"\b[a-z]+_[a-z]+_\d{4}\b", page)  # evidence ids such as x_y_2009


def test_compare_both_ways_and_a_version_against_itself(
    reader: tuple[TestClient, Registry],
) -> None:
    client, _ = reader
    back = _rows(client.get(f"/ui/cases/{CASE_ID}/compare?from=2&to=1").text)
    assert ["Lesion L3, measurement 2023-07-20", "changed", "diameter", "6 mm", "7 mm"] in back
    assert any(r[:2] == ["Lesion L5", "removed"] and "site lung" in r[3] for r in back)
    same = client.get(f"/ui/cases/{CASE_ID}/compare?from=2&to=2")
    assert same.status_code == 200
    assert "against itself: nothing changed" in same.text


def test_the_case_page_links_each_version_and_the_comparison(
    reader: tuple[TestClient, Registry],
) -> None:
    client, _ = reader
    page = client.get(f"/ui/cases/{CASE_ID}").text
    assert f'href="/ui/cases/{CASE_ID}/versions/1"' in page
    assert f'href="/ui/cases/{CASE_ID}/versions/2"' in page
    assert f'href="/ui/cases/{CASE_ID}/compare?from=1&amp;to=2">Compare with previous' in page
    assert "compare?from=0" not in page


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        (f"/ui/cases/{CASE_ID}/versions/3", 404, "no version '3'"),
        (f"/ui/cases/{CASE_ID}/versions/0", 404, "no version '0'"),
        (f"/ui/cases/{CASE_ID}/versions/abc", 404, "no version 'abc'"),
        ("/ui/cases/no-such-case/versions/1", 404, "No case has this id"),
        ("/ui/cases/no-such-case/compare", 404, "No case has this id"),
        (f"/ui/cases/{CASE_ID}/compare?from=abc", 400, "The parameter 'from'"),
        (f"/ui/cases/{CASE_ID}/compare?to=-1", 400, "The parameter 'to'"),
        (f"/ui/cases/{CASE_ID}/compare?from=%C2%B2", 400, "The parameter 'from'"),
        (f"/ui/cases/{CASE_ID}/compare?from=3", 404, "Parameter 'from': this case has no"),
        (f"/ui/cases/{CASE_ID}/compare?from=1&to=99999999999", 400, "The parameter 'to'"),
        (f"/ui/cases/{CASE_ID}/compare?from=1&to=7", 404, "Parameter 'to'"),
    ],
)
def test_unknown_versions_and_bad_parameters_are_html_pages(
    reader: tuple[TestClient, Registry], path: str, status: int, words: str
) -> None:
    client, _ = reader
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert words in response.text.replace("&#39;", "'")


def test_one_version_has_nothing_to_compare(site: Site) -> None:
    client, tokens, registry = site
    _store(registry, _version_1())
    _sign_in(client, tokens["reader"])
    page = client.get(f"/ui/cases/{CASE_ID}/compare")
    assert page.status_code == 200
    assert "one version only" in page.text
    assert "Compare with previous" not in client.get(f"/ui/cases/{CASE_ID}/versions/1").text


def test_the_pages_need_a_session_and_escape_the_data(site: Site) -> None:
    client, tokens, registry = site
    hostile = _version_2()
    hostile["lesions"][0]["location"] = "<script>alert(1)</script>"
    _store(registry, _version_1(), hostile)
    anonymous = client.get(f"/ui/cases/{CASE_ID}/compare?from=1&to=2", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/ui/sign-in?next=")
    _sign_in(client, tokens["reader"])
    for path in ("compare?from=1&to=2", "versions/2"):
        page = client.get(f"/ui/cases/{CASE_ID}/{path}").text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_changes_are_named_in_words() -> None:
    old = case_from_data(_version_2())
    data = _version_2()
    data["patient"]["ecog"] = 2
    data["cancer"]["biomarkers"][0]["status"] = "positive"  # KRAS
    data["lesions"][3]["measurements"][-1]["diameter_mm"] = 14  # N1 on 2023-10-19
    data["local_treatments"] = [
        {"lesion_id": "L2", "modality": "sbrt", "date": "2023-11-02", "total_dose_gy": 50}
    ]
    said = [
        str(c)
        for c in case_changes(
            old.model_dump(mode="json"), case_from_data(data).model_dump(mode="json")
        )
    ]
    assert said == [
        "Patient: ECOG 1 -> 2",
        "Cancer, biomarker KRAS: status negative -> positive",
        "Local treatment L2 (SBRT, 2023-11-02) added: total dose 50 Gy",
        "Lesion N1, measurement 2023-10-19: diameter 10 -> 14 mm",
    ]
