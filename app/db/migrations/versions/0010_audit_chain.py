"""The audit chain: each entry's hash and its predecessor's, and the seal of the newest.

Entries written before this revision are chained in their order, so `audit verify` covers the
whole history from here on (what was changed before the chain existed cannot be told).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.services.audit import seal_existing

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as table:
        table.add_column(sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
        table.add_column(sa.Column("hash", sa.String(64), nullable=False, server_default=""))
    op.create_table(
        "audit_seal",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )
    seal_existing(op.get_bind())


def downgrade() -> None:
    op.drop_table("audit_seal")
    with op.batch_alter_table("audit_log") as table:
        table.drop_column("hash")
        table.drop_column("prev_hash")
