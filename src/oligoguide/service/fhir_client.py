"""Fetch what a CDS Hooks prefetch lacks from the EHR's FHIR server, when access was granted."""

from __future__ import annotations

from typing import Any

import httpx

from oligoguide.fhir.cds_hooks import PATIENT_VIEW_PREFETCH, CdsRequest


class FhirFetchError(Exception):
    """The FHIR server could not give what the assessment needs (safe to return)."""


def fill_prefetch(
    request: CdsRequest, missing: list[str], client: httpx.Client | None = None
) -> dict[str, Any]:
    """The prefetch with each missing key fetched from request.fhirServer as the EHR allows."""
    assert request.fhirServer is not None
    assert request.fhirAuthorization is not None
    patient = str(request.context.get("patientId", ""))
    if not patient:
        raise FhirFetchError("context.patientId is required")
    base = str(request.fhirServer).rstrip("/")
    headers = {
        "Authorization": f"Bearer {request.fhirAuthorization.access_token}",
        "Accept": "application/fhir+json",
    }
    http = client or httpx.Client(timeout=10.0)
    filled = dict(request.prefetch or {})
    for key in missing:
        query = PATIENT_VIEW_PREFETCH[key].replace("{{context.patientId}}", patient)
        try:
            response = http.get(f"{base}/{query}", headers=headers)
            response.raise_for_status()
            filled[key] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise FhirFetchError(f"cannot fetch {key} from the FHIR server: {error}") from None
    return filled
