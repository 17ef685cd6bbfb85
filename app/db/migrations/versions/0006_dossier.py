"""The dossier: attachment kinds and owners, the rights notice given, the file's note, the
page layout, printed documents with their verification codes, and the committee's wordings.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.types.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version"),
    )
    op.create_table(
        "printed_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("printed_at", app.db.types.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("wording_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dispute_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("printed_document", schema=None) as batch_op:
        batch_op.create_index("ix_printed_case", ["case_id"], unique=False)

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="other", nullable=False)
        )
        batch_op.add_column(sa.Column("party_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_attachment_party", "party", ["party_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "page_layout", sa.String(length=20), server_default="standard", nullable=False
            )
        )

    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rights_notified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("dossier_note", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_column("dossier_note")
        batch_op.drop_column("rights_notified_on")

    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_column("page_layout")

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_constraint("fk_attachment_party", type_="foreignkey")
        batch_op.drop_column("party_id")
        batch_op.drop_column("kind")

    with op.batch_alter_table("printed_document", schema=None) as batch_op:
        batch_op.drop_index("ix_printed_case")

    op.drop_table("printed_document")
    op.drop_table("wording")
