"""Generated schema-version-2 cases: the v1 fuzz cases plus every v2 item, each present or not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from case_strategies import cases
from oligoguide.model.vocab import ImagingModality, OrganAtRisk, Site
from oligoguide.model.vocab_context import (
    ChildPugh,
    Comorbidity,
    CytologyResult,
    CytologySpecimen,
    GroupStatus,
    LabName,
    PostTreatmentAppearance,
    PrimaryStatus,
    Resectability,
    RiskScoreName,
    SurgicalIntent,
    Symptom,
)


def _values(enum: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([m.value for m in enum])


_DAY = st.dates(dt.date(2015, 1, 1), dt.date(2026, 1, 1)).map(dt.date.isoformat)
_TEXT = st.text("abcdefgh XYZ-019", min_size=1, max_size=12).map(str.strip).filter(bool)


def _optional(
    draw: st.DrawFn, out: dict[str, Any], key: str, value: st.SearchStrategy[Any]
) -> None:
    if draw(st.booleans()):
        out[key] = draw(value)


@st.composite
def v2_cases(draw: st.DrawFn) -> dict[str, Any]:
    """The v1 fuzz cases plus every v2 item, each present or not."""
    data = draw(cases(max_lesions=4, max_scans=3))
    ids = [les["id"] for les in data["lesions"]]
    refs = st.lists(st.sampled_from(ids), unique=True, max_size=2) if ids else st.just([])
    for lesion in data["lesions"]:
        _optional(draw, lesion, "symptoms", st.lists(_values(Symptom), unique=True, max_size=2))
        _optional(draw, lesion, "sins_score", st.integers(0, 18))
        _optional(
            draw,
            lesion,
            "oar_distances",
            st.lists(
                st.fixed_dictionaries(
                    {"organ": _values(OrganAtRisk), "distance_mm": st.integers(0, 60)}
                ),
                max_size=2,
            ),
        )
        _optional(
            draw,
            lesion,
            "post_treatment_assessment",
            st.fixed_dictionaries(
                {"date": _DAY, "appearance": _values(PostTreatmentAppearance)},
                optional={"basis": st.lists(_TEXT, max_size=2), "note": _TEXT},
            ),
        )
        for m in lesion["measurements"]:
            _optional(draw, m, "modality", _values(ImagingModality))
            _optional(draw, m, "suv_max", st.integers(0, 30).map(lambda x: x / 2))
    for therapy in data["systemic_therapies"]:
        _optional(
            draw,
            therapy,
            "last_doses",
            st.lists(_TEXT, unique=True, max_size=2).map(
                lambda agents: [{"agent": a, "date": "2025-01-01"} for a in agents]
            ),
        )
    _optional(
        draw,
        data,
        "primary_tumour",
        st.fixed_dictionaries(
            {"status": _values(PrimaryStatus)},
            optional={
                "date": _DAY,
                "symptoms": st.lists(_values(Symptom), unique=True, max_size=2),
            },
        ),
    )
    _optional(
        draw,
        data,
        "prior_radiotherapy",
        st.lists(
            st.fixed_dictionaries(
                {"site": _values(Site)},
                optional={
                    "location": _TEXT,
                    "total_dose_gy": st.integers(1, 60),
                    "fractions": st.integers(1, 30),
                    "date": _DAY,
                    "lesion_ids": refs,
                },
            ),
            max_size=2,
        ),
    )
    _optional(
        draw,
        data,
        "lesion_groups",
        st.lists(
            st.fixed_dictionaries(
                {
                    "site": _values(Site),
                    "observations": st.lists(
                        st.fixed_dictionaries(
                            {
                                "date": _DAY,
                                "count": st.one_of(st.integers(0, 50), st.just("multiple")),
                                "status": _values(GroupStatus),
                            },
                            optional={"modality": _values(ImagingModality)},
                        ),
                        min_size=1,
                        max_size=2,
                        unique_by=lambda o: o["date"],
                    ),
                },
                optional={"location": _TEXT, "description": _TEXT},
            ),
            max_size=2,
        ).map(lambda groups: [{"id": f"G{i}", **g} for i, g in enumerate(groups)]),
    )
    _optional(
        draw,
        data,
        "labs",
        st.lists(
            st.fixed_dictionaries(
                {
                    "name": _values(LabName),
                    "value": st.integers(0, 500),
                    "unit": st.sampled_from(["ng/mL", "U/L", "10*9/L"]),
                    "date": _DAY,
                }
            ),
            max_size=3,
        ),
    )
    _optional(
        draw,
        data,
        "comorbidities",
        st.lists(
            st.fixed_dictionaries(
                {"condition": _values(Comorbidity)},
                optional={"detail": _TEXT, "child_pugh": _values(ChildPugh), "date": _DAY},
            ),
            max_size=2,
        ),
    )
    _optional(
        draw,
        data,
        "surgical_opinions",
        st.lists(
            st.fixed_dictionaries(
                {"resectability": _values(Resectability)},
                optional={
                    "date": _DAY,
                    "lesion_ids": refs,
                    "intent": _values(SurgicalIntent),
                    "note": _TEXT,
                },
            ),
            max_size=2,
        ),
    )
    _optional(
        draw,
        data,
        "prior_metastatic_burden",
        st.fixed_dictionaries(
            {"polymetastatic": st.booleans()},
            optional={"date": _DAY, "lesion_count": st.integers(0, 40), "note": _TEXT},
        ),
    )
    _optional(
        draw,
        data,
        "cytology",
        st.lists(
            st.fixed_dictionaries(
                {
                    "specimen": _values(CytologySpecimen),
                    "result": _values(CytologyResult),
                    "date": _DAY,
                }
            ),
            max_size=2,
        ),
    )
    _optional(
        draw,
        data,
        "risk_scores",
        st.lists(
            st.fixed_dictionaries(
                {"name": _values(RiskScoreName), "value": _TEXT}, optional={"date": _DAY}
            ),
            max_size=2,
        ),
    )
    return data
