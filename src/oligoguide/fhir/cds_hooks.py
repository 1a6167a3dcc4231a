"""CDS Hooks 2.0.1: typed models, the patient-view service, and Assessment -> cards.

Written from the specification (HL7 cds-hooks v2.0.1; no maintained Python library exists).
HTTP, JWT verification and the 412 answer belong to the service layer; this module gives it
the shapes, the discovery descriptor, the prefetch -> Bundle step and the cards.

Card indicator policy (documented in docs/fhir.md):
- ``warning``: the disease progresses (oligo- or polyprogression, or any progressing lesion),
  the data cannot support a decision (insufficient_data), progression needs confirmation
  (iRECIST), or the plan holds a caution or an engine warning;
- a second ``warning`` card lists what reading the EHR's record left out (a lenient reading:
  a tumour size whose focus names no Tumor, a resource about another patient...), as the
  disease state was assessed without it;
- ``info``: everything else (controlled disease, oligopersistence, oligometastatic without
  progression and without cautions);
- ``critical`` is reserved for never-events (an order that would harm, e.g. a dose beyond an
  organ-at-risk limit at order-sign). oligoguide's patient-view assessment does not detect such
  events, so it never emits ``critical``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Self

from pydantic import AnyUrl, BaseModel, ConfigDict, Field, model_validator

from oligoguide.assess import Assessment
from oligoguide.fhir.codes import OLIGOGUIDE
from oligoguide.fhir.reading import Unmapped
from oligoguide.model.vocab import DiseaseState, RecommendationCategory

SUMMARY_MAX = 140
SERVICE_ID = "oligoguide-patient-view"
LOCAL_OVERRIDE = f"{OLIGOGUIDE}/CodeSystem/override-reason"


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Coding(_Model):
    system: str | None = None
    code: str | None = None
    display: str | None = None


class OverrideReason(Coding):
    display: str  # required for override reasons (spec: Coding with display)


class ServiceDescriptor(_Model):
    hook: str
    title: str | None = None
    description: str
    id: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None  # noqa: N815 (spec field name)


class DiscoveryResponse(_Model):
    services: list[ServiceDescriptor]


class FhirAuthorization(_Model):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


class CdsRequest(_Model):
    hook: str
    hookInstance: uuid.UUID  # noqa: N815
    fhirServer: AnyUrl | None = None  # noqa: N815
    fhirAuthorization: FhirAuthorization | None = None  # noqa: N815
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _server_with_authorization(self) -> Self:
        if self.fhirAuthorization is not None and self.fhirServer is None:
            raise ValueError("fhirServer is required when fhirAuthorization is given")
        return self


class Source(_Model):
    label: str
    url: AnyUrl | None = None
    icon: AnyUrl | None = None
    topic: Coding | None = None


class Link(_Model):
    label: str
    url: AnyUrl
    type: Literal["absolute", "smart"]
    appContext: str | None = None  # noqa: N815
    autolaunchable: bool | None = None

    @model_validator(mode="after")
    def _app_context_smart_only(self) -> Self:
        if self.appContext is not None and self.type != "smart":
            raise ValueError("appContext is only allowed on smart links")
        return self


class Action(_Model):
    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, Any] | None = None
    resourceId: str | None = None  # noqa: N815


class Suggestion(_Model):
    label: str
    uuid: str | None = None
    isRecommended: bool | None = None  # noqa: N815
    actions: list[Action] | None = None


class Card(_Model):
    uuid: str | None = None
    summary: str = Field(max_length=SUMMARY_MAX, min_length=1)
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None  # noqa: N815
    overrideReasons: list[OverrideReason] | None = None  # noqa: N815
    links: list[Link] | None = None

    @model_validator(mode="after")
    def _selection_with_suggestions(self) -> Self:
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("selectionBehavior is required when suggestions are given")
        return self


class CdsResponse(_Model):
    cards: list[Card]
    systemActions: list[Action] | None = None  # noqa: N815


class OverrideDetail(_Model):
    reason: Coding | None = None
    userComment: str | None = None  # noqa: N815


class AcceptedSuggestion(_Model):
    id: str


class Feedback(_Model):
    card: str
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = None  # noqa: N815
    overrideReason: OverrideDetail | None = None  # noqa: N815
    outcomeTimestamp: str  # noqa: N815

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.outcome == "overridden" and self.acceptedSuggestions:
            raise ValueError("an overridden card has no accepted suggestions")
        return self


class FeedbackRequest(_Model):
    feedback: list[Feedback]


# --- the patient-view service --------------------------------------------------------------------
#: Prefetch templates: every resource type `read.bundle_to_case` uses.
PATIENT_VIEW_PREFETCH: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "tumors": "BodyStructure?patient={{context.patientId}}",
    "tumorSizes": "Observation?patient={{context.patientId}}&code=http://loinc.org|21889-1",
    "ecog": "Observation?patient={{context.patientId}}&code=http://loinc.org|89247-1",
    "laboratory": "Observation?patient={{context.patientId}}&category=laboratory",
    "lesionStatus": (
        "Observation?patient={{context.patientId}}"
        f"&code={OLIGOGUIDE}/CodeSystem/observation|lesion-status"
    ),
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
    "medicationAdministrations": "MedicationAdministration?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
    "imagingReports": (
        "DiagnosticReport?patient={{context.patientId}}"
        "&category=http://terminology.hl7.org/CodeSystem/v2-0074|RAD"
    ),
    "imagingStudies": "ImagingStudy?patient={{context.patientId}}",
}
#: Without these the case cannot be built: answer 412 unless the FHIR server may be queried.
REQUIRED_PREFETCH: tuple[str, ...] = ("patient", "conditions", "tumors", "tumorSizes")

PATIENT_VIEW_SERVICE = ServiceDescriptor(
    hook="patient-view",
    id=SERVICE_ID,
    title="oligoguide: oligoprogression assessment",
    description=(
        "Reads the mCODE record (cancer conditions, tracked tumours and their sizes, therapies, "
        "radiotherapy, biomarkers, imaging), classifies the disease state per lesion (RECIST 1.1 "
        "against each lesion's nadir) and proposes a cited plan for oligoprogression."
    ),
    prefetch=PATIENT_VIEW_PREFETCH,
)


def discovery() -> DiscoveryResponse:
    return DiscoveryResponse(services=[PATIENT_VIEW_SERVICE])


def missing_prefetch(prefetch: Mapping[str, Any] | None) -> list[str]:
    """Required prefetch keys that are absent or null (the EHR could not or did not fetch)."""
    given = prefetch or {}
    return [key for key in REQUIRED_PREFETCH if given.get(key) is None]


def prefetch_to_bundle(prefetch: Mapping[str, Any]) -> dict[str, Any]:
    """Merge prefetch results (resources or searchset Bundles) into one collection Bundle.

    Duplicates (same type and id) are kept once. Everything else is kept, so that the reader
    lists what it does not use: an OperationOutcome (a search's warning, e.g. results cut
    short) and an object that is no resource are never dropped here.
    The result goes to `read.bundle_to_case`, which validates it.
    """
    seen: set[tuple[str, str]] = set()
    entries: list[dict[str, Any]] = []

    def add(resource: Any) -> None:
        if not isinstance(resource, dict):
            return  # null: the EHR did not fetch it (a missing required key is a 412)
        if not isinstance(resource.get("resourceType"), str):
            entries.append({"resource": resource})  # the reader reports it
            return
        kind = str(resource["resourceType"])
        if kind == "Bundle":
            for e in resource.get("entry", []) or []:
                if isinstance(e, dict):
                    add(e.get("resource"))
            return
        key = (kind, str(resource.get("id", len(entries))))
        if key in seen:
            return
        seen.add(key)
        item: dict[str, Any] = {"resource": resource}
        if resource.get("id"):
            item["fullUrl"] = f"{kind}/{resource['id']}"
        entries.append(item)

    for value in prefetch.values():
        add(value)
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


# --- assessment -> cards ---------------------------------------------------------------------
OVERRIDE_REASONS = [
    OverrideReason(system=LOCAL_OVERRIDE, code="already-addressed", display="Already addressed"),
    OverrideReason(
        system=LOCAL_OVERRIDE,
        code="tumour-board-decision",
        display="Tumour board decided otherwise",
    ),
    OverrideReason(system=LOCAL_OVERRIDE, code="patient-preference", display="Patient preference"),
    OverrideReason(
        system=LOCAL_OVERRIDE, code="data-incorrect", display="The record data are incorrect"
    ),
]


def shorten(text: str, limit: int = SUMMARY_MAX) -> str:
    """The first sentence, cut at a word boundary with an ellipsis to fit the limit."""
    first = text.split(". ")[0].strip()
    if not first.endswith("."):
        first += "."
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def card_indicator(a: Assessment) -> Literal["info", "warning", "critical"]:
    """Indicator by disease state and cautions (policy in the module docstring)."""
    progressing = a.disease_state in (
        DiseaseState.OLIGOPROGRESSION,
        DiseaseState.POLYPROGRESSION,
        DiseaseState.INSUFFICIENT_DATA,
    )
    cautions = any(r.category == RecommendationCategory.CAUTION for r in a.recommendations)
    if progressing or a.progressing_lesions or a.confirmation_required or cautions or a.warnings:
        return "warning"
    return "info"


def _detail(a: Assessment) -> str:
    numbers = {r.id: r.number for r in a.references}

    def cite(ids: tuple[str, ...]) -> str:
        found = sorted({numbers[i] for i in ids if i in numbers})
        return f" [{', '.join(map(str, found))}]" if found else ""

    lines = [f"**{a.bottom_line}**", "", f"Disease state: **{a.disease_state.value}**"]
    if a.progressing_lesions:
        lines.append(f"Progressing lesions: {', '.join(a.progressing_lesions)}")
    if a.recommendations:
        lines += ["", "Plan:"]
        for r in a.recommendations:
            dose = f" ({r.dose.total_gy:g} Gy / {r.dose.fractions} fx)" if r.dose else ""
            grade = f"(grade {r.strength.value})"
            lines.append(f"- {r.category.value}: {r.text}{dose}{cite(r.citations)} {grade}")
    if a.missing_data:
        lines += ["", "Missing data:"] + [f"- {m.item}: {m.reason}" for m in a.missing_data]
    if a.warnings:
        lines += ["", "Warnings:"] + [f"- {w}" for w in a.warnings]
    if a.references:
        lines += ["", "References:"]
        lines += [
            f"{r.number}. {r.text}" + (f" doi:{r.doi}" if r.doi else "") for r in a.references
        ]
    lines += ["", f"_Knowledge base {a.kb_version}. {a.disclaimer}_"]
    return "\n".join(lines)


def _card_uuid(a: Assessment, key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{OLIGOGUIDE}|{a.case_id}|{a.kb_version}|{key}"))


def _left_out_card(a: Assessment, left_out: Sequence[Unmapped], source: Source, link: Link) -> Card:
    lesions = any(u.lesion_data for u in left_out)
    lines = [
        f"oligoguide could not use {len(left_out)} item(s) of this patient's record; the "
        "disease state and the plan were assessed without them"
        + (
            " and, as tumour measurements or lesions are among them, may differ with them"
            if lesions
            else ""
        )
        + ". Correct the record or check these items before acting:",
        "",
        *(f"- {u.resource} (`{u.pointer}`): {u.reason}" for u in left_out),
    ]
    return Card(
        uuid=_card_uuid(a, "left-out"),
        summary=shorten(f"{len(left_out)} item(s) of the record left out of this assessment."),
        detail="\n".join(lines),
        indicator="warning",
        source=source,
        overrideReasons=OVERRIDE_REASONS,
        links=[link],
    )


def assessment_to_cards(
    assessment: Assessment, report_url: str, left_out: Sequence[Unmapped] = ()
) -> list[Card]:
    """One main card (summary, indicator, markdown detail, link to the full report), one
    warning card listing what reading the record left out (`BundleReading.left_out`) if
    anything, and one warning card per caution recommendation."""
    a = assessment
    source = Source(label=f"oligoguide {a.kb_version}")
    link = Link(label="Full oligoguide report", url=AnyUrl(report_url), type="absolute")
    cards = [
        Card(
            uuid=_card_uuid(a, "main"),
            summary=shorten(a.bottom_line),
            detail=_detail(a),
            indicator=card_indicator(a),
            source=source,
            overrideReasons=OVERRIDE_REASONS,
            links=[link],
        )
    ]
    if left_out:
        cards.append(_left_out_card(a, left_out, source, link))
    for r in a.recommendations:
        if r.category != RecommendationCategory.CAUTION:
            continue
        cards.append(
            Card(
                uuid=_card_uuid(a, r.id),
                summary=shorten(f"Caution: {r.text}"),
                detail=f"{r.text}\n\nWhy: {r.rationale}"
                + (f"\n\nCaveat: {r.caveat}" if r.caveat else ""),
                indicator="warning",
                source=source,
                overrideReasons=OVERRIDE_REASONS,
                links=[link],
            )
        )
    return cards
