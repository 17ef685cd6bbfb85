"""The screen locks itself when nobody has used the program for the committee's idle time
(accounts on): a resident's ID number is not left on a screen in a room others walk through.

Twenty seconds before, a box counts down with one button, 继续使用: any key or click keeps the
program open (the volunteer reading a long statement is not locked out mid-sentence). Locked,
every window of the program is covered and the person is asked for their PIN again; nothing is
closed, so with the PIN everything is exactly where it was — the case page, the half-typed
record, the field that had the cursor. The operation layer refuses changes meanwhile
(`accounts.lock`), so a window left behind cannot be used without the PIN either.

Activity is the person's input anywhere in the program, seen by one event filter on the
application that only notes the time; a timer looks at that time now and then (not restarted
at every mouse move).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QVBoxLayout, QWidget

from app.services import accounts
from ui.screen_fit import fit_to_screen
from ui.style import current_scale
from ui.widgets import button, heading, paragraph

if TYPE_CHECKING:
    from app.services.database import Database
    from ui.sign_in_dialog import SignInDialog

#: The warning comes this long before the lock (the issue asks for at least 20 s).
WARN_MS = 20_000
#: How often, at most, the timer looks whether the time is up (ms).
LOOK_MS = 5_000

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


def warning_words(seconds: int) -> str:
    return f"{seconds}秒后屏幕将锁定。还在用，请按任意键，或点“继续使用”。"


class LockWarning(QDialog):
    """The countdown before the lock: accepted (继续使用, any key, a click) or, when the time
    runs out, rejected."""

    def __init__(self, parent: QWidget | None, milliseconds: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("快要锁定屏幕了")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.left = max(1, round(milliseconds / 1000))
        self.words = paragraph(warning_words(self.left))
        self.continue_button = button("继续使用", primary=True)
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.continue_button)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 16, 24, 16)
        column.setSpacing(12)
        column.addWidget(heading("快要锁定屏幕了"))
        column.addWidget(self.words)
        column.addLayout(row)
        self.tick = QTimer(self)
        self.tick.setInterval(max(1, milliseconds // self.left))
        self.tick.timeout.connect(self._count_down)
        fit_to_screen(self, width=520 * current_scale() // 100, fill_height=False)
        self.continue_button.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.tick.start()

    def _count_down(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.tick.stop()
            self.reject()
            return
        self.words.set_text(warning_words(self.left))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # One key, whichever: the person is there (Esc too — it would otherwise "reject").
        event.accept()
        self.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.accept()


class Cover(QWidget):
    """An opaque sheet over one window while the screen is locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        words = heading("老娘舅已锁定：请在弹出的窗口里输入PIN继续使用")
        words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self)
        column.addWidget(words, 0, Qt.AlignmentFlag.AlignCenter)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False


class IdleLock(QObject):
    """Watches for the idle time of `db`'s committee and locks the screen.

    `idle_ms`/`warn_ms` are for tests; the program reads the minutes from the database (an
    administrator changes them on the accounts page, `reload` picks them up). `quit` ends the
    program when the person at the lock chooses 退出程序.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        db: Database,
        *,
        quit: Callable[[], object],
        idle_ms: int | None = None,
        warn_ms: int = WARN_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.db = db
        self.quit = quit
        self.fixed_idle_ms = idle_ms
        self.warn_ms = warn_ms
        self.idle_ms = self._idle_ms()
        self.last_activity = time.monotonic()
        self.warning: LockWarning | None = None
        self.lock_dialog: SignInDialog | None = None
        self.covers: list[Cover] = []
        self._focus: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._look)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._arm()

    def _idle_ms(self) -> int:
        if self.fixed_idle_ms is not None:
            return self.fixed_idle_ms
        return accounts.idle_lock_minutes(self.db) * 60_000

    def reload(self) -> None:
        """The committee's idle time may have changed."""
        self.idle_ms = self._idle_ms()
        self._arm()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    @property
    def is_locked(self) -> bool:
        return self.lock_dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.warning is None and self.lock_dialog is None:
            self.last_activity = time.monotonic()
        return False

    def _until_warning_ms(self) -> int:
        idle = (time.monotonic() - self.last_activity) * 1000
        return max(0, round(self.idle_ms - self.warn_ms - idle))

    def _arm(self) -> None:
        self.timer.start(min(LOOK_MS, self._until_warning_ms()))

    def _look(self) -> None:
        if self.warning is not None or self.lock_dialog is not None:
            return
        if self._until_warning_ms() > 0:
            self._arm()
            return
        person = accounts.current_user(self.db)
        if person is None or person.locked:
            self.last_activity = time.monotonic()  # accounts are off (or nobody signed in)
            self._arm()
            return
        self.warn()

    def _top(self) -> QWidget:
        modal = QApplication.activeModalWidget()
        return modal if modal is not None else self.window

    def warn(self) -> None:
        """The countdown; the lock when it runs out."""
        self._focus = QApplication.focusWidget()
        warning = LockWarning(self._top(), self.warn_ms)
        self.warning = warning
        warning.finished.connect(self._warned)
        warning.open()

    def _warned(self, result: int) -> None:
        warning, self.warning = self.warning, None
        if warning is not None:
            warning.deleteLater()
        if result == QDialog.DialogCode.Accepted:
            self._back()
        else:
            self.lock_now()

    def lock_now(self) -> None:
        """Lock at once: every window covered, the PIN asked."""
        from ui.sign_in_dialog import SignInDialog

        if self.lock_dialog is not None:
            return
        if self._focus is None:
            self._focus = QApplication.focusWidget()
        accounts.lock(self.db)
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and not isinstance(widget, (LockWarning, Cover)):
                self.covers.append(Cover(widget))
        dialog = SignInDialog(self._top(), self.db, locked=True)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.lock_dialog = dialog
        dialog.finished.connect(self._unlocked)
        self.locked.emit()
        dialog.open()

    def _unlocked(self, result: int) -> None:
        dialog, self.lock_dialog = self.lock_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            self.quit()
            return
        for cover in self.covers:
            if shiboken6.isValid(cover):
                cover.deleteLater()
        self.covers.clear()
        self.unlocked.emit()
        self._back()

    def _back(self) -> None:
        """Where the person was: the same field has the cursor again."""
        focus, self._focus = self._focus, None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.activateWindow()
            focus.setFocus()
        self.last_activity = time.monotonic()
        self._arm()
