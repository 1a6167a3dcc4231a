"""Controlled vocabularies: every enum a case or an assessment uses, documented in one place.

The values are the wire format (JSON) and appear in the exported JSON Schema.
"""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class PrimarySite(StrEnum):
    """Primary cancer. NSCLC and SCLC are separate because their management differs."""

    COLORECTAL = "colorectal"
    NSCLC = "nsclc"
    SCLC = "sclc"
    BREAST = "breast"
    PROSTATE = "prostate"
    RENAL = "renal"
    MELANOMA = "melanoma"
    OTHER = "other"


class Site(StrEnum):
    """Organ or site of a lesion (metastasis, primary or lymph node)."""

    LUNG = "lung"
    LIVER = "liver"
    BRAIN = "brain"
    LEPTOMENINGES = "leptomeninges"
    BONE = "bone"
    SPINE = "spine"
    LYMPH_NODE = "lymph_node"
    ADRENAL = "adrenal"
    PERITONEUM = "peritoneum"
    PLEURA = "pleura"
    PERICARDIUM = "pericardium"
    KIDNEY = "kidney"
    PANCREAS = "pancreas"
    SPLEEN = "spleen"
    SOFT_TISSUE = "soft_tissue"
    SKIN = "skin"
    OVARY = "ovary"
    BREAST = "breast"
    PROSTATE = "prostate"
    COLORECTUM = "colorectum"
    OTHER = "other"


#: Diffuse serosal or leptomeningeal disease cannot be treated lesion by lesion.
DIFFUSE_SITES: frozenset[Site] = frozenset(
    {Site.LEPTOMENINGES, Site.PERITONEUM, Site.PLEURA, Site.PERICARDIUM}
)


class LungZone(StrEnum):
    """Lung lesion position relative to the proximal bronchial tree (sets the SBRT schedule)."""

    PERIPHERAL = "peripheral"
    CENTRAL = "central"  # within 2 cm of the proximal bronchial tree
    ULTRACENTRAL = "ultracentral"  # touching the main bronchus, trachea or oesophagus


class OrganAtRisk(StrEnum):
    """Organs at risk, named as in the dose-constraint tables (AAPM TG-101)."""

    BRACHIAL_PLEXUS = "brachial_plexus"
    BRAINSTEM = "brainstem"
    BRONCHUS_SMALL_AIRWAYS = "bronchus_small_airways"
    CAUDA_EQUINA = "cauda_equina"
    COCHLEA = "cochlea"
    COLON = "colon"
    DUODENUM = "duodenum"
    ESOPHAGUS = "esophagus"
    GREAT_VESSELS = "great_vessels"
    HEART_PERICARDIUM = "heart_pericardium"
    JEJUNUM_ILEUM = "jejunum_ileum"
    LIVER = "liver"
    LUNG = "lung"
    OPTIC_PATHWAY = "optic_pathway"
    RECTUM = "rectum"
    RENAL_CORTEX = "renal_cortex"
    RIBS = "ribs"
    SACRAL_PLEXUS = "sacral_plexus"
    SKIN = "skin"
    SPINAL_CORD = "spinal_cord"
    STOMACH = "stomach"
    THECAL_SAC = "thecal_sac"
    TRACHEA_LARGE_BRONCHUS = "trachea_large_bronchus"


class Sidedness(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    UNKNOWN = "unknown"


class MetastasisTiming(StrEnum):
    SYNCHRONOUS = "synchronous"
    METACHRONOUS = "metachronous"


class BiomarkerName(StrEnum):
    EGFR = "EGFR"
    ALK = "ALK"
    ROS1 = "ROS1"
    RET = "RET"
    MET = "MET"
    BRAF = "BRAF"
    KRAS = "KRAS"
    NRAS = "NRAS"
    HER2 = "HER2"
    NTRK = "NTRK"
    MSI = "MSI"
    PD_L1 = "PD-L1"
    ER = "ER"
    PR = "PR"
    PSA = "PSA"
    OTHER = "other"


class BiomarkerStatus(StrEnum):
    POSITIVE = "positive"  # mutated / rearranged / amplified / expressed / MSI-high
    NEGATIVE = "negative"  # wild type / not expressed / MSS
    EQUIVOCAL = "equivocal"
    NOT_TESTED = "not_tested"


class TherapyClass(StrEnum):
    CHEMOTHERAPY = "chemotherapy"
    TARGETED = "targeted"
    IMMUNOTHERAPY = "immunotherapy"
    HORMONAL = "hormonal"
    ANTIBODY = "antibody"


class BestResponse(StrEnum):
    CR = "CR"
    PR = "PR"
    SD = "SD"
    PD = "PD"
    NE = "NE"


class LocalModality(StrEnum):
    """Modalities of local (metastasis-directed) treatment."""

    SURGERY = "surgery"
    SBRT = "sbrt"
    SRS = "srs"
    RFA = "rfa"
    MWA = "mwa"
    CRYOABLATION = "cryoablation"
    SIRT = "sirt"
    TACE = "tace"
    CONVENTIONAL_RT = "conventional_rt"
    WBRT = "wbrt"
    OBSERVATION = "observation"


#: Modalities that deliver radiation: a lesion in their field is "previously irradiated".
RADIATION_MODALITIES: frozenset[LocalModality] = frozenset(
    {
        LocalModality.SBRT,
        LocalModality.SRS,
        LocalModality.CONVENTIONAL_RT,
        LocalModality.WBRT,
        LocalModality.SIRT,
    }
)


#: Modalities meant to destroy the lesion (as opposed to palliate or watch it).
ABLATIVE_MODALITIES: frozenset[LocalModality] = frozenset(
    {
        LocalModality.SURGERY,
        LocalModality.SBRT,
        LocalModality.SRS,
        LocalModality.RFA,
        LocalModality.MWA,
        LocalModality.CRYOABLATION,
    }
)


class ImagingModality(StrEnum):
    CT = "CT"
    MRI = "MRI"
    PET_CT = "PET-CT"  # FDG
    PSMA_PET = "PSMA-PET"
    BONE_SCAN = "bone_scan"
    XRAY = "X-ray"
    ULTRASOUND = "ultrasound"


class BodyRegion(StrEnum):
    BRAIN = "brain"
    HEAD_NECK = "head_neck"
    CHEST = "chest"
    ABDOMEN = "abdomen"
    PELVIS = "pelvis"
    SPINE = "spine"
    WHOLE_BODY = "whole_body"
    LIVER = "liver"


class LesionObservation(StrEnum):
    """Status of a lesion at one time point, for what a diameter cannot say."""

    PRESENT = "present"
    ABSENT = "absent"
    UNEQUIVOCAL_PROGRESSION = "unequivocal_progression"
    TOO_SMALL_TO_MEASURE = "too_small_to_measure"
    NOT_EVALUATED = "not_evaluated"


class TargetResponse(StrEnum):
    CR = "CR"
    PR = "PR"
    SD = "SD"
    PD = "PD"
    NE = "NE"


class NonTargetResponse(StrEnum):
    CR = "CR"
    NON_CR_NON_PD = "non-CR/non-PD"
    PD = "PD"
    NE = "NE"
    NONE = "none"  # the patient has no non-target lesions


class OverallResponse(StrEnum):
    CR = "CR"
    PR = "PR"
    SD = "SD"
    PD = "PD"
    NE = "NE"
    NON_CR_NON_PD = "non-CR/non-PD"  # only non-target disease at baseline
    BASELINE = "baseline"


class IRecistResponse(StrEnum):
    """iRECIST labels for patients on immunotherapy (Seymour et al. 2017)."""

    IUPD = "iUPD"
    ICPD = "iCPD"


class LesionStatus(StrEnum):
    """Per-lesion trajectory status at the latest time point."""

    NEW = "new"
    PROGRESSING = "progressing"
    STABLE = "stable"
    RESPONDING = "responding"
    DISAPPEARED = "disappeared"
    PRESENT = "present"  # non-measurable, present and not progressing
    NOT_EVALUABLE = "not_evaluable"
    BASELINE_ONLY = "baseline_only"


class DiseaseState(StrEnum):
    OLIGOPROGRESSION = "oligoprogression"
    POLYPROGRESSION = "polyprogression"
    OLIGOPERSISTENCE = "oligopersistence"
    OLIGOMETASTATIC = "oligometastatic"
    CONTROLLED = "controlled"
    INSUFFICIENT_DATA = "insufficient_data"


class EstroCategory(StrEnum):
    """ESTRO/EORTC 2020 (Guckenberger et al.) first split of oligometastatic disease."""

    DE_NOVO = "de_novo"
    REPEAT = "repeat"
    INDUCED = "induced"


class EstroSubtype(StrEnum):
    SYNCHRONOUS = "synchronous_oligometastatic_disease"
    OLIGORECURRENCE = "oligorecurrence"
    OLIGOPROGRESSION = "oligoprogression"
    OLIGOPERSISTENCE = "oligopersistence"


class RecommendationCategory(StrEnum):
    LOCAL_THERAPY = "local_therapy"
    SYSTEMIC = "systemic"
    WORKUP = "workup"
    FOLLOW_UP = "follow_up"
    CAUTION = "caution"


class SystemicAction(StrEnum):
    CONTINUE = "continue"
    SWITCH = "switch"
    HOLD = "hold"
    START = "start"  # first-line therapy in de novo disease
    BEST_SUPPORTIVE_CARE = "best_supportive_care"


class Timing(StrEnum):
    """When a local treatment belongs in the plan."""

    URGENT = "urgent"  # an emergency: today
    NOW = "now"  # at this tumour board
    AFTER_SYSTEMIC_RESPONSE = "after_systemic_response"  # consolidation after first-line therapy
    AFTER_CONFIRMATION = "after_confirmation"  # only once progression is confirmed
    IF_SYMPTOMATIC = "if_symptomatic"  # palliative, for symptoms only


class Intent(StrEnum):
    ABLATIVE = "ablative"
    PALLIATIVE = "palliative"


class WorkupCode(StrEnum):
    BRAIN_MRI = "brain_mri"
    CT_CHEST_ABDOMEN_PELVIS = "ct_chest_abdomen_pelvis"
    PET_CT = "pet_ct"
    LIVER_MRI = "liver_mri"
    SPINE_MRI = "spine_mri"
    REBIOPSY = "rebiopsy"
    MOLECULAR_PROFILING = "molecular_profiling"
    CTDNA = "ctdna"
    MDT_REVIEW = "mdt_review"
    CONFIRMATORY_SCAN = "confirmatory_scan"
    PSMA_PET = "psma_pet"
    BONE_SCAN = "bone_scan"
    NEURAXIS_MRI = "neuraxis_mri"
    CSF_CYTOLOGY = "csf_cytology"
    TUMOUR_MARKERS = "tumour_markers"
    FUTURE_LIVER_REMNANT = "future_liver_remnant"
    PULMONARY_FUNCTION = "pulmonary_function"
    SURGICAL_REVIEW = "surgical_review"
