"""Assessment (+ its Case) -> FHIR R4 collection Bundle.

Resources written:
- Patient and PrimaryCancerCondition (as in `case_to_bundle`, same ids) so references resolve;
- CancerDiseaseStatus Observation (mCODE, LOINC 97509-4) with a value from ConditionStatusTrendVS;
- CarePlan (intent "proposal") with one activity per recommendation;
- DetectedIssue per caution recommendation and per engine warning;
- Citation per evidence reference (DOI / PMID identifiers) and one Provenance naming the
  knowledge-base version and the cited evidence.

Disease state -> ConditionStatusTrendVS (`disease_status_code`):
- any progressing lesion (oligo-/polyprogression, oligorecurrence) -> worsened 271299001;
- insufficient_data, or one scan only -> undetermined 709137006;
- no progression and the latest RECIST overall response CR or PR -> improved 268910001;
- otherwise (controlled, oligopersistence, stable disease) -> stable 359746009.
"""

from __future__ import annotations

import datetime as dt

from oligoguide.assess import Assessment
from oligoguide.fhir import codes as c
from oligoguide.fhir._util import JSON, concept, entry, ref, stable_id, validate_bundle
from oligoguide.fhir.case_to_bundle import case_to_bundle
from oligoguide.model.case import Case
from oligoguide.model.vocab import DiseaseState, OverallResponse, RecommendationCategory
from oligoguide.plan import Recommendation

DOI_SYSTEM = "https://doi.org"
PMID_SYSTEM = "https://pubmed.ncbi.nlm.nih.gov"
KB_SYSTEM = f"{c.OLIGOGUIDE}/knowledge-base-version"


def disease_status_code(a: Assessment) -> c.Code:
    """The ConditionStatusTrendVS code for an assessment (rules in the module docstring)."""
    if a.progressing_lesions or a.disease_state in (
        DiseaseState.OLIGOPROGRESSION,
        DiseaseState.POLYPROGRESSION,
    ):
        return c.STATUS_WORSENED
    if a.disease_state == DiseaseState.INSUFFICIENT_DATA or len(a.response.timepoints) < 2:
        return c.STATUS_UNDETERMINED
    if a.response.timepoints[-1].overall in (OverallResponse.CR, OverallResponse.PR):
        return c.STATUS_IMPROVED
    return c.STATUS_STABLE


def _activity(r: Recommendation, status_ref: JSON) -> JSON:
    description = r.text
    if r.dose:
        description += (
            f" Dose: {r.dose.total_gy:g} Gy in {r.dose.fractions} fraction(s) "
            f"(BED10 {r.dose.bed10:g} Gy, EQD2 {r.dose.eqd2_10:g} Gy)."
        )
    description += f" Why: {r.rationale}"
    if r.caveat:
        description += f" Caveat: {r.caveat}"
    extensions: list[JSON] = [
        {"url": f"{c.EXT}/recommendation-category", "valueCode": r.category.value},
        {"url": f"{c.EXT}/recommendation-strength", "valueCode": r.strength.value},
        {"url": f"{c.EXT}/recommendation-rule", "valueString": r.rule},
    ]
    extensions += [{"url": f"{c.EXT}/evidence-id", "valueString": e} for e in r.citations]
    codings = [
        {"system": c.LOCAL_RECOMMENDATION, "code": r.statement_id, "display": r.statement_id}
    ]
    detail: JSON = {
        "extension": extensions,
        "code": {"coding": codings, "text": r.text},
        "reasonReference": [status_ref],
        "status": "not-started",
        "description": description,
    }
    return {"detail": detail}


def _issue(case: Case, key: str, text: str, patient: JSON, implicated: list[JSON]) -> JSON:
    return {
        "resourceType": "DetectedIssue",
        "id": stable_id(case.case_id, "issue", key),
        "status": "final",
        "code": {
            "coding": [{"system": c.LOCAL_RECOMMENDATION, "code": "caution", "display": "caution"}]
        },
        "severity": "moderate",
        "patient": patient,
        "detail": text,
        "implicated": implicated,
    }


def assessment_to_bundle(
    assessment: Assessment, case: Case, recorded: dt.datetime | None = None
) -> JSON:
    """The assessment as a FHIR R4 collection Bundle (plain JSON), validated with R4B models."""
    a = assessment
    when = (recorded or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    source = case_to_bundle(case)
    keep = {"Patient"}
    base = [
        e
        for e in source["entry"]
        if e["resource"]["resourceType"] in keep
        or c.PROFILE["primary"] in e["resource"].get("meta", {}).get("profile", [])
    ]
    patient = next(e["resource"] for e in base if e["resource"]["resourceType"] == "Patient")
    primary = next(e["resource"] for e in base if e["resource"]["resourceType"] == "Condition")
    latest = a.response.timepoints[-1].date.isoformat() if a.response.timepoints else None
    value = disease_status_code(a)
    status: JSON = {
        "resourceType": "Observation",
        "id": stable_id(case.case_id, "disease-status", a.kb_version),
        "meta": {"profile": [c.PROFILE["disease_status"]]},
        "extension": [
            {"url": c.EXT_EVIDENCE_TYPE, "valueCodeableConcept": concept(c.EVIDENCE_IMAGING)},
            {"url": f"{c.EXT}/disease-state", "valueCode": a.disease_state.value},
        ],
        "status": "preliminary",
        "category": [{"coding": [{"system": c.OBSERVATION_CATEGORY, "code": "imaging"}]}],
        "code": concept(c.DISEASE_STATUS),
        "subject": ref(patient),
        "focus": [ref(primary)],
        "valueCodeableConcept": concept(value, text=a.disease_state.value.replace("_", " ")),
        "note": [{"text": a.bottom_line}],
    }
    if latest:
        status["effectiveDateTime"] = latest
    careplan: JSON = {
        "resourceType": "CarePlan",
        "id": stable_id(case.case_id, "careplan", a.kb_version),
        "status": "draft",
        "intent": "proposal",
        "title": f"oligoguide plan ({a.disease_state.value})",
        "description": a.bottom_line,
        "subject": ref(patient),
        "addresses": [ref(primary)],
        "supportingInfo": [ref(status)],
        "note": [{"text": a.disclaimer}],
    }
    activities = [_activity(r, ref(status)) for r in a.recommendations]
    if activities:
        careplan["activity"] = activities
    issues = [
        _issue(case, r.id, f"{r.text} Why: {r.rationale}", ref(patient), [ref(careplan)])
        for r in a.recommendations
        if r.category == RecommendationCategory.CAUTION
    ]
    issues += [
        _issue(case, f"warning-{i}", text, ref(patient), [ref(status)])
        for i, text in enumerate(a.warnings)
    ]
    citations: list[JSON] = []
    for reference in a.references:
        identifiers = []
        if reference.doi:
            identifiers.append({"system": DOI_SYSTEM, "value": reference.doi})
        if reference.pmid:
            identifiers.append({"system": PMID_SYSTEM, "value": reference.pmid})
        citation: JSON = {
            "resourceType": "Citation",
            "id": stable_id("citation", reference.id),
            "identifier": [{"system": f"{c.OLIGOGUIDE}/evidence-id", "value": reference.id}],
            "status": "active",
            "title": reference.text[:250],
            "summary": [{"text": reference.text}],
        }
        if identifiers:
            citation["citedArtifact"] = {"identifier": identifiers}
        citations.append(citation)
    provenance: JSON = {
        "resourceType": "Provenance",
        "id": stable_id(case.case_id, "provenance", a.kb_version),
        "target": [ref(status), ref(careplan), *[ref(i) for i in issues]],
        "recorded": when.isoformat().replace("+00:00", "Z"),
        "agent": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                            "code": "assembler",
                        }
                    ]
                },
                "who": {"display": f"oligoguide (knowledge base {a.kb_version})"},
            }
        ],
        "entity": [
            {
                "role": "source",
                "what": {
                    "identifier": {"system": KB_SYSTEM, "value": a.kb_version},
                    "display": f"oligoguide knowledge base {a.kb_version}",
                },
            },
            *[{"role": "source", "what": ref(x)} for x in citations],
        ],
    }
    resources = [status, careplan, *issues, *citations, provenance]
    bundle: JSON = {
        "resourceType": "Bundle",
        "id": stable_id(case.case_id, "assessment", a.kb_version),
        "identifier": {"system": c.CASE_ID_SYSTEM, "value": case.case_id},
        "type": "collection",
        "timestamp": when.isoformat().replace("+00:00", "Z"),
        "entry": [*base, *[entry(r) for r in resources]],
    }
    return validate_bundle(bundle)
