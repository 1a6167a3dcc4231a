"""Canonical case JSON, its sha256, and API-token secrets and their hashes.

Why sha256 and not argon2/pbkdf2 for tokens: a token is 32 random bytes (256 bits) made by
`secrets`, not a human password. Slow hashes defend low-entropy secrets against offline
guessing; a 256-bit secret cannot be guessed however fast the hash, so a slow hash would only
add tens of milliseconds to every API request. A fast, unsalted hash also lets the registry find
the token by an indexed lookup of its hash (no per-token salt to try), and the database never
holds anything that could be replayed as a credential.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from oligoguide.model.case import Case

#: Prefix of every API token, so secret scanners and humans recognise one.
# bandit B105: a public marker of the token format, not a secret.
TOKEN_PREFIX = "ogt_"  # nosec B105
TOKEN_BYTES = 32


def canonical_json(data: Any) -> str:
    """Sorted keys, no whitespace, ASCII only (other characters as \\u escapes): one text for
    one content, storable and hashable whatever the input held (even lone surrogates)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_case_json(case: Case) -> str:
    """The canonical JSON of a case (defaults included), as stored and hashed by the registry."""
    return canonical_json(case.model_dump(mode="json"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def case_hash(case: Case) -> str:
    """sha256 of the canonical case JSON: the `input_hash` of assessments of this content."""
    return sha256_hex(canonical_case_json(case))


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return sha256_hex(token)
