"""Case treatments and findings -> FHIR resources, added to the Bundle `case_to_bundle` builds.

Local treatments (mCODE RadiotherapyCourseSummary for external beam, else a Procedure), systemic
therapies (MedicationRequest), biomarkers (genomic variant or tumour-marker Observations), ECOG,
age, and imaging (ImagingStudy with its DiagnosticReport). Patient, cancer conditions and lesions
stay in `case_to_bundle.py`.
"""

from __future__ import annotations

from typing import Protocol

from oligoguide.fhir import codes as c
from oligoguide.fhir import codes_context as cx
from oligoguide.fhir import context_write as cw
from oligoguide.fhir._util import JSON, concept, ref
from oligoguide.fhir._util import ext as _ext
from oligoguide.fhir._util import local as _local
from oligoguide.fhir._util import meta as _meta
from oligoguide.model.case import Biomarker, ImagingStudy, LocalTreatment, SystemicTherapy
from oligoguide.model.vocab import (
    RADIATION_MODALITIES,
    BiomarkerStatus,
    ImagingModality,
    LocalModality,
)

#: External-beam modalities written as RadiotherapyCourseSummary (SIRT is internal: a Procedure).
EXTERNAL_BEAM = frozenset(m for m in RADIATION_MODALITIES if m != LocalModality.SIRT)
PHOTONS = c.Code(c.SNOMED, "1156506007", "External beam radiation therapy using photons")


class CareWriter(cw.Writer, Protocol):
    """What the Bundle builder offers this module: the context writer's needs, and the tumours
    (BodyStructure by lesion id) that local treatments target."""

    tumors: dict[str, JSON]


def local_treatment(w: CareWriter, index: int, t: LocalTreatment) -> None:
    tumor = w.tumors[t.lesion_id]
    common: JSON = {
        "resourceType": "Procedure",
        "id": w.rid("local", str(index)),
        "status": "completed",
        "subject": w.subject(),
        "reasonReference": [ref(w.primary)],
    }
    local_code = _local(c.LOCAL_MODALITY, t.modality.value)
    target = _ext(c.EXT_TARGET_BODY_STRUCTURE, valueReference=ref(tumor))
    modality_ext = _ext(c.EXT + "/local-treatment-modality", valueCoding=local_code.coding())
    if t.modality in EXTERNAL_BEAM:
        volume = w.add(
            {
                "resourceType": "BodyStructure",
                "id": w.rid("rt-volume", str(index)),
                "meta": _meta(c.PROFILE["rt_volume"]),
                "identifier": [
                    {"use": "usual", "system": c.LESION_ID_SYSTEM, "value": t.lesion_id}
                ],
                "description": f"Treated volume of lesion {t.lesion_id}",
                "patient": w.subject(),
            }
        )
        common.update(
            {
                "meta": _meta(c.PROFILE["rt_course"]),
                "extension": [
                    _ext(
                        c.EXT_RT_MODALITY_TECHNIQUE,
                        extension=[
                            _ext("modality", valueCodeableConcept=concept(PHOTONS)),
                        ],
                    ),
                    cw.rt_dose(volume, t.total_dose_gy, t.fractions),
                    target,
                    modality_ext,
                ],
                "category": concept(c.RT_CATEGORY),
                "code": concept(c.RT_COURSE, text=t.modality.value),
                "performedPeriod": {"start": t.date.isoformat()},
            }
        )
    else:
        common.update(
            {
                "extension": [target, modality_ext],
                "code": concept(local_code, text=t.modality.value),
                "performedDateTime": t.date.isoformat(),
            }
        )
    w.add(common)


def therapy(w: CareWriter, index: int, therapy: SystemicTherapy) -> None:
    group = {"system": c.THERAPY_GROUP_SYSTEM, "value": f"{w.case.case_id}-{index}"}
    bounds: JSON = {"start": therapy.start.isoformat()}
    if therapy.end:
        bounds["end"] = therapy.end.isoformat()
    regimen: list[JSON] = [
        _ext(c.EXT + "/regimen-therapy-class", valueCode=k.value) for k in therapy.classes
    ]
    if therapy.line is not None:
        regimen.append(_ext(c.EXT_LINE, valueInteger=therapy.line))
    if therapy.best_response is not None:
        regimen.append(_ext(c.EXT_BEST_RESPONSE, valueCode=therapy.best_response.value))
    requests = [
        w.add(
            {
                "resourceType": "MedicationRequest",
                "id": w.rid("therapy", str(index), str(j)),
                "meta": _meta(c.PROFILE["medication_request"]),
                "extension": regimen,
                "status": "completed" if therapy.end else "active",
                "intent": "order",
                "groupIdentifier": group,
                "medicationCodeableConcept": {"text": agent},
                "subject": w.subject(),
                "authoredOn": therapy.start.isoformat(),
                "reasonReference": [ref(w.primary)],
                "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": bounds}}}],
            }
        )
        for j, agent in enumerate(therapy.agents)
    ]
    cw.last_doses(w, index, therapy, requests[0])


def biomarker(w: CareWriter, index: int, b: Biomarker) -> None:
    resource: JSON = {
        "resourceType": "Observation",
        "id": w.rid("biomarker", str(index)),
        "status": "final",
        "category": [{"coding": [{"system": c.OBSERVATION_CATEGORY, "code": "laboratory"}]}],
        "subject": w.subject(),
    }
    gene = c.GENES.get(b.name)
    marker = c.MARKER_TESTS.get(b.name)
    if gene is not None:
        positive, negative = c.VARIANT_PRESENT, c.VARIANT_ABSENT
        resource["meta"] = _meta(c.PROFILE["genomic_variant"])
        resource["code"] = concept(c.GENETIC_VARIANT_ASSESSMENT)
        resource["component"] = [
            {
                "code": concept(c.GENE_STUDIED),
                "valueCodeableConcept": concept(c.Code(c.HGNC, gene[0], gene[1])),
            }
        ]
    else:
        positive, negative = c.MARKER_POSITIVE, c.MARKER_NEGATIVE
        code = marker or _local(c.LOCAL_BIOMARKER, b.name.value)
        resource["code"] = concept(code, text=b.name.value)
        if marker is not None:
            resource["meta"] = _meta(c.PROFILE["tumor_marker"])
    if b.status == BiomarkerStatus.POSITIVE:
        resource["valueCodeableConcept"] = concept(positive)
    elif b.status == BiomarkerStatus.NEGATIVE:
        resource["valueCodeableConcept"] = concept(negative)
    else:
        resource["valueCodeableConcept"] = concept(_local(c.LOCAL_BIOMARKER_STATUS, b.status.value))
    if b.date:
        resource["effectiveDateTime"] = b.date.isoformat()
    if b.detail:
        resource["note"] = [{"text": b.detail}]
    w.add(resource)


def ecog(w: CareWriter, value: int) -> None:
    w.add(
        {
            "resourceType": "Observation",
            "id": w.rid("ecog"),
            "meta": _meta(c.PROFILE["ecog"]),
            "status": "final",
            "category": [{"coding": [{"system": c.OBSERVATION_CATEGORY, "code": "survey"}]}],
            "code": concept(c.ECOG),
            "subject": w.subject(),
            "valueInteger": value,
        }
    )


def age(w: CareWriter, years: int) -> None:
    w.add(
        {
            "resourceType": "Observation",
            "id": w.rid("age"),
            "status": "final",
            "code": concept(c.AGE),
            "subject": w.subject(),
            "valueQuantity": {"value": years, "unit": "a", "system": c.UCUM, "code": "a"},
        }
    )


def imaging(w: CareWriter, index: int, study: ImagingStudy) -> None:
    day, modality = study.date, study.modality.value
    regions = [r.value for r in study.regions]
    dicom = c.IMAGING_MODALITIES[study.modality]
    codings = [{"system": c.DICOM_DCM, "code": m, "display": c.DICOM_DISPLAY[m]} for m in dicom]
    resource: JSON = {
        "resourceType": "ImagingStudy",
        "id": w.rid("imaging-study", str(index)),
        "status": "available",
        "modality": codings,
        "subject": w.subject(),
        "started": day.isoformat(),
        "series": [
            {
                "uid": "2.25." + str(int(w.rid("series", str(index), r).replace("-", ""), 16)),
                "modality": codings[0],
                "bodySite": c.REGION_CODES[region].coding(),
            }
            for r, region in zip(regions, study.regions, strict=True)
        ],
    }
    if study.modality == ImagingModality.PSMA_PET:  # DICOM PT alone reads as FDG PET-CT
        resource["procedureCode"] = [concept(_local(c.LOCAL_IMAGING, modality))]
    if study.id is not None:
        resource["identifier"] = [{"system": cx.IMAGING_STUDY_ID_SYSTEM, "value": study.id}]
    report: JSON = {
        "resourceType": "DiagnosticReport",
        "id": w.rid("imaging-report", str(index)),
        "status": "final",
        "category": [concept(c.RADIOLOGY)],
        "code": {"text": f"{modality} {', '.join(regions)}"},
        "subject": w.subject(),
        "effectiveDateTime": day.isoformat(),
        "imagingStudy": [ref(w.add(resource))],
    }
    if study.findings:
        report["conclusion"] = study.findings
    w.add(report)
