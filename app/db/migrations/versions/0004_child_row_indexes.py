"""Indexes on the case (or parent) column of every child table.

Without them each case page and the 待办 query scanned whole tables: the follow-up check alone
("no visit since performance") cost half a second over 10,000 cases.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 11:36:50
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: (index, table, columns)
INDEXES = (
    ("ix_agent_party", "agent", ["party_id"]),
    ("ix_attachment_case", "attachment", ["case_id"]),
    ("ix_case_request_case", "case_request", ["case_id"]),
    ("ix_escalation_case", "escalation", ["case_id"]),
    ("ix_follow_up_case", "follow_up", ["case_id", "on"]),
    ("ix_instalment_obligation", "instalment", ["obligation_id"]),
    ("ix_session_case", "mediation_session", ["case_id"]),
    ("ix_obligation_agreement", "obligation", ["agreement_id"]),
    ("ix_panel_member_mediator", "panel_member", ["mediator_id"]),
    ("ix_participant_case", "participant", ["case_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
