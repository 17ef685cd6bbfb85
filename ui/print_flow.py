"""Saving a document: choose PDF or Word, choose where, build it in the background, open it."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QVBoxLayout, QWidget

from app.domain.errors import UserError
from app.services.database import Database
from ui import errors
from ui.screen_fit import fit_to_screen
from ui.widgets import SpacedLabel, button, hint

FILTERS = {"pdf": "PDF 文件 (*.pdf)", "docx": "Word 文件 (*.docx)"}
#: Characters Windows does not allow in file names.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|]')


class FormatDialog(QDialog):
    """Two big buttons: "保存为PDF" or "保存为Word", each saying what it is good for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("打印协议")
        self.choice: str | None = None
        question = SpacedLabel("要把协议书保存成哪一种文件？")
        self.pdf_button = button("保存为PDF", primary=True)
        self.word_button = button("保存为Word")
        self.cancel_button = button("取消")
        self.pdf_button.setDefault(True)
        self.pdf_button.clicked.connect(lambda: self._choose("pdf"))
        self.word_button.clicked.connect(lambda: self._choose("docx"))
        self.cancel_button.clicked.connect(self.reject)
        pdf_column = QVBoxLayout()
        pdf_column.addWidget(self.pdf_button)
        pdf_column.addWidget(hint("版式固定，适合直接打印、签字"))
        word_column = QVBoxLayout()
        word_column.addWidget(self.word_button)
        word_column.addWidget(hint("可以在电脑上再修改文字"))
        choices = QHBoxLayout()
        choices.setSpacing(24)
        choices.addLayout(pdf_column, 1)
        choices.addLayout(word_column, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(16)
        layout.addWidget(question)
        layout.addLayout(choices)
        layout.addLayout(bottom)
        # As big as its words need, never past the taskbar; centred on the screen.
        fit_to_screen(self, width=None, fill_height=False)

    def _choose(self, fmt: str) -> None:
        self.choice = fmt
        self.accept()


def ask_format(parent: QWidget | None) -> str | None:
    dialog = FormatDialog(parent)
    return dialog.choice if dialog.exec() else None


def documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(folder) if folder else Path.home()
    return path if path.is_dir() else Path.home()


def suggested_path(
    case_number: str, fmt: str, folder: Path | None = None, title: str = "人民调解协议书"
) -> Path:
    name = _FORBIDDEN.sub("-", f"{title}-{case_number}")
    return (folder or documents_folder()) / f"{name}.{fmt}"


def ask_path(parent: QWidget | None, fmt: str, suggested: Path) -> Path | None:
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, "把协议书保存到", str(suggested), FILTERS[fmt]
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == f".{fmt}" else path.with_name(f"{path.name}.{fmt}")


def open_file(path: Path) -> bool:
    """Show the saved file in the PC's own viewer (PDF reader or Word)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class JobSignals(QObject):
    done = Signal(str, str)  # the path, and what was saved there (e.g. 人民调解口头协议登记表)
    failed = Signal(str)


class PrintJob(QRunnable):
    """Builds the document off the window's thread: the window stays responsive meanwhile."""

    def __init__(self, db: Database, case_id: int, fmt: str, target: Path) -> None:
        super().__init__()
        self.db = db
        self.case_id = case_id
        self.fmt = fmt
        self.target = target
        self.signals = JobSignals()

    def run(self) -> None:
        from app.services.printing import print_agreement

        try:
            saved = print_agreement(self.db, self.case_id, self.fmt, self.target)
        except UserError as error:
            self.signals.failed.emit(error.message)
        except Exception as error:
            errors.log_exception(type(error), error, error.__traceback__)
            self.signals.failed.emit(errors.apology())
        else:
            self.signals.done.emit(str(saved.path), saved.title)
