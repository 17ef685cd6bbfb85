"""Accounts and roles, enforced below the window: who may change what, who sees which numbers,
whose name the audit log records, and deleting a case when its retention period has ended."""

from __future__ import annotations

import ast
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from app.db import fts
from app.db.models import Account, AuditEntry, Case, Party, PrintedDocument
from app.domain.codes import PanelRole
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import UserError
from app.domain.lifecycle import CaseEvent
from app.domain.roles import PERMISSIONS, Role, may, parse_role, refusal
from app.domain.roster import MediatorDraft
from app.domain.work import AgentDraft, ParticipantDraft
from app.services import accounts
from app.services.audit import verify
from app.services.case_life import apply_event
from app.services.case_report import case_report, case_text
from app.services.cases import list_cases, register_case
from app.services.database import open_database, update_committee
from app.services.detail import case_for_paper, get_case
from app.services.mediators import save_mediator
from app.services.operations import DEFAULT_ACTOR, HANDLED_BY
from app.services.people import (
    add_panel_member,
    find_returning_parties,
    remove_panel_member,
    save_agent,
    save_participant,
    update_case,
)
from app.services.retention import delete_case, delete_cases
from app.services.search import search
from app.services.sittings import add_attachment, stored_path
from app.services.verification import record_print

APP = Path(__file__).resolve().parents[2] / "app"
TODAY = date(2026, 11, 25)
ID_NUMBER = "11010519491231002X"
PHONE = "13900001111"
AGENT_PHONE = "13712345678"
ADMIN, MEDIATOR, CLERK = "王主任", "李调解", "赵记录"
PINS = {ADMIN: "2468", MEDIATOR: "1357", CLERK: "mima2026"}


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real cost (~0.15 s a hash) is for the office PC; tests hash hundreds of times."""
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: quick)
    monkeypatch.setattr(accounts, "_source", None)


def a_case(db) -> int:
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


def a_mediator(db, name: str = "周老师") -> int:
    view, _ = save_mediator(db, MediatorDraft(name=name, sex="female"), today=TODAY)
    return view.id


@pytest.fixture
def room(db):
    """Accounts on: an administrator, a mediator and a clerk; a case and a mediator on file."""
    case_id = a_case(db)
    mediator_id = a_mediator(db)
    accounts.enable_accounts(db, ADMIN, PINS[ADMIN])
    accounts.add_account(db, MEDIATOR, Role.MEDIATOR, PINS[MEDIATOR])
    accounts.add_account(db, CLERK, "记录员", PINS[CLERK])
    accounts.sign_out(db)
    return db, case_id, mediator_id


def as_(db, name: str) -> None:
    accounts.sign_in(db, name, PINS[name])


def entries(db) -> list[AuditEntry]:
    with db.reading() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


# ====================================================================== the table


def operation_names_in_services() -> set[str]:
    """Every name the services pass to `db.operation`, read from their source.

    A name built at run time must be one of the forms read here (a constant, a choice between
    two, the case events' f-string, or a variable assigned such a value in the function);
    anything else fails the test, so a new operation cannot slip past the table.
    """
    names: set[str] = set()

    def values(node: ast.expr, scope: ast.AST) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return values(node.body, scope) | values(node.orelse, scope)
        if isinstance(node, ast.JoinedStr) and ast.unparse(node) == "f'case.{event.value}'":
            return {f"case.{e.value}" for e in CaseEvent}
        if isinstance(node, ast.Name):
            found: set[str] = set()
            for child in ast.walk(scope):
                if isinstance(child, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == node.id for t in child.targets
                ):
                    found |= values(child.value, scope)
            if found:
                return found
        raise AssertionError(f"cannot tell the operation's name from {ast.unparse(node)}")

    for path in sorted((APP / "services").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(function):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "operation"
                    and len(call.args) >= 2
                ):
                    names |= values(call.args[1], function)
    return names


def test_every_operation_the_services_use_is_in_the_table() -> None:
    used = operation_names_in_services()
    assert {"case.register", "panel.draw", "case.accept", "case.delete"} <= used
    assert sorted(used - set(PERMISSIONS)) == []


def test_the_roles_divide_the_work() -> None:
    assert all(may(Role.ADMIN, name) for name in PERMISSIONS)
    for name in ("panel.add", "panel.draw", "case.accept", "case.archive", "agreement.save"):
        assert may(Role.MEDIATOR, name) and not may(Role.CLERK, name)
    for name in ("account.add", "committee.update", "roster.import", "subsidy.scheme"):
        assert not may(Role.MEDIATOR, name) and not may(Role.CLERK, name)
    assert not may(Role.MEDIATOR, "case.delete")
    for name in (
        "case.register",
        "session.save",
        "follow_up.save",
        "payment.record",
        "attachment.add",
        "document.print",
        "screening.add",
    ):
        assert may(Role.CLERK, name)


def test_an_unknown_operation_is_the_administrators_alone() -> None:
    assert may(Role.ADMIN, "backup.something_new")
    assert not may(Role.MEDIATOR, "backup.something_new")
    assert not may(Role.CLERK, "backup.something_new")
    assert refusal(Role.CLERK, "backup.something_new") == "记录员不能做这项操作，请由管理员操作。"


def test_a_refusal_says_what_and_who_may() -> None:
    assert refusal(Role.CLERK, "panel.add") == "记录员不能调整调解小组，请由调解员或管理员操作。"
    assert refusal(Role.MEDIATOR, "case.delete") == "调解员不能删除案件，请由管理员操作。"
    assert refusal(Role.CLERK, "case.accept") == "记录员不能办理“受理”，请由调解员或管理员操作。"


def test_a_role_is_written_by_its_code_or_its_name() -> None:
    assert parse_role("clerk") is parse_role(" 记录员 ") is Role.CLERK
    with pytest.raises(ValueError, match="没有“书记员”这种角色"):
        parse_role("书记员")


# ====================================================================== off by default


def test_accounts_are_off_at_first_and_the_room_works_as_before(db) -> None:
    assert not accounts.accounts_enabled(db)
    case_id = a_case(db)
    assert entries(db)[-1].actor == DEFAULT_ACTOR
    assert accounts.may_see_identity(db)
    assert get_case(db, case_id).parties[0].id_number == ID_NUMBER
    assert accounts.may(db, "case.delete")


def test_switching_on_makes_the_administrator_and_signs_them_in(db) -> None:
    person = accounts.enable_accounts(db, ADMIN, PINS[ADMIN])
    assert accounts.accounts_enabled(db)
    assert accounts.current_user(db) == person and person.role is Role.ADMIN
    assert accounts.list_accounts(db)[0].name == ADMIN
    update_committee(db, follow_up_days=20, actor="")
    assert entries(db)[-1].actor == ADMIN
    with pytest.raises(UserError, match="已经启用"):
        accounts.enable_accounts(db, "另一个人", "9999")


def test_the_pin_is_kept_only_as_an_argon2id_hash_and_never_in_the_audit_log(room) -> None:
    db, _, _ = room
    as_(db, ADMIN)
    accounts.reset_pin(db, CLERK, "97531")
    with db.reading() as session:
        hashes = list(session.scalars(select(Account.pin_hash)))
    assert len(hashes) == 3 and all(h.startswith("$argon2id$") for h in hashes)
    for pin in (*PINS.values(), "97531"):
        assert tables_holding(db.path, pin) == set()
    audit_text = "".join(e.before + e.after for e in entries(db))
    assert "argon2" not in audit_text and "pin_hash" not in audit_text


@pytest.mark.parametrize("pin", ["123", "12a45", "", "12\x0034"])
def test_a_pin_too_short_or_with_control_characters_is_refused(db, pin: str) -> None:
    with pytest.raises(UserError, match="PIN"):
        accounts.enable_accounts(db, ADMIN, pin)
    assert not accounts.accounts_enabled(db)


@pytest.mark.parametrize("pin", ["1234", "password", "１２３４"])
def test_four_digits_or_six_characters_will_do(db, pin: str) -> None:
    accounts.enable_accounts(db, ADMIN, pin)
    accounts.sign_out(db)
    accounts.sign_in(db, ADMIN, pin)


def test_switching_off_is_the_administrators_and_brings_back_the_one_person_room(room) -> None:
    db, _, _ = room
    as_(db, CLERK)
    with pytest.raises(UserError, match="记录员不能管理账号"):
        accounts.disable_accounts(db)
    as_(db, ADMIN)
    accounts.disable_accounts(db)
    assert accounts.current_user(db) is None and not accounts.accounts_enabled(db)
    update_committee(db, follow_up_days=21)
    assert entries(db)[-1].actor == DEFAULT_ACTOR
    # On again: the administrator proves it with their PIN.
    with pytest.raises(UserError, match="PIN不对"):
        accounts.enable_accounts(db, ADMIN, "0000")
    with pytest.raises(UserError, match="不是在用的管理员"):
        accounts.enable_accounts(db, CLERK, PINS[CLERK])
    accounts.enable_accounts(db, ADMIN, PINS[ADMIN])
    assert [a.name for a in accounts.list_accounts(db)] == sorted([ADMIN, MEDIATOR, CLERK])


# ====================================================================== enforcement


def test_with_nobody_signed_in_nothing_can_be_changed(room) -> None:
    db, case_id, mediator_id = room
    before = len(entries(db))
    with pytest.raises(UserError, match="请先登录"):
        add_panel_member(db, case_id, mediator_id, PanelRole.LEAD)
    with pytest.raises(UserError, match="请先登录"):
        a_case(db)
    assert len(entries(db)) == before
    assert not accounts.may_see_identity(db)


def test_a_clerk_cannot_change_a_panel_and_nothing_changes(room) -> None:
    db, case_id, mediator_id = room
    as_(db, MEDIATOR)
    add_panel_member(db, case_id, mediator_id, PanelRole.LEAD)
    other = a_mediator(db, "吴老师")
    as_(db, CLERK)
    before = len(entries(db))
    with pytest.raises(UserError) as refused:
        add_panel_member(db, case_id, other, PanelRole.MEMBER)
    assert refused.value.message == "记录员不能调整调解小组，请由调解员或管理员操作。"
    with pytest.raises(UserError, match="记录员不能调整调解小组"):
        remove_panel_member(db, case_id, mediator_id)
    with pytest.raises(UserError, match="记录员不能办理“受理”"):
        apply_event(db, case_id, CaseEvent.ACCEPT, today=TODAY)
    assert len(entries(db)) == before
    assert [(m.name, m.role) for m in case_for_paper(db, case_id).panel] == [
        ("周老师", PanelRole.LEAD)
    ]


def test_the_mediator_changes_a_panel_under_their_own_name(room) -> None:
    db, case_id, mediator_id = room
    as_(db, MEDIATOR)
    detail, _ = add_panel_member(db, case_id, mediator_id, PanelRole.LEAD, actor="周老师")
    assert [m.mediator_id for m in detail.panel] == [mediator_id]
    entry = entries(db)[-1]
    assert (entry.actor, entry.action) == (MEDIATOR, "panel.add")
    # The name the caller gave is not the actor; it is kept as 经办人.
    assert json.loads(entry.after)[HANDLED_BY] == "周老师"
    with pytest.raises(UserError, match="调解员不能修改调解委员会的设置"):
        update_committee(db, follow_up_days=10)


def test_a_clerk_registers_and_records_but_cannot_delete_a_case(room) -> None:
    db, _, _ = room
    as_(db, CLERK)
    new_id = a_case(db)
    assert entries(db)[-1].actor == CLERK
    before = len(entries(db))
    with pytest.raises(UserError) as refused:
        delete_case(db, new_id)
    assert refused.value.message == "记录员不能删除案件，请由管理员操作。"
    assert len(entries(db)) == before
    as_(db, MEDIATOR)
    before = len(entries(db))
    with pytest.raises(UserError, match="调解员不能删除案件"):
        delete_case(db, new_id)
    assert len(entries(db)) == before
    assert get_case(db, new_id).id == new_id


def test_a_stopped_account_cannot_go_on_working(room) -> None:
    db, _, _ = room
    as_(db, CLERK)
    other = open_database(db.path)  # another copy of the program: the administrator stops them
    try:
        accounts.sign_in(other, ADMIN, PINS[ADMIN])
        accounts.deactivate(other, CLERK)
        with pytest.raises(UserError, match="唯一的管理员"):
            accounts.deactivate(other, ADMIN)
    finally:
        other.close()
    with pytest.raises(UserError, match="已停用"):
        a_case(db)
    assert accounts.current_user(db) is None
    with pytest.raises(UserError, match="已停用"):
        accounts.sign_in(db, CLERK, PINS[CLERK])


def test_who_is_signed_in_belongs_to_one_open_database(room) -> None:
    db, _, _ = room
    as_(db, ADMIN)
    other = open_database(db.path)
    try:
        assert accounts.current_user(other) is None
        with pytest.raises(UserError, match="请先登录"):
            a_case(other)
    finally:
        other.close()
    assert accounts.current_user(db) is not None


def test_a_locked_screen_refuses_changes_until_the_pin_is_typed(room) -> None:
    db, _, _ = room
    as_(db, MEDIATOR)
    accounts.lock(db)
    with pytest.raises(UserError, match="已锁定"):
        a_case(db)
    assert not accounts.may_see_identity(db)
    with pytest.raises(UserError, match="PIN不对"):
        accounts.unlock(db, "0000")
    person = accounts.unlock(db, PINS[MEDIATOR])
    assert person.name == MEDIATOR and not person.locked
    a_case(db)


def test_the_idle_lock_is_a_setting_of_the_administrator(room) -> None:
    db, _, _ = room
    assert accounts.idle_lock_minutes(db) == 10
    as_(db, MEDIATOR)
    with pytest.raises(UserError, match="调解员不能修改自动锁定的时间"):
        accounts.set_idle_lock(db, 5)
    as_(db, ADMIN)
    with pytest.raises(UserError, match="1到240分钟"):
        accounts.set_idle_lock(db, 0)
    accounts.set_idle_lock(db, 5)
    assert accounts.idle_lock_minutes(db) == 5


def test_the_programs_own_upkeep_runs_for_anyone_under_their_name(room) -> None:
    db, _, _ = room
    as_(db, CLERK)
    with db.transaction() as session:
        fts.clear(session.connection())  # an index to be filled again on the next search
    assert search(db, "李秀英")
    entry = entries(db)[-1]
    assert (entry.action, entry.actor) == ("search.index", CLERK)


def test_the_window_asks_what_to_offer(room) -> None:
    db, _, _ = room
    assert not accounts.may(db, "case.register")  # nobody signed in
    as_(db, CLERK)
    assert accounts.may(db, "case.register") and not accounts.may(db, "panel.draw")
    as_(db, MEDIATOR)
    assert accounts.may(db, "panel.draw") and not accounts.may(db, "account.add")


def test_operations_sign_in_on_demand_from_the_source(room) -> None:
    db, _, _ = room
    accounts.use_sign_in_source(lambda: (CLERK, PINS[CLERK]))
    try:
        a_case(db)
    finally:
        accounts.use_sign_in_source(None)
    assert entries(db)[-1].actor == CLERK


# ====================================================================== PINs and signing in


def test_wrong_pins_are_counted_and_the_wait_grows(room) -> None:
    db, _, _ = room
    start = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    for attempt in range(1, 5):
        with pytest.raises(UserError, match=f"再错{5 - attempt}次"):
            accounts.sign_in(db, CLERK, "0000", now=start)
    with pytest.raises(UserError, match="请30秒后再试"):
        accounts.sign_in(db, CLERK, "0000", now=start)
    # Even the right PIN waits; the wait is not counted as a try.
    with pytest.raises(UserError, match="次数太多了，请10秒后再试"):
        accounts.sign_in(db, CLERK, PINS[CLERK], now=start + timedelta(seconds=20))
    with pytest.raises(UserError, match="请1分钟后再试"):
        accounts.sign_in(db, CLERK, "0000", now=start + timedelta(seconds=31))
    assert accounts.wait_after(7) == timedelta(minutes=2)
    assert accounts.wait_after(30) == accounts.LONGEST_WAIT
    person = accounts.sign_in(db, CLERK, PINS[CLERK], now=start + timedelta(seconds=92))
    assert person.name == CLERK
    with db.reading() as session:
        assert session.scalar(select(Account.failed_attempts).where(Account.name == CLERK)) == 0
    assert [json.loads(e.after).get("signed_in") for e in entries(db)[-7:]] == [
        False,
        False,
        False,
        False,
        False,
        False,
        True,
    ]


def test_an_unknown_name_says_no_more_than_a_wrong_pin(room) -> None:
    db, _, _ = room
    before = len(entries(db))
    with pytest.raises(UserError, match="姓名或PIN不对"):
        accounts.sign_in(db, "不认识的人", "1234")
    assert len(entries(db)) == before


def test_the_administrator_resets_anothers_pin(room) -> None:
    db, _, _ = room
    as_(db, MEDIATOR)
    with pytest.raises(UserError, match="调解员不能管理账号"):
        accounts.reset_pin(db, CLERK, "8888")
    as_(db, ADMIN)
    view = accounts.reset_pin(db, CLERK, "8888")
    assert view.must_change_pin
    person = accounts.sign_in(db, CLERK, "8888")
    assert person.must_change_pin
    with pytest.raises(UserError, match="原来的PIN"):
        accounts.change_pin(db, PINS[CLERK], "7777")
    accounts.change_pin(db, "8888", "7777")
    assert accounts.current_user(db).must_change_pin is False
    accounts.sign_in(db, CLERK, "7777")
    assert not next(a for a in accounts.list_accounts(db) if a.name == CLERK).must_change_pin


def test_account_names_are_checked(room) -> None:
    db, _, _ = room
    as_(db, ADMIN)
    with pytest.raises(UserError, match="已经有叫“赵记录”的账号"):
        accounts.add_account(db, CLERK, Role.CLERK, "1234")
    with pytest.raises(UserError, match="最多20个字"):
        accounts.add_account(db, "长" * 21, Role.CLERK, "1234")
    with pytest.raises(UserError, match="没有“boss”这种角色"):
        accounts.add_account(db, "新人", "boss", "1234")


# ====================================================================== privacy


def no_full_numbers(text: str) -> bool:
    return ID_NUMBER not in text and PHONE not in text and AGENT_PHONE not in text


def test_a_clerk_never_sees_a_full_id_number_on_screen(room) -> None:
    db, case_id, _ = room
    as_(db, ADMIN)
    save_agent(
        db, case_id, case_for_paper(db, case_id).parties[0].id, AgentDraft("王律师", AGENT_PHONE)
    )
    save_participant(db, case_id, ParticipantDraft(name="刘邻居", phone="13611112222"))
    as_(db, CLERK)
    assert not accounts.may_see_identity(db)
    detail = get_case(db, case_id)
    applicant = detail.parties[0]
    assert (applicant.id_number, applicant.phone) == ("110105********002X", "139****1111")
    assert detail.parties[1].phone == "0373-***1234"
    assert applicant.agents[0].phone == "137****5678"
    assert detail.participants[0].phone == "136****2222"
    assert no_full_numbers(repr(detail))
    # What an operation hands back to the window is masked the same way.
    changed, _ = add_attachment_detail(db, case_id)
    assert no_full_numbers(repr(changed))
    assert no_full_numbers(repr(list_cases(db)))
    hits = search(db, "李秀英")
    assert hits and no_full_numbers(repr(hits))
    hits = search(db, PHONE[-4:])
    assert no_full_numbers(repr(hits))
    report = json.dumps(case_report(db, case_id, TODAY), ensure_ascii=False)
    assert no_full_numbers(report) and "110105********002X" in report
    assert no_full_numbers(case_text(db, case_id, TODAY))
    # A paper the parties sign still carries the numbers whole.
    assert case_for_paper(db, case_id).parties[0].id_number == ID_NUMBER


def add_attachment_detail(db, case_id: int):
    source = Path(db.path).with_name("照片.jpg")
    source.write_bytes(b"photo")
    return add_attachment(db, case_id, source, "渗水的照片")


def test_the_mediator_and_the_administrator_see_numbers_in_full(room) -> None:
    db, case_id, _ = room
    for name in (MEDIATOR, ADMIN):
        as_(db, name)
        assert accounts.may_see_identity(db)
        assert get_case(db, case_id).parties[0].id_number == ID_NUMBER


def test_a_form_filled_from_a_masked_view_keeps_the_stored_numbers(room) -> None:
    db, case_id, _ = room
    as_(db, ADMIN)
    party_id = case_for_paper(db, case_id).parties[0].id
    save_agent(db, case_id, party_id, AgentDraft("王律师", AGENT_PHONE))
    save_participant(db, case_id, ParticipantDraft(name="刘邻居", phone="13611112222"))
    as_(db, CLERK)
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
    agent = shown.parties[0].agents[0]
    save_agent(db, case_id, party_id, AgentDraft(agent.name, agent.phone, id=agent.id))
    guest = shown.participants[0]
    save_participant(
        db, case_id, ParticipantDraft(guest.name, guest.kind.value, phone=guest.phone, id=guest.id)
    )
    stored = case_for_paper(db, case_id)
    applicant = stored.parties[0]
    assert (applicant.id_number, applicant.phone, applicant.address) == (
        ID_NUMBER,
        PHONE,
        "幸福小区3号楼",
    )
    assert stored.parties[1].phone == "0373-5551234"
    assert applicant.agents[0].phone == AGENT_PHONE
    assert stored.participants[0].phone == "13611112222"


def test_a_returning_party_shows_a_clerk_only_what_was_typed(room) -> None:
    db, _, _ = room
    as_(db, CLERK)
    by_name = find_returning_parties(db, name="李秀英")
    assert by_name and (by_name[0].party.id_number, by_name[0].party.phone) == ("", "")
    by_id = find_returning_parties(db, id_number=ID_NUMBER)
    assert (by_id[0].party.id_number, by_id[0].party.phone) == (ID_NUMBER, "")
    as_(db, MEDIATOR)
    assert find_returning_parties(db, name="李秀英")[0].party.phone == PHONE


# ====================================================================== deleting a case


def test_the_administrator_deletes_a_case_and_all_it_carries(room) -> None:
    db, case_id, mediator_id = room
    as_(db, ADMIN)
    add_panel_member(db, case_id, mediator_id, PanelRole.LEAD)
    party_id = case_for_paper(db, case_id).parties[0].id
    save_agent(db, case_id, party_id, AgentDraft("王律师", AGENT_PHONE))
    detail, _ = add_attachment_detail(db, case_id)
    sha = detail.attachments[0].sha256
    record_print(db, case_id, "agreement", digest="0" * 64)
    keep = a_case(db)  # another case, which stays whole
    number = get_case(db, case_id).number
    assert stored_path(db, sha).exists()

    deleted, changed = delete_case(db, number)

    assert (deleted.number, deleted.parties, deleted.attachments) == (number, 2, 1)
    assert deleted.files_removed == 1 and not stored_path(db, sha).exists()
    assert changed.case_list and case_id in changed.cases
    with db.reading() as session:
        assert session.get(Case, case_id) is None
        assert session.scalar(select(func.count()).select_from(Party)) == 2  # the other case's
        assert session.scalar(select(func.count()).select_from(PrintedDocument)) == 0
        assert verify(session).ok
    assert search(db, "李秀英") and all(h.case_id == keep for h in search(db, "李秀英"))
    assert search(db, "王律师") == []
    entry = entries(db)[-1]
    assert (entry.actor, entry.action, entry.entity) == (ADMIN, "case.delete", "case")
    assert json.loads(entry.after) == {"number": number, "parties": 2, "attachments": 1}
    assert json.loads(entry.before) == {}
    with pytest.raises(UserError, match="找不到案件"):
        get_case(db, case_id)


def test_a_file_another_case_shares_stays(room) -> None:
    db, case_id, _ = room
    as_(db, ADMIN)
    detail, _ = add_attachment_detail(db, case_id)
    other = a_case(db)
    add_attachment_detail(db, other)
    delete_case(db, case_id)
    assert stored_path(db, detail.attachments[0].sha256).exists()


def test_with_accounts_off_the_one_person_may_delete(db) -> None:
    case_id = a_case(db)
    deleted, _ = delete_case(db, case_id)
    assert deleted.parties == 2 and "已删除案件" in deleted.message
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


HEX_COLUMNS = {
    "audit_log": {"hash", "prev_hash", "salt", "before_digest", "after_digest"},
    "audit_seal": {"last_hash"},
}


def tables_holding(path: Path, text: str) -> set[str]:
    """The tables with a value holding `text` (as text or inside a blob: the search index).

    Not the audit chain's hex digests and salts: random hex holds a few digits like a PIN's
    by chance now and then, and they are digests, not the value."""
    needle = text.encode()
    found: set[str] = set()
    with sqlite3.connect(path) as raw:
        tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [r[1] for r in raw.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                if column in HEX_COLUMNS.get(table, ()):
                    continue
                hit = raw.execute(
                    f'SELECT 1 FROM "{table}" WHERE instr(CAST("{column}" AS BLOB), ?) > 0 LIMIT 1',
                    (needle,),
                ).fetchone()
                if hit:
                    found.add(table)
    return found


def test_a_deleted_case_stays_nowhere_not_even_in_the_audit_log(db) -> None:
    case_id = a_case(db)
    search(db, "李秀英")
    assert {"party", "audit_log"} <= tables_holding(db.path, ID_NUMBER)
    assert "case_search_content" in tables_holding(db.path, "李秀英")
    delete_case(db, case_id)
    # Its earlier audit entries are blanked; the chain still holds (app.services.audit).
    assert tables_holding(db.path, ID_NUMBER) == set()
    assert tables_holding(db.path, "李秀英") == set()
    with db.reading() as session:
        assert verify(session).ok


def test_several_cases_go_together_with_the_index_merged_once(db) -> None:
    first, second, kept = a_case(db), a_case(db), a_case(db)
    search(db, "李秀英")
    deleted, changed = delete_cases(db, [first, second])
    assert [d.parties for d in deleted] == [2, 2] and {first, second} <= changed.cases
    assert [e.action for e in entries(db)[-3:]] == ["case.delete", "case.delete", "search.index"]
    assert [h.case_id for h in search(db, "李秀英")] == [kept]
    before = len(entries(db))
    with pytest.raises(UserError, match="找不到案件"):
        delete_cases(db, [kept, "（2026）社人调字第99号"])
    assert len(entries(db)) == before and get_case(db, kept).id == kept
