"""Small helpers shared by the FHIR modules: ids, references, codings, validation."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError

from oligoguide.fhir.codes import OLIGOGUIDE, Code
from oligoguide.model.errors import CaseInputError, issues_from_validation

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
