"""FHIR Bundle -> the patient-level context of a case (schema version 2): lesion groups, labs,
comorbidities, surgical opinions, earlier burden, cytology, risk scores (see context_write)."""

from __future__ import annotations

from typing import Any

from oligoguide.fhir import codes as c
from oligoguide.fhir import codes_context as cx
from oligoguide.fhir._read_util import _codings, _ext_value
from oligoguide.fhir._util import JSON
from oligoguide.fhir.context_read import (
    Reading,
    _component,
    _day,
    _note,
    _put,
    code_in,
    lesion_refs,
    observations,
)
from oligoguide.fhir.reading import Disposition
from oligoguide.model.vocab import Site
from oligoguide.model.vocab_context import CytologyResult


def lesion_groups(r: Reading, body_site: Any) -> list[JSON]:
    """Observations of lesions reported together, grouped by the group identifier."""
    groups: dict[str, JSON] = {}
    for index, resource in observations(r, cx.LESION_GROUP):
        ids = [
            x["value"]
            for x in resource.get("identifier", [])
            if x.get("system") == cx.LESION_GROUP_ID_SYSTEM and x.get("value")
        ]
        day = _day(resource)
        status = code_in(
            (_component(resource, c.Code(cx.LOCAL_GROUP_STATUS, "status", "")) or {}).get(
                "valueCodeableConcept"
            ),
            cx.LOCAL_GROUP_STATUS,
        )
        count: Any = resource.get("valueInteger")
        if count is None:
            count = code_in(resource.get("valueCodeableConcept"), cx.LOCAL_GROUP_COUNT)
        if not ids or day is None or status is None or count is None:
            r.skip(
                index, "lesion group without an identifier, a date, a status or a count: left out"
            )
            continue
        if ids[0] not in groups:
            site: Site | None = body_site(resource.get("bodySite"))
            if site is None:
                r.skip(
                    index,
                    "lesion group site not recognised: recorded as 'other'",
                    "bodySite",
                    kind=Disposition.ASSUMED,
                )
                site = Site.OTHER
            group: JSON = {"id": ids[0], "site": site.value, "observations": []}
            _put(group, "location", _ext_value(resource, cx.EXT_GROUP_LOCATION, "valueString"))
            _put(group, "description", _note(resource))
            groups[ids[0]] = group
        seen: JSON = {"date": day.isoformat(), "count": count, "status": status}
        _put(seen, "modality", _ext_value(resource, cx.EXT_MEASUREMENT_MODALITY, "valueCode"))
        groups[ids[0]]["observations"].append(seen)
    return list(groups.values())


def labs(r: Reading) -> list[JSON]:
    out: list[JSON] = []
    for index, resource in r.of_type("Observation"):
        codings = _codings(resource.get("code"))
        name = next(
            (n for x in codings if (n := cx.lab_from_code(x.get("system"), x.get("code")))), None
        )
        if name is None:
            continue
        r.used.add(index)
        if not r.active(index, resource):
            continue
        quantity = resource.get("valueQuantity") or {}
        unit = quantity.get("unit") or quantity.get("code")
        day = _day(resource)
        if quantity.get("value") is None or not unit or day is None:
            r.skip(index, f"{name.value} result without a value, a unit or a date: left out")
            continue
        lab = {
            "name": name.value,
            "value": quantity["value"],
            "unit": unit,
            "date": day.isoformat(),
        }
        out.append(r.origin(lab, index))
    return out


def comorbidities(r: Reading) -> list[JSON]:
    """Conditions that are neither the primary cancer nor a metastasis, with a known code."""
    out: list[JSON] = []
    for index, resource in r.of_type("Condition"):
        if index in r.used:
            continue
        codings = sorted(
            _codings(resource.get("code")), key=lambda x: x.get("system") != cx.LOCAL_COMORBIDITY
        )
        condition = next(
            (k for x in codings if (k := cx.comorbidity_from_code(x.get("system"), x.get("code")))),
            None,
        )
        if condition is None:
            continue
        r.used.add(index)
        if not r.active(index, resource):
            continue
        record: JSON = {"condition": condition.value}
        _put(record, "detail", _note(resource))
        stage = (resource.get("stage") or [{}])[0].get("summary")
        _put(record, "child_pugh", code_in(stage, cx.LOCAL_CHILD_PUGH))
        _put(record, "date", (resource.get("onsetDateTime") or "")[:10] or None)
        out.append(record)
    return out


def surgical_opinions(r: Reading) -> list[JSON]:
    out: list[JSON] = []
    for index, resource in observations(r, cx.SURGICAL_OPINION):
        resectability = code_in(resource.get("valueCodeableConcept"), cx.LOCAL_RESECTABILITY)
        if resectability is None:
            r.skip(
                index,
                "surgical opinion without a known resectability: left out",
                "valueCodeableConcept",
            )
            continue
        opinion: JSON = {"resectability": resectability}
        day = _day(resource)
        _put(opinion, "date", day.isoformat() if day else None)
        _put(opinion, "lesion_ids", lesion_refs(resource))
        r.mentions.append((index, opinion, "lesion_ids"))
        intent = _component(resource, cx.SURGICAL_INTENT) or {}
        _put(
            opinion, "intent", code_in(intent.get("valueCodeableConcept"), cx.LOCAL_SURGICAL_INTENT)
        )
        _put(opinion, "note", _note(resource))
        out.append(opinion)
    return out


def prior_burden(r: Reading) -> JSON | None:
    found: list[JSON] = []
    for index, resource in observations(r, cx.PRIOR_BURDEN):
        if not isinstance(resource.get("valueBoolean"), bool):
            r.skip(index, "earlier burden without a yes/no value: left out", "valueBoolean")
            continue
        if found:
            r.skip(index, "a second earlier-burden record: the first is kept, this one left out")
            continue
        burden: JSON = {"polymetastatic": resource["valueBoolean"]}
        day = _day(resource)
        _put(burden, "date", day.isoformat() if day else None)
        count = _component(resource, cx.PRIOR_LESION_COUNT) or {}
        _put(burden, "lesion_count", count.get("valueInteger"))
        _put(burden, "note", _note(resource))
        found.append(burden)
    return found[0] if found else None


_ANSWERS = {
    c.MARKER_POSITIVE.code: CytologyResult.POSITIVE,
    c.MARKER_NEGATIVE.code: CytologyResult.NEGATIVE,
}


def cytology(r: Reading) -> list[JSON]:
    out: list[JSON] = []
    for index, resource in observations(r, cx.CYTOLOGY):
        value = resource.get("valueCodeableConcept")
        result = code_in(value, cx.LOCAL_CYTOLOGY_RESULT)
        if result is None:
            answer = _ANSWERS.get(code_in(value, c.LOINC) or "")
            result = answer.value if answer else None
        specimen = code_in(
            (_component(resource, cx.CYTOLOGY_SPECIMEN) or {}).get("valueCodeableConcept"),
            cx.LOCAL_CYTOLOGY_SPECIMEN,
        )
        day = _day(resource)
        if result is None or specimen is None or day is None:
            r.skip(index, "cytology without a known result, specimen or date: left out")
            continue
        out.append({"specimen": specimen, "result": result, "date": day.isoformat()})
    return out


def risk_scores(r: Reading) -> list[JSON]:
    out: list[JSON] = []
    for index, resource in observations(r, cx.LOCAL_RISK_SCORE):
        name = code_in(resource.get("code"), cx.LOCAL_RISK_SCORE)
        value = resource.get("valueString")
        if not value:
            r.skip(index, f"{name} risk score without a value: left out", "valueString")
            continue
        score: JSON = {"name": name, "value": value}
        day = _day(resource)
        _put(score, "date", day.isoformat() if day else None)
        out.append(score)
    return out


def read_context(r: Reading, body_site: Any) -> JSON:
    """Every patient-level v2 field found in the Bundle (empty ones left out)."""
    out: JSON = {}
    _put(out, "lesion_groups", lesion_groups(r, body_site))
    _put(out, "labs", labs(r))
    _put(out, "comorbidities", comorbidities(r))
    _put(out, "surgical_opinions", surgical_opinions(r))
    _put(out, "prior_metastatic_burden", prior_burden(r))
    _put(out, "cytology", cytology(r))
    _put(out, "risk_scores", risk_scores(r))
    return out
