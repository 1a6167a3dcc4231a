"""Case -> mCODE STU4 (FHIR R4) collection Bundle, so cases can be shipped and round-tripped.

What mCODE has no element for (RECIST target flag, lung zone, adjacent organs at risk, symptoms,
line of therapy...) goes into oligoguide extensions (`codes.EXT_*`), listed in docs/fhir.md.

This module writes the patient, the cancer conditions and the lesions with their sizes;
`case_to_bundle_care.py` the treatments, biomarkers, ECOG, age and imaging; `context_write.py`
the schema version 2 context.
"""

from __future__ import annotations

from oligoguide.fhir import case_to_bundle_care as care
from oligoguide.fhir import codes as c
from oligoguide.fhir import context_write as cw
from oligoguide.fhir._util import JSON, concept, entry, ref, stable_id, validate_bundle
from oligoguide.fhir._util import ext as _ext
from oligoguide.fhir._util import local as _local
from oligoguide.fhir._util import meta as _meta
from oligoguide.fhir._util import site_body as _site_body
from oligoguide.fhir.case_to_bundle_care import EXTERNAL_BEAM as EXTERNAL_BEAM  # re-exported
from oligoguide.fhir.case_to_bundle_care import PHOTONS as PHOTONS  # re-exported
from oligoguide.model.case import Case, Lesion, Measurement
from oligoguide.model.vocab import Site


class _Builder:
    def __init__(self, case: Case) -> None:
        self.case = case
        self.entries: list[JSON] = []
        self.patient = self._patient()
        self.primary = self._primary()
        self.secondary: dict[Site, JSON] = {}
        self.tumors: dict[str, JSON] = {}

    def rid(self, *parts: str) -> str:
        return stable_id(self.case.case_id, *parts)

    def add(self, resource: JSON) -> JSON:
        self.entries.append(entry(resource))
        return resource

    def subject(self) -> JSON:
        return ref(self.patient)

    # --- patient and conditions ----------------------------------------------------------------
    def _patient(self) -> JSON:
        p = self.case.patient
        resource: JSON = {
            "resourceType": "Patient",
            "id": self.rid("patient"),
            "meta": _meta(c.PROFILE["patient"]),
            "identifier": [{"system": c.PATIENT_ID_SYSTEM, "value": p.id}],
            "gender": p.sex.value,
        }
        if p.birth_date:
            resource["birthDate"] = p.birth_date.isoformat()
        extensions = []
        if self.case.baseline_date:
            extensions.append(
                _ext(c.EXT_BASELINE_DATE, valueDate=self.case.baseline_date.isoformat())
            )
        if self.case.clinically_deteriorating is not None:
            extensions.append(
                _ext(c.EXT_DETERIORATING, valueBoolean=self.case.clinically_deteriorating)
            )
        if extensions:
            resource["extension"] = extensions
        self.entries.append(entry(resource))
        return resource

    def _primary(self) -> JSON:
        cancer = self.case.cancer
        code = c.PRIMARY_CODES[cancer.primary_site]
        resource: JSON = {
            "resourceType": "Condition",
            "id": self.rid("primary"),
            "meta": _meta(c.PROFILE["primary"]),
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": "active",
                    }
                ]
            },
            "verificationStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "code": "confirmed",
                    }
                ]
            },
            "category": [
                {"coding": [{"system": c.CONDITION_CATEGORY, "code": "problem-list-item"}]}
            ],
            "code": concept(
                code or _local(c.LOCAL_PRIMARY, cancer.primary_site.value),
                text=cancer.primary_site.value,
            ),
            "subject": ref(self.patient),
        }
        extensions = []
        if cancer.histology:
            extensions.append(
                _ext(c.EXT_HISTOLOGY, valueCodeableConcept={"text": cancer.histology})
            )
        if cancer.metastases_timing:
            extensions.append(
                _ext(c.EXT_METASTASIS_TIMING, valueCode=cancer.metastases_timing.value)
            )
        if cancer.sidedness:
            extensions.append(_ext(c.EXT_SIDEDNESS, valueCode=cancer.sidedness.value))
        if self.case.primary_tumour is not None:
            extensions.append(cw.primary_tumour(self.case.primary_tumour))
        if extensions:
            resource["extension"] = extensions
        if cancer.diagnosis_date:
            resource["onsetDateTime"] = cancer.diagnosis_date.isoformat()
        if cancer.stage_at_diagnosis:
            resource["stage"] = [{"summary": {"text": cancer.stage_at_diagnosis}}]
        return self.add(resource)

    def secondary_for(self, site: Site) -> JSON:
        if site in self.secondary:
            return self.secondary[site]
        codes = c.SITE_CODES[site]
        disorder = [codes.secondary_snomed, codes.secondary_icd10]
        if not any(disorder):
            disorder = [c.SECONDARY_NEOPLASM_ROOT]
        resource: JSON = {
            "resourceType": "Condition",
            "id": self.rid("secondary", site.value),
            "meta": _meta(c.PROFILE["secondary"]),
            "extension": [_ext(c.EXT_RELATED_CONDITION, valueReference=ref(self.primary))],
            "clinicalStatus": self.primary["clinicalStatus"],
            "verificationStatus": self.primary["verificationStatus"],
            "category": self.primary["category"],
            "code": concept(*disorder, text=f"metastasis: {site.value.replace('_', ' ')}"),
            "bodySite": [_site_body(site)],
            "subject": ref(self.patient),
        }
        self.secondary[site] = self.add(resource)
        return resource

    # --- lesions --------------------------------------------------------------------------------
    def tumor(self, lesion: Lesion) -> JSON:
        related = self.primary if lesion.primary else self.secondary_for(lesion.site)
        extensions: list[JSON] = [
            _ext(c.EXT_RELATED_CONDITION, valueReference=ref(related)),
            _ext(c.EXT_TARGET, valueBoolean=lesion.target),
            _ext(c.EXT_LYMPH_NODE, valueBoolean=lesion.is_lymph_node),
        ]
        if lesion.measurable is not None:
            extensions.append(_ext(c.EXT_MEASURABLE, valueBoolean=lesion.measurable))
        if lesion.equivocal:
            extensions.append(_ext(c.EXT_EQUIVOCAL, valueBoolean=True))
        if lesion.lung_zone:
            extensions.append(_ext(c.EXT_LUNG_ZONE, valueCode=lesion.lung_zone.value))
        extensions += [
            _ext(c.EXT_ADJACENT_ORGAN, valueCode=organ.value) for organ in lesion.adjacent_organs
        ]
        if lesion.symptomatic is not None:
            extensions.append(_ext(c.EXT_SYMPTOMATIC, valueBoolean=lesion.symptomatic))
        extensions += cw.lesion_extensions(lesion)
        resource: JSON = {
            "resourceType": "BodyStructure",
            "id": self.rid("tumor", lesion.id),
            "meta": _meta(c.PROFILE["tumor"]),
            "extension": extensions,
            "identifier": [
                {
                    "use": "usual",
                    "type": {"coding": [{"system": c.RESOURCE_TYPES, "code": "BodyStructure"}]},
                    "system": c.LESION_ID_SYSTEM,
                    "value": lesion.id,
                }
            ],
            "morphology": concept(c.TUMOR_MORPHOLOGY),
            "location": _site_body(lesion.site),
            "patient": ref(self.patient),
        }
        if lesion.location:
            resource["description"] = lesion.location
        self.tumors[lesion.id] = self.add(resource)
        for m in lesion.timeline:
            self.measurement(lesion, resource, m)
        cw.lesion_observations(self, lesion, resource)
        return resource

    def measurement(self, lesion: Lesion, tumor: JSON, m: Measurement) -> None:
        day, diameter = m.date, m.diameter_mm
        status_value = m.status.value if m.status is not None else None
        resource: JSON = {
            "resourceType": "Observation",
            "id": self.rid("size", lesion.id, day.isoformat()),
            "status": "final",
            "category": [{"coding": [{"system": c.OBSERVATION_CATEGORY, "code": "imaging"}]}],
            "subject": self.subject(),
            "focus": [ref(tumor)],
            "effectiveDateTime": day.isoformat(),
        }
        if diameter is not None:
            resource["meta"] = _meta(c.PROFILE["tumor_size"])
            resource["code"] = concept(c.TUMOR_SIZE)
            resource["component"] = [
                {
                    "code": concept(c.TUMOR_LONGEST_DIMENSION),
                    "valueQuantity": {
                        "value": diameter,
                        "unit": "mm",
                        "system": c.UCUM,
                        "code": "mm",
                    },
                }
            ]
            if status_value:
                resource["extension"] = [_ext(c.EXT_LESION_STATUS, valueCode=status_value)]
        else:
            # No size: RECIST status only (e.g. non-measurable bone lesion "present").
            resource["code"] = concept(
                _local(c.LOCAL_OBSERVATION, "lesion-status", "RECIST lesion status")
            )
            resource["valueCodeableConcept"] = {
                "coding": [{"system": c.LOCAL_LESION_STATUS, "code": str(status_value)}],
                "text": str(status_value),
            }
        cw.measurement_extras(resource, m)
        self.add(resource)


def case_to_bundle(case: Case) -> JSON:
    """The case as an mCODE collection Bundle (plain JSON), validated with the R4B models."""
    b = _Builder(case)
    if case.patient.ecog is not None:
        care.ecog(b, case.patient.ecog)
    if case.patient.age is not None:
        care.age(b, case.patient.age)
    for i, marker in enumerate(case.cancer.biomarkers):
        care.biomarker(b, i, marker)
    for lesion in case.lesions:
        b.tumor(lesion)
    for i, therapy in enumerate(case.systemic_therapies):
        care.therapy(b, i, therapy)
    for i, treatment in enumerate(case.local_treatments):
        care.local_treatment(b, i, treatment)
    for i, study in enumerate(case.imaging):
        care.imaging(b, i, study)
    cw.write_context(b)
    bundle: JSON = {
        "resourceType": "Bundle",
        "id": stable_id(case.case_id, "bundle"),
        "identifier": {"system": c.CASE_ID_SYSTEM, "value": case.case_id},
        "type": "collection",
        "entry": b.entries,
    }
    return validate_bundle(bundle)
