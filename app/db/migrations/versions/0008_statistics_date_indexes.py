"""Indexes on the days the statistics count by: accepted, closed, agreement reached, judicial
confirmation applied for and decided.

A period's figures count a case by the day of its intake, acceptance, outcome or confirmation
(`app.domain.statistics`). Without these indexes every figure read every case of every year:
a year's statistics over 100,000 cases took over half a second; with them only the cases with
a day in the period are read.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: (index, table, columns)
INDEXES = (
    ("ix_case_accepted_on", "dispute_case", ["accepted_on"]),
    ("ix_case_closed_on", "dispute_case", ["closed_on"]),
    # With the case: the cases of a period are found in the index alone.
    ("ix_agreement_reached_on", "agreement", ["reached_on", "case_id"]),
    ("ix_agreement_applied_on", "agreement", ["confirmation_applied_on"]),
    ("ix_agreement_decided_on", "agreement", ["confirmation_decided_on"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
