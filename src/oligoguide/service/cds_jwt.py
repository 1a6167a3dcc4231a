"""Verify the JWT an EHR sends with a CDS Hooks call (CDS Hooks 2.0.1, "Trusting CDS Clients").

Accepted only: an asymmetric signature (ES384 or RS384) by a key from the JWKS of an issuer on
the allow-list; `aud` equal to the exact service URL; `exp` in the future and no more than the
maximum lifetime (5 minutes by default, see `settings.CDS_MAX_TOKEN_LIFETIME_SECONDS` for the
source) after `iat`, which is not in the future; a non-empty string `jti` not seen before from
that issuer (replay cache until expiry). `alg: none`, HMAC and unknown issuers are refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import jwt

from oligoguide.service.settings import CDS_MAX_TOKEN_LIFETIME_SECONDS, CdsIssuer

ALLOWED_ALGORITHMS = ("ES384", "RS384")
JWKS_TTL_SECONDS = 3600
LEEWAY_SECONDS = 30


class JwtRefusedError(Exception):
    """The token is not acceptable; the message says why (safe to return to the caller)."""


class JwksCache:
    """Public keys per issuer: inline, or fetched from the issuer's JWKS URL and cached."""

    def __init__(self, issuers: tuple[CdsIssuer, ...], client: httpx.Client | None = None) -> None:
        self.issuers = {i.iss: i for i in issuers}
        self.client = client
        self._fetched: dict[str, tuple[float, Mapping[str, Any]]] = {}
        self._lock = threading.Lock()

    def keys(self, iss: str) -> Mapping[str, Any]:
        issuer = self.issuers.get(iss)
        if issuer is None:
            raise JwtRefusedError(f"issuer {iss!r} is not on the allow-list")
        if issuer.jwks is not None:
            return issuer.jwks
        if issuer.jwks_url is None:
            raise JwtRefusedError(f"no keys configured for issuer {iss!r}")
        with self._lock:
            cached = self._fetched.get(iss)
            if cached and time.monotonic() - cached[0] < JWKS_TTL_SECONDS:
                return cached[1]
            client = self.client or httpx.Client(timeout=5.0)
            try:
                response = client.get(issuer.jwks_url)
                response.raise_for_status()
                jwks = response.json()
            except (httpx.HTTPError, ValueError) as error:
                raise JwtRefusedError(f"cannot fetch the JWKS of {iss!r}: {error}") from None
            self._fetched[iss] = (time.monotonic(), jwks)
            return jwks  # type: ignore[no-any-return]


class ReplayCache:
    """Remembers each jti (per issuer, so one EHR's nonce never blocks another's) until its
    token expires. A token lives at most the maximum lifetime, so the cache stays small."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.seen: dict[str, float] = {}
        self.clock = clock
        self._lock = threading.Lock()

    def check_and_add(self, jti: str, exp: float, iss: str = "") -> None:
        now = self.clock()
        key = f"{iss}\n{jti}"
        with self._lock:
            for old, until in list(self.seen.items()):
                if until + LEEWAY_SECONDS < now:
                    del self.seen[old]
            if key in self.seen:
                raise JwtRefusedError("token replayed (jti already used)")
            self.seen[key] = exp


def _key_for(jwks: Mapping[str, Any], kid: str | None, alg: str) -> Any:
    keys = [k for k in jwks.get("keys", []) if isinstance(k, dict)]
    matching = [k for k in keys if kid is None or k.get("kid") == kid]
    if not matching:
        raise JwtRefusedError(f"no key with kid {kid!r} in the issuer's JWKS")
    try:
        return jwt.PyJWK(matching[0], algorithm=alg).key
    except jwt.PyJWTError as error:
        raise JwtRefusedError(f"unusable key: {error}") from None


def verify_cds_jwt(
    token: str,
    audience: str,
    keys: JwksCache,
    replay: ReplayCache,
    max_lifetime: int = CDS_MAX_TOKEN_LIFETIME_SECONDS,
) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise JwtRefusedError(f"malformed token: {error}") from None
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise JwtRefusedError(f"algorithm {alg!r} refused; use ES384 or RS384")
    iss = unverified.get("iss")
    if not isinstance(iss, str):
        raise JwtRefusedError("the token has no iss")
    key = _key_for(keys.keys(iss), header.get("kid"), alg)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=audience,
            issuer=iss,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise JwtRefusedError("token expired") from None
    except jwt.InvalidAudienceError:
        raise JwtRefusedError(f"aud must be {audience}") from None
    except jwt.PyJWTError as error:
        raise JwtRefusedError(f"invalid token: {error}") from None
    _check_lifetime(claims, max_lifetime)
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti.strip():
        raise JwtRefusedError("jti must be a non-empty string (a nonce unique to this token)")
    replay.check_and_add(jti, float(claims["exp"]), iss)
    return claims


def _check_lifetime(claims: dict[str, Any], max_lifetime: int) -> None:
    """`exp` no more than `max_lifetime` seconds after `iat`. PyJWT has checked that `exp` is
    not past and `iat` not in the future (within the leeway), but it reads either from a string
    or a boolean too: JWT times are JSON numbers (RFC 7519 NumericDate)."""
    for name in ("exp", "iat"):
        value = claims[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise JwtRefusedError(f"{name} must be a number of seconds since the epoch")
    lifetime = float(claims["exp"]) - float(claims["iat"])
    if lifetime > max_lifetime:
        raise JwtRefusedError(
            f"token lifetime too long: exp is {lifetime:.0f} s after iat, at most "
            f"{max_lifetime} s accepted"
        )
