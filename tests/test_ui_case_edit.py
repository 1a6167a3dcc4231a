"""Editing a stored case in the web UI: a new scan's measurements in, a new version and assessment
out; stale edits, bad fields, forged forms and readers are refused and store nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from builders import case, lesion, scan
from oligoguide.assess import assess
from oligoguide.model import Case, CaseInputError, case_from_data
from oligoguide.model.case import Biomarker, Cancer, Measurement, Patient, SystemicTherapy
from oligoguide.service.ui import case_form as cf
from oligoguide.service.ui.case_edit import stored_data, with_kept
from oligoguide.store import Registry
from service_helpers import ui_site

Site = tuple[TestClient, dict[str, str], Registry]
CASE_ID = "edit-1"
EDIT = f"/ui/cases/{CASE_ID}/edit"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NEW_SCAN = "/lesions/0/measurements/3"  # the first blank measurement row of lesion L1


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with ui_site(tmp_path) as opened:
        yield opened


def _stored_case() -> Case:
    """Three liver lesions responding then stable (oligopersistence), with parts the form does
    not show: an imaging study and L2's adjacent organs."""
    return case(
        [
            lesion("L1", [30, 20, 20]),
            lesion("L2", [25, 15, 15], adjacent_organs=["stomach"]),
            lesion("L3", [20, 12, 12]),
        ],
        case_id=CASE_ID,
        imaging=[{"date": scan(2), "modality": "CT", "regions": ["abdomen"]}],
    )


def _sign_in(client: TestClient, token: str) -> str:
    page = client.get("/ui/sign-in")
    found = CSRF.search(page.text)
    assert found is not None
    response = client.post(
        "/ui/sign-in", data={"csrf_token": found.group(1), "token": token, "next": "/ui/"}
    )
    assert response.status_code == 303
    again = CSRF.search(client.get("/ui/").text)
    assert again is not None
    return again.group(1)


class _FormReader(HTMLParser):
    """What a browser would submit from the case form (rows in <template> are not part of it)."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.readonly: set[str] = set()
        self._in_template = 0
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and not self._in_template:
            self.pairs.append((self._textarea, data))
            self._textarea = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "template":
            self._in_template += 1
        elif self._in_template:
            return
        elif tag == "input" and name:
            if "readonly" in a:
                self.readonly.add(name)
            if a.get("type") != "checkbox" or "checked" in a:
                self.pairs.append((name, a.get("value") or ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
        elif tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._in_template -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.pairs.append((self._textarea, ""))  # an empty textarea is still submitted
            self._textarea = None


def _read_form(html: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(html)
    return reader


def _edited(client: TestClient, **changes: str) -> dict[str, list[str]]:
    """The edit form as shown, with some inputs changed: what the clinician submits."""
    form: dict[str, list[str]] = {}
    for name, value in _read_form(client.get(EDIT).text).pairs:
        form.setdefault(name, []).append(value)
    for name, value in changes.items():
        form[name] = [value]
    return form


def _new_scan(diameter: str) -> dict[str, str]:
    return {f"{NEW_SCAN}/date": scan(3), f"{NEW_SCAN}/diameter_mm": diameter}


def _seed(registry: Registry) -> None:
    registry.create_case(_stored_case(), "seed")


def test_the_edit_form_is_prefilled_from_the_latest_version(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    latest = _stored_case().model_copy(update={"patient": Patient(id="P1", ecog=2)})
    registry.update_case(CASE_ID, latest, "dr.other")
    _sign_in(client, tokens["clinician"])
    case_page = client.get(f"/ui/cases/{CASE_ID}").text
    assert f'href="{EDIT}"' in case_page
    page = client.get(EDIT)
    assert page.status_code == 200
    form = _read_form(page.text)
    values = dict(form.pairs)
    assert values["/case_id"] == CASE_ID
    assert form.readonly == {"/case_id"}
    assert values["edited_version"] == "2"
    assert values["/patient/ecog"] == "2"
    assert values["/lesions/1/id"] == "L2"
    assert values["/lesions/0/measurements/2/date"] == scan(2)
    assert values["/lesions/0/measurements/2/diameter_mm"] in ("20", "20.0")
    assert values["/lesions/0/target"] == "true"
    # blank rows: a new measurement for every lesion, and a new lesion
    assert values[f"{NEW_SCAN}/date"] == ""
    assert values["/lesions/3/id"] == ""
    assert values["/lesions/3/measurements/0/date"] == ""
    assert 'action="/ui/cases/edit-1/edit"' in page.text
    # imaging studies and adjacent organs are on the form now, prefilled; nothing is left over
    assert "Kept as stored" not in page.text
    assert values["/imaging/0/date"] == scan(2)
    assert values["/imaging/0/modality"] == "CT"
    assert ("/imaging/0/regions", "abdomen") in form.pairs
    assert ("/lesions/1/adjacent_organs", "stomach") in form.pairs


def test_a_new_scan_makes_version_2_and_its_assessment(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    _sign_in(client, tokens["clinician"])
    response = client.post(EDIT, data=_edited(client, **_new_scan("32")))
    assert response.status_code == 303
    assert response.headers["location"] == f"/ui/cases/{CASE_ID}"
    record = registry.get_case(CASE_ID, "t")
    assert record.version == 2
    expected = case(
        [
            lesion("L1", [30, 20, 20, 32]),
            lesion("L2", [25, 15, 15], adjacent_organs=["stomach"]),
            lesion("L3", [20, 12, 12]),
        ],
        case_id=CASE_ID,
        imaging=[{"date": scan(2), "modality": "CT", "regions": ["abdomen"]}],
    )
    assert record.case == expected  # the new scan in, the parts the form does not show kept
    stored = registry.assessments(CASE_ID, "t")
    assert [a.version for a in stored] == [2]
    assert stored[0].disease_state == assess(expected).disease_state.value == "oligoprogression"
    assert assess(_stored_case()).disease_state.value != "oligoprogression"
    shown = client.get(f"/ui/cases/{CASE_ID}").text
    assert "edited and re-assessed (version 2)" in shown


def test_an_unchanged_form_adds_no_version_but_is_re_assessed(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    _sign_in(client, tokens["clinician"])
    assert client.post(EDIT, data=_edited(client)).status_code == 303
    assert registry.get_case(CASE_ID, "t").version == 1
    assert [a.version for a in registry.assessments(CASE_ID, "t")] == [1]


def test_a_field_error_is_shown_at_the_field_and_nothing_is_stored(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    _sign_in(client, tokens["clinician"])
    response = client.post(EDIT, data=_edited(client, **_new_scan("-5")))
    assert response.status_code == 422
    fid = "f-lesions-0-measurements-3-diameter_mm"
    assert f'id="{fid}-error"' in response.text
    assert re.search(rf'id="{fid}"[^>]*aria-invalid="true"', response.text)
    assert f'href="#{fid}"' in response.text  # the summary links to it
    still = dict(_read_form(response.text).pairs)
    assert still["edited_version"] == "1"  # still an edit of version 1, ready to fix and resave
    assert still[f"{NEW_SCAN}/diameter_mm"] == "-5"
    assert registry.get_case(CASE_ID, "t").version == 1
    assert registry.assessments(CASE_ID, "t") == []


def test_a_stale_edit_is_refused_with_409_and_overwrites_nothing(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    _sign_in(client, tokens["clinician"])
    mine = _edited(client, **_new_scan("32"))  # opened at version 1
    theirs = _stored_case().model_copy(update={"patient": Patient(id="P1", ecog=3)})
    registry.update_case(CASE_ID, theirs, "dr.other")  # saved meanwhile: version 2
    response = client.post(EDIT, data=mine)
    assert response.status_code == 409
    assert "A newer version of this case exists" in response.text
    assert "version 2 of this case was saved by dr.other" in response.text
    assert f'href="{EDIT}"' in response.text  # to the latest version
    assert dict(_read_form(response.text).pairs)[f"{NEW_SCAN}/diameter_mm"] == "32"
    latest = registry.get_case(CASE_ID, "t")
    assert latest.version == 2
    assert latest.case == theirs
    assert registry.assessments(CASE_ID, "t") == []
    assert client.post(EDIT, data=mine).status_code == 409  # resubmitting does not overwrite


def test_a_missing_or_wrong_csrf_token_is_refused(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    _sign_in(client, tokens["clinician"])
    form = _edited(client, **_new_scan("32"))
    del form["csrf_token"]
    assert client.post(EDIT, data=form).status_code == 403
    forged = client.post(EDIT, data={**form, "csrf_token": ["forged"]})
    assert forged.status_code == 403
    assert "Form expired" in forged.text
    assert registry.get_case(CASE_ID, "t").version == 1


def test_a_reader_is_not_offered_the_edit_and_is_refused_it(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    csrf = _sign_in(client, tokens["reader"])
    assert f'href="{EDIT}"' not in client.get(f"/ui/cases/{CASE_ID}").text
    assert client.get(EDIT).status_code == 403
    data = {"csrf_token": csrf, "edited_version": "1", "/case_id": CASE_ID, **_new_scan("32")}
    assert client.post(EDIT, data=data).status_code == 403
    assert registry.get_case(CASE_ID, "t").version == 1


def test_a_changed_case_id_is_refused(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    _sign_in(client, tokens["clinician"])
    response = client.post(EDIT, data=_edited(client, **{"/case_id": "someone-else"}))
    assert response.status_code == 422
    assert 'id="f-case_id-error"' in response.text
    assert "cannot be changed" in response.text
    assert dict(_read_form(response.text).pairs)["/case_id"] == CASE_ID
    assert registry.get_case(CASE_ID, "t").version == 1
    assert registry.list_cases("t").total == 1


def test_an_unknown_case_or_a_form_without_its_version_is_refused(site: Site) -> None:
    client, tokens, registry = site
    _seed(registry)
    _sign_in(client, tokens["clinician"])
    assert client.get("/ui/cases/nobody/edit").status_code == 404
    form = _edited(client, **_new_scan("32"))
    del form["edited_version"]
    assert client.post(EDIT, data=form).status_code == 400
    assert registry.get_case(CASE_ID, "t").version == 1


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Patient, cf.PATIENT),
        (Cancer, (*cf.CANCER, cf.Field("biomarkers", ""))),
        (Biomarker, cf.BIOMARKER),
        (SystemicTherapy, (*cf.THERAPY, cf.Field("last_doses", ""))),
        (Measurement, cf.MEASUREMENT),
    ],
)
def test_rows_without_an_id_are_wholly_on_the_form(
    model: type[BaseModel], fields: tuple[cf.Field, ...]
) -> None:
    """An edit keeps unshown parts by name (top level) or lesion id; these rows have neither,
    so a field added to them but not to the form would be dropped by every edit."""
    assert set(model.model_fields) == {f.name for f in fields}


def test_a_renamed_lesion_leaves_its_local_treatment_refused_at_validation() -> None:
    stored = stored_data(
        case(
            [lesion("L1", [30, 20])],
            local_treatments=[{"lesion_id": "L1", "modality": "sbrt", "date": scan(1)}],
        )
    )
    # local treatments are on the form: the edit posts them as they were, naming the old id
    posted = {**stored, "lesions": [{**stored["lesions"][0], "id": "L9"}]}
    with pytest.raises(CaseInputError) as caught:
        case_from_data(with_kept(posted, stored))
    assert [i.pointer for i in caught.value.issues] == ["/local_treatments/0/lesion_id"]
