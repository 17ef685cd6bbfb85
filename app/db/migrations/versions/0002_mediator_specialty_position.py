"""Mediator specialties keep the order they were listed in.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server default fills the rows already there; it is dropped again below because the
    # model sets the position of every new row itself.
    with op.batch_alter_table("mediator_specialty", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    # Files written before this revision showed specialties by code; keep that order for them.
    op.execute(
        """
        UPDATE mediator_specialty SET position = (
            SELECT count(*) FROM mediator_specialty AS earlier
            WHERE earlier.mediator_id = mediator_specialty.mediator_id
              AND earlier.dispute_type < mediator_specialty.dispute_type
        )
        """
    )
    with op.batch_alter_table("mediator_specialty", schema=None) as batch_op:
        batch_op.alter_column("position", existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("mediator_specialty", schema=None) as batch_op:
        batch_op.drop_column("position")
