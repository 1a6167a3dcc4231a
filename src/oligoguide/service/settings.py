"""Service settings: explicit, validated, with safe defaults (loopback, limits on)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The longest lifetime of a CDS Hooks JWT. CDS Hooks 2.0.1 ("Trusting CDS Clients") requires
#: `exp`, `iat` and `jti` but sets no limit; SMART App Launch 2 does, for the authentication JWT
#: a SMART Backend Services client signs ("Client Authentication: Asymmetric", claim `exp`):
#: "This time SHALL be no more than five minutes in the future"
#: (https://hl7.org/fhir/smart-app-launch/STU2/client-confidential-asymmetric.html).
#: The EHR's JWT plays the same part, so it is held to the same five minutes.
CDS_MAX_TOKEN_LIFETIME_SECONDS = 300


class CdsIssuer(BaseModel):
    """An EHR allowed to call the CDS Hooks services, and where its public keys are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    iss: str
    jwks_url: str | None = None
    jwks: dict[str, object] | None = Field(default=None, description="Inline JWKS (tests, pinning)")


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    db_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite file")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    base_url: str | None = Field(default=None, description="Public URL, for links and JWT aud")
    max_body_bytes: int = Field(default=2_000_000, ge=1_000)
    max_upload_bytes: int = Field(
        default=100_000_000,
        ge=1_000,
        description="Request-body limit of the DICOM upload routes only (RT plan check, SR "
        "import; service/upload_limit.py): a real RTDOSE grid is often 5-50 MB",
    )
    compute_threads: int = Field(
        default=1,
        ge=0,
        le=32,
        description="Threads the CPU-bound assess and ask computations run in, in turn "
        "(service/compute_lane.py; 0: in the event loop); more threads add GIL contention, "
        "not parallelism",
    )
    rate_limit_per_minute: int = Field(default=600, ge=1)
    auth_failure_limit_per_minute: int = Field(
        default=30, ge=1, description="Failed authentications (401) per client address; then 429"
    )
    cds_issuers: tuple[CdsIssuer, ...] = ()
    cds_allow_unauthenticated: bool = Field(
        default=False, description="Only for local demos: accept CDS calls without a JWT"
    )
    cds_max_token_lifetime_seconds: int = Field(
        default=CDS_MAX_TOKEN_LIFETIME_SECONDS,
        ge=1,
        le=3600,
        description="Longest accepted CDS Hooks JWT lifetime, `exp` minus `iat` (SMART: 5 min)",
    )
    trusted_proxies: tuple[str, ...] = Field(
        default=(),
        description="Addresses or networks of reverse proxies whose X-Forwarded-For is believed "
        "(OLIGOGUIDE_TRUSTED_PROXIES); empty: the header is ignored, the peer address counts",
    )
    examples_dir: Path | None = Field(default=None, description="Cases loaded at start-up")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        """A comma-separated string (as the environment variable gives it) or a list."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network") from None
        return value

    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in self.trusted_proxies)

    @property
    def loopback(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1")

    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")
