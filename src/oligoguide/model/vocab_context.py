"""Controlled vocabularies of the clinical context a case carries (schema version 2).

Kept apart from `vocab.py` (lesions, response, plan) so that each stays short; both are exported in
the JSON Schema and documented in docs/case-format.md.
"""

from __future__ import annotations

from enum import StrEnum


class LabName(StrEnum):
    """Laboratory values and tumour markers a rule may read."""

    PSA = "PSA"
    CEA = "CEA"
    CA15_3 = "CA15-3"
    CA19_9 = "CA19-9"
    CA125 = "CA125"
    LDH = "LDH"
    BILIRUBIN = "bilirubin"
    ALBUMIN = "albumin"
    ALT = "ALT"
    AST = "AST"
    ALP = "ALP"
    CREATININE = "creatinine"
    EGFR_RENAL = "eGFR"
    PLATELETS = "platelets"
    HAEMOGLOBIN = "haemoglobin"
    NEUTROPHILS = "neutrophils"
    INR = "INR"
    TESTOSTERONE = "testosterone"
    CALCIUM = "calcium"
    NSE = "NSE"
    OTHER = "other"


class Comorbidity(StrEnum):
    """Conditions that change the safety of local therapy."""

    INTERSTITIAL_LUNG_DISEASE = "interstitial_lung_disease"
    INFLAMMATORY_BOWEL_DISEASE = "inflammatory_bowel_disease"
    CONNECTIVE_TISSUE_DISEASE = "connective_tissue_disease"
    CIRRHOSIS = "cirrhosis"
    COPD = "copd"
    PRIOR_PNEUMONITIS = "prior_pneumonitis"
    RENAL_IMPAIRMENT = "renal_impairment"
    CARDIAC = "cardiac"
    DIABETES = "diabetes"
    OTHER = "other"


class ChildPugh(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class Symptom(StrEnum):
    PAIN = "pain"
    NEUROLOGICAL_DEFICIT = "neurological_deficit"
    SPINAL_CORD_COMPRESSION = "spinal_cord_compression"
    CAUDA_EQUINA = "cauda_equina"
    HEADACHE = "headache"
    SEIZURE = "seizure"
    BLEEDING = "bleeding"
    OBSTRUCTION = "obstruction"
    DYSPNOEA = "dyspnoea"
    PATHOLOGICAL_FRACTURE = "pathological_fracture"
    JAUNDICE = "jaundice"
    OTHER = "other"


#: Symptoms that make a lesion an emergency: they lead the plan.
EMERGENCY_SYMPTOMS: frozenset[Symptom] = frozenset(
    {Symptom.SPINAL_CORD_COMPRESSION, Symptom.CAUDA_EQUINA}
)


class PrimaryStatus(StrEnum):
    IN_SITU = "in_situ"
    RESECTED = "resected"
    LOCALLY_RECURRENT = "locally_recurrent"
    UNKNOWN = "unknown"


class Resectability(StrEnum):
    RESECTABLE = "resectable"
    BORDERLINE = "borderline"
    UNRESECTABLE = "unresectable"


class SurgicalIntent(StrEnum):
    CURATIVE = "curative"
    PALLIATIVE = "palliative"


class GroupStatus(StrEnum):
    """How a group of lesions behaves at one time point."""

    PRESENT = "present"
    NEW = "new"
    PROGRESSING = "progressing"
    STABLE = "stable"
    RESPONDING = "responding"
    ABSENT = "absent"


class CytologySpecimen(StrEnum):
    CSF = "csf"
    PLEURAL = "pleural"
    PERICARDIAL = "pericardial"
    ASCITES = "ascites"


class CytologyResult(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    ATYPICAL = "atypical"
    SUSPICIOUS = "suspicious"


class RiskScoreName(StrEnum):
    IMDC = "IMDC"
    MSKCC = "MSKCC"
    GPA = "GPA"
    CRS = "CRS"  # Fong clinical risk score, colorectal liver metastases
    OTHER = "other"


class PostTreatmentAppearance(StrEnum):
    """A treated lesion that changed: expected post-radiation change, recurrence, or unclear."""

    FIBROSIS = "fibrosis"
    RECURRENCE = "recurrence"
    INDETERMINATE = "indeterminate"
