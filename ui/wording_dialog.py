"""文书用语: the committee rewords the standard texts; every change is kept as a version."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from app.domain.errors import UserError
from app.domain.wording import STANDARD_TEXTS
from app.services.database import Database
from app.services.wordings import current_wordings, save_wording, wording_history
from ui import messages
from ui.operations import run_operation
from ui.screen_fit import fit_to_screen
from ui.widgets import MultiLineEdit, button, heading, hint, paragraph, scroll_area, wide_enough


class WordingDialog(QDialog):
    def __init__(self, parent: QWidget | None, db: Database) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("文书用语")
        current = current_wordings(db)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setSpacing(10)
        column.addWidget(
            paragraph(
                "这里的文字会印在文书上。不改就印标准文字；改过的每一稿都会留存，"
                "打印的文书会记下它用的是第几稿。"
            )
        )
        self.edits: dict[str, MultiLineEdit] = {}
        for text in STANDARD_TEXTS:
            column.addWidget(heading(text.name))
            if text.hint:
                column.addWidget(hint(text.hint))
            edit = MultiLineEdit()
            edit.setAccessibleName(text.name)
            edit.setPlainText(current.texts.get(text.key, ""))
            edit.setPlaceholderText(text.default or "（不填）")
            column.addWidget(edit)
            versions = wording_history(db, text.key)
            if versions:
                v, when, who, _ = versions[-1]
                column.addWidget(hint(f"现在是第{v}稿，{when}由{who}修改。"))
            self.edits[text.key] = edit
        self.save_button = button("保存", primary=True)
        self.save_button.clicked.connect(self.save)
        cancel = button("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        outer = QVBoxLayout(self)
        area = scroll_area(body)
        wide_enough(area)
        outer.addWidget(area, 1)
        outer.addLayout(buttons)
        fit_to_screen(self, width=900)

    def save(self) -> None:
        """Each changed text is its own version; the last one's broadcast refreshes the views."""
        current = current_wordings(self.db)
        changed = [
            (key, edit.toPlainText())
            for key, edit in self.edits.items()
            if edit.toPlainText().strip() != current.texts.get(key, "")
        ]
        try:
            for key, text in changed[:-1]:
                save_wording(self.db, key, text)
        except UserError as error:
            messages.show_error(self, error.message)
            return
        if not changed:
            self.accept()
            return
        key, text = changed[-1]
        run_operation(self, save_wording, self.db, key, text, on_done=self._done)

    def _done(self, _result: Any) -> None:
        self.accept()
