"""What was typed when the program died is offered back when it starts again.

The real window runs in a child process: the register dialog is opened with its button, a title
and a party's name are typed key by key, and once the dialog has written its draft the child
is killed outright (SIGKILL: no clean-up runs, as after a crash or a power cut). The window
started next on the same database and data folder offers the draft back.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.services.database import Database, open_database
from tests.conftest import ROOT
from tests.ui.conftest import SCREEN, screenshot
from tests.ui.test_due_view import agreed_case
from tests.ui.test_usability import usability_problems
from ui import drafts
from ui.case_page import TABS, CasePage
from ui.main_window import DRAFTS_INTRO, MainWindow
from ui.record_dialog import RecordDialog
from ui.register_dialog import RegisterDialog

TITLE = "楼上渗水纠纷 3号楼"
NAME = "李秀英"

#: The child: the window on the database named in argv[1], the register dialog opened with
#: its button and typed into; "ready" once the draft is on disk.
CHILD = r"""
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])

from app.services.database import open_database
from ui import drafts, style
from ui.main_window import MainWindow
from ui.register_dialog import RegisterDialog

style.setup_application(app)
db = open_database(Path(sys.argv[1]))
title, name = sys.argv[2], sys.argv[3]
window = MainWindow(db)
window.resize(1366, 768)
window.show()


def type_into(widget, text):
    widget.setFocus()
    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)
        else:  # as an input method delivers it: QTest's key tables know only ASCII
            QTest.sendKeyEvent(
                QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char,
                Qt.KeyboardModifier.NoModifier,
            )


def fill():
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, RegisterDialog):
        QTimer.singleShot(20, fill)
        return
    type_into(dialog.title, title)
    type_into(dialog.parties[0].name, name)
    wait_for_draft(dialog)


def wait_for_draft(dialog):
    kept = drafts.find(dialog.draft_key)
    if kept is not None and name in str(kept.values):
        print("ready", flush=True)
    else:
        QTimer.singleShot(50, lambda: wait_for_draft(dialog))


QTimer.singleShot(0, fill)
QTimer.singleShot(0, window.register_button.click)  # exec() of the dialog runs from here on
app.exec()
"""


def said(child: subprocess.Popen[str], wanted: str, seconds: float) -> bool:
    """Whether the child printed the line `wanted` within `seconds`."""
    assert child.stdout is not None
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([child.stdout], [], [], 0.2)
        if ready:
            line = child.stdout.readline()
            if line.strip() == wanted:
                return True
            if not line:  # the child is gone
                return False
    return False


def show_window(qtbot, db: Database, opened) -> MainWindow:  # type: ignore[no-untyped-def]
    main = MainWindow(db, opener=opened)
    qtbot.addWidget(main)
    main.resize(*SCREEN)
    main.show()
    qtbot.waitExposed(main)
    return main


def when_modal(kind: type, act) -> None:  # type: ignore[no-untyped-def]
    """Once a modal window of `kind` is up (its exec() is running), do `act(window)`."""

    def look(tries: int = 500) -> None:  # gives up after 10 s: a failing test stops it
        window = QApplication.activeModalWidget()
        if isinstance(window, kind):
            act(window)
        elif tries:
            QTimer.singleShot(20, lambda: look(tries - 1))

    QTimer.singleShot(0, look)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")
def test_typed_registration_survives_a_kill(qtbot, tmp_path: Path, boxes, opened) -> None:
    path = tmp_path / "crash.db"
    open_database(path).close()  # a fresh file, built by the migrations
    # The data folder is the test's own (XDG_DATA_HOME, set by the autouse fixture): the
    # child inherits it, so its drafts land where this process looks for them.
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), TITLE, NAME],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = said(child, "ready", 120)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)  # no clean-up of any kind runs
        _, errors = child.communicate(timeout=30)  # reaps it and closes the pipes
    assert ready, f"the window never kept its draft: {errors[-3000:]}"
    assert child.returncode == -signal.SIGKILL

    db = open_database(path)
    try:
        main = show_window(qtbot, db, opened)
        notice = main.drafts_notice
        assert notice.isVisible()
        assert notice.text().startswith(f"{DRAFTS_INTRO}登记新纠纷")
        (_draft, go, drop), *others = notice.rows
        assert not others and go.text() == "接着填写" and go.isVisible()
        assert drop.text() == "不要了"
        assert main.size_button.nextInFocusChain() is go  # the notice comes first with Tab

        seen: dict[str, str] = {}

        def look(dialog: RegisterDialog) -> None:
            seen["title"] = dialog.title.text()
            seen["name"] = dialog.parties[0].name.text()
            dialog.done(QDialog.DialogCode.Rejected)  # closed as the person leaves it

        when_modal(RegisterDialog, look)
        go.click()
        assert seen == {"title": TITLE, "name": NAME}
        # The register dialog asked to take the draft back, naming it.
        assert boxes.questions and boxes.questions[0].startswith("接着填写\n")
        assert "登记新纠纷" in boxes.questions[0]

        # Still unsaved, so still offered; "不要了" (asked first) throws it away.
        assert main.drafts_notice.isVisible()
        main.drafts_notice.rows[0][2].click()
        assert "丢掉以后就找不回来了" in boxes.questions[-1]
        assert not main.drafts_notice.isVisible()
        assert drafts.pending(db.path) == []
    finally:
        db.close()


@pytest.fixture
def performing(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(tmp_path / "drafts.db")
    case_id, term_id = agreed_case(
        database, "楼上渗水纠纷", "李秀英", "张伟赔偿李秀英维修费1000元", date.today()
    )
    yield database, case_id, term_id
    database.close()


def test_a_case_dialog_reopens_at_its_tab_and_offers_the_draft(
    qtbot, performing, boxes, opened
) -> None:
    db, case_id, term_id = performing
    key = drafts.draft_key(db.path, "payment", case_id, term_id)
    typed = {"on": date.today(), "amount": "300", "note": "现金，双方签字"}
    drafts.keep(key, "登记履行　第1项", db.path, case_id, typed)
    drafts.keep(
        drafts.draft_key(db.path, "register"), "登记新纠纷", db.path, None, {"title": "噪音纠纷"}
    )
    main = show_window(qtbot, db, opened)
    text = main.drafts_notice.text()
    assert text.startswith(DRAFTS_INTRO) and "登记新纠纷" in text
    assert "登记履行　第1项　（" in text  # with the case number
    for scale in (100, 200):
        main.set_text_scale(scale)
        qtbot.wait(20)
        screenshot(main, f"drafts-notice-{scale}")
        assert usability_problems(main, scale, is_dialog=False) == []
    main.set_text_scale(100)
    seen: dict[str, object] = {}

    def in_page(page: CasePage) -> None:
        seen["tab"] = TABS[page.tabs.currentIndex()][0]
        when_modal(RecordDialog, in_dialog)

    def in_dialog(dialog: RecordDialog) -> None:
        seen["values"] = dialog.values()
        page = dialog.parentWidget()
        dialog.done(QDialog.DialogCode.Rejected)
        assert isinstance(page, CasePage)
        QTimer.singleShot(0, page.reject)

    when_modal(CasePage, in_page)
    payment = next(go for draft, go, _ in main.drafts_notice.rows if draft.key == key)
    payment.click()
    assert seen["tab"] == "performance"
    assert seen["values"] == typed
    assert boxes.questions and "登记履行　第1项" in boxes.questions[0]


def test_a_draft_whose_record_is_gone_is_shown_once_then_dropped(
    qtbot, performing, boxes, opened
) -> None:
    db, case_id, term_id = performing
    key = drafts.draft_key(db.path, "schedule", case_id, term_id + 99)
    drafts.keep(key, "第9项的履行方式", db.path, case_id, {"instalments": "12月1日 500"})

    def close_page(page: CasePage) -> None:
        QTimer.singleShot(0, page.reject)  # after the dialog's reopening was tried

    when_modal(CasePage, close_page)
    main = show_window(qtbot, db, opened)
    main.drafts_notice.rows[0][1].click()
    assert boxes.infos and "没法接着填写“第9项的履行方式”" in boxes.infos[0]
    assert "12月1日 500" in boxes.infos[0]  # what was typed, to copy it by hand
    assert drafts.pending(db.path) == [] and not main.drafts_notice.isVisible()


def test_the_agreement_and_an_unknown_dialog_open_their_case_page(
    qtbot, performing, boxes, opened
) -> None:
    from ui.agreement_dialog import AgreementDialog

    db, case_id, _term_id = performing
    agreement = drafts.draft_key(db.path, "agreement", case_id)
    drafts.keep(agreement, "调解协议", db.path, case_id, {"facts": "楼上卫生间漏水"})
    main = show_window(qtbot, db, opened)
    seen: dict[str, object] = {}

    def in_page(page: CasePage) -> None:
        seen["tab"] = TABS[page.tabs.currentIndex()][0]
        when_modal(AgreementDialog, in_dialog)

    def in_dialog(dialog: AgreementDialog) -> None:
        seen["dialog"] = True
        page = dialog.parentWidget()
        dialog.done(QDialog.DialogCode.Rejected)
        assert isinstance(page, CasePage)
        QTimer.singleShot(0, page.reject)

    when_modal(CasePage, in_page)
    main.drafts_notice.rows[0][1].click()
    assert seen == {"tab": "agreement", "dialog": True}
    assert boxes.questions and "协议" in boxes.questions[0]

    # A dialog the window does not know: the case page opens, the draft is kept, not lost.
    drafts.discard(agreement)
    unknown = drafts.draft_key(db.path, "mediation-plan", case_id)
    drafts.keep(unknown, "调解方案", db.path, case_id, {"plan": "先勘查漏点"})
    main.show_drafts()

    def close_page(page: CasePage) -> None:
        QTimer.singleShot(0, page.reject)

    when_modal(CasePage, close_page)
    main.drafts_notice.rows[0][1].click()
    assert boxes.infos and "调解方案" in boxes.infos[-1]
    assert [d.key for d in drafts.pending(db.path)] == [unknown]
