"""When the database file is damaged at the start: say so plainly and offer the newest good
backup, instead of opening the damaged file or showing a traceback.

"从这个备份恢复" puts the newest good backup beside the database in its place (the damaged
file is first saved aside in `backups/`, so nothing is lost and the button is the safe choice
as well as the wanted one); "选择其他备份……" takes any backup file (a USB stick's, an
encrypted one); "退出" ends the program and leaves everything as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services.backup import QuickCheck, backups_folder, restore_backup
from ui.backup_dialog import (
    BackupWork,
    FileAsker,
    PasswordAsker,
    fitting_scroll,
    when_words,
    wrappable,
)
from ui.screen_fit import fit_to_screen, room_for_contents
from ui.style import current_scale
from ui.widgets import button, heading, paragraph

if TYPE_CHECKING:
    from app.services.backup import BackupInfo

TITLE = "数据库文件已损坏，不能打开"
#: The dialog's width at normal text size and its side margins (px).
WIDTH, MARGIN = 760, 24


def offer_words(check: QuickCheck) -> str:
    """The newest good backup in words, or where to look when there is none."""
    good = check.newest_good
    if good is None:
        return (
            f"在备份文件夹“{backups_folder(check.path)}”里没有找到完好的备份。\n"
            "如果U盘上或别处有老娘舅的备份，请按“选择其他备份……”找到它。"
            "也可以先按“退出”，请维护人员帮忙；请不要把这个坏了的文件删掉。"
        )
    newest = f"，最新的是{good.newest_case}" if good.newest_case else ""
    return (
        f"可以用最新的完好备份恢复：{when_words(good.made_at)}做的，"
        f"里面有案件{good.cases}件{newest}。\n"
        f"备份文件：{good.path}\n"
        "恢复前，现在这个坏了的文件会先另存到“backups”文件夹，不会丢掉。"
        "这份备份做好以后登记和修改的内容不在备份里，恢复以后请再录入一次。"
    )


class RecoveryDialog(BackupWork):
    """The database is damaged: what is wrong, the backup that can replace it, and the way
    out. `restored(result)` once a backup is in place (the start then opens it)."""

    restored = Signal(object)

    def __init__(
        self,
        parent: QWidget | None,
        check: QuickCheck,
        *,
        ask_file: FileAsker | None = None,
        ask_password: PasswordAsker | None = None,
    ) -> None:
        super().__init__(parent, check.path, ask_file=ask_file, ask_password=ask_password)
        self.check = check
        self.good: BackupInfo | None = check.newest_good
        self.result: Any = None
        self.setWindowTitle(TITLE)
        self.title = heading(TITLE)
        self.problem = paragraph(wrappable(check.problem))
        self.offer = paragraph(wrappable(offer_words(check)))
        self.restore_button = button("从这个备份恢复", primary=True)
        self.restore_button.setToolTip("用上面这份备份换下坏了的文件，然后照常打开程序")
        self.restore_button.clicked.connect(self.restore_newest)
        self.restore_button.setVisible(self.good is not None)
        self.other_button = button("选择其他备份……", primary=self.good is None)
        self.other_button.setToolTip("选择U盘上或别处的备份文件，看过里面有什么再恢复")
        self.other_button.clicked.connect(self.choose_backup)
        self.quit_button = button("退出")
        self.quit_button.setToolTip("关闭程序，什么也不改动")
        self.quit_button.clicked.connect(self.reject)
        (self.restore_button if self.good is not None else self.other_button).setDefault(True)

        words = QWidget()
        column = QVBoxLayout(words)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        column.addWidget(self.title)
        column.addWidget(self.problem)
        column.addWidget(self.offer)
        column.addStretch(1)
        # About as many characters to a line at every text size (as the screen allows).
        width = min(WIDTH * current_scale() // 100, room_for_contents(self).width())
        self.body_area = fitting_scroll(words, width - 2 * MARGIN)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        middle = Qt.AlignmentFlag.AlignVCenter
        buttons.addWidget(self.restore_button, 0, middle)
        buttons.addWidget(self.other_button, 0, middle)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button, 0, middle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, 16, MARGIN, 16)
        layout.setSpacing(12)
        layout.addWidget(self.body_area, 1)
        layout.addWidget(self.busy_row)
        layout.addLayout(buttons)
        fit_to_screen(self, width=width, fill_height=False)
        (self.restore_button if self.good is not None else self.other_button).setFocus()

    def work_buttons(self) -> list[QPushButton]:
        return [self.restore_button, self.other_button, self.quit_button]

    def restore_newest(self) -> None:
        """The backup offered (already checked whole at the start) goes in place: this dialog
        itself says what it holds and what happens to the damaged file."""
        if self.good is not None and not self.is_busy():
            self.restore(self.good.path, None)

    def restore(self, file: Path, password: str | None) -> None:
        target = self.database_path
        self.start(
            lambda: restore_backup(file, target, password),
            self._restored,
            "正在恢复，请稍候……（不要关闭电脑）",
        )

    def _restored(self, result: Any) -> None:
        self.result = result
        self.accept()
        self.restored.emit(result)
