"""Code systems and namespaces oligoguide reads or writes, and `Code`, one coded concept.

Standard code systems first, then oligoguide's own namespaces (used only where no verified
standard code exists). The concept codes themselves are in `codes.py` and its siblings
(`codes_sites.py`, `codes_therapy.py`); `codes.py` re-exports everything here.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- code systems -------------------------------------------------------------------------------
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
HGNC = "http://www.genenames.org/geneId"
ATC = "http://www.whocc.no/atc"
DICOM_DCM = "http://dicom.nema.org/resources/ontology/DCM"
NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
RESOURCE_TYPES = "http://hl7.org/fhir/resource-types"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# oligoguide's own namespaces: used only where no verified standard code exists.
OLIGOGUIDE = "https://oligoguide.org/fhir"
LOCAL_SYSTEM = f"{OLIGOGUIDE}/CodeSystem"
LOCAL_SITE = f"{LOCAL_SYSTEM}/site"
LOCAL_BIOMARKER = f"{LOCAL_SYSTEM}/biomarker"
LOCAL_BIOMARKER_STATUS = f"{LOCAL_SYSTEM}/biomarker-status"
LOCAL_MODALITY = f"{LOCAL_SYSTEM}/local-modality"
LOCAL_IMAGING = f"{LOCAL_SYSTEM}/imaging-modality"
LOCAL_RECOMMENDATION = f"{LOCAL_SYSTEM}/recommendation"
LOCAL_DISEASE_STATE = f"{LOCAL_SYSTEM}/disease-state"
LOCAL_PRIMARY = f"{LOCAL_SYSTEM}/primary-site"
LOCAL_LESION_STATUS = f"{LOCAL_SYSTEM}/lesion-status"
LOCAL_OBSERVATION = f"{LOCAL_SYSTEM}/observation"
EXT = f"{OLIGOGUIDE}/StructureDefinition"
LESION_ID_SYSTEM = f"{OLIGOGUIDE}/lesion-id"
CASE_ID_SYSTEM = f"{OLIGOGUIDE}/case-id"
PATIENT_ID_SYSTEM = f"{OLIGOGUIDE}/patient-id"
THERAPY_GROUP_SYSTEM = f"{OLIGOGUIDE}/therapy-group"


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


def sct(code: str, display: str) -> Code:
    """A SNOMED CT code."""
    return Code(SNOMED, code, display)


def icd(code: str, display: str) -> Code:
    """An ICD-10 (WHO) code."""
    return Code(ICD10, code, display)
