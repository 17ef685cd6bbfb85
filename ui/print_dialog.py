"""打印: the document as it will look on paper, then print it, or save it as PDF or Word.

The dialog opens at once and builds the PDF in the background (a moving bar says so); the
preview is that very PDF, so what is seen is what prints. Printing runs in the background
too, page by page. A saved file goes into the folder used last, and 打开文件夹 shows it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.database import Database
from app.services.files import write_atomically
from app.services.printing import Saved
from ui import messages, print_flow, printer
from ui.print_flow import Job, PrintRequest, remember_folder, saving_folder
from ui.screen_fit import fit_to_screen
from ui.widgets import button, heading, hint, notice, set_notice_kind

PathAsker = Callable[[QWidget | None, str, Path], Path | None]
Opener = Callable[[Path], bool]
#: More copies than this is a slip of the keyboard, not a wish.
MOST_COPIES = 50


class PrintDialog(QDialog):
    def __init__(
        self,
        db: Database,
        request: PrintRequest,
        parent: QWidget | None = None,
        *,
        opener: Opener | None = None,
        ask_path: PathAsker | None = None,
        printers: list[str] | None = None,
        default_printer: str | None = None,
        print_to_file: Path | None = None,
    ) -> None:
        """`printers`, `default_printer` and `print_to_file` (print into that PDF instead of
        a printer) stand in for the PC's printers in tests."""
        super().__init__(parent)
        self.db = db
        self.request = request
        self.opener: Opener = opener or print_flow.open_file
        self.ask_path: PathAsker = ask_path or print_flow.ask_path
        self.print_to_file = print_to_file
        self.preview_path: Path | None = None
        #: The preview as made (its verification digest is recorded when it is printed).
        self.preview: Saved | None = None
        self.last_saved: Path | None = None
        self._work = Path(tempfile.mkdtemp(prefix="laoniangjiu-print-"))  # readable by us only
        self._job: Job | None = None
        self.printed_pages = 0
        self.setWindowTitle(f"打印{request.title}")

        title = request.title + (f"　{request.case_number}" if request.case_number else "")
        self.title_label = heading(title)
        self.status = QLabel("正在生成，请稍候……")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # moving: working, no percentage to guess
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("正在生成")
        self.notice = notice()
        self.notice.hide()
        self.open_button = button("打开文件")
        self.open_button.clicked.connect(self.open_saved)
        self.folder_button = button("打开文件夹")
        self.folder_button.clicked.connect(self.open_folder)
        for widget in (self.open_button, self.folder_button):
            widget.hide()

        self.view = self._make_view()
        self.zoom_button = button("看整页")
        self.zoom_button.setToolTip("在整页和放大（页宽）之间切换")
        self.zoom_button.clicked.connect(self.toggle_zoom)

        self.printer_choice = QComboBox()
        self.printer_choice.setAccessibleName("打印机")
        names = printer.available_printers() if printers is None else printers
        default = printer.default_printer() if default_printer is None else default_printer
        for name in names:
            self.printer_choice.addItem(name + ("（默认）" if name == default else ""), name)
        if default in names:
            self.printer_choice.setCurrentIndex(names.index(default))
        self.copies = QSpinBox()
        self.copies.setRange(1, MOST_COPIES)
        self.copies.setValue(max(1, min(request.copies, MOST_COPIES)))
        self.copies.setSuffix(" 份")
        self.copies.setAccessibleName("打印份数")
        self.print_button = button("打印", primary=True)
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button = button("保存为PDF")
        self.pdf_button.clicked.connect(lambda: self.save_as("pdf"))
        self.word_button = button("保存为Word")
        self.word_button.clicked.connect(lambda: self.save_as("docx"))
        self.close_button = button("关闭")
        self.close_button.clicked.connect(self.reject)
        has_printer = bool(names) or print_to_file is not None
        self.no_printer = hint(
            "这台电脑还没有连接打印机。可以先“保存为PDF”，用U盘拿到有打印机的电脑上打印。"
        )
        self.no_printer.setVisible(not has_printer)
        self.printer_choice.setVisible(bool(names))

        printer_label = QLabel("打印机")
        printer_label.setBuddy(self.printer_choice)
        printer_label.setVisible(bool(names))
        copies_label = QLabel("份数")
        copies_label.setBuddy(self.copies)
        self.pdf_button.setToolTip("版式固定，拿到别的电脑上打印也一样")
        self.word_button.setToolTip("可以在电脑上再修改文字")
        printer_row = QHBoxLayout()
        printer_row.setSpacing(12)
        middle = Qt.AlignmentFlag.AlignVCenter
        printer_row.addWidget(printer_label, 0, middle)
        printer_row.addWidget(self.printer_choice, 3, middle)
        printer_row.addWidget(self.no_printer, 3, middle)
        printer_row.addStretch(1)
        printer_row.addWidget(copies_label, 0, middle)
        printer_row.addWidget(self.copies, 0, middle)
        printer_row.addWidget(self.print_button, 0, middle)
        file_row = QHBoxLayout()
        file_row.setSpacing(12)
        file_row.addWidget(self.pdf_button)
        file_row.addWidget(self.word_button)
        file_row.addStretch(1)
        file_row.addWidget(self.close_button)

        busy = QHBoxLayout()
        busy.addWidget(self.status, 1)
        busy.addWidget(self.bar, 1)
        busy.addWidget(self.zoom_button, 0, Qt.AlignmentFlag.AlignVCenter)
        saved_row = QHBoxLayout()
        saved_row.addWidget(self.notice, 1)
        saved_row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignVCenter)
        saved_row.addWidget(self.folder_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        layout.addLayout(busy)
        layout.addLayout(saved_row)
        layout.addWidget(self.view, 1)
        layout.addLayout(printer_row)
        layout.addLayout(file_row)
        self._has_printer = has_printer
        self._set_busy(True)
        fit_to_screen(self, width=10_000)  # a page wants all the room there is
        self.print_button.setDefault(has_printer)
        self.pdf_button.setDefault(not has_printer)
        self._build_preview()

    # ------------------------------------------------------------ the preview

    def _make_view(self) -> QWidget:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        self.document = QPdfDocument(self)
        view = QPdfView(self)
        view.setAccessibleName("打印预览")
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        view.setDocument(self.document)
        return view

    def toggle_zoom(self) -> None:
        """Whole pages (to see the layout) or the page's width (to read it)."""
        from PySide6.QtPdfWidgets import QPdfView

        view = self.view
        assert isinstance(view, QPdfView)
        whole = view.zoomMode() != QPdfView.ZoomMode.FitInView
        view.setZoomMode(QPdfView.ZoomMode.FitInView if whole else QPdfView.ZoomMode.FitToWidth)
        self.zoom_button.setText("放大看" if whole else "看整页")

    def _build_preview(self) -> None:
        target = self._work / self.request.file_name("pdf")

        def work(_progress: Callable[[int, int], None]) -> tuple[Path, str]:
            self.preview = self.request.save(self.db, "pdf", target, record=False)
            return self.preview.path, self.preview.title

        self._start(work, self._preview_done, "正在生成，请稍候……")

    def _preview_done(self, path_text: str, _title: str) -> None:
        self.preview_path = Path(path_text)
        self.document.load(path_text)
        pages = self.document.pageCount()
        self._finish()
        copies = (
            "打印份数已按每位当事人一份、调解委员会留存一份填好。"
            if self.request.copies > 1
            else ""
        )
        self.status.setText(f"共 {pages} 页，请看一下再打印或保存。{copies}")
        (self.print_button if self._has_printer else self.pdf_button).setFocus()

    # ------------------------------------------------------------ printing

    def print_now(self) -> None:
        if self.preview_path is None or self.is_busy():
            return
        pdf = self.preview_path
        copies = self.copies.value()
        name = self.printer_choice.currentData()
        to_file = self.print_to_file
        title = self.request.title

        def work(progress: Callable[[int, int], None]) -> tuple[Path, str]:
            self.printed_pages = printer.print_pdf(
                pdf,
                printer_name=name,
                copies=copies,
                doc_name=title,
                output_file=to_file,
                progress=progress,
            )
            self.request.record(self.db, self.preview)
            return pdf, f"已送到打印机：{copies}份"

        self._start(work, self._printed, "正在打印……")
        assert self._job is not None
        self._job.signals.progress.connect(self._progress)

    def _progress(self, sent: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(sent)
        self.status.setText(f"正在打印第 {sent} 页，共 {total} 页……")

    def _printed(self, _path: str, what: str) -> None:
        self._finish()
        self.status.setText(f"✔ {what}。")
        self.close_button.setFocus()

    # ------------------------------------------------------------ saving

    def save_as(self, fmt: str) -> None:
        if self.is_busy():
            return
        suggested = saving_folder() / self.request.file_name(fmt)
        target = self.ask_path(self, fmt, suggested)
        if target is None:
            return
        preview = self.preview_path
        request = self.request

        def work(_progress: Callable[[int, int], None]) -> tuple[Path, str]:
            if fmt == "pdf" and preview is not None:  # the very file seen in the preview
                path = write_atomically(target, lambda handle: handle.write(preview.read_bytes()))
                request.record(self.db, self.preview)
                return path, request.title
            saved = request.save(self.db, fmt, target)
            return saved.path, saved.title

        self._start(work, self._saved, "正在保存……")

    def _saved(self, path_text: str, title: str) -> None:
        self._finish()
        path = Path(path_text)
        self.last_saved = path
        remember_folder(path)
        self.status.setText("")
        self.notice.set_text(f"✔ {title}已保存到：{path}")
        set_notice_kind(self.notice, "ok")
        self.notice.show()
        self.open_button.show()
        self.folder_button.show()
        self.folder_button.setFocus()

    def open_saved(self) -> None:
        if self.last_saved is not None and not self.opener(self.last_saved):
            messages.show_info(self, "没能自动打开这个文件，请到它的文件夹里双击它。", "没能打开")

    def open_folder(self) -> None:
        if self.last_saved is not None and not self.opener(self.last_saved.parent):
            messages.show_info(self, f"没能打开文件夹，它在：{self.last_saved.parent}", "没能打开")

    # ------------------------------------------------------------ the background work

    def _start(
        self,
        work: Callable[[Callable[[int, int], None]], tuple[Path, str]],
        done: Callable[[str, str], None],
        status: str,
    ) -> None:
        job = Job(work)
        job.signals.done.connect(done)
        job.signals.failed.connect(self._failed)
        self._job = job
        self.status.setText(status)
        self.bar.setRange(0, 0)
        self._set_busy(True)
        QThreadPool.globalInstance().start(job)

    def _finish(self) -> None:
        self._job = None
        self._set_busy(False)

    def _failed(self, message: str) -> None:
        first = self.preview_path is None
        self._finish()
        self.status.setText("")
        messages.show_error(self, message, "没有打印成" if first else "没有完成")
        if first:  # nothing to print or save: the message said why
            self.print_button.setEnabled(False)
            self.pdf_button.setEnabled(False)
            self.word_button.setEnabled(False)
        self.close_button.setFocus()

    def is_busy(self) -> bool:
        return self._job is not None

    def _set_busy(self, busy: bool) -> None:
        self.bar.setVisible(busy)
        ready = not busy and self.preview_path is not None
        self.print_button.setEnabled(ready and self._has_printer)
        self.pdf_button.setEnabled(ready)
        self.word_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy)

    def reject(self) -> None:
        if self.is_busy():  # a file or the printer is still being written to
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.is_busy():
            return
        self.document.close()
        shutil.rmtree(self._work, ignore_errors=True)  # the preview holds personal data
        super().done(result)
