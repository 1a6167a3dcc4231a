"""Whose data, and what data: the checks the Bundle reader makes before reading anything.

- `unknown_types`: an entry whose `resourceType` is no FHIR R4 resource is reported and taken
  out (the R4B models cannot even validate it);
- `check_subjects`: a resource about another patient (its `subject` or `patient` is not the
  Bundle's Patient) is set aside whole, never attached to the case;
- `lesion_data`: whether leaving a resource out may change the response and the disease state.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Protocol

from oligoguide.fhir import codes as c
from oligoguide.fhir import codes_context as cx
from oligoguide.fhir._read_util import _has
from oligoguide.fhir._util import JSON
from oligoguide.fhir.reading import Disposition, Unmapped

#: Resources that carry no clinical finding oligoguide could read: listed, never refused.
ADMINISTRATIVE = frozenset(
    {
        "Account",
        "AuditEvent",
        "Coverage",
        "Device",
        "Encounter",
        "Endpoint",
        "EpisodeOfCare",
        "Group",
        "HealthcareService",
        "Location",
        "OperationOutcome",
        "Organization",
        "Practitioner",
        "PractitionerRole",
        "Provenance",
        "RelatedPerson",
    }
)

_LESION_STATUS = c.Code(c.LOCAL_OBSERVATION, "lesion-status", "")
_RESOURCE_NAME = re.compile(r"[A-Z][A-Za-z]{1,63}")


def lesion_data(resource: JSON) -> bool:
    """A lesion, a measurement of one, a lesion group or an imaging study: without it the
    response and the disease state may differ."""
    kind = resource.get("resourceType")
    if kind in ("BodyStructure", "ImagingStudy", "DiagnosticReport"):
        return True
    code = resource.get("code")
    return kind == "Observation" and any(
        _has(code, x) for x in (c.TUMOR_SIZE, _LESION_STATUS, cx.LESION_GROUP)
    )


@functools.cache
def resource_fields(kind: str) -> frozenset[str] | None:
    """The elements of a FHIR R4 resource type, or None when `kind` is not one."""
    if not _RESOURCE_NAME.fullmatch(kind) or kind in ("Resource", "DomainResource"):
        return None
    from fhir.resources.R4B import get_fhir_model_class  # heavy import, kept lazy
    from fhir.resources.R4B.resource import Resource

    try:
        model = get_fhir_model_class(kind)
    except Exception:  # the library raises ValueError, or its own error for odd names
        return None
    if not issubclass(model, Resource):
        return None
    return frozenset(model.model_fields)


def unknown_types(bundle: JSON) -> tuple[JSON, list[Unmapped]]:
    """Entries whose resource is no FHIR R4 resource type: reported (NOT_USED) and taken out of
    the Bundle that is validated and read (the models cannot read them), pointers unchanged."""
    found: list[Unmapped] = []
    entries: list[Any] = []
    for i, entry in enumerate(bundle.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            entries.append(entry)
            continue
        kind = resource.get("resourceType")
        name = f"{kind if isinstance(kind, str) and kind else 'resource'}/{resource.get('id', '?')}"
        if not isinstance(kind, str) or not kind:
            pointer, reason = f"/entry/{i}/resource", "no resourceType: not a FHIR resource"
        elif resource_fields(kind) is None:
            pointer = f"/entry/{i}/resource/resourceType"
            reason = f"resourceType {kind[:64]!r} is not a FHIR R4 resource"
        else:
            entries.append(entry)
            continue
        found.append(Unmapped(pointer, name, reason, Disposition.NOT_USED))
        entries.append({k: v for k, v in entry.items() if k != "resource"})
    if not found:
        return bundle, []
    return {**bundle, "entry": entries}, found


class _Reader(Protocol):
    bundle: JSON
    entries: list[tuple[int, JSON]]
    excluded: set[int]
    used: set[int]
    patient_index: int

    def skip(self, index: int, reason: str, *path: str | int, kind: Disposition = ...) -> None: ...

    def resolve(self, reference: Any) -> int | None: ...


def check_subjects(r: _Reader) -> None:
    """Every resource must be about the Bundle's Patient. One whose `subject` (or `patient`) is
    another patient, or names no patient that can be checked, is set aside whole and reported:
    never attached to this case. One that names no patient at all is read as the Bundle's
    Patient's (a Bundle holds one Patient), and that is stated."""
    for index, resource in list(r.entries):
        if index == r.patient_index:
            continue
        fields = resource_fields(str(resource["resourceType"])) or frozenset()
        keys = [k for k in ("subject", "patient") if k in fields]
        given = [k for k in keys if resource.get(k) is not None]
        for key in given:
            problem = _not_the_patient(r, resource[key], key)
            if problem is not None:
                r.skip(index, problem[1], *problem[0])
                r.excluded.add(index)
                r.used.add(index)
                break
        if keys and not given:
            r.skip(index, f"no {keys[0]}: read as the Bundle's Patient's", kind=Disposition.ASSUMED)
    r.entries = [(i, x) for i, x in r.entries if i not in r.excluded]


def _not_the_patient(r: _Reader, value: Any, key: str) -> tuple[tuple[str, ...], str] | None:
    """(path, reason) when the Reference `value` is not the Bundle's Patient."""
    reference = value.get("reference") if isinstance(value, dict) else None
    if isinstance(reference, str) and reference:
        if r.resolve(value) == r.patient_index:
            return None
        return (key, "reference"), (
            f"{key} {reference!r} is another patient (or one not in the Bundle), not the "
            "Bundle's Patient: never attached to this case"
        )
    identifier = value.get("identifier") if isinstance(value, dict) else None
    if isinstance(identifier, dict) and identifier.get("value"):
        patient = r.bundle["entry"][r.patient_index]["resource"]
        if any(
            x.get("value") == identifier.get("value")
            and x.get("system") == identifier.get("system")
            for x in patient.get("identifier", [])
        ):
            return None
        return (key, "identifier"), (
            f"{key} identifier {identifier.get('value')!r} is another patient's, not the "
            "Bundle's Patient: never attached to this case"
        )
    return (key,), f"{key} names no patient that can be checked (no reference or identifier)"
