"""Hypothesis strategies for whole cases, valid by construction (and ways to break them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from oligoguide.model.vocab import (
    BiomarkerName,
    BiomarkerStatus,
    LesionObservation,
    LocalModality,
    LungZone,
    OrganAtRisk,
    PrimarySite,
    Site,
    TherapyClass,
)

START = dt.date(2022, 1, 3)


@st.composite
def measurement_values(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["diameter", "diameter", "diameter", "status"]))
    if kind == "diameter":
        return {
            "diameter_mm": draw(st.floats(min_value=0, max_value=120).map(lambda x: round(x, 1)))
        }
    return {"status": draw(st.sampled_from([s.value for s in LesionObservation]))}


@st.composite
def cases(draw: st.DrawFn, max_lesions: int = 9, max_scans: int = 5) -> dict[str, Any]:
    n_scans = draw(st.integers(min_value=1, max_value=max_scans))
    scans = [START + dt.timedelta(days=70 * i + draw(st.integers(0, 20))) for i in range(n_scans)]
    lesions = []
    for i in range(draw(st.integers(min_value=0, max_value=max_lesions))):
        first = draw(st.integers(min_value=0, max_value=n_scans - 1))
        site = draw(st.sampled_from(list(Site)))
        measurements = [
            {"date": d.isoformat(), **draw(measurement_values())}
            for d in scans[first:]
            if draw(st.booleans()) or d == scans[first]
        ]
        lesion: dict[str, Any] = {
            "id": f"L{i}",
            "site": site.value,
            "target": draw(st.booleans()),
            "is_lymph_node": site == Site.LYMPH_NODE,
            "measurements": measurements,
            "equivocal": draw(st.booleans()) and draw(st.booleans()),
        }
        if site == Site.LUNG and draw(st.booleans()):
            lesion["lung_zone"] = draw(st.sampled_from([z.value for z in LungZone]))
        if draw(st.booleans()):
            lesion["adjacent_organs"] = [draw(st.sampled_from([o.value for o in OrganAtRisk]))]
        lesions.append(lesion)
    therapies = []
    if draw(st.booleans()):
        start = scans[0] + dt.timedelta(days=draw(st.integers(-30, 200)))
        end = draw(st.one_of(st.none(), st.integers(1, 400)))
        therapies.append(
            {
                "agents": [
                    draw(
                        st.sampled_from(
                            ["osimertinib", "FOLFOX", "pembrolizumab", "letrozole", "sunitinib"]
                        )
                    )
                ],
                "classes": [draw(st.sampled_from([c.value for c in TherapyClass]))],
                "start": start.isoformat(),
                "end": None if end is None else (start + dt.timedelta(days=end)).isoformat(),
            }
        )
    treatments = []
    if lesions and draw(st.booleans()):
        treatments.append(
            {
                "lesion_id": draw(st.sampled_from([les["id"] for les in lesions])),
                "modality": draw(st.sampled_from([m.value for m in LocalModality])),
                "date": (scans[0] + dt.timedelta(days=draw(st.integers(-100, 300)))).isoformat(),
            }
        )
    biomarkers = [
        {"name": name.value, "status": draw(st.sampled_from([s.value for s in BiomarkerStatus]))}
        for name in draw(
            st.lists(
                st.sampled_from([BiomarkerName.EGFR, BiomarkerName.ALK, BiomarkerName.HER2]),
                unique=True,
            )
        )
    ]
    return {
        "case_id": "fuzz",
        "patient": {
            "id": "P",
            "birth_date": "1950-01-01",
            "ecog": draw(st.one_of(st.none(), st.integers(0, 4))),
        },
        "cancer": {
            "primary_site": draw(st.sampled_from([p.value for p in PrimarySite])),
            "diagnosis_date": draw(st.one_of(st.none(), st.just("2021-06-01"))),
            "biomarkers": biomarkers,
        },
        "systemic_therapies": therapies,
        "local_treatments": treatments,
        "lesions": lesions,
        "imaging": [
            {"date": d.isoformat(), "modality": "CT", "regions": ["chest", "abdomen", "pelvis"]}
            for d in scans[-1:]
        ],
        "clinically_deteriorating": draw(st.one_of(st.none(), st.booleans())),
    }
