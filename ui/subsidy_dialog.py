"""以案定补 in the window: the claim sheet of a period (per mediator, each case claimed, the cases
held back with what to do, the cases not paid), saved as Excel or PDF; a case's class
(`class_dialog`, and `SubsidySection` for the case page's 卷宗 tab).

The sheet is read off the window's thread (a year at 100,000 cases reads thousands of cases);
changes go through `run_operation`, so the case page and the sheet refresh when a class is set.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserError
from app.domain.money import format_yuan, from_fen
from app.domain.subsidy import ClaimSheet, Ending, HeldCase
from app.services.database import Database
from app.views import Changed
from ui import errors, messages, print_flow
from ui.operations import operation_bus
from ui.period_chooser import CUSTOM, MONTH, QUARTER, YEAR, PeriodChooser
from ui.record_dialog import RecordDialog, Spec
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    button,
    heading,
    hint,
    notice,
    paragraph,
    scroll_area,
    wide_enough,
)

Opener = Callable[[Path], bool]
PathAsker = Callable[[QWidget | None, str, Path], Path | None]


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"{format_yuan(from_fen(fen))}元"


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class Reader(QRunnable):
    """Reads `work()` off the window's thread; a `UserError` is told as written."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work()
        except UserError as error:
            self.signals.failed.emit(error.message)
        except Exception as error:
            errors.log_exception(type(error), error, error.__traceback__)
            self.signals.failed.emit(errors.apology())
        else:
            self.signals.done.emit(result)


# ================================================================== a case's class


def class_dialog(parent: QWidget | None, db: Database, case_id: int) -> RecordDialog | None:
    """The dialog that decides a closed case's class; None (with a box saying why) for an open
    case."""
    from app.services.subsidy import class_decision, set_case_class

    decision = class_decision(db, case_id)
    if not decision.closed:
        messages.show_error(parent, decision.summary(), "还不能确定补贴类别")
        return None
    pending = "__pending__"
    specs = [
        Spec(
            "class",
            "补贴类别",
            "choice",
            (
                (pending, "待定"),
                *((c.code, f"{c.label}（{yuan(c.amount_fen)}）") for c in decision.classes),
            ),
            hint="与建议的类别不同时，要写明理由",
        ),
        Spec("reason", "理由", "lines", lines=3, hint="例如“涉及四户，调解五次才达成协议”"),
    ]
    if decision.ending is Ending.UNSUCCESSFUL:
        specs.append(
            Spec(
                "useful",
                "调解不成但有成效",
                "bool",
                switch="调解虽然没有成功，但有成效（如缓和了矛盾、防止了激化），按比例计补",
            )
        )
    if decision.ending is Ending.ORAL:
        specs.append(
            Spec(
                "oral_proof",
                "口头协议的证明",
                "bool",
                switch="有证明材料（录音、签字的登记表或证人），按比例计补",
            )
        )
    why = "；".join(decision.suggestion_reasons)
    intro = (
        f"{decision.case_number}：{decision.ending.label if decision.ending else ''}。"
        f"建议的类别是“{decision.suggested.label}”——{why}。"
    )

    def save(values: dict[str, Any]) -> tuple[Any, Changed]:
        chosen = values.get("class")
        return set_case_class(
            db,
            case_id,
            None if chosen in (None, pending) else str(chosen),
            str(values.get("reason") or ""),
            useful=values.get("useful"),
            oral_proof=values.get("oral_proof"),
        )

    return RecordDialog(
        parent,
        "确定补贴类别",
        specs,
        save,
        values={
            "class": decision.class_code or decision.suggested.code,
            "reason": decision.reason,
            "useful": decision.useful,
            "oral_proof": decision.oral_proof,
        },
        intro=intro,
        save_text="保存类别",
    )


def open_class_dialog(parent: QWidget | None, db: Database, case_id: int) -> bool:
    """Show the class dialog; True when a class was saved."""
    dialog = class_dialog(parent, db, case_id)
    if dialog is None:
        return False
    try:
        return bool(dialog.exec())
    finally:
        dialog.deleteLater()


class SubsidySection(QWidget):
    """以案定补 on a case's 卷宗 tab: its class (or the suggestion) and the button to decide it."""

    def __init__(self, db: Database, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.services.subsidy import class_decision

        self.db = db
        self.case_id = case_id
        decision = class_decision(db, case_id)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 8)
        column.setSpacing(8)
        column.addWidget(heading("以案定补"))
        self.summary = paragraph(decision.summary())
        column.addWidget(self.summary)
        self.decide_button: QWidget | None = None
        if decision.closed:
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            decide = button("确定补贴类别" if decision.class_code is None else "修改补贴类别")
            decide.clicked.connect(self.decide)
            row.addWidget(decide, 0, Qt.AlignmentFlag.AlignVCenter)
            row.addStretch(1)
            column.addLayout(row)
            self.decide_button = decide

    def decide(self) -> None:
        open_class_dialog(self.window(), self.db, self.case_id)


# ================================================================== the claim sheet


class SubsidyDialog(QDialog):
    """以案定补: the claim sheet of a period, its export, and the scheme's settings."""

    #: The scrolling body. Shadows `QWidget.scroll(dx, dy)`, which nothing calls on a dialog.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(
        self,
        parent: QWidget | None,
        db: Database,
        *,
        today: date | None = None,
        opener: Opener | None = None,
        ask_path: PathAsker | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.opener: Opener = opener or print_flow.open_file
        self.ask_path: PathAsker = ask_path or print_flow.ask_path
        self.sheet: ClaimSheet | None = None
        self.reading = False
        self.last_saved: Path | None = None
        self.setWindowTitle("以案定补")

        self.period = PeriodChooser("申报期间：", (QUARTER, MONTH, YEAR, CUSTOM), today=self.today)
        self.show_button = button("计算", primary=True)
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.refresh)
        self.period.add_button(self.show_button)

        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(20, 8, 20, 12)
        self.body.setSpacing(10)
        self.body.addWidget(self.period)
        self.body.addWidget(
            hint("按调解结束（达成协议、调解不成等）的日期计入期间。卷宗不完整的案件单独列出。")
        )
        self.status = notice("", "ok")
        self.status.hide()
        self.body.addWidget(self.status)
        self.content = QVBoxLayout()
        self.content.setSpacing(10)
        self.body.addLayout(self.content)
        self.body.addStretch(1)
        self.scroll = scroll_area(body)
        wide_enough(self.scroll)

        self.scheme_button = button("补贴办法…")
        self.scheme_button.clicked.connect(self.edit_scheme)
        self.excel_button = button("保存为Excel")
        self.excel_button.clicked.connect(lambda _=False: self.export("xlsx"))
        self.pdf_button = button("保存为PDF")
        self.pdf_button.clicked.connect(lambda _=False: self.export("pdf"))
        self.folder_button = button("打开文件夹")
        self.folder_button.clicked.connect(self.open_folder)
        self.folder_button.hide()
        self.close_button = button("关闭")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 8, 20, 0)
        buttons.setSpacing(12)
        buttons.addWidget(self.scheme_button, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons.addStretch(1)
        for pushed in (self.folder_button, self.excel_button, self.pdf_button, self.close_button):
            buttons.addWidget(pushed, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)

        self.period.chosen.connect(lambda _start, _end: self.refresh())
        operation_bus().operation_done.connect(self._operation_done)
        self.refresh()
        fit_to_screen(self, width=1100)
        self.period.kind_box.setFocus()

    # ------------------------------------------------------------ the period

    def chosen_period(self) -> tuple[date, date] | None:
        """The first and last day chosen; None while custom dates end before they start."""
        return self.period.dates()

    def _operation_done(self, changed: Changed, origin: object) -> None:
        if (changed.cases or changed.settings or changed.everything) and self.isVisible():
            self.refresh()

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        from app.services.subsidy import claim_sheet

        chosen = self.period.confirmed_dates()
        if chosen is None:
            return  # the chooser says what is wrong with the dates
        start, end = chosen
        self.reading = True
        self.show_button.setEnabled(False)
        self._say("正在计算，请稍候……", "ok")
        job = Reader(lambda: claim_sheet(self.db, start, end))
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation
        # A later refresh wins: a slower earlier one that reports after it is dropped.
        job.signals.done.connect(lambda result: self._shown_if(generation, result))
        job.signals.failed.connect(self._failed)
        self._job = job  # kept until it reports
        QThreadPool.globalInstance().start(job)

    def _shown_if(self, generation: int, result: object) -> None:
        if generation == self._generation:
            self._shown(result)

    def _failed(self, message: str) -> None:
        self.reading = False
        self.show_button.setEnabled(True)
        self._say(message, "error")

    def _say(self, text: str, kind: str) -> None:
        from ui.widgets import set_notice_kind

        self.status.set_text(text)
        set_notice_kind(self.status, kind)
        self.status.show()

    def _shown(self, sheet: object) -> None:
        assert isinstance(sheet, ClaimSheet)
        self.reading = False
        self.show_button.setEnabled(True)
        self.sheet = sheet
        self._say(sheet.summary(), "ok")
        self._fill(sheet)

    def _clear(self) -> None:
        while self.content.count():
            item = self.content.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()

    def _fill(self, sheet: ClaimSheet) -> None:
        self._clear()
        add = self.content.addWidget
        add(heading("每位调解员"))
        if sheet.mediators:
            grid_box = QWidget()
            grid = QGridLayout(grid_box)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(24)
            for col, title in enumerate(("调解员", "案件（主持、调解、记录）", "补贴")):
                grid.addWidget(heading_cell(title), 0, col)
            for row, m in enumerate(sheet.mediators, 1):
                grid.addWidget(paragraph(m.name), row, 0)
                grid.addWidget(
                    paragraph(f"{m.cases}件（{m.as_lead}、{m.as_member}、{m.as_recorder}）"), row, 1
                )
                grid.addWidget(paragraph(yuan(m.amount_fen)), row, 2)
            last = len(sheet.mediators) + 1
            grid.addWidget(heading_cell("合计"), last, 0)
            grid.addWidget(heading_cell(f"{len(sheet.lines)}件"), last, 1)
            grid.addWidget(heading_cell(yuan(sheet.total_fen)), last, 2)
            grid.setColumnStretch(3, 1)
            add(grid_box)
        else:
            add(paragraph("这段时间没有可以申报的案件。"))
        add(heading(f"申报的案件（{len(sheet.lines)}件）"))
        for line in sheet.lines:
            shares = "、".join(
                f"{s.name}（{s.role.label}）{yuan(s.amount_fen)}" for s in line.shares
            )
            add(
                paragraph(
                    f"{line.case.number}　{line.case.title}\n"
                    f"{line.case_class.label}　{line.basis_text}　{yuan(line.amount_fen)}：{shares}"
                )
            )
        add(heading(f"暂缓申报（{len(sheet.held)}件，补齐后再申报）"))
        if not sheet.held:
            add(paragraph("没有暂缓申报的案件。"))
        for held in sheet.held:
            add(self._held_row(held))
        add(heading(f"不计补贴（{len(sheet.unpaid)}件）"))
        if not sheet.unpaid:
            add(paragraph("没有不计补贴的案件。"))
        for unpaid in sheet.unpaid:
            add(paragraph(f"{unpaid.case.number}　{unpaid.case.title}\n{unpaid.reason}"))

    def _held_row(self, held: HeldCase) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        lines = [f"{held.case.number}　{held.case.title}"]
        if held.amount_fen is not None:
            lines[0] += f"　补齐后{yuan(held.amount_fen)}"
        lines += [f"· {p}" for p in held.problems if not (held.missing and p.startswith("卷宗"))]
        lines += [f"✗ {i.name}：{i.what_to_do}" for i in held.missing]
        row.addWidget(paragraph("\n".join(lines)), 1)
        decide = button("定类别")
        decide.setAccessibleName(f"确定{held.case.number}的补贴类别")
        decide.clicked.connect(lambda _=False, c=held.case.case_id: self.decide(c))
        row.addWidget(decide, 0, Qt.AlignmentFlag.AlignTop)
        opener = button("打开案件")
        opener.setAccessibleName(f"打开{held.case.number}")
        opener.clicked.connect(lambda _=False, c=held.case.case_id: self.open_case(c))
        row.addWidget(opener, 0, Qt.AlignmentFlag.AlignTop)
        return box

    # ------------------------------------------------------------ actions

    def decide(self, case_id: int) -> None:
        open_class_dialog(self, self.db, case_id)

    def open_case(self, case_id: int) -> None:
        from ui.case_page import CasePage

        page = CasePage(self.db, case_id, self, opener=self.opener, tab="dossier")
        try:
            page.exec()
        finally:
            page.deleteLater()

    def edit_scheme(self) -> None:
        from ui.subsidy_scheme_dialog import SchemeDialog

        dialog = SchemeDialog(self, self.db)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def export(self, fmt: str) -> None:
        """Save the sheet as Excel or PDF where the person chooses, in a worker."""
        from app.services.subsidy import save_claim

        # The sheet shown is the one saved (dates typed since are not counted yet).
        chosen = (self.sheet.start, self.sheet.end) if self.sheet else self.chosen_period()
        if chosen is None:
            return
        start, end = chosen
        name = f"以案定补补贴申报表-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
        if fmt == "xlsx":
            target = self._ask_xlsx(print_flow.saving_folder() / name)
        else:
            target = self.ask_path(self, fmt, print_flow.saving_folder() / name)
        if target is None:
            return

        def work(progress: Callable[[int, int], None]) -> tuple[Path, str]:
            return save_claim(self.db, start, end, fmt, target), "以案定补补贴申报表"

        job = print_flow.Job(work)
        job.signals.done.connect(self._saved)
        job.signals.failed.connect(lambda message: self._say(message, "error"))
        self._export_job = job
        QThreadPool.globalInstance().start(job)

    def _ask_xlsx(self, suggested: Path) -> Path | None:
        if self.ask_path is not print_flow.ask_path:  # a test's stand-in answers for any format
            return self.ask_path(self, "xlsx", suggested)
        from PySide6.QtWidgets import QFileDialog

        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存到", str(suggested), "Excel 文件 (*.xlsx)"
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".xlsx" else path.with_name(f"{path.name}.xlsx")

    def _saved(self, path: str, title: str) -> None:
        self.last_saved = Path(path)
        print_flow.remember_folder(self.last_saved)
        self._say(f"已保存{title}：{path}", "ok")
        self.folder_button.show()

    def open_folder(self) -> None:
        if self.last_saved is not None:
            self.opener(self.last_saved.parent)


def heading_cell(text: str) -> QLabel:
    """A table's column title or total, in bold at the body size (as rich text: a font set on
    the label would not follow the text size)."""
    from html import escape

    from ui.widgets import LINE_HEIGHT_PERCENT

    label = paragraph(text)
    label.setText(f'<div style="line-height:{LINE_HEIGHT_PERCENT}%"><b>{escape(text)}</b></div>')
    # Short words, kept on one line: wrapped, the grid squeezed "案件（主持、调解、记录）"
    # onto two lines beside a wide empty column.
    label.setWordWrap(False)
    return label
