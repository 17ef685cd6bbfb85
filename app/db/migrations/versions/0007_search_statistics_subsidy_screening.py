"""Finding and counting cases: the search index and the parties' pinyin initials, the
committee's subsidy scheme and each case's subsidy class, and the screening register.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db.types
from app.db import fts

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subsidy_scheme", sa.Text(), server_default="", nullable=False)
        )

    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subsidy_class", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("subsidy_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("subsidy_useful", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("subsidy_oral_proof", sa.Boolean(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_initials", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.create_index("ix_party_initials", ["name_initials"], unique=False)

    op.create_table(
        "screening_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("screened_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("screening_round", schema=None) as batch_op:
        batch_op.create_index("ix_screening_held_on", ["held_on"], unique=False)

    op.create_table(
        "screening_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dispute_case.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["screening_round.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("screening_finding", schema=None) as batch_op:
        batch_op.create_index("ix_finding_round", ["round_id"], unique=False)
        batch_op.create_index("ix_finding_case", ["case_id"], unique=False)

    # Filled for existing cases by the search service when it finds the index empty.
    fts.create_search_index(op.get_bind())


def downgrade() -> None:
    fts.drop_search_index(op.get_bind())
    with op.batch_alter_table("screening_finding", schema=None) as batch_op:
        batch_op.drop_index("ix_finding_case")
        batch_op.drop_index("ix_finding_round")
    op.drop_table("screening_finding")
    with op.batch_alter_table("screening_round", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_held_on")
    op.drop_table("screening_round")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index("ix_party_initials")
        batch_op.drop_column("name_initials")
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_column("subsidy_oral_proof")
        batch_op.drop_column("subsidy_useful")
        batch_op.drop_column("subsidy_reason")
        batch_op.drop_column("subsidy_class")
    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_column("subsidy_scheme")
