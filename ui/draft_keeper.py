"""One dialog's draft: written a moment after each change, offered back when it opens again.

Every dialog that takes typing (registration, agreement, the case page's records) keeps its
draft the same way through this helper; `ui.drafts` holds the files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QTextEdit,
    QWidget,
)

from ui import drafts, messages

#: A moment after the last key press the draft is written (not on every key).
DRAFT_DELAY_MS = 400


class DraftKeeper(QObject):
    """Keeps `values()` of `dialog` as the draft `key` while `dirty()` says it differs."""

    def __init__(
        self,
        dialog: QWidget,
        key: str,
        database: Path,
        case_id: int | None,
        values: Callable[[], dict[str, Any]],
        dirty: Callable[[], bool],
    ) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.key = key
        self.database = database
        self.case_id = case_id
        self._values = values
        self._dirty = dirty
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DRAFT_DELAY_MS)
        self.timer.timeout.connect(self.keep)

    def watch(self, root: QWidget) -> None:
        """Every input under `root` (typed text, choices, dates, check boxes) restarts the wait."""
        for edit in root.findChildren(QLineEdit):
            edit.textChanged.connect(self.changed)
        for text in root.findChildren(QTextEdit):
            text.textChanged.connect(self.changed)
        for box in root.findChildren(QComboBox):
            box.currentIndexChanged.connect(self.changed)
        for moment in root.findChildren(QDateTimeEdit):  # date fields are QDateTimeEdits too
            moment.dateTimeChanged.connect(self.changed)
        for switch in root.findChildren(QAbstractButton):
            if switch.isCheckable():
                switch.toggled.connect(self.changed)

    def changed(self, *_: object) -> None:
        self.timer.start()

    def keep(self) -> None:
        if self._dirty():
            title = self.dialog.windowTitle()
            drafts.keep(self.key, title, self.database, self.case_id, self._values())
        else:
            drafts.discard(self.key)

    def offer(self, unchanged: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The kept values if the person wants to go on with them; else the draft goes.

        A draft equal to `unchanged` (what the dialog shows anyway) is not worth a question.
        """
        found = drafts.find(self.key)
        if found is None or found.values == unchanged:
            return None
        when = found.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if messages.confirm(
            self.dialog,
            "接着填写",
            f"上次（{when}）填写的“{self.dialog.windowTitle()}”还没有保存。\n要接着填写吗？",
            "接着填写",
            "不要了，重新填写",
        ):
            return found.values
        drafts.discard(self.key)
        return None

    def discard(self) -> None:
        """Saved, or thrown away on purpose: no draft any more."""
        self.timer.stop()
        drafts.discard(self.key)
