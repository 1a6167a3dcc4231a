"""The registry's tables as typed SQLAlchemy 2 ORM classes (private: use `Registry`).

cases           one row per case: its id and pointers to the latest version and assessment badge
case_versions   every version of every case, canonical JSON + sha256; never updated or deleted
assessments     every saved assessment, JSON + kb_version + input hash; never updated or deleted
audit_log       who did what to which id, when; never updated or deleted
api_tokens      API tokens: name, role and the sha256 of the secret (never the secret)
deployment_secrets  secrets of this deployment, made on first use (e.g. the FHIR case-key secret)

The append-only tables are guarded by database triggers (see migrations/versions/0001).
Changing these classes needs a new Alembic revision: tests compare the migrated schema with
this metadata.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 200  # the case model allows ids up to 200 characters
HASH_LENGTH = 64  # sha256 in hex


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite returns naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the registry")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime}


class CaseRow(Base):
    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    primary_site: Mapped[str] = mapped_column(String(64))
    latest_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    updated_at: Mapped[dt.datetime] = mapped_column(index=True)
    updated_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    # The badge: the newest assessment of the highest assessed version.
    latest_state: Mapped[str | None] = mapped_column(String(32), index=True)
    latest_state_version: Mapped[int | None] = mapped_column(Integer)
    latest_kb_version: Mapped[str | None] = mapped_column(String(64))
    latest_assessed_at: Mapped[dt.datetime | None]

    __table_args__ = (CheckConstraint("latest_version >= 1", name="latest_version_positive"),)


class CaseVersionRow(Base):
    __tablename__ = "case_versions"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.case_id"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), index=True)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(ID_LENGTH))

    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    version: Mapped[int] = mapped_column(Integer)
    kb_version: Mapped[str] = mapped_column(String(64))
    input_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    disease_state: Mapped[str] = mapped_column(String(32))
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(ID_LENGTH))

    __table_args__ = (
        ForeignKeyConstraint(
            ["case_id", "version"], ["case_versions.case_id", "case_versions.version"]
        ),
        Index("ix_assessments_case_id_version", "case_id", "version"),
    )


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str | None] = mapped_column(String(16))
    target_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    version: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_audit_log_target_type_target_id", "target_type", "target_id"),)


class TokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))

    __table_args__ = (
        CheckConstraint("role IN ('clinician', 'reader', 'admin')", name="role_known"),
    )


class SecretRow(Base):
    __tablename__ = "deployment_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))  # hex
    created_at: Mapped[dt.datetime]


APPEND_ONLY_TABLES = ("case_versions", "assessments", "audit_log")
