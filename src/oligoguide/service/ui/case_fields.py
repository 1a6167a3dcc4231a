"""The case form's fields: one `Field` per input, grouped as the case model groups them.

A record without an id (a lab, a comorbidity, a last dose...) is shown whole on the form, because
an edit keeps unshown parts only by name or lesion id: `tests/test_ui_case_v2.py` checks that every
field of such a record has an input here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from oligoguide.model.vocab import (
    BestResponse,
    BiomarkerName,
    BiomarkerStatus,
    BodyRegion,
    ImagingModality,
    LesionObservation,
    LocalModality,
    LungZone,
    MetastasisTiming,
    OrganAtRisk,
    PrimarySite,
    Sex,
    Sidedness,
    Site,
    TherapyClass,
)
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


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, textarea, date, number, select, checkbox, checks, list
    choices: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""


YES_NO = ("true", "false")
CASE_FIELDS = (
    Field("case_id", "Case ID", required=True, hint="Unique in the registry"),
    Field("baseline_date", "Baseline scan date", "date", hint="Empty: the first scan"),
    Field("clinically_deteriorating", "Clinically deteriorating?", "select", YES_NO),
)
PATIENT = (
    Field("id", "Patient ID", required=True),
    Field("sex", "Sex", "select", _values(Sex)),
    Field("birth_date", "Birth date", "date"),
    Field("age", "Age (years)", "number", hint="If the birth date is not known"),
    Field("ecog", "ECOG", "number", hint="0-4"),
)
CANCER = (
    Field("primary_site", "Primary site", "select", _values(PrimarySite), required=True),
    Field("histology", "Histology"),
    Field("diagnosis_date", "Diagnosis date", "date"),
    Field("stage_at_diagnosis", "Stage at diagnosis"),
    Field("metastases_timing", "Metastases", "select", _values(MetastasisTiming)),
    Field("sidedness", "Sidedness (colorectal)", "select", _values(Sidedness)),
)
BIOMARKER = (
    Field("name", "Biomarker", "select", _values(BiomarkerName)),
    Field("status", "Status", "select", _values(BiomarkerStatus)),
    Field("detail", "Detail", hint="Variant or value"),
    Field("date", "Date", "date"),
)
THERAPY = (
    Field("agents", "Agents", "list", hint="Comma-separated, e.g. FOLFOX, panitumumab"),
    Field("classes", "Classes", "checks", _values(TherapyClass)),
    Field("line", "Line", "number"),
    Field("start", "Start", "date"),
    Field("end", "End", "date", hint="Empty while ongoing"),
    Field("best_response", "Best response", "select", _values(BestResponse)),
)
LESION = (
    Field("id", "Lesion ID", hint="e.g. L1"),
    Field("site", "Site", "select", _values(Site)),
    Field("location", "Location", hint="Segment, lobe, side"),
    Field("lung_zone", "Lung zone", "select", _values(LungZone)),
    Field("target", "Target lesion", "checkbox"),
    Field("is_lymph_node", "Lymph node", "checkbox"),
    Field("primary", "Primary tumour", "checkbox"),
    Field("sins_score", "SINS", "number", hint="Spine: 0-18"),
    Field("symptomatic", "Is the lesion causing symptoms?", "select", YES_NO),
    Field("measurable", "Measurable (RECIST)?", "select", YES_NO, hint="Empty: from its size"),
    Field("equivocal", "New lesion, still equivocal", "checkbox"),
    Field("symptoms", "Symptoms", "checks", _values(Symptom)),
    Field("adjacent_organs", "Next to organs at risk", "checks", _values(OrganAtRisk)),
)
MEASUREMENT = (
    Field("date", "Date", "date"),
    Field("diameter_mm", "Diameter (mm)", "number", hint="Short axis for nodes"),
    Field("status", "Status", "select", _values(LesionObservation)),
    Field("modality", "Seen on", "select", _values(ImagingModality)),
    Field("suv_max", "SUVmax", "number"),
)


# --- schema version 2: the clinical context ----------------------------------------------------
PRIMARY_TUMOUR = (
    Field("status", "Primary tumour", "select", _values(PrimaryStatus)),
    Field("date", "Resected or found on", "date"),
    Field("lesion_id", "Its lesion ID", hint="If it is one of the lesions below"),
    Field("symptoms", "Symptoms of the primary", "checks", _values(Symptom)),
)
DOSE = (
    Field("agent", "Agent"),
    Field("date", "Last dose", "date"),
)
OAR_DISTANCE = (
    Field("organ", "Organ at risk", "select", _values(OrganAtRisk)),
    Field("distance_mm", "Distance (mm)", "number"),
)
POST_TREATMENT = (
    Field("date", "Treated lesion reassessed on", "date"),
    Field("appearance", "Appearance", "select", _values(PostTreatmentAppearance)),
    Field("basis", "Based on", "list", hint="Comma-separated, e.g. MRI, PET-CT, biopsy"),
    Field("note", "Note"),
)
GROUP = (
    Field("id", "Group ID", hint="e.g. G1"),
    Field("site", "Site", "select", _values(Site)),
    Field("location", "Location"),
    Field("description", "Description", hint="e.g. innumerable bilateral nodules"),
)
GROUP_OBSERVATION = (
    Field("date", "Date", "date"),
    Field("count", "Count", hint="A number, or 'multiple' when not counted"),
    Field("status", "Status", "select", _values(GroupStatus)),
    Field("modality", "Seen on", "select", _values(ImagingModality)),
)
PRIOR_LINE = (
    Field("line", "Line", "number"),
    Field("agents", "Agents", "list", hint="Comma-separated"),
    Field("classes", "Classes", "checks", _values(TherapyClass)),
    Field("year", "Year", "number"),
    Field("best_response", "Best response", "select", _values(BestResponse)),
    Field("note", "Note"),
)
PRIOR_RT = (
    Field("site", "Site", "select", _values(Site)),
    Field("location", "Location", hint="e.g. T10-L1"),
    Field("total_dose_gy", "Total dose (Gy)", "number"),
    Field("fractions", "Fractions", "number"),
    Field("date", "Date", "date"),
    Field("lesion_ids", "Lesions inside the field", "list", hint="Comma-separated lesion IDs"),
)
LAB = (
    Field("name", "Test", "select", _values(LabName)),
    Field("value", "Value", "number"),
    Field("unit", "Unit", hint="e.g. ng/mL"),
    Field("date", "Date", "date"),
)
COMORBIDITY = (
    Field("condition", "Condition", "select", _values(Comorbidity)),
    Field("detail", "Detail"),
    Field("child_pugh", "Child-Pugh (cirrhosis)", "select", _values(ChildPugh)),
    Field("date", "Date", "date"),
)
SURGICAL_OPINION = (
    Field("date", "Date", "date"),
    Field("lesion_ids", "About lesions", "list", hint="Comma-separated; empty means all"),
    Field("resectability", "Resectability", "select", _values(Resectability)),
    Field("intent", "Intent", "select", _values(SurgicalIntent)),
    Field("note", "Note"),
)
PRIOR_BURDEN = (
    Field("polymetastatic", "Polymetastatic earlier", "select", YES_NO),
    Field("lesion_count", "Number of metastases then", "number"),
    Field("date", "Date", "date"),
    Field("note", "Note"),
)
CYTOLOGY = (
    Field("specimen", "Specimen", "select", _values(CytologySpecimen)),
    Field("result", "Result", "select", _values(CytologyResult)),
    Field("date", "Date", "date"),
)
RISK_SCORE = (
    Field("name", "Score", "select", _values(RiskScoreName)),
    Field("value", "Value", hint="e.g. intermediate, 2"),
    Field("date", "Date", "date"),
)
IMAGING = (
    Field("date", "Date", "date"),
    Field("modality", "Modality", "select", _values(ImagingModality)),
    Field("regions", "Regions covered", "checks", _values(BodyRegion)),
    Field("id", "Study ID", hint="Accession number, optional"),
    Field("findings", "Findings", "textarea"),
)
LOCAL_TREATMENT = (
    Field("lesion_id", "Lesion ID", hint="One of the lesions above"),
    Field("modality", "Treatment", "select", _values(LocalModality)),
    Field("date", "Date", "date"),
    Field("total_dose_gy", "Total dose (Gy)", "number", hint="Radiotherapy only"),
    Field("fractions", "Fractions", "number"),
)
LIST_FIELDS = {"agents", "basis", "lesion_ids"}
MULTI_FIELDS = {"classes", "symptoms", "regions", "adjacent_organs"}


@dataclass(frozen=True)
class Section:
    """A top-level list of the case shown as rows of flat inputs."""

    key: str
    title: str
    row: str  # a row's name: 'Lab 2'
    fields: tuple[Field, ...]
    hint: str = ""


SECTIONS = (
    Section(
        "imaging",
        "Imaging studies",
        "Imaging study",
        IMAGING,
        "Every scan done, with the regions it covered (a brain MRI: brain), so the work-up does "
        "not ask for it again.",
    ),
    Section(
        "local_treatments",
        "Local treatments of these lesions",
        "Local treatment",
        LOCAL_TREATMENT,
        "Surgery, radiotherapy or ablation of a lesion listed above, by its lesion ID.",
    ),
    Section(
        "prior_treatment_lines",
        "Earlier systemic lines (dates unknown)",
        "Earlier line",
        PRIOR_LINE,
    ),
    Section(
        "prior_radiotherapy",
        "Earlier radiotherapy",
        "Earlier radiotherapy",
        PRIOR_RT,
        "Fields treated before, and the current lesions that lie inside them.",
    ),
    Section("labs", "Laboratory values and tumour markers", "Lab", LAB),
    Section("comorbidities", "Comorbidities", "Comorbidity", COMORBIDITY),
    Section("surgical_opinions", "Surgical opinions", "Surgical opinion", SURGICAL_OPINION),
    Section("cytology", "Cytology", "Cytology", CYTOLOGY),
    Section("risk_scores", "Risk scores", "Risk score", RISK_SCORE),
)
