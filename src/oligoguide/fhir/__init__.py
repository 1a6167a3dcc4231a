"""FHIR R4 / mCODE STU4 in and out, and CDS Hooks 2.0.1 cards.

Public API:
- `bundle_to_case(bundle_json, *, case_key_secret=...) -> BundleReading` (case + what could
  not be mapped; a Bundle without a case identifier gets a keyed pseudonym, `case_key.py`);
- `case_to_bundle(case) -> Bundle JSON` (mCODE collection Bundle);
- `assessment_to_bundle(assessment, case) -> Bundle JSON` (disease status, CarePlan,
  DetectedIssue, Citation, Provenance);
- `cds_hooks`: CDS Hooks models, `PATIENT_VIEW_SERVICE`, `prefetch_to_bundle`,
  `assessment_to_cards`.

Errors: bad Bundles raise `oligoguide.model.CaseInputError` with JSON pointers into the Bundle.
Requires the `service` extra (fhir.resources).
"""

from oligoguide.fhir.case_to_bundle import case_to_bundle
from oligoguide.fhir.read import BundleReading, Unmapped, bundle_to_case
from oligoguide.fhir.write import assessment_to_bundle, disease_status_code

__all__ = [
    "BundleReading",
    "Unmapped",
    "assessment_to_bundle",
    "bundle_to_case",
    "case_to_bundle",
    "disease_status_code",
]
