"""A damaged database at the start: the recovery offer, never a traceback, never the damaged
file opened; after the restore the window opens on the restored cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.services.backup import make_backup, quick_check
from app.services.database import open_database
from app.services.demo import fill_demo
from tests.conftest import artifacts_dir
from tests.databases import copied_database
from tests.ui.conftest import Started, show_at_screen_size
from tests.ui.test_usability import usability_problems
from ui import style
from ui.main import EXIT_DATABASE
from ui.recovery_dialog import RecoveryDialog

PASSWORD = "xiuying2026"


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.fixture
def damaged(tmp_path: Path, demo_database_file: Path) -> Path:
    """A demo database with an automatic backup beside it, then cut in half."""
    path = tmp_path / "数据" / "laoniangjiu.db"
    path.parent.mkdir()
    db = copied_database(demo_database_file, path)
    make_backup(db, reason="auto")
    db.close()
    cut_in_half(path)
    return path


def recovery_of(qtbot, started: Started) -> RecoveryDialog:  # type: ignore[no-untyped-def]
    startup = started.startup
    qtbot.waitUntil(
        lambda: startup.recovery is not None and startup.recovery.isVisible(), timeout=30000
    )
    assert startup.recovery is not None
    return startup.recovery


def test_a_truncated_database_shows_the_recovery_offer_and_restores(
    qtbot, start, damaged: Path, boxes
) -> None:
    before = damaged.read_bytes()
    started = start(damaged)
    dialog = recovery_of(qtbot, started)
    window = started.startup.window
    assert window is not None and window.db is None  # the damaged file was never opened
    assert damaged.read_bytes() == before
    assert dialog.windowTitle() == "数据库文件已损坏，不能打开"
    problem = dialog.problem.plain_text().replace("\u200b", "")
    assert "已损坏" in problem and "没有打开它" in problem
    offer = dialog.offer.plain_text().replace("\u200b", "")
    assert "案件30件" in offer and "另存" in offer
    assert dialog.restore_button.isVisible() and dialog.restore_button.isDefault()
    assert [b.text() for b in dialog.work_buttons()] == ["从这个备份恢复", "选择其他备份……", "退出"]
    assert boxes.errors == []  # no traceback, no apology

    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.db is not None, timeout=30000)
    assert window.model is not None and window.model.total == 30
    assert window.register_button.isEnabled()
    assert started.codes == []
    assert any("已从备份恢复" in text for text in boxes.infos)
    aside = list((damaged.parent / "backups").glob("laoniangjiu-before-restore-*.db"))
    assert len(aside) == 1 and aside[0].read_bytes() == before  # the damaged file kept
    assert quick_check(damaged).sound


def test_quitting_leaves_the_damaged_file_as_it_is(qtbot, start, damaged: Path) -> None:
    before = damaged.read_bytes()
    started = start(damaged)
    dialog = recovery_of(qtbot, started)
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert started.codes == [EXIT_DATABASE]
    assert damaged.read_bytes() == before
    assert not list((damaged.parent / "backups").glob("*before-restore*"))


def test_without_a_backup_it_says_where_to_look(qtbot, start, tmp_path, demo_database_file) -> None:
    path = tmp_path / "laoniangjiu.db"
    copied_database(demo_database_file, path).close()
    cut_in_half(path)
    dialog = recovery_of(qtbot, start(path))
    assert not dialog.restore_button.isVisible()
    assert dialog.other_button.isDefault()
    assert "没有找到完好的备份" in dialog.offer.plain_text()


def test_another_backup_with_its_password(
    qtbot, start, damaged: Path, tmp_path: Path, boxes
) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    (tmp_path / "别处").mkdir()
    db = open_database(tmp_path / "别处" / "t.db")  # a database of 3 cases
    fill_demo(db, 3, seed=2)
    encrypted = make_backup(db, stick, password=PASSWORD, reason="manual").path
    db.close()

    started = start(damaged)
    dialog = recovery_of(qtbot, started)
    asked: list[str] = []
    answers = iter(["wrong-password", PASSWORD])

    def password(_parent, file: Path, problem: str) -> str:  # type: ignore[no-untyped-def]
        asked.append(problem)
        return next(answers)

    dialog.ask_file = lambda _parent, _start: encrypted
    dialog.ask_password = password
    qtbot.mouseClick(dialog.other_button, Qt.MouseButton.LeftButton)
    window = started.startup.window
    qtbot.waitUntil(lambda: window.db is not None, timeout=60000)
    assert asked[0] == ""  # first asked with no complaint
    assert "密码不对" in asked[1]  # the wrong one said in words
    assert any("案件：3件" in q for q in boxes.questions)  # what it holds, asked before
    assert window.model.total == 3


@pytest.mark.parametrize("scale", [100, 200])
def test_recovery_dialog_at_every_size(qtbot, damaged: Path, scale: int) -> None:
    style.apply_scale(scale, save=False)
    dialog = show_at_screen_size(qtbot, RecoveryDialog(None, quick_check(damaged)))
    qtbot.wait(20)
    assert dialog.grab().save(str(artifacts_dir("ui") / f"recovery-{scale}.png"))
    assert usability_problems(dialog, scale, is_dialog=True) == []
    assert dialog.height() <= 768 and dialog.width() <= 1366
    assert not dialog.body_area.verticalScrollBar().isVisible()  # everything in sight at once
