"""Small helpers shared by the FHIR modules: ids, references, codings, validation."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError

from oligoguide.fhir import codes as c
from oligoguide.fhir.codes import OLIGOGUIDE, Code
from oligoguide.model.errors import CaseInputError, issues_from_validation
from oligoguide.model.vocab import Site

JSON = dict[str, Any]
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, OLIGOGUIDE)


def stable_id(*parts: str) -> str:
    """A deterministic UUID (valid FHIR id) so the same input gives byte-identical Bundles."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def concept(*codes: Code | None, text: str | None = None) -> JSON:
    out: JSON = {}
    codings = [c.coding() for c in codes if c is not None]
    if codings:
        out["coding"] = codings
    if text:
        out["text"] = text
    return out


def ext(url: str, **value: object) -> JSON:
    """An extension: `ext(URL, valueCode="x")`, or complex with `extension=[...]`."""
    return {"url": url, **value}


def meta(profile: str) -> JSON:
    return {"profile": [profile]}


def local(system: str, code: str, display: str | None = None) -> Code:
    """A code of one of oligoguide's own code systems (display defaults to the code)."""
    return Code(system, code, display or code)


def site_body(site: Site) -> JSON:
    """Where a lesion is: the verified SNOMED body structure, else oligoguide's site code."""
    body = c.SITE_CODES[site].body
    return concept(body or local(c.LOCAL_SITE, site.value), text=site.value.replace("_", " "))


def entry(resource: JSON) -> JSON:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def ref(resource: JSON) -> JSON:
    return {"reference": f"urn:uuid:{resource['id']}"}


def validate_bundle(bundle: JSON) -> JSON:
    """Check a Bundle against the FHIR R4B models and return it as plain JSON.

    Raises CaseInputError naming the offending element by JSON pointer from the Bundle root.
    """
    from fhir.resources.R4B.bundle import Bundle  # heavy import, kept lazy

    try:
        Bundle.model_validate(bundle)
    except ValidationError as error:
        raise CaseInputError(issues_from_validation(error)) from None
    return bundle
