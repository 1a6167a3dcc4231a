"""FHIR Bundle -> the clinical context of a case (schema version 2), for `read.bundle_to_case`.

The mirror of `context_write`. What is recognised but cannot be used (no date, an unknown code,
a focus outside the Bundle) is reported through the reader's `skip`, never dropped silently;
what is not recognised at all is reported by the reader as "not used".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Protocol

from oligoguide.fhir import codes as c
from oligoguide.fhir import codes_context as cx
from oligoguide.fhir._read_util import _codings, _date, _ext, _ext_value, _fail, _has
from oligoguide.fhir._util import JSON
from oligoguide.fhir.reading import Disposition
from oligoguide.model.vocab import ImagingModality, Site

_REGIMEN_CLASS_EXT = c.EXT + "/regimen-therapy-class"
_LOCAL_MODALITY_EXT = c.EXT + "/local-treatment-modality"


class Reading(Protocol):
    """What the Bundle reader offers this module."""

    bundle: JSON
    used: set[int]
    #: Records that name lesions by id: (entry, record, field), checked once lesions are known.
    mentions: list[tuple[int, JSON, str]]

    def skip(
        self,
        index: int,
        reason: str,
        *path: str | int,
        kind: Disposition = Disposition.DROPPED,
    ) -> None: ...

    def resolve(self, reference: Any) -> int | None: ...

    def link(
        self,
        index: int,
        reference: Any,
        path: tuple[str | int, ...],
        types: tuple[str, ...],
        consequence: str,
    ) -> int | None: ...

    def of_type(self, *types: str) -> list[tuple[int, JSON]]: ...

    def active(self, index: int, resource: JSON) -> bool: ...

    def ptr(self, index: int, *path: str | int) -> str: ...

    def agent(self, index: int, resource: JSON) -> tuple[str | None, str | None]: ...

    def origin(self, record: JSON, index: int) -> JSON: ...


def code_in(concept: Any, system: str) -> str | None:
    """The first code of `system` in a CodeableConcept (or Coding)."""
    if isinstance(concept, dict) and concept.get("system") == system:
        return str(concept.get("code"))
    return next((str(x["code"]) for x in _codings(concept) if x.get("system") == system), None)


def _day(resource: JSON) -> dt.date | None:
    return _date(resource.get("effectiveDateTime")) or _date(
        (resource.get("effectivePeriod") or {}).get("start")
    )


def _note(resource: JSON) -> str | None:
    notes = [str(n["text"]) for n in resource.get("note", []) if n.get("text")]
    return "\n".join(notes) if notes else None


def _put(out: JSON, key: str, value: Any) -> None:
    if value not in (None, [], ""):
        out[key] = value


def _component(resource: JSON, code: c.Code) -> JSON | None:
    return next((x for x in resource.get("component", []) if _has(x.get("code"), code)), None)


def lesion_refs(element: JSON) -> list[str]:
    return [
        str(e["valueIdentifier"]["value"])
        for e in _ext(element, cx.EXT_LESION_REF)
        if (e.get("valueIdentifier") or {}).get("value")
    ]


def symptoms(element: JSON) -> list[str]:
    return [
        code
        for e in _ext(element, cx.EXT_SYMPTOM)
        if (code := code_in(e.get("valueCoding"), cx.LOCAL_SYMPTOM))
    ]


def _mm(r: Reading, index: int, quantity: Any, *path: str | int) -> float | None:
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        r.skip(index, "a distance without a value: left out", *path)
        return None
    unit = str(quantity.get("code") or quantity.get("unit"))
    if unit not in c.SIZE_UNITS_TO_MM:
        r.skip(index, f"distance unit {unit!r}: mm or cm expected, left out", *path)
        return None
    return round(float(quantity["value"]) * c.SIZE_UNITS_TO_MM[unit], 3)


def observations(r: Reading, match: Any) -> Iterator[tuple[int, JSON]]:
    """Active Observations whose code is `match` (a Code, or a code-system URL)."""
    for index, resource in r.of_type("Observation"):
        code = resource.get("code")
        found = code_in(code, match) if isinstance(match, str) else _has(code, match)
        if not found:
            continue
        r.used.add(index)
        if r.active(index, resource):
            yield index, resource


# --- primary tumour, lesions, measurements, imaging -------------------------------------------
def primary_tumour(r: Reading, index: int, condition: JSON) -> JSON | None:
    found = _ext(condition, cx.EXT_PRIMARY_TUMOUR)
    if not found:
        return None
    parts = found[0]
    status = code_in(_ext_value(parts, "status", "valueCoding"), cx.LOCAL_PRIMARY_STATUS)
    if status is None:
        r.skip(index, "primary tumour status not recognised: left out", "extension")
        return None
    out: JSON = {"status": status}
    _put(out, "date", _ext_value(parts, "date", "valueDate"))
    _put(out, "lesion_id", next(iter(lesion_refs(parts)), None))
    r.mentions.append((index, out, "lesion_id"))
    _put(out, "symptoms", symptoms(parts))
    return out


def lesion_extras(r: Reading, index: int, tumor: JSON) -> JSON:
    """Tumor extensions of schema version 2: distances to organs at risk, symptoms."""
    out: JSON = {}
    distances = []
    for k, e in enumerate(tumor.get("extension", [])):
        if e.get("url") != cx.EXT_OAR_DISTANCE:
            continue
        organ = _ext_value(e, "organ", "valueCode")
        mm = _mm(r, index, _ext_value(e, "distance", "valueQuantity"), "extension", k)
        if organ and mm is not None:
            distances.append({"organ": organ, "distance_mm": mm})
    _put(out, "oar_distances", distances)
    _put(out, "symptoms", symptoms(tumor))
    return out


def lesion_observations(r: Reading, tumors: dict[int, JSON]) -> None:
    """SINS and post-treatment appearance Observations, onto the lesion of their focus."""
    for code in (cx.SINS, cx.POST_TREATMENT):
        for index, resource in observations(r, code):
            focus = resource.get("focus") or []
            if not focus:
                r.skip(index, f"{code.display} without a focus on a Tumor: left out", "focus")
                continue
            tumor = r.link(
                index, focus[0], ("focus", 0), ("BodyStructure",), f"the {code.display} is left out"
            )
            if tumor is None:
                continue
            if tumor not in tumors:
                r.skip(
                    index,
                    f"{code.display} whose focus is not a Tumor: left out",
                    "focus",
                    0,
                    "reference",
                )
                continue
            lesion = tumors[tumor]
            if code == cx.SINS:
                lesion["sins_score"] = resource.get("valueInteger")
                continue
            appearance = code_in(resource.get("valueCodeableConcept"), cx.LOCAL_APPEARANCE)
            day = _day(resource)
            if appearance is None or day is None:
                r.skip(index, "post-treatment appearance without a known value or a date: left out")
                continue
            pta: JSON = {"date": day.isoformat(), "appearance": appearance}
            basis = [e.get("valueString") for e in _ext(resource, cx.EXT_ASSESSMENT_BASIS)]
            _put(pta, "basis", [b for b in basis if b])
            _put(pta, "note", _note(resource))
            lesion["post_treatment_assessment"] = pta


def measurement_extras(resource: JSON) -> JSON:
    out: JSON = {}
    _put(out, "modality", _ext_value(resource, cx.EXT_MEASUREMENT_MODALITY, "valueCode"))
    suv = _component(resource, cx.SUV_MAX)
    if suv is not None:
        _put(out, "suv_max", (suv.get("valueQuantity") or {}).get("value"))
    return out


def imaging_extras(study: JSON, report: JSON | None) -> JSON:
    out: JSON = {}
    ours = [x for x in study.get("identifier", []) if x.get("system") == cx.IMAGING_STUDY_ID_SYSTEM]
    _put(out, "id", ours[0].get("value") if ours else None)
    _put(out, "findings", (report or {}).get("conclusion"))
    named = next(
        (m for x in study.get("procedureCode", []) if (m := code_in(x, c.LOCAL_IMAGING))), None
    )
    if named in {m.value for m in ImagingModality}:
        out["modality"] = named
    return out


# --- therapies ----------------------------------------------------------------------------------
def administrations(r: Reading) -> dict[int, list[tuple[int, str, dt.date]]]:
    """MedicationAdministrations tied to a MedicationRequest of the Bundle: last-dose candidates
    by request entry (index, agent, date). They are not therapies of their own."""
    out: dict[int, list[tuple[int, str, dt.date]]] = {}
    for index, resource in r.of_type("MedicationAdministration"):
        if resource.get("request") is None:
            continue  # a therapy of its own (`read.therapies`)
        r.used.add(index)
        if not r.active(index, resource):
            continue
        request = r.link(
            index,
            resource.get("request"),
            ("request",),
            ("MedicationRequest",),
            "the administration is left out (never read as a regimen of its own)",
        )
        if request is None:
            continue
        name, atc = r.agent(index, resource)
        day = _day(resource)
        if (name or atc) is None or day is None:
            r.skip(index, "administration without an agent or a date: left out")
            continue
        out.setdefault(request, []).append((index, str(name or atc), day))
    return out


def last_doses(r: Reading, doses: list[tuple[int, str, dt.date]]) -> list[JSON]:
    """The last dose per agent; earlier administrations are reported as not kept."""
    latest: dict[str, tuple[int, dt.date]] = {}
    for index, agent, day in doses:
        known = latest.get(agent)
        kept = f"an earlier dose of {agent}: only the last dose per agent is kept"
        if known is not None and known[1] >= day:
            r.skip(index, kept, kind=Disposition.EXCLUDED)
            continue
        if known is not None:
            r.skip(known[0], kept, kind=Disposition.EXCLUDED)
        latest[agent] = (index, day)
    return [{"agent": agent, "date": day.isoformat()} for agent, (_, day) in latest.items()]


def prior_lines(r: Reading) -> list[JSON]:
    """MedicationStatements: earlier lines known without exact dates (grouped by identifier)."""
    groups: dict[str, list[tuple[int, JSON]]] = {}
    for index, resource in r.of_type("MedicationStatement"):
        r.used.add(index)
        if not r.active(index, resource):
            continue
        ours = [
            x for x in resource.get("identifier", []) if x.get("system") == cx.PRIOR_LINE_SYSTEM
        ]
        key = f"line-{ours[0].get('value')}" if ours else f"entry-{index}"
        groups.setdefault(key, []).append((index, resource))
    out: list[JSON] = []
    for members in groups.values():
        agents: list[str] = []
        classes: list[str] = []
        for index, resource in members:
            name, atc = r.agent(index, resource)
            if (name or atc) is None:
                r.skip(index, "medication statement without a name or code: left out")
                continue
            agents.append(str(name or atc))
            explicit = [e["valueCode"] for e in _ext(resource, _REGIMEN_CLASS_EXT)]
            klass = c.therapy_class(name, atc)
            found = explicit or ([klass.value] if klass else [])
            classes += [k for k in found if k not in classes]
        if not agents:
            continue
        first_index, first = members[0]
        line: JSON = {"agents": list(dict.fromkeys(agents)), "classes": classes}
        _put(line, "line", _ext_value(first, c.EXT_LINE, "valueInteger"))
        _put(line, "best_response", _ext_value(first, c.EXT_BEST_RESPONSE, "valueCode"))
        _put(line, "note", _note(first))
        when = first.get("effectiveDateTime") or (first.get("effectivePeriod") or {}).get("start")
        if isinstance(when, str) and when[:4].isdigit():
            line["year"] = int(when[:4])
            if len(when) > 4:
                r.skip(
                    first_index,
                    "an earlier line: only the year of its date is kept",
                    kind=Disposition.ASSUMED,
                )
        out.append(line)
    return out


# --- radiotherapy -------------------------------------------------------------------------------
def dose_parts(dose: JSON) -> dict[str, JSON]:
    return {str(p.get("url")): p for p in dose.get("extension", [])}


def dose_values(r: Reading, index: int, resource: JSON, dose: JSON) -> JSON:
    """total_dose_gy and fractions of one mCODE doseDeliveredToVolume extension."""
    parts = dose_parts(dose)
    out: JSON = {}
    total = (parts.get("totalDoseDelivered") or {}).get("valueQuantity")
    if isinstance(total, dict) and total.get("value") is not None:
        unit = total.get("code") or total.get("unit")
        factor = {"cGy": 0.01, "Gy": 1.0}.get(str(unit))
        if factor is None:
            raise _fail(
                r.ptr(index, "extension", resource["extension"].index(dose)),
                f"radiotherapy dose unit {unit!r}: cGy or Gy expected",
            )
        out["total_dose_gy"] = round(float(total["value"]) * factor, 4)
    _put(out, "fractions", (parts.get("fractionsDelivered") or {}).get("valueUnsignedInt"))
    return out


def _volumes(r: Reading, resource: JSON) -> list[int]:
    found = [
        r.resolve((dose_parts(d).get("volume") or {}).get("valueReference"))
        for d in _ext(resource, c.EXT_RT_DOSE)
    ]
    return [v for v in found if v is not None]


def is_prior_rt(r: Reading, resource: JSON, tumors: dict[int, JSON]) -> bool:
    """A radiotherapy course with no oligoguide modality tied to no tracked lesion: an earlier
    field (written so by `context_write.prior_radiotherapy`, or an EHR's course)."""
    if _ext(resource, _LOCAL_MODALITY_EXT):
        return False
    target = r.resolve(_ext_value(resource, c.EXT_TARGET_BODY_STRUCTURE, "valueReference"))
    if target in tumors:
        return False
    lesion_ids = {t["id"] for t in tumors.values()}
    for volume in _volumes(r, resource):
        if volume in tumors:
            return False
        identifiers = r.bundle["entry"][volume]["resource"].get("identifier", [])
        if any(x.get("value") in lesion_ids for x in identifiers):
            return False
    return True


def prior_radiotherapy(r: Reading, index: int, resource: JSON, body_site: Any) -> JSON:
    """`body_site` is the reader's CodeableConcept -> Site function."""
    volumes = _volumes(r, resource)
    r.used.update(volumes)
    volume = r.bundle["entry"][volumes[0]]["resource"] if volumes else {}
    site: Site | None = body_site((resource.get("bodySite") or [None])[0]) or body_site(
        volume.get("location")
    )
    if site is None:
        r.skip(
            index,
            "earlier radiotherapy site not recognised: recorded as 'other'",
            "bodySite",
            kind=Disposition.ASSUMED,
        )
        site = Site.OTHER
    out: JSON = {"site": site.value}
    _put(out, "location", volume.get("description"))
    doses = _ext(resource, c.EXT_RT_DOSE)
    if len(doses) > 1:
        r.skip(
            index,
            "earlier radiotherapy to several volumes: only the first volume's dose is kept, "
            "the others are left out",
        )
    if doses:
        out.update(dose_values(r, index, resource, doses[0]))
    day = _date((resource.get("performedPeriod") or {}).get("start")) or _date(
        resource.get("performedDateTime")
    )
    _put(out, "date", day.isoformat() if day else None)
    _put(out, "lesion_ids", lesion_refs(resource))
    r.mentions.append((index, out, "lesion_ids"))
    return out
