"""CDS Hooks JWT verification: only a fresh, correctly addressed, asymmetric token passes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from jwt_helpers import ISSUER, FakeEhr, serve_jwks
from oligoguide.service.cds_jwt import JwksCache, JwtRefusedError, ReplayCache, verify_cds_jwt
from oligoguide.service.settings import CdsIssuer

AUD = "http://127.0.0.1:8000/cds-services/oligoguide-patient-view"


@pytest.fixture(scope="module")
def ehr() -> FakeEhr:
    return FakeEhr()


@pytest.fixture
def keys(ehr: FakeEhr) -> Iterator[JwksCache]:
    with serve_jwks(ehr.jwks) as url:
        yield JwksCache((CdsIssuer(iss=ISSUER, jwks_url=url),))


def check(token: str, keys: JwksCache, replay: ReplayCache | None = None) -> dict[str, object]:
    return verify_cds_jwt(token, AUD, keys, replay or ReplayCache())


def test_a_valid_token_from_the_jwks_url_is_accepted(ehr: FakeEhr, keys: JwksCache) -> None:
    assert check(ehr.token(AUD), keys)["iss"] == ISSUER


def test_replay_is_refused(ehr: FakeEhr, keys: JwksCache) -> None:
    replay = ReplayCache()
    token = ehr.token(AUD)
    check(token, keys, replay)
    with pytest.raises(JwtRefusedError, match="replayed"):
        check(token, keys, replay)


def test_wrong_audience_is_refused(ehr: FakeEhr, keys: JwksCache) -> None:
    with pytest.raises(JwtRefusedError, match="aud must be"):
        check(ehr.token("http://127.0.0.1:8000/cds-services/other"), keys)


def test_expired_token_is_refused(ehr: FakeEhr, keys: JwksCache) -> None:
    past = int(time.time()) - 3600
    with pytest.raises(JwtRefusedError, match="expired"):
        check(ehr.token(AUD, iat=past - 300, exp=past), keys)


def test_unknown_issuer_is_refused(ehr: FakeEhr, keys: JwksCache) -> None:
    with pytest.raises(JwtRefusedError, match="allow-list"):
        check(ehr.token(AUD, iss="https://evil.example"), keys)


def test_alg_none_is_refused(keys: JwksCache) -> None:
    token = jwt.encode(
        {
            "iss": ISSUER,
            "aud": AUD,
            "exp": int(time.time()) + 60,
            "iat": int(time.time()),
            "jti": "x",
        },
        key=None,
        algorithm="none",
    )
    with pytest.raises(JwtRefusedError, match="algorithm 'none' refused"):
        check(token, keys)


def test_hmac_token_is_refused(keys: JwksCache) -> None:
    token = jwt.encode(
        {
            "iss": ISSUER,
            "aud": AUD,
            "exp": int(time.time()) + 60,
            "iat": int(time.time()),
            "jti": "x",
        },
        "shared-secret-of-48-bytes" * 2,
        algorithm="HS384",
    )
    with pytest.raises(JwtRefusedError, match="HS384"):
        check(token, keys)


def test_forged_signature_is_refused(ehr: FakeEhr, keys: JwksCache) -> None:
    forger = FakeEhr(kid=ehr.kid)  # same kid, different private key
    assert forger.private_key != ehr.private_key
    with pytest.raises(JwtRefusedError, match="invalid token"):
        check(forger.token(AUD), keys)


def test_missing_jti_is_refused(ehr: FakeEhr, keys: JwksCache) -> None:
    now = int(time.time())
    token = jwt.encode(
        {"iss": ISSUER, "aud": AUD, "iat": now, "exp": now + 60},
        ehr.private_key,
        algorithm="ES384",
        headers={"kid": ehr.kid},
    )
    with pytest.raises(JwtRefusedError, match="jti"):
        check(token, keys)


def test_unreachable_jwks_is_a_refusal_not_a_crash(ehr: FakeEhr) -> None:
    keys = JwksCache((CdsIssuer(iss=ISSUER, jwks_url="http://127.0.0.1:9/jwks.json"),))
    with pytest.raises(JwtRefusedError, match="cannot fetch"):
        check(ehr.token(AUD), keys)


def test_key_types_match_the_spec_curve() -> None:
    assert isinstance(FakeEhr().private_key.curve, ec.SECP384R1)
