"""What printing from the window needs besides its dialog: what to print, where files go, the
background jobs that build a document and send it to a printer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSettings, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from app.domain.errors import UserError
from app.services.database import Database
from app.services.printing import Saved
from ui import errors

FILTERS = {"pdf": "PDF 文件 (*.pdf)", "docx": "Word 文件 (*.docx)", "xlsx": "Excel 文件 (*.xlsx)"}
#: Characters Windows does not allow in file names.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|]')
#: Where the last document was saved: the next one is offered the same folder.
FOLDER_KEY = "print/folder"


@dataclass(frozen=True)
class PrintRequest:
    """One document to print: a form of a case (`what` = its key, "agreement" for the row-8
    paper, "dossier" for the whole dossier), or a blank form (`case_id` None)."""

    what: str
    #: What the paper is called: names the window and the file (人民调解协议书, 空白…).
    title: str
    case_id: int | None = None
    case_number: str = ""
    #: For a form printed per sitting, follow-up or agent: which one.
    item_id: int | None = None
    #: Copies preset for the printer (an agreement: one per party and one for the file).
    copies: int = 1

    def save(self, db: Database, fmt: str, target: Path, *, record: bool = True) -> Saved:
        """Write the document to `target`; `record` False for a preview (not a print)."""
        from app.services import printing
        from app.services.database import get_committee

        if self.case_id is None:
            return printing.print_blank(self.what, fmt, target, get_committee(db))
        if self.what == "dossier":
            return printing.print_dossier(db, self.case_id, fmt, target, record=record)
        if self.what == "agreement":
            return printing.print_agreement(db, self.case_id, fmt, target, record=record)
        return printing.print_form(
            db, self.what, self.case_id, fmt, target, item_id=self.item_id, record=record
        )

    def record(self, db: Database, preview: Saved | None) -> None:
        """Note in the case's history that the agreement paper of `preview` (this request made
        with `record=False`) was printed or saved: with the code printed on it."""
        from app.services import printing

        if self.case_id is not None:
            digest = preview.digest if preview is not None else None
            printing.record_printed(db, self.case_id, self.what, digest)

    def file_name(self, fmt: str) -> str:
        stem = f"{self.title}-{self.case_number}" if self.case_number else self.title
        return f"{_FORBIDDEN.sub('-', stem)}.{fmt}"


def documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path = Path(folder) if folder else Path.home()
    return path if path.is_dir() else Path.home()


def saving_folder() -> Path:
    """The folder documents were last saved to, while it exists; else 文档 (Documents)."""
    value = QSettings().value(FOLDER_KEY, "")
    folder = Path(value) if isinstance(value, str) and value else None
    return folder if folder is not None and folder.is_dir() else documents_folder()


def remember_folder(path: Path) -> None:
    QSettings().setValue(FOLDER_KEY, str(path.parent))


def suggested_path(
    case_number: str, fmt: str, folder: Path | None = None, title: str = "人民调解协议书"
) -> Path:
    name = _FORBIDDEN.sub("-", f"{title}-{case_number}")
    return (folder or saving_folder()) / f"{name}.{fmt}"


def ask_path(parent: QWidget | None, fmt: str, suggested: Path) -> Path | None:
    """The save dialog: Windows' own there (it speaks the PC's language), Qt's elsewhere,
    in Chinese through the catalogue `style.install_translations` loads."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, "保存到", str(suggested), FILTERS[fmt])
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == f".{fmt}" else path.with_name(f"{path.name}.{fmt}")


def open_file(path: Path) -> bool:
    """Show a saved file in the PC's own viewer (PDF reader or Word), or a folder."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class JobSignals(QObject):
    done = Signal(str, str)  # the path, and what was saved there (e.g. 人民调解口头协议登记表)
    failed = Signal(str)
    progress = Signal(int, int)  # pages sent to the printer, of how many


class Job(QRunnable):
    """Runs `work` off the window's thread: the window stays responsive meanwhile.

    `work(progress)` returns the path and the title it reports; a `UserError` is told as
    written, anything else is logged and told as the program's fault.
    """

    def __init__(self, work: Callable[[Callable[[int, int], None]], tuple[Path, str]]) -> None:
        super().__init__()
        self.work = work
        self.signals = JobSignals()

    def run(self) -> None:
        try:
            path, title = self.work(self.signals.progress.emit)
        except UserError as error:
            self.signals.failed.emit(error.message)
        except Exception as error:
            errors.log_exception(type(error), error, error.__traceback__)
            self.signals.failed.emit(errors.apology())
        else:
            self.signals.done.emit(str(path), title)
