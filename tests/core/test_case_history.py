"""The case page's 修改记录 reads the audit log: who did what, when, to which part — no values."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher

from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import NotFoundError
from app.domain.lifecycle import CaseEvent
from app.domain.roles import Role
from app.services import accounts
from app.services.case_history import case_history, changed_parts
from app.services.case_life import apply_event
from app.services.cases import register_case
from app.services.detail import get_case
from app.services.people import update_case
from app.services.retention import delete_case

TODAY = date(2026, 11, 25)
ID_NUMBER = "11010519491231002X"
PHONE = "13900001111"


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: quick)


def a_case(db) -> int:  # type: ignore[no-untyped-def]
    draft = CaseDraft(
        title="楼上渗水纠纷",
        received_on=date(2026, 11, 2),
        parties=[
            PartyDraft(role="applicant", name="李秀英", id_number=ID_NUMBER, phone=PHONE),
            PartyDraft(role="respondent", name="张伟", phone="0373-5551234"),
        ],
    )
    detail, _ = register_case(db, draft, today=TODAY)
    return detail.id


def test_the_history_names_who_did_what_and_which_part_never_the_values(db) -> None:
    accounts.enable_accounts(db, "王主任", "2468")
    accounts.add_account(db, "赵记录", Role.CLERK, "mima2026")
    case_id = a_case(db)
    apply_event(db, case_id, CaseEvent.ACCEPT, on=date(2026, 11, 3), today=TODAY)
    accounts.sign_in(db, "赵记录", "mima2026")
    shown = get_case(db, case_id)
    draft = CaseDraft(
        title=shown.title,
        dispute_type=shown.dispute_type.value,
        source=shown.source.value,
        received_on=shown.received_on,
        tier=shown.tier.value,
        parties=[
            PartyDraft(
                role=p.role.value,
                name=p.name,
                id_number=p.id_number,
                phone=p.phone,
                address="幸福小区3号楼" if i == 0 else p.address,
                id=p.id,
            )
            for i, p in enumerate(shown.parties)
        ],
    )
    update_case(db, case_id, draft, today=TODAY)

    lines = case_history(db, case_id)
    assert [(line.actor, line.action) for line in lines] == [
        ("王主任", "登记案件"),
        ("王主任", f"办理“{CaseEvent.ACCEPT.label}”"),
        ("赵记录", "修改案件的登记信息"),
    ]
    assert lines[-1].parts == ("当事人",)
    assert "办理状态" in lines[1].parts
    text = "\n".join(line.text() for line in lines)
    for secret in (ID_NUMBER, PHONE, "李秀英", "幸福小区"):
        assert secret not in text
    assert "赵记录　修改案件的登记信息（改动了：当事人）" in text


def test_a_noted_fact_is_not_a_part_and_broken_json_is_skipped() -> None:
    assert changed_parts('{"title":"a"}', '{"title":"b","经办人":"x"}') == ("登记信息",)
    assert changed_parts("{}", '{"number":"（2026）1号","signed_in":true}') == ()
    assert changed_parts("not json", '{"parties.3.phone":"1"}') == ("当事人",)


def test_a_deleted_case_has_no_history_to_show(db) -> None:
    case_id = a_case(db)
    delete_case(db, case_id)
    with pytest.raises(NotFoundError):
        case_history(db, case_id)
