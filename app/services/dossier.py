"""The dossier of a case: its completeness check and the facts only the dossier records (the day
the rights notice was given)."""

from __future__ import annotations

from datetime import date

from app.domain.dossier import DossierItem, check_dossier
from app.domain.errors import ValidationError
from app.services.database import Database
from app.services.detail import fresh_detail, get_case
from app.services.operations import DEFAULT_ACTOR
from app.views import CaseDetail, Changed


def dossier_check(db: Database, case_ref: str | int) -> tuple[CaseDetail, tuple[DossierItem, ...]]:
    """The case and each required item of its dossier, present or with what to do."""
    case = get_case(db, case_ref)
    return case, check_dossier(case)


def record_rights_notice(
    db: Database,
    case_ref: str | int,
    on: date | None,
    *,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """The day the parties were given the 权利义务告知书 (art. 23, 24: their rights and duties)."""
    today = today or date.today()
    if on is None:
        raise ValidationError("on", "告知日期", "请填写日期，例如 2026-03-02")
    with db.operation(actor, "dossier.rights_notice", case=case_ref) as op:
        case = op.the_case
        if on > today:
            raise ValidationError("on", "告知日期", f"{on:%Y-%m-%d}还没到，不能晚于今天，请核对")
        if on < case.received_on:
            raise ValidationError(
                "on", "告知日期", f"不能早于案件的登记日期（{case.received_on:%Y-%m-%d}），请核对"
            )
        case.rights_notified_on = on
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome
