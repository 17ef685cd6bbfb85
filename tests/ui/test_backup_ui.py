"""Backups from the window: the automatic ones (after the day's first change, at exit), and
更多 → 备份与恢复…… (to a USB stick, encrypted or not; the list; a restore; the check)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.domain.errors import UserError
from app.services import backup as backup_service
from app.services.backup import LOST_PASSWORD_WARNING, backup_if_due, make_backup
from app.services.cases import count_cases
from app.services.database import update_committee
from app.services.demo import fill_demo
from app.views import Changed
from tests.conftest import artifacts_dir
from tests.ui.conftest import show_at_screen_size, type_text
from tests.ui.test_usability import usability_problems
from ui import style
from ui.backup_dialog import AutoBackup, BackupDialog, PasswordDialog
from ui.operations import operation_bus

PASSWORD = "xiuying2026"


def automatic(db) -> list[Path]:  # type: ignore[no-untyped-def]
    return sorted((db.path.parent / "backups").glob(f"{db.path.stem}-auto-*.zip"))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, int]]:
    """Every call of the automatic backup: (at exit?, the thread it ran in)."""
    seen: list[tuple[bool, int]] = []
    real = backup_service.backup_if_due

    def counted(db, today=None, *, at_exit=False):  # type: ignore[no-untyped-def]
        seen.append((at_exit, threading.get_ident()))
        return real(db, today, at_exit=at_exit)

    monkeypatch.setattr(backup_service, "backup_if_due", counted)
    return seen


@pytest.fixture
def backed_window(window):  # type: ignore[no-untyped-def]
    """The window as the program's start leaves it: with its automatic backups."""
    window.auto_backup = AutoBackup(window)
    return window


def close_and_wait(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    backups = window.auto_backup
    window.close()
    qtbot.waitUntil(lambda: backups.exit_done and not window.isVisible(), timeout=30000)


# ---------------------------------------------------------------- automatic backups


def test_the_days_first_change_makes_the_days_backup_off_the_window_thread(
    qtbot, backed_window, db, calls
) -> None:
    assert automatic(db) == []
    operation_bus().operation_done.emit(Changed(case_list=True), None)
    qtbot.waitUntil(lambda: not backed_window.auto_backup.busy, timeout=30000)
    assert len(automatic(db)) == 1
    assert backed_window.auto_backup.made == automatic(db)
    assert calls[0][1] != threading.get_ident()  # in the backup thread, not the window's
    for _ in range(3):  # later changes the same day: no more work
        operation_bus().operation_done.emit(Changed(case_list=True), None)
    qtbot.wait(50)
    assert len(calls) == 1 and len(automatic(db)) == 1


def test_closing_backs_up_what_changed_since(qtbot, backed_window, db, calls) -> None:
    first = backup_if_due(db)
    assert first is not None
    update_committee(db, name="飞云街道人民调解委员会")
    close_and_wait(qtbot, backed_window)
    assert calls == [(True, calls[0][1])]
    # The one at exit, verified, is the day's backup now (the rotation keeps one a day).
    assert backed_window.auto_backup.made == automatic(db)
    assert first.path not in automatic(db)


def test_closing_without_changes_makes_no_backup(qtbot, backed_window, db) -> None:
    backup_if_due(db)
    close_and_wait(qtbot, backed_window)
    assert len(automatic(db)) == 1


def test_a_slow_backup_at_exit_says_so(qtbot, backed_window, monkeypatch) -> None:
    import time

    from ui.backup_dialog import WaitNote

    def slow(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        time.sleep(1.0)

    monkeypatch.setattr(backup_service, "backup_if_due", slow)
    backed_window.close()
    assert backed_window.isVisible() and not backed_window.isEnabled()  # waits, still open

    def shown() -> WaitNote | None:
        notes = [n for n in backed_window.findChildren(WaitNote) if n.isVisible()]
        return notes[0] if notes else None

    qtbot.waitUntil(lambda: shown() is not None, timeout=5000)
    note = shown()
    assert note is not None and "正在备份" in note.words.plain_text()
    assert note.bar.maximum() == 0  # a moving bar
    assert backed_window.grab().save(str(artifacts_dir("ui") / "exit-backup-note.png"))
    qtbot.waitUntil(lambda: not backed_window.isVisible(), timeout=10000)


def test_a_failed_backup_at_exit_is_told_and_the_window_closes(
    qtbot, backed_window, db, boxes, monkeypatch
) -> None:
    def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise UserError("磁盘已满，请删掉一些不用的文件。")

    monkeypatch.setattr(backup_service, "backup_if_due", full)
    close_and_wait(qtbot, backed_window)
    assert len(boxes.errors) == 1
    assert "关闭前的自动备份没有做成" in boxes.errors[0] and "磁盘已满" in boxes.errors[0]


def test_a_failed_backup_after_a_change_is_told_once(
    qtbot, backed_window, boxes, monkeypatch
) -> None:
    def damaged(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise UserError("数据库文件已损坏。")

    monkeypatch.setattr(backup_service, "backup_if_due", damaged)
    for _ in range(2):
        operation_bus().operation_done.emit(Changed(case_list=True), None)
        qtbot.waitUntil(lambda: not backed_window.auto_backup.busy, timeout=30000)
    assert len(boxes.errors) == 1 and "自动备份没有做成" in boxes.errors[0]
    close_and_wait(qtbot, backed_window)  # and at exit it is said again
    assert len(boxes.errors) == 2 and "关闭前的自动备份没有做成" in boxes.errors[1]


# ---------------------------------------------------------------- 备份与恢复……


def dialog_of(qtbot, window, **asked) -> BackupDialog:  # type: ignore[no-untyped-def]
    dialog = window.make_backup_dialog()
    for name, value in asked.items():
        setattr(dialog, name, value)
    return show_at_screen_size(qtbot, dialog)


def wait_done(qtbot, dialog: BackupDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=60000)


def test_the_more_menu_opens_backups(window) -> None:
    texts = [a.text() for a in window.more_button.menu().actions()]
    assert "备份与恢复……" in texts


def test_a_backup_to_a_usb_stick(qtbot, window, tmp_path) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    dialog = dialog_of(qtbot, window, ask_folder=lambda _parent, _start: stick)
    assert dialog.backup_button.isDefault()
    assert not dialog.password.isVisible() and not dialog.warning.isVisible()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert dialog.bar.isVisible()  # a moving bar and words while it works
    wait_done(qtbot, dialog)
    made = list(stick.glob("*-manual-*.zip"))
    assert len(made) == 1 and dialog.last_backup == made[0]
    assert "备份已做好" in dialog.result_notice.plain_text()
    assert dialog.result_notice.isVisible()


def test_an_encrypted_backup_asks_the_password_twice_and_warns(qtbot, window, tmp_path) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    asked: list[Path] = []

    def folder(_parent, start: Path) -> Path:  # type: ignore[no-untyped-def]
        asked.append(start)
        return stick

    dialog = dialog_of(qtbot, window, ask_folder=folder)
    dialog.encrypt.setChecked(True)
    assert dialog.password.isVisible() and dialog.password_again.isVisible()
    assert dialog.warning.isVisible()
    assert LOST_PASSWORD_WARNING in dialog.warning.plain_text()  # in full

    type_text(qtbot, dialog.password, "short")
    type_text(qtbot, dialog.password_again, "short")
    dialog.back_up()
    assert dialog.password_field.error.isVisible()
    assert "至少要8个字符" in dialog.password_field.error.plain_text()
    assert dialog.password.text() == "short"  # what was typed stays
    assert asked == []  # nothing asked, nothing made

    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(PASSWORD + "x")
    dialog.back_up()
    assert dialog.again_field.error.isVisible()
    assert "两次输入的密码不一样" in dialog.again_field.error.plain_text()
    assert dialog.focusWidget() is dialog.password_again

    dialog.password_again.setText(PASSWORD)
    dialog.back_up()
    wait_done(qtbot, dialog)
    made = list(stick.glob("*.lnjbak"))
    assert len(made) == 1
    assert LOST_PASSWORD_WARNING in dialog.result_notice.plain_text().replace("\u200b", "")
    assert dialog.password.text() == "" and dialog.password_again.text() == ""
    assert not dialog.password_field.error.isVisible()


def test_the_list_of_automatic_backups_and_a_restore_from_it(qtbot, window, db, boxes) -> None:
    backup_if_due(db)
    old = window.db
    fill_demo(db, 3, seed=9)  # registered after the backup
    assert count_cases(db) > 30
    dialog = dialog_of(qtbot, window)
    assert len(dialog.restore_buttons) == 1
    info, use = dialog.restore_buttons[0]
    words = use.accessibleName()
    assert "自动备份" in words and "案件30件" in words and f"{info.made_at.year}年" in words
    qtbot.mouseClick(use, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.db is not None and window.db is not old, timeout=60000)
    wait_done(qtbot, dialog)
    assert len(boxes.questions) == 1  # asked first, naming what the backup holds
    assert "案件：30件" in boxes.questions[0] and "从这个备份恢复" in boxes.questions[0]
    assert window.model.total == 30 and count_cases(window.db) == 30
    assert dialog.db is window.db
    assert "已从备份恢复" in dialog.result_notice.plain_text()
    aside = list((db.path.parent / "backups").glob("*-before-restore-*.db"))
    assert len(aside) == 1  # the database as it was, kept
    assert window.register_button.isEnabled()
    window.db.close()  # the fixture closes the first one


def test_saying_no_changes_nothing(qtbot, window, db, boxes) -> None:
    backup_if_due(db)
    boxes.answer = False
    old = window.db
    dialog = dialog_of(qtbot, window)
    qtbot.mouseClick(dialog.restore_buttons[0][1], Qt.MouseButton.LeftButton)
    wait_done(qtbot, dialog)
    assert len(boxes.questions) == 1
    assert window.db is old and window.model is not None


def test_an_encrypted_backup_restores_with_its_password_only(
    qtbot, window, db, tmp_path, boxes
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    encrypted = make_backup(db, stick, password=PASSWORD, reason="manual").path
    fill_demo(db, 2, seed=9)
    old = window.db
    problems: list[str] = []
    answers = iter(["wrong-password", PASSWORD])

    def password(_parent, _file: Path, problem: str) -> str:  # type: ignore[no-untyped-def]
        problems.append(problem)
        return next(answers)

    dialog = dialog_of(
        qtbot, window, ask_file=lambda _parent, _start: encrypted, ask_password=password
    )
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.db is not None and window.db is not old, timeout=60000)
    wait_done(qtbot, dialog)
    assert problems[0] == "" and "密码不对" in problems[1]
    assert window.model.total == 30
    window.db.close()


def test_a_damaged_backup_is_refused_in_words(qtbot, window, db, tmp_path, boxes) -> None:
    made = make_backup(db, tmp_path, reason="manual").path
    data = made.read_bytes()
    made.write_bytes(data[: len(data) // 2])
    old = window.db
    dialog = dialog_of(qtbot, window, ask_file=lambda _parent, _start: made)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, dialog)
    assert len(boxes.errors) == 1 and "不能用" in boxes.errors[0]
    assert boxes.questions == []
    assert window.db is old


def test_checking_the_database(qtbot, window) -> None:
    dialog = dialog_of(qtbot, window)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, dialog)
    text = dialog.result_notice.plain_text()
    assert "数据库完好" in text and "案件共30件" in text


@pytest.mark.parametrize("scale", [100, 200])
def test_the_backup_dialog_at_every_size(qtbot, window, db, tmp_path, scale: int) -> None:
    backup_if_due(db)
    make_backup(db, reason="manual")
    style.apply_scale(scale, save=False)
    dialog = dialog_of(qtbot, window)
    dialog.encrypt.setChecked(True)
    qtbot.wait(20)
    folder = artifacts_dir("ui")
    assert dialog.grab().save(str(folder / f"backup-{scale}.png"))
    assert usability_problems(dialog, scale, is_dialog=True) == []
    bar = dialog.body_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(20)
    assert dialog.grab().save(str(folder / f"backup-{scale}-end.png"))
    assert usability_problems(dialog, scale, is_dialog=True) == []
    dialog.check()
    wait_done(qtbot, dialog)
    qtbot.wait(20)
    assert dialog.grab().save(str(folder / f"backup-{scale}-checked.png"))
    assert usability_problems(dialog, scale, is_dialog=True) == []
    assert dialog.width() <= 1366 and dialog.height() <= 768


@pytest.mark.parametrize("scale", [100, 200])
def test_the_password_question_at_every_size(qtbot, tmp_path, scale: int) -> None:
    from app.services.backup import WrongPassword

    style.apply_scale(scale, save=False)
    file = tmp_path / "laoniangjiu-manual-20261125-093000.lnjbak"
    dialog = show_at_screen_size(qtbot, PasswordDialog(None, file, WrongPassword().message))
    qtbot.wait(20)
    assert dialog.grab().save(str(artifacts_dir("ui") / f"password-{scale}.png"))
    assert usability_problems(dialog, scale, is_dialog=True) == []
    assert dialog.entry.error.isVisible() and "密码不对" in dialog.entry.error.plain_text()
    assert dialog.open_button.isDefault()
    dialog.open_button.click()  # nothing typed: said beside the field, not accepted
    assert dialog.isVisible() and "请输入密码" in dialog.entry.error.plain_text()
