"""Accounts in the window: signing in at the start, the first start's question, choosing one's
own PIN, the idle lock that returns exactly where the person was, the accounts page, and the
case page greying what a role may not do (the services refuse it anyway: tests/core)."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.domain.errors import UserError
from app.domain.roles import Role
from app.services import accounts
from app.services.cases import CaseQuery, list_cases
from app.services.database import Database, open_database
from app.services.detail import get_case
from tests.databases import copied_database
from tests.ui.conftest import Started, screenshot, show_at_screen_size, type_text
from tests.ui.test_usability import usability_problems
from ui import style
from ui.accounts_dialog import AccountsDialog, AddAccountDialog, ResetPinDialog
from ui.case_page import CasePage
from ui.idle_lock import Cover, IdleLock, LockWarning
from ui.main import EXIT_OK
from ui.sign_in_dialog import (
    ChangePinDialog,
    FirstStartQuestion,
    SetUpAdminDialog,
    SignInDialog,
    was_asked,
)
from ui.widgets import SpacedLabel

ADMIN, MEDIATOR, CLERK = "王秀兰", "李建国", "赵小红"
PINS = {ADMIN: "2468", MEDIATOR: "1357", CLERK: "mima2026"}


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real cost (~0.15 s a hash) is for the office PC."""
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: quick)


def with_accounts(db: Database) -> Database:
    """Accounts on: an administrator, a mediator and a clerk; nobody signed in."""
    accounts.enable_accounts(db, ADMIN, PINS[ADMIN])
    accounts.add_account(db, MEDIATOR, Role.MEDIATOR, PINS[MEDIATOR])
    accounts.add_account(db, CLERK, Role.CLERK, PINS[CLERK])
    accounts.sign_out(db)
    return db


def database_file(tmp_path: Path, demo_database_file: Path, *, accounts_on: bool) -> Path:
    path = tmp_path / "数据" / "laoniangjiu.db"
    path.parent.mkdir()
    db = copied_database(demo_database_file, path)
    if accounts_on:
        with_accounts(db)
    db.close()
    return path


def step_dialog(qtbot, started: Started, kind: type) -> QDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(started.startup.dialog, kind), timeout=20000)
    dialog = started.startup.dialog
    assert isinstance(dialog, kind)
    return dialog


# ---------------------------------------------------------------- signing in at the start


def test_nothing_of_a_case_shows_before_someone_signs_in(
    qtbot, start, tmp_path: Path, demo_database_file: Path
) -> None:
    started = start(database_file(tmp_path, demo_database_file, accounts_on=True))
    dialog = step_dialog(qtbot, started, SignInDialog)
    window = started.startup.window
    assert window is not None and window.db is None  # the list is not filled
    assert dialog.name.currentText() in (ADMIN, MEDIATOR, CLERK)

    dialog.name.setCurrentText(CLERK)
    type_text(qtbot, dialog.pin, "wrong-pin")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "姓名或PIN不对" in dialog.error.plain_text()
    assert dialog.name.currentText() == CLERK  # what was chosen stays
    assert dialog.pin.text() == ""  # a wrong PIN is typed again from the start
    assert window.db is None

    type_text(qtbot, dialog.pin, PINS[CLERK])
    qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.db is not None, timeout=20000)
    person = accounts.current_user(window.db)
    assert person is not None and person.name == CLERK and person.role is Role.CLERK
    assert window.idle_lock is not None


def test_leaving_the_sign_in_ends_the_program(
    qtbot, start, tmp_path: Path, demo_database_file: Path
) -> None:
    started = start(database_file(tmp_path, demo_database_file, accounts_on=True))
    dialog = step_dialog(qtbot, started, SignInDialog)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: started.codes == [EXIT_OK])
    assert started.startup.window is not None and started.startup.window.db is None


def test_a_pin_set_by_the_administrator_is_replaced_at_the_first_sign_in(
    qtbot, start, tmp_path: Path, demo_database_file: Path
) -> None:
    path = database_file(tmp_path, demo_database_file, accounts_on=True)
    db = open_database(path)
    accounts.sign_in(db, ADMIN, PINS[ADMIN])
    accounts.reset_pin(db, MEDIATOR, "9999")
    db.close()

    started = start(path)
    dialog = step_dialog(qtbot, started, SignInDialog)
    dialog.name.setCurrentText(MEDIATOR)
    type_text(qtbot, dialog.pin, "9999")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    change = step_dialog(qtbot, started, ChangePinDialog)
    assert "old_pin" not in change.fields  # the PIN just typed is the old one
    type_text(qtbot, change.pin, "8642")
    type_text(qtbot, change.again, "8643")
    qtbot.mouseClick(change.ok_button, Qt.MouseButton.LeftButton)
    assert "两次输入的不一样" in change.fields["again"].error.plain_text()
    assert change.pin.text() == "8642"  # what was typed first stays
    type_text(qtbot, change.again, "8642")
    qtbot.mouseClick(change.ok_button, Qt.MouseButton.LeftButton)
    window = started.startup.window
    assert window is not None
    qtbot.waitUntil(lambda: window.db is not None, timeout=20000)
    person = accounts.current_user(window.db)
    assert person is not None and not person.must_change_pin
    accounts.sign_out(window.db)
    assert accounts.sign_in(window.db, MEDIATOR, "8642").name == MEDIATOR


# ---------------------------------------------------------------- the first start


def new_database_path(tmp_path: Path) -> Path:
    path = tmp_path / "新的" / "laoniangjiu.db"
    path.parent.mkdir()
    open_database(path).close()
    return path


def test_the_first_start_asks_once_and_one_person_goes_on_without_signing_in(
    qtbot, start, tmp_path: Path
) -> None:
    path = new_database_path(tmp_path)
    started = start(path)
    question = step_dialog(qtbot, started, FirstStartQuestion)
    assert question.alone_button.isDefault()
    qtbot.keyClick(question.alone_button, Qt.Key.Key_Return)
    window = started.startup.window
    assert window is not None
    qtbot.waitUntil(lambda: window.db is not None, timeout=20000)
    assert not accounts.accounts_enabled(window.db)
    assert was_asked(str(path.parent.absolute()))


def test_the_first_start_sets_up_the_administrator(
    qtbot, monkeypatch, start, tmp_path: Path
) -> None:
    path = new_database_path(tmp_path)
    started = start(path)
    question = step_dialog(qtbot, started, FirstStartQuestion)

    def fill(dialog: SetUpAdminDialog) -> int:
        dialog.show()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert "请填写姓名" in dialog.fields["name"].error.plain_text()
        type_text(qtbot, dialog.name, ADMIN)
        type_text(qtbot, dialog.pin, "12")
        type_text(qtbot, dialog.again, "12")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert "至少要4位数字" in dialog.fields["pin"].error.plain_text()
        assert dialog.name.text() == ADMIN
        dialog.pin.setText(PINS[ADMIN])
        dialog.again.setText(PINS[ADMIN])
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    monkeypatch.setattr(SetUpAdminDialog, "exec", fill)
    qtbot.mouseClick(question.several_button, Qt.MouseButton.LeftButton)
    window = started.startup.window
    assert window is not None
    qtbot.waitUntil(lambda: window.db is not None, timeout=20000)
    assert accounts.accounts_enabled(window.db)
    person = accounts.current_user(window.db)
    assert person is not None and person.name == ADMIN and person.role is Role.ADMIN


def test_a_database_already_worked_in_is_not_asked(
    qtbot, start, tmp_path: Path, demo_database_file: Path
) -> None:
    started = start(database_file(tmp_path, demo_database_file, accounts_on=False))
    window = started.startup.window
    assert window is not None
    qtbot.waitUntil(lambda: window.db is not None, timeout=20000)
    assert started.startup.dialog is None


# ---------------------------------------------------------------- the idle lock


def test_the_idle_lock_warns_first_and_one_key_keeps_working(qtbot, window) -> None:
    db = with_accounts(window.db)
    accounts.sign_in(db, CLERK, PINS[CLERK])
    lock = IdleLock(window, db, quit=window.close, idle_ms=600, warn_ms=400)
    try:
        qtbot.waitUntil(lambda: lock.warning is not None, timeout=5000)
        warning = lock.warning
        assert isinstance(warning, LockWarning)
        assert "秒后屏幕将锁定" in warning.words.plain_text()
        assert warning.continue_button.text() == "继续使用"
        qtbot.keyClick(warning, Qt.Key.Key_Space)
        assert lock.warning is None and not lock.is_locked
        person = accounts.current_user(db)
        assert person is not None and not person.locked
    finally:
        lock.stop()


def test_locked_nothing_can_be_changed_and_the_pin_returns_exactly_where_one_was(
    qtbot, window
) -> None:
    db = with_accounts(window.db)
    accounts.sign_in(db, CLERK, PINS[CLERK])
    dialog = window.make_register_dialog()
    show_at_screen_size(qtbot, dialog)
    field = dialog.title
    type_text(qtbot, field, "楼上渗水")
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)

    lock = IdleLock(window, db, quit=window.close, idle_ms=400, warn_ms=200)
    try:
        qtbot.waitUntil(lambda: lock.is_locked, timeout=5000)
        screenshot(window, "idle-lock-covered")
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        covers = [c for w in (window, dialog) for c in w.findChildren(Cover, options=direct)]
        assert len(covers) == 2 and all(c.isVisible() for c in covers)
        person = accounts.current_user(db)
        assert person is not None and person.locked
        with pytest.raises(UserError, match="已锁定"):
            accounts.set_idle_lock(db, 15)

        unlock = lock.lock_dialog
        assert isinstance(unlock, SignInDialog) and unlock.locked
        assert not unlock.name.isEnabled() and unlock.name.currentText() == CLERK
        type_text(qtbot, unlock.pin, "0000")
        qtbot.mouseClick(unlock.ok_button, Qt.MouseButton.LeftButton)
        assert lock.is_locked and "PIN不对" in unlock.error.plain_text()
        type_text(qtbot, unlock.pin, PINS[CLERK])
        qtbot.keyClick(unlock.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not lock.is_locked)
        qtbot.waitUntil(lambda: not window.findChildren(Cover) and not dialog.findChildren(Cover))
        assert dialog.isVisible() and field.text() == "楼上渗水"
        qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
        person = accounts.current_user(db)
        assert person is not None and not person.locked
    finally:
        lock.stop()
        dialog.reject()


def test_no_lock_with_accounts_off(qtbot, window) -> None:
    lock = IdleLock(window, window.db, quit=window.close, idle_ms=300, warn_ms=100)
    try:
        qtbot.wait(700)
        assert lock.warning is None and not lock.is_locked
    finally:
        lock.stop()


# ---------------------------------------------------------------- the accounts page


def test_the_accounts_page_with_accounts_off_sets_up_the_administrator(
    qtbot, window, monkeypatch
) -> None:
    page = AccountsDialog(window, window.db, changed=window.accounts_changed)
    show_at_screen_size(qtbot, page)
    assert page.table is None
    assert ADMIN not in window.windowTitle()

    def fill(dialog: SetUpAdminDialog) -> int:
        dialog.name.setText(ADMIN)
        dialog.pin.setText(PINS[ADMIN])
        dialog.again.setText(PINS[ADMIN])
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(SetUpAdminDialog, "exec", fill)
    qtbot.mouseClick(page.enable_button, Qt.MouseButton.LeftButton)
    assert accounts.accounts_enabled(window.db)
    assert page.table is not None and page.table.rowCount() == 1
    assert window.windowTitle().endswith(f"{ADMIN}（管理员）")  # who works now, always in sight


def test_an_administrator_adds_resets_and_stops_accounts(qtbot, window, monkeypatch, boxes) -> None:
    db = with_accounts(window.db)
    accounts.sign_in(db, ADMIN, PINS[ADMIN])
    page = AccountsDialog(window, db)
    show_at_screen_size(qtbot, page)
    assert page.table is not None and page.table.rowCount() == 3

    def add(dialog: AddAccountDialog) -> int:
        dialog.name.setText("孙志强")
        dialog.role.setCurrentIndex(dialog.role.findData(Role.MEDIATOR.value))
        dialog.pin.setText("5555")
        dialog.again.setText("5555")
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(AddAccountDialog, "exec", add)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 4
    assert {a.name: a.role for a in accounts.list_accounts(db)}["孙志强"] is Role.MEDIATOR

    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    page.table.selectRow(names.index(CLERK))

    def reset(dialog: ResetPinDialog) -> int:
        assert dialog.person_name == CLERK
        dialog.pin.setText("7777")
        dialog.again.setText("7777")
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(ResetPinDialog, "exec", reset)
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    clerk = {a.name: a for a in accounts.list_accounts(db)}[CLERK]
    assert clerk.must_change_pin
    assert "下次登录要换PIN" in page.table.item(names.index(CLERK), 2).text()

    page.table.selectRow(names.index(CLERK))
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    assert any(CLERK in q for q in boxes.questions)
    assert not {a.name: a for a in accounts.list_accounts(db)}[CLERK].active

    page.minutes.setValue(25)
    qtbot.mouseClick(page.minutes_button, Qt.MouseButton.LeftButton)
    assert accounts.idle_lock_minutes(db) == 25


def test_a_clerk_sees_only_their_own_pin_on_the_accounts_page(qtbot, window) -> None:
    db = with_accounts(window.db)
    accounts.sign_in(db, CLERK, PINS[CLERK])
    page = AccountsDialog(window, db)
    show_at_screen_size(qtbot, page)
    assert page.table is None and page.pin_button.isVisible()
    assert not hasattr(page, "add_button")


# ---------------------------------------------------------------- the case page by role


def a_case_in_mediation(db: Database) -> int:
    return list_cases(db, CaseQuery(statuses=frozenset({"mediating"})), limit=1)[0].id


def test_a_clerk_finds_the_decisions_grey_with_the_reason(qtbot, window) -> None:
    db = with_accounts(window.db)
    case_id = a_case_in_mediation(db)
    accounts.sign_in(db, CLERK, PINS[CLERK])
    page = CasePage(db, case_id, window)
    show_at_screen_size(qtbot, page)
    page.show_tab("panel")
    draw = [b for b in page.findChildren(type(page.main_button)) if b.text() == "从名册抽选"]
    assert draw and not draw[0].isEnabled()
    assert "记录员不能调整调解小组" in draw[0].toolTip()
    assert page.role_hint.isVisible() and "记录员" in page.role_hint.plain_text()
    decisions = [a for a in page.more_menu.actions() if not a.isSeparator()]
    assert decisions and not any(a.isEnabled() for a in decisions if a.text() == "移交上一级")
    assert not any("删除本案" in a.text() for a in decisions)
    page.show_tab("sessions")  # writing down a sitting is the clerk's work
    record = [b for b in page.findChildren(type(page.main_button)) if "添加" in b.text()]
    assert record and all(b.isEnabled() for b in record)
    page.reject()


def test_an_administrator_deletes_a_case_after_the_question_naming_it(qtbot, window, boxes) -> None:
    db = with_accounts(window.db)
    case_id = a_case_in_mediation(db)
    number = get_case(db, case_id).number
    accounts.sign_in(db, ADMIN, PINS[ADMIN])
    from ui import drafts

    key = drafts.draft_key(db.path, "session", case_id)
    drafts.keep(key, "调解记录", db.path, case_id, {"statements": "李秀英说……"})
    other = drafts.draft_key(db.path, "register")
    drafts.keep(other, "登记新纠纷", db.path, None, {"title": "楼道堆物"})
    page = CasePage(db, case_id, window)
    show_at_screen_size(qtbot, page)
    delete = [a for a in page.more_menu.actions() if "删除本案" in a.text()]
    assert delete
    boxes.answer = False
    delete[0].trigger()
    assert number in boxes.questions[-1] and "不能撤销" in boxes.questions[-1]
    assert get_case(db, case_id).number == number  # "不删除" keeps it
    boxes.answer = True
    delete[0].trigger()
    qtbot.waitUntil(lambda: not page.isVisible(), timeout=20000)
    with pytest.raises(UserError):
        get_case(db, case_id)
    assert any(number in text for text in boxes.infos)
    # What was typed for the case goes with it; other drafts stay.
    assert drafts.find(key) is None and drafts.find(other) is not None
    drafts.discard(other)


def test_a_clerk_corrects_an_address_without_seeing_the_id_number(qtbot, window) -> None:
    """The form shows the masked number; sent back untouched, the stored one is kept."""
    from ui.register_dialog import RegisterDialog

    db = with_accounts(window.db)
    accounts.sign_in(db, ADMIN, PINS[ADMIN])  # who sees the numbers in full
    case_id = next(
        r.id
        for r in list_cases(db, CaseQuery(statuses=frozenset({"mediating"})), limit=30)
        if any(p.id_number for p in get_case(db, r.id).parties)
    )
    stored = next(p.id_number for p in get_case(db, case_id).parties if p.id_number)
    accounts.sign_in(db, CLERK, PINS[CLERK])
    page = CasePage(db, case_id, window)
    show_at_screen_size(qtbot, page)
    seen: list[RegisterDialog] = []

    def correct(dialog: RegisterDialog) -> int:
        seen.append(dialog)
        party = next(s for s in dialog.parties if s.id_number.text())
        assert stored not in party.id_number.text() and "*" in party.id_number.text()
        party.address.setText("飞云街道3号楼2单元")
        dialog.save()
        return int(dialog.result())

    original_exec = RegisterDialog.exec
    RegisterDialog.exec = correct  # type: ignore[method-assign]
    try:
        page.edit_registration()
    finally:
        RegisterDialog.exec = original_exec  # type: ignore[method-assign]
    assert seen and seen[0].result() == QDialog.DialogCode.Accepted
    page.show_tab("registration")  # 修改记录 reads the audit log: who, what, which part
    words = "\n".join(
        label.plain_text()
        for label in page.tab_scrolls["registration"].widget().findChildren(SpacedLabel)
    )
    assert f"{CLERK}　修改案件的登记信息（改动了：当事人）" in words
    assert stored not in words
    accounts.sign_out(db)
    accounts.sign_in(db, ADMIN, PINS[ADMIN])
    parties = get_case(db, case_id).parties
    assert stored in [p.id_number for p in parties]
    assert "飞云街道3号楼2单元" in [p.address for p in parties]
    page.reject()


# ---------------------------------------------------------------- how they look


@pytest.mark.parametrize("scale", [100, 200])
def test_the_account_dialogs_are_usable_at_every_text_size(qtbot, window, scale: int) -> None:
    db = with_accounts(window.db)
    style.apply_scale(scale, save=False)
    made = {"sign-in": SignInDialog(window, db), "set-up-admin": SetUpAdminDialog(window, db)}
    made["first-start"] = FirstStartQuestion(window, db)
    made["lock-warning"] = LockWarning(window, 20000)
    accounts.sign_in(db, ADMIN, PINS[ADMIN])
    made["accounts"] = AccountsDialog(window, db)
    made["change-pin"] = ChangePinDialog(window, db)
    made["add-account"] = AddAccountDialog(window, db)
    made["unlock"] = SignInDialog(window, db, locked=True)
    for name, dialog in made.items():
        show_at_screen_size(qtbot, dialog)
        screenshot(dialog, f"accounts-{name}-{scale}")
        assert usability_problems(dialog, scale, True) == [], name
        dialog.reject()


# ---------------------------------------------------------------- restoring with accounts on


def test_only_an_administrator_restores_and_signs_in_to_the_restored_file(
    qtbot, window, boxes, monkeypatch
) -> None:
    from app.services.backup import backup_if_due
    from ui.backup_dialog import BackupDialog

    db = with_accounts(window.db)
    accounts.sign_in(db, ADMIN, PINS[ADMIN])
    backup_if_due(db)
    accounts.sign_out(db)
    accounts.sign_in(db, CLERK, PINS[CLERK])
    dialog = window.make_backup_dialog()
    show_at_screen_size(qtbot, dialog)
    asked: list[object] = []
    dialog.ask_file = lambda *_: asked.append(1)  # type: ignore[assignment]
    dialog.choose_backup()
    assert asked == [] and any("记录员不能从备份恢复" in e for e in boxes.errors)
    qtbot.mouseClick(dialog.restore_buttons[0][1], Qt.MouseButton.LeftButton)
    assert not dialog.is_busy() and boxes.questions == []  # refused before anything is read
    dialog.reject()

    accounts.sign_out(db)
    accounts.sign_in(db, ADMIN, PINS[ADMIN])
    signed: list[str] = []

    def sign_in_again(self: SignInDialog) -> int:
        signed.append(self.name.currentText())
        self.name.setCurrentText(ADMIN)
        self.pin.setText(PINS[ADMIN])
        self.save()
        return int(self.result())

    monkeypatch.setattr(SignInDialog, "exec", sign_in_again)
    dialog = window.make_backup_dialog()
    assert isinstance(dialog, BackupDialog)
    show_at_screen_size(qtbot, dialog)
    old = window.db
    qtbot.mouseClick(dialog.restore_buttons[0][1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.db is not None and window.db is not old, timeout=60000)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=60000)
    assert "已从备份恢复" in dialog.result_notice.plain_text()
    assert signed  # the restored file's own accounts ask who works now
    person = accounts.current_user(window.db)
    assert person is not None and person.name == ADMIN
    dialog.reject()
    window.db.close()  # the fixture closes the first one


def test_the_sign_in_offers_the_one_who_signed_in_last(qtbot, window) -> None:
    db = with_accounts(window.db)
    accounts.sign_in(db, MEDIATOR, PINS[MEDIATOR])
    accounts.sign_out(db)
    dialog = SignInDialog(window, db)
    show_at_screen_size(qtbot, dialog)
    assert dialog.name.currentText() == MEDIATOR and dialog.focusWidget() is dialog.pin
    dialog.reject()
