"""The case form and schema version 2: every new item can be entered and edited, and an edit
round-trips a stored v2 case without losing any field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.datastructures import FormData

from builders import case, lesion, scan
from oligoguide.model import Case, CaseInputError, case_from_data
from oligoguide.model.case_context import (
    AgentDose,
    ComorbidityRecord,
    Cytology,
    GroupObservation,
    LabResult,
    LesionGroup,
    OarDistance,
    PostTreatmentAssessment,
    PrimaryTumour,
    PriorBurden,
    PriorRadiotherapy,
    PriorTreatmentLine,
    RiskScore,
    SurgicalOpinion,
)
from oligoguide.service.ui import case_fields as fields
from oligoguide.service.ui import case_form as cf
from oligoguide.service.ui.case_edit import SHOWN_LESION, SHOWN_TOP
from oligoguide.store import Registry
from service_helpers import ui_site
from test_ui_case_edit import _read_form, _sign_in

Site = tuple[TestClient, dict[str, str], Registry]
CASE_ID = "v2-edit"
EDIT = f"/ui/cases/{CASE_ID}/edit"


def _v2_case() -> Case:
    base = case(
        [
            lesion(
                "L1",
                [30, 20, 20],
                site="spine",
                oar_distances=[{"organ": "spinal_cord", "distance_mm": 4}],
                symptoms=["pain"],
                sins_score=8,
                post_treatment_assessment={
                    "date": scan(2),
                    "appearance": "indeterminate",
                    "basis": ["MRI", "PET-CT"],
                    "note": "rim enhancement",
                },
            ),
            lesion("L2", [25, 15, 15], adjacent_organs=["stomach"]),
        ],
        case_id=CASE_ID,
        imaging=[{"date": scan(2), "modality": "CT", "regions": ["abdomen"], "id": "CT-9"}],
    )
    data = base.model_dump(mode="json", exclude_none=True)
    data["systemic_therapies"][0]["last_doses"] = [{"agent": "bevacizumab", "date": scan(2)}]
    data["lesions"][0]["measurements"][2].update(modality="PSMA-PET", suv_max=6.5)
    data |= {
        "primary_tumour": {"status": "resected", "date": "2023-06-01", "symptoms": ["bleeding"]},
        "prior_treatment_lines": [
            {"line": 1, "agents": ["FOLFOX"], "classes": ["chemotherapy"], "year": 2022}
        ],
        "prior_radiotherapy": [
            {
                "site": "spine",
                "location": "T10-L1",
                "total_dose_gy": 20,
                "fractions": 5,
                "date": "2023-05-01",
                "lesion_ids": ["L1"],
            }
        ],
        "lesion_groups": [
            {
                "id": "G1",
                "site": "lung",
                "description": "innumerable nodules",
                "observations": [
                    {"date": scan(1), "count": 12, "status": "present", "modality": "CT"},
                    {"date": scan(2), "count": "multiple", "status": "progressing"},
                ],
            }
        ],
        "labs": [{"name": "CEA", "value": 12.5, "unit": "ng/mL", "date": scan(2)}],
        "comorbidities": [{"condition": "cirrhosis", "child_pugh": "B", "detail": "alcohol"}],
        "surgical_opinions": [
            {"lesion_ids": ["L2"], "resectability": "borderline", "intent": "curative"}
        ],
        "prior_metastatic_burden": {"polymetastatic": True, "lesion_count": 14},
        "cytology": [{"specimen": "csf", "result": "negative", "date": scan(2)}],
        "risk_scores": [{"name": "CRS", "value": "2", "date": scan(2)}],
    }
    return case_from_data(data)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with ui_site(tmp_path) as opened:
        yield opened


def _shown(client: TestClient) -> dict[str, list[str]]:
    form: dict[str, list[str]] = {}
    for name, value in _read_form(client.get(EDIT).text).pairs:
        form.setdefault(name, []).append(value)
    return form


@pytest.mark.parametrize(
    ("model", "inputs"),
    [
        (PrimaryTumour, fields.PRIMARY_TUMOUR),
        (AgentDose, fields.DOSE),
        (PriorTreatmentLine, fields.PRIOR_LINE),
        (PriorRadiotherapy, fields.PRIOR_RT),
        (OarDistance, fields.OAR_DISTANCE),
        (PostTreatmentAssessment, fields.POST_TREATMENT),
        (LesionGroup, (*fields.GROUP, cf.Field("observations", ""))),
        (GroupObservation, fields.GROUP_OBSERVATION),
        (LabResult, fields.LAB),
        (ComorbidityRecord, fields.COMORBIDITY),
        (SurgicalOpinion, fields.SURGICAL_OPINION),
        (PriorBurden, fields.PRIOR_BURDEN),
        (Cytology, fields.CYTOLOGY),
        (RiskScore, fields.RISK_SCORE),
    ],
)
def test_v2_records_are_wholly_on_the_form(
    model: type[BaseModel], inputs: tuple[cf.Field, ...]
) -> None:
    """Shown parts are replaced by what is posted: a field missing here would be lost."""
    assert set(model.model_fields) == {f.name for f in inputs}


def test_every_case_field_is_shown_or_kept_by_name() -> None:
    kept = {"schema_version"}
    assert set(Case.model_fields) == SHOWN_TOP | kept
    assert {"symptoms", "sins_score", "oar_distances", "post_treatment_assessment"} <= SHOWN_LESION


def test_a_posted_form_with_v2_items_becomes_the_case() -> None:
    data = cf.parse_form(
        FormData(
            [
                ("/case_id", "c2"),
                ("/patient/id", "P"),
                ("/cancer/primary_site", "prostate"),
                ("/primary_tumour/status", "in_situ"),
                ("/primary_tumour/symptoms", "bleeding"),
                ("/primary_tumour/symptoms", "obstruction"),
                ("/prior_metastatic_burden/polymetastatic", "false"),
                ("/systemic_therapies/0/agents", "enzalutamide"),
                ("/systemic_therapies/0/classes", "hormonal"),
                ("/systemic_therapies/0/start", "2024-01-01"),
                ("/systemic_therapies/0/last_doses/1/agent", "enzalutamide"),
                ("/systemic_therapies/0/last_doses/1/date", "2024-06-01"),
                ("/lesions/0/id", "B1"),
                ("/lesions/0/site", "spine"),
                ("/lesions/0/sins_score", "11"),
                ("/lesions/0/symptoms", "pain"),
                ("/lesions/0/oar_distances/0/organ", "spinal_cord"),
                ("/lesions/0/oar_distances/0/distance_mm", "2.5"),
                ("/lesions/0/post_treatment_assessment/date", "2024-05-01"),
                ("/lesions/0/post_treatment_assessment/appearance", "recurrence"),
                ("/lesions/0/post_treatment_assessment/basis", "MRI, biopsy"),
                ("/lesions/0/measurements/0/date", "2024-05-01"),
                ("/lesions/0/measurements/0/status", "present"),
                ("/lesions/0/measurements/0/modality", "PSMA-PET"),
                ("/lesions/0/measurements/0/suv_max", "9.1"),
                ("/lesion_groups/0/id", "G1"),
                ("/lesion_groups/0/site", "lymph_node"),
                ("/lesion_groups/0/observations/0/date", "2024-05-01"),
                ("/lesion_groups/0/observations/0/count", "multiple"),
                ("/lesion_groups/0/observations/0/status", "new"),
                ("/lesion_groups/0/observations/1/count", ""),
                ("/labs/0/name", "PSA"),
                ("/labs/0/value", "4.1"),
                ("/labs/0/unit", "ng/mL"),
                ("/labs/0/date", "2024-05-01"),
                ("/prior_radiotherapy/0/site", "prostate"),
                ("/prior_radiotherapy/0/total_dose_gy", "60"),
                ("/prior_radiotherapy/0/fractions", "20"),
                ("/comorbidities/0/condition", "inflammatory_bowel_disease"),
                ("/surgical_opinions/0/resectability", "unresectable"),
                ("/surgical_opinions/0/lesion_ids", "B1, G1"),
                ("/cytology/0/specimen", ""),
                ("/risk_scores/0/name", ""),
            ]
        )
    )
    built = case_from_data(data, text_values=True)  # as the route reads a form
    assert built.primary_tumour is not None
    assert [s.value for s in built.primary_tumour.symptoms] == ["bleeding", "obstruction"]
    assert built.prior_metastatic_burden is not None
    assert built.prior_metastatic_burden.polymetastatic is False
    assert built.systemic_therapies[0].last_doses[0].agent == "enzalutamide"
    spine = built.lesions[0]
    assert (spine.sins_score, spine.oar_distances[0].distance_mm) == (11, 2.5)
    assert spine.post_treatment_assessment is not None
    assert spine.post_treatment_assessment.basis == ("MRI", "biopsy")
    assert (spine.measurements[0].modality, spine.measurements[0].suv_max) == ("PSMA-PET", 9.1)
    assert built.lesion_groups[0].observations[0].count == "multiple"
    assert len(built.lesion_groups[0].observations) == 1  # the blank row is dropped
    assert (built.labs[0].name, built.labs[0].value) == ("PSA", 4.1)
    assert built.prior_radiotherapy[0].total_dose_gy == 60
    assert built.surgical_opinions[0].lesion_ids == ("B1", "G1")
    assert built.cytology == ()
    assert built.risk_scores == ()


def test_errors_in_v2_inputs_land_on_their_input() -> None:
    data: dict[str, Any] = {
        "case_id": "c",
        "patient": {"id": "P"},
        "cancer": {"primary_site": "breast"},
        "labs": [{"name": "CA15-3", "value": "-2", "unit": "U/mL", "date": "2024-01-01"}],
        "lesions": [
            {
                "id": "L1",
                "site": "spine",
                "sins_score": "19",
                "measurements": [{"date": "2024-01-01", "diameter_mm": "10"}],
            }
        ],
    }
    with pytest.raises(CaseInputError) as caught:
        case_from_data(data, text_values=True)
    placed = cf.place_errors(caught.value.issues, cf.row_counts(data))
    assert "greater than or equal to 0" in placed.at["/labs/0/value"][0]
    assert "less than or equal to 18" in placed.at["/lesions/0/sins_score"][0]
    assert cf.describe("/labs/0/value") == "Lab 1: Value"
    assert cf.describe("/lesion_groups/1/observations/0/count") == (
        "Lesion group 2, observation 1: Count"
    )
    assert cf.describe("/systemic_therapies/0/last_doses/1/date") == (
        "Therapy 1, last dose 2: Last dose"
    )


def test_the_new_form_offers_the_v2_sections(site: Site) -> None:
    client, tokens, _ = site
    _sign_in(client, tokens["clinician"])
    page = client.get("/ui/cases/new").text
    for name in (
        "/primary_tumour/status",
        "/prior_metastatic_burden/polymetastatic",
        "/systemic_therapies/0/last_doses/0/agent",
        "/lesions/0/oar_distances/0/organ",
        "/lesions/0/sins_score",
        "/lesions/0/symptoms",
        "/lesions/0/post_treatment_assessment/appearance",
        "/lesions/0/measurements/0/suv_max",
        "/lesion_groups/0/observations/0/count",
        "/labs/0/name",
        "/comorbidities/0/child_pugh",
        "/surgical_opinions/0/resectability",
        "/prior_radiotherapy/0/lesion_ids",
        "/prior_treatment_lines/0/year",
        "/cytology/0/specimen",
        "/risk_scores/0/value",
    ):
        assert f'name="{name}"' in page, name
    assert 'id="tpl-labs"' in page
    assert 'data-rows="dose" data-parent="0"' in page


def test_an_unchanged_edit_of_a_v2_case_loses_nothing(site: Site) -> None:
    client, tokens, registry = site
    stored = _v2_case()
    registry.create_case(stored, "seed")
    _sign_in(client, tokens["clinician"])
    form = _shown(client)
    assert form["/labs/0/value"] == ["12.5"]
    assert form["/lesion_groups/0/observations/1/count"] == ["multiple"]
    assert form["/prior_metastatic_burden/polymetastatic"] == ["true"]
    assert form["/lesions/0/symptoms"] == ["pain"]
    assert form["/lesions/0/post_treatment_assessment/basis"] == ["MRI, PET-CT"]
    assert form["/systemic_therapies/0/last_doses/0/agent"] == ["bevacizumab"]
    assert form["/imaging/0/id"] == ["CT-9"]  # imaging and adjacent organs are on the form
    assert form["/imaging/0/regions"] == ["abdomen"]
    assert form["/lesions/1/adjacent_organs"] == ["stomach"]
    assert "Kept as stored" not in client.get(EDIT).text
    assert client.post(EDIT, data=form).status_code == 303
    record = registry.get_case(CASE_ID, "t")
    assert record.version == 1  # the same case: nothing lost, nothing added
    assert record.case == stored


def test_editing_v2_items_stores_a_new_version_with_the_rest_kept(site: Site) -> None:
    client, tokens, registry = site
    stored = _v2_case()
    registry.create_case(stored, "seed")
    _sign_in(client, tokens["clinician"])
    form = _shown(client)
    form["/labs/0/value"] = ["30"]
    form["/comorbidities/0/child_pugh"] = ["C"]
    form |= {
        "/labs/1/name": ["LDH"],
        "/labs/1/value": ["400"],
        "/labs/1/unit": ["U/L"],
        "/labs/1/date": [scan(2)],
    }
    assert client.post(EDIT, data=form).status_code == 303
    record = registry.get_case(CASE_ID, "t")
    assert record.version == 2
    assert [(lab.name.value, lab.value) for lab in record.case.labs] == [("CEA", 30), ("LDH", 400)]
    assert record.case.comorbidities[0].child_pugh == "C"
    unchanged = {"labs", "comorbidities"}
    for name in Case.model_fields:
        if name not in unchanged:
            assert getattr(record.case, name) == getattr(stored, name), name
