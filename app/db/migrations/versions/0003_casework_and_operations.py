"""The life of a case: status history, sessions, schedules and payments, operations' audit.

Every change now goes through one operation (app.services.operations), whose audit entry names
the actor and carries the changed fields before and after as canonical JSON.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 21:47:22.513552
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dispute_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False, server_default="mediation"),
        sa.Column("organisation", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dispute_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=40), nullable=True),
        sa.Column("to_status", sa.String(length=40), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False, server_default=""),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("withdrawn_by", sa.String(length=100), nullable=False),
        sa.Column("referred_to", sa.String(length=40), nullable=True),
        sa.Column("routes", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["dispute_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.create_index("ix_status_change_case", ["case_id"], unique=False)

    op.create_table(
        "instalment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["obligation_id"], ["obligation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["obligation_id"], ["obligation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index("ix_payment_obligation", ["obligation_id"], unique=False)

    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "authority_kind", sa.String(length=20), nullable=False, server_default="general"
            )
        )
        batch_op.add_column(sa.Column("authorised_on", sa.Date(), nullable=True))

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmation_decided_on", sa.Date(), nullable=True))

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("actor", sa.String(length=60), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("entity_uuid", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("before", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("after", sa.Text(), nullable=False, server_default="{}"))
        batch_op.create_index("ix_audit_entity", ["entity_uuid"], unique=False)
    # Entries written before operations existed: keep what they said, in the new shape.
    op.execute(
        """
        UPDATE audit_log SET
            actor = '本机用户',
            entity_uuid = (
                SELECT uuid FROM dispute_case
                WHERE audit_log.entity = 'case' AND dispute_case.id = audit_log.entity_id
            ),
            after = CASE WHEN detail = '' THEN '{}' ELSE json_object('detail', detail) END
        """
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("detail")
        batch_op.drop_column("entity_id")

    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("follow_up_days", sa.Integer(), nullable=False, server_default="30")
        )

    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mediation_extended_to", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("extension_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("risk_level", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("risk_measures", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("police_reported_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "escalation_prevented", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("performed_on", sa.Date(), nullable=True))

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decided_by", sa.String(length=60), nullable=False, server_default="")
        )

    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("met_with", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("risks", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("measures", sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table("mediation_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="mediation")
        )
        batch_op.add_column(
            sa.Column("mediators_present", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("parties_present", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("participants_present", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("facts_verified", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("recorder", sa.String(length=60), nullable=False, server_default="")
        )
    op.execute("UPDATE mediation_session SET parties_present = attendees")
    with op.batch_alter_table("mediation_session", schema=None) as batch_op:
        batch_op.drop_column("attendees")

    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "schedule_kind", sa.String(length=20), nullable=False, server_default="one_off"
            )
        )
        batch_op.add_column(sa.Column("day_of_month", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("until", sa.Date(), nullable=True))

    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index("ix_party_id_number", ["id_number"], unique=False)
        batch_op.create_index("ix_party_phone", ["phone"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index("ix_party_phone")
        batch_op.drop_index("ix_party_id_number")

    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.drop_column("until")
        batch_op.drop_column("starts_on")
        batch_op.drop_column("day_of_month")
        batch_op.drop_column("schedule_kind")

    with op.batch_alter_table("mediation_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attendees", sa.TEXT(), nullable=False, server_default=""))
        batch_op.drop_column("recorder")
        batch_op.drop_column("facts_verified")
        batch_op.drop_column("participants_present")
        batch_op.drop_column("parties_present")
        batch_op.drop_column("mediators_present")
        batch_op.drop_column("kind")

    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_column("measures")
        batch_op.drop_column("risks")
        batch_op.drop_column("met_with")

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_column("decided_by")

    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_column("performed_on")
        batch_op.drop_column("escalation_prevented")
        batch_op.drop_column("police_reported_on")
        batch_op.drop_column("risk_measures")
        batch_op.drop_column("risk_level")
        batch_op.drop_column("extension_reason")
        batch_op.drop_column("mediation_extended_to")

    with op.batch_alter_table("committee", schema=None) as batch_op:
        batch_op.drop_column("follow_up_days")

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entity_id", sa.INTEGER(), nullable=True))
        batch_op.add_column(sa.Column("detail", sa.TEXT(), nullable=False, server_default=""))
        batch_op.drop_index("ix_audit_entity")
        batch_op.drop_column("after")
        batch_op.drop_column("before")
        batch_op.drop_column("entity_uuid")
        batch_op.drop_column("actor")

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_column("confirmation_decided_on")

    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_column("authorised_on")
        batch_op.drop_column("authority_kind")

    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_obligation")

    op.drop_table("payment")
    op.drop_table("instalment")
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.drop_index("ix_status_change_case")

    op.drop_table("status_change")
    op.drop_table("participant")
    op.drop_table("attachment")
