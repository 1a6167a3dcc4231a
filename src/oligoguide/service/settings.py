"""Service settings: explicit, validated, with safe defaults (loopback, limits on)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


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
    rate_limit_per_minute: int = Field(default=600, ge=1)
    auth_failure_limit_per_minute: int = Field(
        default=30, ge=1, description="Failed authentications (401) per client address; then 429"
    )
    cds_issuers: tuple[CdsIssuer, ...] = ()
    cds_allow_unauthenticated: bool = Field(
        default=False, description="Only for local demos: accept CDS calls without a JWT"
    )
    examples_dir: Path | None = Field(default=None, description="Cases loaded at start-up")

    @property
    def loopback(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1")

    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")
