"""The audit chain over digests of each entry's texts, so a deleted case's entries can be
blanked: each entry gets a salt, the digests of its `before` and `after`, and `erased_at`.

The chain is laid anew over the digests (app.services.audit.reseal_with_digests); where the old
chain did not hold, the new one does not either, so `audit verify` names the same entry after
the upgrade. Then the entries of cases deleted before this revision are blanked as a deletion
now blanks them, with SQLite overwriting the old texts in the file.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db.types
from app.services.audit import erase_deleted_cases, reseal_with_digests, seal_existing
from app.services.retention import overwriting

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as table:
        table.add_column(sa.Column("salt", sa.String(32), nullable=False, server_default=""))
        table.add_column(
            sa.Column("before_digest", sa.String(64), nullable=False, server_default="")
        )
        table.add_column(
            sa.Column("after_digest", sa.String(64), nullable=False, server_default="")
        )
        table.add_column(sa.Column("erased_at", app.db.types.UTCDateTime(), nullable=True))
    bind = op.get_bind()
    reseal_with_digests(bind)
    with overwriting(bind):
        erase_deleted_cases(bind)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as table:
        table.drop_column("erased_at")
        table.drop_column("after_digest")
        table.drop_column("before_digest")
        table.drop_column("salt")
    # The chain of revision 0011, over the texts as they now are (a blanked entry's empty ones).
    seal_existing(op.get_bind())
