"""Code tables of the clinical context of a case (schema version 2), kept apart from `codes.py`.

Every standard code below was checked with the search tool against at least one public FHIR
value set, implementation guide or terminology listing (docs/fhir.md lists where); concepts
without a verified standard code use oligoguide's own code systems (`LOCAL_*`), so a reader
from another system reports them as unmapped rather than misreads them.

Sources (abbreviations used below):
  LT-IG      HL7 Lithuania prostate IG, Observation-prostate-psa-example (LOINC 2857-1)
  TW-VS      a published FHIR tumour-marker value set (LNC 2039-6, 2857-1, 6875-9, 10334-1,
             24108-3 with their LOINC long names)
  LRC-VS     Outburn LRC referral value set (2160-0, 17861-6, 1751-7, 1975-2, 1920-8, 1742-6,
             6768-6 with their LOINC long names)
  VULCAN     Vulcan SoA connectathon ObservationDefinitions (33914-3 eGFR MDRD)
  LABMAPS    public LOINC mapping tables naming 777-3, 718-7, 751-8, 6301-6, 2986-8, 2532-0
             with their LOINC long names (two or more independent tables each)
  SCT-LISTS  SNOMED CT value sets and release notes naming 233703007, 24526004, 19943007,
             13645005, 73211009, 56265001 with their fully specified names
"""

from __future__ import annotations

from oligoguide.fhir.codes import EXT, LOCAL_SYSTEM, LOINC, OLIGOGUIDE, SNOMED, Code
from oligoguide.model.vocab_context import Comorbidity, LabName

# --- oligoguide code systems of the v2 context -----------------------------------------------
LOCAL_LAB = f"{LOCAL_SYSTEM}/lab"
LOCAL_COMORBIDITY = f"{LOCAL_SYSTEM}/comorbidity"
LOCAL_CHILD_PUGH = f"{LOCAL_SYSTEM}/child-pugh"
LOCAL_SYMPTOM = f"{LOCAL_SYSTEM}/symptom"
LOCAL_PRIMARY_STATUS = f"{LOCAL_SYSTEM}/primary-tumour-status"
LOCAL_GROUP_STATUS = f"{LOCAL_SYSTEM}/lesion-group-status"
LOCAL_GROUP_COUNT = f"{LOCAL_SYSTEM}/lesion-group-count"
LOCAL_APPEARANCE = f"{LOCAL_SYSTEM}/post-treatment-appearance"
LOCAL_RESECTABILITY = f"{LOCAL_SYSTEM}/resectability"
LOCAL_SURGICAL_INTENT = f"{LOCAL_SYSTEM}/surgical-intent"
LOCAL_CYTOLOGY_SPECIMEN = f"{LOCAL_SYSTEM}/cytology-specimen"
LOCAL_CYTOLOGY_RESULT = f"{LOCAL_SYSTEM}/cytology-result"
LOCAL_RISK_SCORE = f"{LOCAL_SYSTEM}/risk-score"
LOCAL_CONTEXT_OBSERVATION = f"{LOCAL_SYSTEM}/context-observation"

LESION_GROUP_ID_SYSTEM = f"{OLIGOGUIDE}/lesion-group-id"
IMAGING_STUDY_ID_SYSTEM = f"{OLIGOGUIDE}/imaging-study-id"
PRIOR_LINE_SYSTEM = f"{OLIGOGUIDE}/prior-treatment-line"

# --- oligoguide extensions of the v2 context (documented in docs/fhir.md) ---------------------
EXT_PRIMARY_TUMOUR = f"{EXT}/primary-tumour-status"  # complex: status, date, lesion, symptom
EXT_LESION_REF = f"{EXT}/lesion-reference"  # valueIdentifier: a lesion or lesion-group id
EXT_OAR_DISTANCE = f"{EXT}/organ-at-risk-distance"  # complex: organ, distance (mm)
EXT_SYMPTOM = f"{EXT}/symptom"  # valueCoding LOCAL_SYMPTOM
EXT_MEASUREMENT_MODALITY = f"{EXT}/imaging-modality"  # valueCode ImagingModality
EXT_GROUP_LOCATION = f"{EXT}/lesion-group-location"  # valueString
EXT_ASSESSMENT_BASIS = f"{EXT}/assessment-basis"  # valueString, repeated

# Observation codes without a verified standard code: oligoguide's own.
SINS = Code(LOCAL_CONTEXT_OBSERVATION, "sins", "Spinal Instability Neoplastic Score")
POST_TREATMENT = Code(
    LOCAL_CONTEXT_OBSERVATION, "post-treatment-appearance", "Appearance of a treated lesion"
)
LESION_GROUP = Code(LOCAL_CONTEXT_OBSERVATION, "lesion-group", "Lesions reported as a group")
SUV_MAX = Code(LOCAL_CONTEXT_OBSERVATION, "suv-max", "Maximum standardised uptake value")
SURGICAL_OPINION = Code(LOCAL_CONTEXT_OBSERVATION, "surgical-opinion", "Surgical opinion")
SURGICAL_INTENT = Code(LOCAL_CONTEXT_OBSERVATION, "surgical-intent", "Intent of surgery")
PRIOR_BURDEN = Code(
    LOCAL_CONTEXT_OBSERVATION, "prior-metastatic-burden", "Earlier burden was polymetastatic"
)
PRIOR_LESION_COUNT = Code(
    LOCAL_CONTEXT_OBSERVATION, "prior-lesion-count", "Number of metastases at that time"
)
CYTOLOGY = Code(LOCAL_CONTEXT_OBSERVATION, "cytology", "Cytology for malignant cells")
CYTOLOGY_SPECIMEN = Code(LOCAL_CONTEXT_OBSERVATION, "cytology-specimen", "Specimen")
AGENT_LAST_DOSE = Code(LOCAL_CONTEXT_OBSERVATION, "last-dose", "Last dose of an agent")


def _loinc(code: str, display: str) -> Code:
    return Code(LOINC, code, display)


#: Laboratory values with a verified LOINC code. Missing names (NSE, other) are written with
#: LOCAL_LAB: no LOINC code for them was verified.
LAB_CODES: dict[LabName, Code] = {
    LabName.PSA: _loinc("2857-1", "Prostate specific Ag [Mass/volume] in Serum or Plasma"),  # LT-IG
    LabName.CEA: _loinc("2039-6", "Carcinoembryonic Ag [Mass/volume] in Serum or Plasma"),  # TW-VS
    LabName.CA15_3: _loinc("6875-9", "Cancer Ag 15-3 [Units/volume] in Serum or Plasma"),
    LabName.CA19_9: _loinc("24108-3", "Cancer Ag 19-9 [Units/volume] in Serum or Plasma"),
    LabName.CA125: _loinc("10334-1", "Cancer Ag 125 [Units/volume] in Serum or Plasma"),
    LabName.LDH: _loinc(
        "2532-0", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma"
    ),
    LabName.BILIRUBIN: _loinc("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
    LabName.ALBUMIN: _loinc("1751-7", "Albumin [Mass/volume] in Serum or Plasma"),
    LabName.ALT: _loinc(
        "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"
    ),
    LabName.AST: _loinc(
        "1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma"
    ),
    LabName.ALP: _loinc(
        "6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma"
    ),
    LabName.CREATININE: _loinc("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"),
    LabName.EGFR_RENAL: _loinc(
        "33914-3",
        "Glomerular filtration rate/1.73 sq M.predicted among creatinine-based formula (MDRD)",
    ),
    LabName.PLATELETS: _loinc("777-3", "Platelets [#/volume] in Blood by Automated count"),
    LabName.HAEMOGLOBIN: _loinc("718-7", "Hemoglobin [Mass/volume] in Blood"),
    LabName.NEUTROPHILS: _loinc("751-8", "Neutrophils [#/volume] in Blood by Automated count"),
    LabName.INR: _loinc("6301-6", "INR in Platelet poor plasma by Coagulation assay"),
    LabName.TESTOSTERONE: _loinc("2986-8", "Testosterone [Mass/volume] in Serum or Plasma"),
    LabName.CALCIUM: _loinc("17861-6", "Calcium [Mass/volume] in Serum or Plasma"),
}
#: Tumour markers: written with the mCODE TumorMarkerTest profile (its value set is LOINC).
TUMOR_MARKER_LABS = frozenset(
    {LabName.PSA, LabName.CEA, LabName.CA15_3, LabName.CA19_9, LabName.CA125}
)


def _sct(code: str, display: str) -> Code:
    return Code(SNOMED, code, display)


#: Comorbidities with a verified SNOMED CT disorder (SCT-LISTS). The others (connective tissue
#: disease, prior pneumonitis, renal impairment, other) are local: no single verified concept
#: means what the vocabulary means.
COMORBIDITY_CODES: dict[Comorbidity, Code] = {
    Comorbidity.INTERSTITIAL_LUNG_DISEASE: _sct(
        "233703007", "Interstitial lung disease (disorder)"
    ),
    Comorbidity.INFLAMMATORY_BOWEL_DISEASE: _sct(
        "24526004", "Inflammatory bowel disease (disorder)"
    ),
    Comorbidity.CIRRHOSIS: _sct("19943007", "Cirrhosis of liver (disorder)"),
    Comorbidity.COPD: _sct("13645005", "Chronic obstructive lung disease (disorder)"),
    Comorbidity.CARDIAC: _sct("56265001", "Heart disease (disorder)"),
    Comorbidity.DIABETES: _sct("73211009", "Diabetes mellitus (disorder)"),
}


def lab_from_code(system: str | None, code: str | None) -> LabName | None:
    if system == LOCAL_LAB:
        return next((n for n in LabName if n.value == code), None)
    if system == LOINC:
        return next((n for n, known in LAB_CODES.items() if known.code == code), None)
    return None


def comorbidity_from_code(system: str | None, code: str | None) -> Comorbidity | None:
    if system == LOCAL_COMORBIDITY:
        return next((x for x in Comorbidity if x.value == code), None)
    if system == SNOMED:
        return next((x for x, known in COMORBIDITY_CODES.items() if known.code == code), None)
    return None
