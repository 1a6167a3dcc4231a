"""Deployment secrets: the key of pseudonymous FHIR case ids, made on first use.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from oligoguide.store.schema import UTCDateTime

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "deployment_secrets",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_deployment_secrets"),
    )


def downgrade() -> None:
    # Dropping the secret changes every FHIR case id made from now on (see docs/store.md).
    op.drop_table("deployment_secrets")
