"""Entering a case through the form (issue 22): imaging studies and the lesion and case flags
the engine uses are on the form, dates are ISO only, and Enter in a text box saves nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from builders import case, lesion, scan
from oligoguide.assess import assess
from oligoguide.model import Case, CaseInputError, case_from_data
from oligoguide.model.case import ImagingStudy, Lesion, LocalTreatment
from oligoguide.model.vocab import WorkupCode
from oligoguide.service.ui import case_fields as fields
from oligoguide.service.ui import case_form as cf
from oligoguide.service.ui.case_edit import stored_data
from oligoguide.service.ui.wording import missing_item, plain_message
from oligoguide.store import Registry
from service_helpers import ui_site
from test_ui_case_edit import CSRF, _read_form, _sign_in

Site = tuple[TestClient, dict[str, str], Registry]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with ui_site(tmp_path) as opened:
        yield opened


def _nsclc_with_brain_mri(case_id: str = "entry-1") -> Case:
    """NSCLC oligoprogression in one liver lesion (brain-prone primary) with a recent brain MRI,
    a treated lesion, an equivocal new lesion and the case-level flags."""
    return case(
        [
            lesion("L1", [30, 20, 28], adjacent_organs=["stomach", "duodenum"], symptomatic=False),
            lesion("L2", [25, 15, 15]),
            lesion("L3", [None, None, 8], equivocal=True, measurable=False),
        ],
        primary="nsclc",
        case_id=case_id,
        imaging=[
            {
                "date": scan(2),
                "modality": "MRI",
                "regions": ["brain"],
                "id": "MR-1",
                "findings": "No brain metastases.",
            },
            {"date": scan(2), "modality": "CT", "regions": ["chest", "abdomen"]},
        ],
        local_treatments=[
            {
                "lesion_id": "L2",
                "modality": "sbrt",
                "date": scan(0),
                "total_dose_gy": 45,
                "fractions": 3,
            }
        ],
        clinically_deteriorating=False,
        baseline_date=scan(0),
    )


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


def _as_form(data: dict[str, Any], csrf: str) -> dict[str, list[str]]:
    pairs = [("csrf_token", csrf)]
    for pointer, value in cf.flatten(data).items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((pointer, str(one)))
    return _grouped(pairs)


def _csrf(client: TestClient) -> str:
    found = CSRF.search(client.get("/ui/cases/new").text)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("model", "inputs"),
    [(ImagingStudy, fields.IMAGING), (LocalTreatment, fields.LOCAL_TREATMENT)],
)
def test_imaging_and_local_treatments_are_wholly_on_the_form(
    model: type[BaseModel], inputs: tuple[cf.Field, ...]
) -> None:
    assert set(model.model_fields) == {f.name for f in inputs}


def test_every_lesion_field_is_on_the_form() -> None:
    nested = {"measurements", "oar_distances", "post_treatment_assessment"}
    assert set(Lesion.model_fields) == {f.name for f in fields.LESION} | nested


def test_the_new_form_offers_imaging_and_the_flags(site: Site) -> None:
    client, tokens, _ = site
    _sign_in(client, tokens["clinician"])
    page = client.get("/ui/cases/new").text
    for name in (
        "/imaging/0/date",
        "/imaging/0/modality",
        "/imaging/0/regions",
        "/imaging/0/id",
        "/imaging/0/findings",
        "/local_treatments/0/lesion_id",
        "/clinically_deteriorating",
        "/baseline_date",
        "/lesions/0/equivocal",
        "/lesions/0/symptomatic",
        "/lesions/0/measurable",
        "/lesions/0/adjacent_organs",
    ):
        assert f'name="{name}"' in page, name
    assert "not on this form" not in page
    assert "Is the lesion causing symptoms?" in page
    assert 'id="tpl-imaging"' in page


def test_a_case_with_its_imaging_is_entered_whole_and_no_brain_mri_is_asked(site: Site) -> None:
    client, tokens, registry = site
    _sign_in(client, tokens["clinician"])
    entered = _nsclc_with_brain_mri()
    response = client.post("/ui/cases/new", data=_as_form(stored_data(entered), _csrf(client)))
    assert response.status_code == 303, response.text
    stored = registry.get_case("entry-1", "t").case
    assert stored == entered
    assert stored.imaging[0].regions[0].value == "brain"
    assert stored.lesions[2].equivocal
    assert stored.lesions[0].symptomatic is False
    assert WorkupCode.BRAIN_MRI not in {r.code for r in assess(stored).recommendations}
    without = entered.model_copy(update={"imaging": ()})
    assert WorkupCode.BRAIN_MRI in {r.code for r in assess(without).recommendations}


def test_editing_keeps_imaging_and_can_add_a_study(site: Site) -> None:
    client, tokens, registry = site
    registry.create_case(_nsclc_with_brain_mri("entry-2"), "seed")
    _sign_in(client, tokens["clinician"])
    form = _read_form(client.get("/ui/cases/entry-2/edit").text)
    pairs = [p for p in form.pairs if not p[0].startswith("/imaging/2/")]
    pairs += [
        ("/imaging/2/date", scan(2)),
        ("/imaging/2/modality", "PET-CT"),
        ("/imaging/2/regions", "whole_body"),
    ]
    response = client.post("/ui/cases/entry-2/edit", data=_grouped(pairs))
    assert response.status_code == 303, response.text
    record = registry.get_case("entry-2", "t")
    assert record.version == 2
    assert [s.modality.value for s in record.case.imaging] == ["MRI", "CT", "PET-CT"]
    assert record.case.imaging[0].findings == "No brain metastases."


@pytest.mark.parametrize("typed", ["15.01.1960", "01/15/1960", "1960-15-01", "15 Jan 1960"])
def test_a_date_not_in_iso_form_is_refused_at_its_field(site: Site, typed: str) -> None:
    client, tokens, registry = site
    _sign_in(client, tokens["clinician"])
    data = stored_data(_nsclc_with_brain_mri("entry-3"))
    data["patient"]["birth_date"] = typed
    response = client.post("/ui/cases/new", data=_as_form(data, _csrf(client)))
    assert response.status_code == 422
    assert re.search(r'id="f-patient-birth_date"[^>]*aria-invalid="true"', response.text)
    assert registry.list_cases("t", None, None, 10, 0).total == 0


def test_a_future_date_is_refused_at_its_field_and_date_inputs_carry_today(site: Site) -> None:
    client, tokens, registry = site
    _sign_in(client, tokens["clinician"])
    page = client.get("/ui/cases/new").text
    # typed and shown as YYYY-MM-DD whatever the locale (ui.js adds a calendar button)
    assert re.search(
        r'name="/patient/birth_date" type="text"[^>]*pattern="\\d\{4\}-\\d\{2\}-\\d\{2\}"'
        r'[^>]*placeholder="YYYY-MM-DD"[^>]*data-max-date="\d{4}-\d{2}-\d{2}"',
        page,
    )
    data = stored_data(_nsclc_with_brain_mri("entry-4"))
    data["imaging"][0]["date"] = "2999-01-01"
    response = client.post("/ui/cases/new", data=_as_form(data, _csrf(client)))
    assert response.status_code == 422
    assert re.search(r'id="f-imaging-0-date"[^>]*aria-invalid="true"', response.text)
    assert registry.list_cases("t", None, None, 10, 0).total == 0


def test_enter_in_a_text_box_saves_nothing(site: Site) -> None:
    """Implicit submission (Enter in a text box) clicks the form's default button, the first
    submit button: on the case form it is disabled, so Enter saves nothing, with or without JS."""
    client, tokens, _ = site
    _sign_in(client, tokens["clinician"])
    for page in (client.get("/ui/cases/new").text,):
        form = page[page.index('id="case-form"') :]
        first = re.search(r"<button[^>]*>", form)
        assert first is not None
        assert 'type="submit"' in first.group(0)
        assert " disabled" in first.group(0)
        assert "Pressing Enter does not save" in page
    script = client.get("/ui/static/ui.js").text
    assert '"Enter"' in script
    assert "[hidden] { display: none !important; }" in client.get("/ui/static/ui.css").text


def test_errors_are_in_words_from_the_form_labels() -> None:
    data = {"case_id": "x", "patient": {"id": "p"}, "cancer": {}, "lesions": []}
    with pytest.raises(CaseInputError) as caught:
        case_from_data(data, text_values=True)
    rows = cf.row_counts(data)
    placed = cf.place_errors(caught.value.issues, rows)
    assert placed.at["/cancer/primary_site"] == ["Primary site is required"]
    texts = [f"{where}: {message}" if message else where for _, where, message in placed.summary]
    assert "Cancer: Primary site is required" in texts
    assert not any("Field required" in t for t in texts)


def test_field_names_in_messages_become_labels() -> None:
    assert plain_message("a measurement needs diameter_mm or status", "x") == (
        "a measurement needs Diameter (mm) or status"
    )
    assert plain_message("Field required", "Regions covered") == "Regions covered is required"


def test_missing_data_is_in_words_and_points_at_the_input() -> None:
    stored = case(
        [lesion("L1", [30, 20, 28]), lesion("BR1", [10, 10, 12], site="brain")], primary="nsclc"
    )
    item = missing_item("/lesions/BR1/symptomatic", stored)
    assert item.words == "Is the brain lesion BR1 causing symptoms?"
    assert item.pointer == "/lesions/1/symptomatic"
    assert missing_item("/imaging", stored).words == "Imaging studies"
    assert missing_item("/imaging", stored).pointer == "/imaging/0/date"
    assert missing_item("/patient/ecog", stored).words == "Patient: ECOG"
    biomarkers = missing_item("/cancer/biomarkers (EGFR, ALK, ROS1 ...)", stored)
    assert biomarkers.words == "Biomarkers (drivers) (EGFR, ALK, ROS1 ...)"
    assert missing_item("confirmatory scan in 4-8 weeks", stored).pointer == ""


def test_the_case_page_names_missing_data_in_words_linked_to_the_form(site: Site) -> None:
    client, tokens, registry = site
    registry.create_case(
        case(
            [lesion("L1", [30, 20, 28]), lesion("BR1", [10, 10, 12], site="brain")],
            primary="nsclc",
            case_id="words-1",
        ),
        "seed",
    )
    _sign_in(client, tokens["clinician"])
    for path in ("/ui/cases/words-1", "/ui/cases/words-1/assessment"):
        page = client.get(path).text
        assert "<strong>/" not in page, path  # no raw pointer
        assert 'href="/ui/cases/words-1/edit#f-imaging-0-date">Imaging studies</a>' in page
    assert 'id="f-imaging-0-date"' in client.get("/ui/cases/words-1/edit").text
