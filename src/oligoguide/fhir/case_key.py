"""Pseudonymous case ids for Bundles that carry no case identifier.

Such a case needs an id, but the patient's own id (an MRN, or the EHR's Patient.id) must not be
it: case ids travel into the registry, its audit log, URLs, card links and logs. The id is
`fhir-` + the first 16 hex characters of HMAC-SHA256(secret, patient key): the same patient and
secret always give the same case (a re-sent record becomes a new version, not a new case), and
without the secret the id cannot be tested against a guessed patient id.
"""

from __future__ import annotations

import hashlib
import hmac

#: Public default for library use without a deployment (scripts, tests). Keys made with it are
#: deterministic but not secret: anyone can test a guessed id. Services pass their own secret.
LOCAL_CASE_KEY_SECRET = b"oligoguide-local-case-key-v1"
CASE_KEY_PREFIX = "fhir-"
#: 64 bits: a collision (two patients, one case) stays below 1e-7 for a million patients.
CASE_KEY_HEX = 16


def case_key(patient_key: str, secret: bytes = LOCAL_CASE_KEY_SECRET) -> str:
    """`fhir-<16 hex>` for one patient key (see `patient_key`) under one secret."""
    if not secret:
        raise ValueError("the case-key secret is empty")
    # surrogatepass: a JSON string may hold a lone surrogate; it must hash, not crash.
    message = patient_key.encode("utf-8", "surrogatepass")
    digest = hmac.new(secret, message, hashlib.sha256).hexdigest()
    return CASE_KEY_PREFIX + digest[:CASE_KEY_HEX]


def patient_key(system: str | None, value: str) -> str:
    """What is hashed: identifier system and value, so equal MRNs of two hospitals differ."""
    return f"{system or ''}|{value}"
