"""Sending a PDF the program made to a printer: each page drawn at 300 dpi through QtPdf.

Safe off the window's thread: Qt lets a thread paint on a QPrinter, and the QPdfDocument used
here is made in the thread that uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPageSize, QPainter

from app.domain.errors import UserError

#: Sharp enough for 仿宋 strokes and a QR code; an A4 page is then 2480 × 3508 pixels (35 MB).
DPI = 300


def available_printers() -> list[str]:
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames())


def default_printer() -> str:
    from PySide6.QtPrintSupport import QPrinterInfo

    return QPrinterInfo.defaultPrinterName()


def print_pdf(
    pdf: Path,
    *,
    printer_name: str | None,
    copies: int,
    doc_name: str,
    output_file: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Print `copies` of `pdf` on `printer_name` (None: the default printer), or into
    `output_file` as PDF (what the printer would have received). Returns the pages sent."""
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

    document = QPdfDocument()
    if document.load(str(pdf)) != QPdfDocument.Error.None_:
        raise UserError("要打印的文件读不出来，请关掉这个窗口，再打印一次。")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if output_file is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output_file))
    elif printer_name:
        printer.setPrinterName(printer_name)
    printer.setResolution(DPI)
    printer.setFullPage(True)  # the PDF has its own margins
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setDocName(doc_name)
    printer.setCopyCount(copies)
    # A printer that cannot make copies itself (and a PDF) gets each copy sent in turn.
    rounds = 1 if printer.supportsMultipleCopies() else copies
    if rounds > 1:
        printer.setCopyCount(1)
    pages = document.pageCount()
    total = pages * rounds
    painter = QPainter()
    if not printer.isValid() or not painter.begin(printer):
        raise UserError(
            "打印机没有准备好：请看看打印机是否开着、连着电脑、有没有纸，"
            "或者换一台打印机，再按“打印”。"
        )
    sent = 0
    try:
        for _ in range(rounds):
            for index in range(pages):
                if sent:
                    printer.newPage()
                paper = printer.paperRect(QPrinter.Unit.DevicePixel)
                size = document.pagePointSize(index)
                scale = min(paper.width() / size.width(), paper.height() / size.height())
                width, height = size.width() * scale, size.height() * scale
                image = document.render(index, QSize(round(width), round(height)))
                target = QRectF(
                    paper.x() + (paper.width() - width) / 2,
                    paper.y() + (paper.height() - height) / 2,
                    width,
                    height,
                )
                painter.drawImage(target, image)
                sent += 1
                if progress is not None:
                    progress(sent, total)
    finally:
        painter.end()
        document.close()
    return sent
