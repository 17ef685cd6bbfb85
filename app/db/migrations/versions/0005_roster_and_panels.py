"""The five elders: roster details, absences, training, relations, recusals and panel draws.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "panel_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("draw_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("at", app.db.types.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dispute_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("panel_draw", schema=None) as batch_op:
        batch_op.create_index("ix_panel_draw_case", ["case_id"], unique=False)

    op.create_table(
        "mediator_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["mediator_id"], ["mediator.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mediator_absence", schema=None) as batch_op:
        batch_op.create_index("ix_absence_mediator", ["mediator_id"], unique=False)

    op.create_table(
        "mediator_relation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=60), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["mediator_id"], ["mediator.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mediator_relation", schema=None) as batch_op:
        batch_op.create_index("ix_relation_mediator", ["mediator_id"], unique=False)

    op.create_table(
        "mediator_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["mediator_id"], ["mediator.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mediator_training", schema=None) as batch_op:
        batch_op.create_index("ix_training_mediator", ["mediator_id"], unique=False)

    op.create_table(
        "recusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dispute_case.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["mediator.id"],
        ),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recusal", schema=None) as batch_op:
        batch_op.create_index("ix_recusal_case", ["case_id"], unique=False)

    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("case_limit", sa.Integer(), server_default="5", nullable=False)
        )
        batch_op.add_column(sa.Column("panel_sizes", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("area_has_minorities", sa.Boolean(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("mediator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ethnicity", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("languages", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("case_limit", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("committee_member", sa.Boolean(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("panel_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chosen_by_party_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_panel_member_chosen_by_party",
            "party",
            ["chosen_by_party_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("panel_member", schema=None) as batch_op:
        batch_op.drop_constraint("fk_panel_member_chosen_by_party", type_="foreignkey")
        batch_op.drop_column("chosen_by_party_id")

    with op.batch_alter_table("mediator", schema=None) as batch_op:
        batch_op.drop_column("committee_member")
        batch_op.drop_column("case_limit")
        batch_op.drop_column("languages")
        batch_op.drop_column("ethnicity")

    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_column("area_has_minorities")
        batch_op.drop_column("panel_sizes")
        batch_op.drop_column("case_limit")

    with op.batch_alter_table("recusal", schema=None) as batch_op:
        batch_op.drop_index("ix_recusal_case")

    op.drop_table("recusal")
    with op.batch_alter_table("mediator_training", schema=None) as batch_op:
        batch_op.drop_index("ix_training_mediator")

    op.drop_table("mediator_training")
    with op.batch_alter_table("mediator_relation", schema=None) as batch_op:
        batch_op.drop_index("ix_relation_mediator")

    op.drop_table("mediator_relation")
    with op.batch_alter_table("mediator_absence", schema=None) as batch_op:
        batch_op.drop_index("ix_absence_mediator")

    op.drop_table("mediator_absence")
    with op.batch_alter_table("panel_draw", schema=None) as batch_op:
        batch_op.drop_index("ix_panel_draw_case")

    op.drop_table("panel_draw")
