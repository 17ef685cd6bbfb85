"""核验: type the code printed on an agreement and see whether it matches the record."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from app.domain.errors import UserError
from app.services.database import Database
from app.services.verification import verify
from ui.screen_fit import fit_to_screen
from ui.widgets import button, notice, paragraph, set_notice_kind


class VerifyDialog(QDialog):
    def __init__(self, parent: QWidget | None, db: Database) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("核验文书")
        self.code = QLineEdit()
        self.code.setAccessibleName("核验码")
        self.code.setPlaceholderText("例如 7M2QK-9XD4A")
        self.code.setMaxLength(30)
        self.code.returnPressed.connect(self.check)
        self.check_button = button("核验", primary=True)
        self.check_button.clicked.connect(self.check)
        self.answer = notice("", "ok")
        self.answer.hide()
        close = button("关闭")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.check_button)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addWidget(
            paragraph("请输入协议书上印的10位核验码（印在第一页右上角，二维码旁边）：")
        )
        layout.addLayout(row)
        layout.addWidget(self.answer)
        layout.addStretch(1)
        layout.addLayout(bottom)
        fit_to_screen(self, width=720, fill_height=False)

    def check(self) -> None:
        try:
            verdict = verify(self.db, self.code.text())
        except UserError as error:
            text, kind = error.message, "error"
        else:
            text, kind = verdict.message(), "ok" if verdict.matches else "error"
        self.answer.set_text(text)
        set_notice_kind(self.answer, kind)
        self.answer.show()
