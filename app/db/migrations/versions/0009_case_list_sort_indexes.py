"""Indexes for the case list's sorts by number and by title.

The list reads its first page in the order the window asks for. Sorted by number (year, then
sequence) or by title, SQLite had no index in that order: it read all 100,000 cases and sorted
them for every page (130–380 ms); with these it reads the page's rows in order and stops. The
other sorts (received day, status, tier) had their indexes already.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: (index, table, columns): each the list's ORDER BY for that sort (`app.services.cases`),
#: ties broken by the case's id, which every index carries.
INDEXES = (
    ("ix_case_number_order", "dispute_case", ["number_year", "number_seq", "number"]),
    ("ix_case_title", "dispute_case", ["title"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
