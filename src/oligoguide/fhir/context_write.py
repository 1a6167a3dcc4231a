"""Case (schema version 2 context) -> FHIR resources, added to the Bundle `case_to_bundle` builds.

Standard resources and verified codes where they exist (labs: LOINC Observations, tumour markers
with the mCODE TumorMarkerTest profile; comorbidities: Conditions with SNOMED CT; earlier
radiotherapy: mCODE RadiotherapyCourseSummary; last doses: MedicationAdministration; earlier
lines: MedicationStatement); oligoguide's own codes and extensions (`codes_context`) otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from oligoguide.fhir import codes as c
from oligoguide.fhir import codes_context as cx
from oligoguide.fhir._util import JSON, concept, ext, local, meta, ref, site_body
from oligoguide.model.case import Case, Lesion, Measurement, SystemicTherapy
from oligoguide.model.case_context import PrimaryTumour
from oligoguide.model.vocab_context import CytologyResult, Symptom


class Writer(Protocol):
    """What the Bundle builder offers this module."""

    case: Case
    primary: JSON

    def rid(self, *parts: str) -> str: ...

    def add(self, resource: JSON) -> JSON: ...

    def subject(self) -> JSON: ...


def _category(code: str) -> list[JSON]:
    return [{"coding": [{"system": c.OBSERVATION_CATEGORY, "code": code}]}]


def _mm(value: float) -> JSON:
    return {"value": value, "unit": "mm", "system": c.UCUM, "code": "mm"}


def lesion_refs(ids: Iterable[str]) -> list[JSON]:
    return [
        ext(cx.EXT_LESION_REF, valueIdentifier={"system": c.LESION_ID_SYSTEM, "value": x})
        for x in ids
    ]


def symptom_exts(symptoms: Iterable[Symptom]) -> list[JSON]:
    return [
        ext(cx.EXT_SYMPTOM, valueCoding=local(cx.LOCAL_SYMPTOM, s.value).coding()) for s in symptoms
    ]


def _dated(resource: JSON, day: dt.date | None, key: str = "effectiveDateTime") -> JSON:
    if day is not None:
        resource[key] = day.isoformat()
    return resource


def _noted(resource: JSON, note: str | None) -> JSON:
    if note:
        resource["note"] = [{"text": note}]
    return resource


def _observation(w: Writer, key: tuple[str, ...], code: c.Code, category: str) -> JSON:
    return {
        "resourceType": "Observation",
        "id": w.rid(*key),
        "status": "final",
        "category": _category(category),
        "code": concept(code),
        "subject": w.subject(),
    }


# --- the primary tumour, lesions and measurements ---------------------------------------------
def primary_tumour(pt: PrimaryTumour) -> JSON:
    """Complex extension of the PrimaryCancerCondition: status, date, its lesion, symptoms."""
    status = local(cx.LOCAL_PRIMARY_STATUS, pt.status.value)
    parts: list[JSON] = [ext("status", valueCoding=status.coding())]
    if pt.date is not None:
        parts.append(ext("date", valueDate=pt.date.isoformat()))
    if pt.lesion_id is not None:
        parts += lesion_refs([pt.lesion_id])
    parts += symptom_exts(pt.symptoms)
    return ext(cx.EXT_PRIMARY_TUMOUR, extension=parts)


def lesion_extensions(lesion: Lesion) -> list[JSON]:
    """Tumor (BodyStructure) extensions: measured distances to organs at risk, symptoms."""
    out = [
        ext(
            cx.EXT_OAR_DISTANCE,
            extension=[
                ext("organ", valueCode=d.organ.value),
                ext("distance", valueQuantity=_mm(d.distance_mm)),
            ],
        )
        for d in lesion.oar_distances
    ]
    return out + symptom_exts(lesion.symptoms)


def lesion_observations(w: Writer, lesion: Lesion, tumor: JSON) -> None:
    """SINS and the post-treatment appearance: Observations whose focus is the Tumor."""
    if lesion.sins_score is not None:
        sins = _observation(w, ("sins", lesion.id), cx.SINS, "exam")
        w.add({**sins, "focus": [ref(tumor)], "valueInteger": lesion.sins_score})
    pta = lesion.post_treatment_assessment
    if pta is not None:
        resource = _observation(w, ("post-treatment", lesion.id), cx.POST_TREATMENT, "imaging")
        resource["focus"] = [ref(tumor)]
        resource["valueCodeableConcept"] = concept(local(cx.LOCAL_APPEARANCE, pta.appearance.value))
        if pta.basis:
            resource["extension"] = [ext(cx.EXT_ASSESSMENT_BASIS, valueString=b) for b in pta.basis]
        w.add(_noted(_dated(resource, pta.date), pta.note))


def measurement_extras(resource: JSON, m: Measurement) -> None:
    """The study a measurement was seen on (extension) and its SUVmax (component)."""
    if m.modality is not None:
        resource.setdefault("extension", []).append(
            ext(cx.EXT_MEASUREMENT_MODALITY, valueCode=m.modality.value)
        )
    if m.suv_max is not None:
        resource.setdefault("component", []).append(
            {"code": concept(cx.SUV_MAX), "valueQuantity": {"value": m.suv_max, "unit": "SUV"}}
        )


# --- therapies ---------------------------------------------------------------------------------
def last_doses(w: Writer, index: int, therapy: SystemicTherapy, request: JSON) -> None:
    """One completed MedicationAdministration per agent's last dose, tied to the regimen."""
    for j, dose in enumerate(therapy.last_doses):
        w.add(
            {
                "resourceType": "MedicationAdministration",
                "id": w.rid("last-dose", str(index), str(j)),
                "status": "completed",
                "category": concept(cx.AGENT_LAST_DOSE),
                "medicationCodeableConcept": {"text": dose.agent},
                "subject": w.subject(),
                "effectiveDateTime": dose.date.isoformat(),
                "request": ref(request),
            }
        )


def prior_lines(w: Writer) -> None:
    """Earlier lines known without dates: one MedicationStatement per agent, grouped by id."""
    for i, line in enumerate(w.case.prior_treatment_lines):
        extensions = [
            ext(c.EXT + "/regimen-therapy-class", valueCode=k.value) for k in line.classes
        ]
        if line.line is not None:
            extensions.append(ext(c.EXT_LINE, valueInteger=line.line))
        if line.best_response is not None:
            extensions.append(ext(c.EXT_BEST_RESPONSE, valueCode=line.best_response.value))
        for j, agent in enumerate(line.agents):
            resource: JSON = {
                "resourceType": "MedicationStatement",
                "id": w.rid("prior-line", str(i), str(j)),
                "identifier": [{"system": cx.PRIOR_LINE_SYSTEM, "value": str(i)}],
                "status": "completed",
                "medicationCodeableConcept": {"text": agent},
                "subject": w.subject(),
                "reasonReference": [ref(w.primary)],
            }
            if extensions:
                resource["extension"] = extensions
            if line.year is not None:
                resource["effectiveDateTime"] = f"{line.year:04d}"
            w.add(_noted(resource, line.note))


# --- earlier radiotherapy -----------------------------------------------------------------------
def rt_dose(volume: JSON, total_gy: float | None, fractions: int | None) -> JSON:
    """mCODE doseDeliveredToVolume: the volume, total dose in cGy, fractions."""
    parts: list[JSON] = [ext("volume", valueReference=ref(volume))]
    if total_gy is not None:
        cgy = {"value": round(total_gy * 100, 4), "unit": "cGy", "system": c.UCUM, "code": "cGy"}
        parts.append(ext("totalDoseDelivered", valueQuantity=cgy))
    if fractions is not None:
        parts.append(ext("fractionsDelivered", valueUnsignedInt=fractions))
    return ext(c.EXT_RT_DOSE, extension=parts)


def prior_radiotherapy(w: Writer) -> None:
    """RadiotherapyCourseSummary of an earlier field: no oligoguide modality, no Tumor target
    (that is what tells it from a local treatment), the lesions inside it by id."""
    for i, rt in enumerate(w.case.prior_radiotherapy):
        volume: JSON = {
            "resourceType": "BodyStructure",
            "id": w.rid("prior-rt-volume", str(i)),
            "meta": meta(c.PROFILE["rt_volume"]),
            "location": site_body(rt.site),
            "patient": w.subject(),
        }
        if rt.location:
            volume["description"] = rt.location
        w.add(volume)
        resource: JSON = {
            "resourceType": "Procedure",
            "id": w.rid("prior-rt", str(i)),
            "meta": meta(c.PROFILE["rt_course"]),
            "extension": [
                rt_dose(volume, rt.total_dose_gy, rt.fractions),
                *lesion_refs(rt.lesion_ids),
            ],
            "status": "completed",
            "category": concept(c.RT_CATEGORY),
            "code": concept(c.RT_COURSE),
            "subject": w.subject(),
            "bodySite": [site_body(rt.site)],
        }
        if rt.date is not None:
            resource["performedPeriod"] = {"start": rt.date.isoformat()}
        w.add(resource)


# --- patient-level context ----------------------------------------------------------------------
def lesion_groups(w: Writer) -> None:
    """One Observation per group and date: the count (or 'multiple'), the status, the study."""
    for group in w.case.lesion_groups:
        for o in group.observations:
            resource = _observation(
                w, ("group", group.id, o.date.isoformat()), cx.LESION_GROUP, "imaging"
            )
            resource["identifier"] = [{"system": cx.LESION_GROUP_ID_SYSTEM, "value": group.id}]
            resource["bodySite"] = site_body(group.site)
            extensions = (
                [ext(cx.EXT_MEASUREMENT_MODALITY, valueCode=o.modality.value)] if o.modality else []
            )
            if group.location:
                extensions.append(ext(cx.EXT_GROUP_LOCATION, valueString=group.location))
            if extensions:
                resource["extension"] = extensions
            if isinstance(o.count, int):
                resource["valueInteger"] = o.count
            else:
                resource["valueCodeableConcept"] = concept(local(cx.LOCAL_GROUP_COUNT, o.count))
            resource["component"] = [
                {
                    "code": concept(local(cx.LOCAL_GROUP_STATUS, "status", "Group status")),
                    "valueCodeableConcept": concept(local(cx.LOCAL_GROUP_STATUS, o.status.value)),
                }
            ]
            w.add(_noted(_dated(resource, o.date), group.description))


def labs(w: Writer) -> None:
    for i, lab in enumerate(w.case.labs):
        code = cx.LAB_CODES.get(lab.name) or local(cx.LOCAL_LAB, lab.name.value)
        resource = _observation(w, ("lab", str(i)), code, "laboratory")
        resource["code"]["text"] = lab.name.value
        if lab.name in cx.TUMOR_MARKER_LABS:
            resource["meta"] = meta(c.PROFILE["tumor_marker"])
        resource["valueQuantity"] = {"value": lab.value, "unit": lab.unit}
        w.add(_dated(resource, lab.date))


def comorbidities(w: Writer) -> None:
    for i, record in enumerate(w.case.comorbidities):
        own = local(cx.LOCAL_COMORBIDITY, record.condition.value)
        resource: JSON = {
            "resourceType": "Condition",
            "id": w.rid("comorbidity", str(i)),
            "clinicalStatus": w.primary["clinicalStatus"],
            "category": [
                {"coding": [{"system": c.CONDITION_CATEGORY, "code": "problem-list-item"}]}
            ],
            "code": concept(cx.COMORBIDITY_CODES.get(record.condition), own),
            "subject": w.subject(),
        }
        if record.child_pugh is not None:
            grade = local(cx.LOCAL_CHILD_PUGH, record.child_pugh.value)
            resource["stage"] = [{"summary": concept(grade, text=f"Child-Pugh {grade.code}")}]
        _dated(resource, record.date, "onsetDateTime")
        w.add(_noted(resource, record.detail))


def surgical_opinions(w: Writer) -> None:
    for i, op in enumerate(w.case.surgical_opinions):
        resource = _observation(w, ("surgical-opinion", str(i)), cx.SURGICAL_OPINION, "exam")
        resource["valueCodeableConcept"] = concept(
            local(cx.LOCAL_RESECTABILITY, op.resectability.value)
        )
        if op.lesion_ids:
            resource["extension"] = lesion_refs(op.lesion_ids)
        if op.intent is not None:
            intent = concept(local(cx.LOCAL_SURGICAL_INTENT, op.intent.value))
            resource["component"] = [
                {"code": concept(cx.SURGICAL_INTENT), "valueCodeableConcept": intent}
            ]
        w.add(_noted(_dated(resource, op.date), op.note))


def prior_burden(w: Writer) -> None:
    burden = w.case.prior_metastatic_burden
    if burden is None:
        return
    resource = _observation(w, ("prior-burden",), cx.PRIOR_BURDEN, "imaging")
    resource["valueBoolean"] = burden.polymetastatic
    if burden.lesion_count is not None:
        resource["component"] = [
            {"code": concept(cx.PRIOR_LESION_COUNT), "valueInteger": burden.lesion_count}
        ]
    w.add(_noted(_dated(resource, burden.date), burden.note))


_CYTOLOGY_ANSWERS = {
    CytologyResult.POSITIVE: c.MARKER_POSITIVE,
    CytologyResult.NEGATIVE: c.MARKER_NEGATIVE,
}


def cytology(w: Writer) -> None:
    for i, test in enumerate(w.case.cytology):
        resource = _observation(w, ("cytology", str(i)), cx.CYTOLOGY, "laboratory")
        answer = _CYTOLOGY_ANSWERS.get(test.result)
        own = local(cx.LOCAL_CYTOLOGY_RESULT, test.result.value)
        resource["valueCodeableConcept"] = concept(answer, own)
        specimen = concept(local(cx.LOCAL_CYTOLOGY_SPECIMEN, test.specimen.value))
        resource["component"] = [
            {"code": concept(cx.CYTOLOGY_SPECIMEN), "valueCodeableConcept": specimen}
        ]
        w.add(_dated(resource, test.date))


def risk_scores(w: Writer) -> None:
    for i, score in enumerate(w.case.risk_scores):
        code = local(cx.LOCAL_RISK_SCORE, score.name.value)
        resource = _observation(w, ("risk-score", str(i)), code, "survey")
        resource["valueString"] = score.value
        w.add(_dated(resource, score.date))


def write_context(w: Writer) -> None:
    """Every patient-level v2 item of the case (lesion-level ones are written with the Tumor)."""
    for part in (
        prior_lines,
        prior_radiotherapy,
        lesion_groups,
        labs,
        comorbidities,
        surgical_opinions,
        prior_burden,
        cytology,
        risk_scores,
    ):
        part(w)
