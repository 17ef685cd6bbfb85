"""矛盾纠纷排查 in the window: record a round and what it found (a case linked or registered, a
dispute resolved on the spot or watched), see the rounds of a period, and make the weekly or
monthly report to the judicial office — the zero report when nothing was found — as PDF or
Word."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import FindingOutcome
from app.domain.errors import ValidationError
from app.domain.screening import FindingDraft, FindingView, RoundDraft, RoundView, ScreeningReport
from app.services.database import Database
from app.views import Changed
from ui import messages, print_flow
from ui.operations import operation_bus, run_operation
from ui.period_chooser import CUSTOM, MONTH, WEEK, PeriodChooser
from ui.screen_fit import fit_to_screen
from ui.subsidy_dialog import Opener, PathAsker, Reader
from ui.widgets import (
    ErrorLabel,
    ErrorMap,
    FormGrid,
    MultiLineEdit,
    button,
    chain_tab_order,
    combo,
    date_edit,
    frame_form,
    from_qdate,
    heading,
    hint,
    keep_together,
    notice,
    paragraph,
    reveal,
    scroll_area,
    select_code,
    set_notice_kind,
    wide_enough,
)

OUTCOMES = (
    (FindingOutcome.RESOLVED.value, FindingOutcome.RESOLVED.label),
    (FindingOutcome.WATCH.value, FindingOutcome.WATCH.label),
    (FindingOutcome.CASE.value, FindingOutcome.CASE.label),
)


# ================================================================== one round


class FindingRow(QWidget):
    """One thing the round found: what, what became of it, and for a case which one."""

    def __init__(self, dialog: RoundDialog, index: int) -> None:
        super().__init__()
        self.dialog = dialog
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 6, 0, 6)
        column.setSpacing(6)
        self.title = heading("")
        column.addWidget(self.title)
        self.group_error = ErrorLabel()
        column.addWidget(self.group_error)
        self.grid = FormGrid()
        self.description = QLineEdit()
        self.description.setPlaceholderText("例如：3号楼602与502因漏水争吵")
        self.outcome = combo(OUTCOMES)
        self.case = QLineEdit()
        self.case.setPlaceholderText("案件编号，例如（2026）飞人调字第12号")
        self.register_button = button("登记新纠纷…")
        self.register_button.clicked.connect(self.register_case)
        case_box = QWidget()
        case_row = QHBoxLayout(case_box)
        case_row.setContentsMargins(0, 0, 0, 0)
        case_row.addWidget(self.case, 1)
        case_row.addWidget(self.register_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.note = QLineEdit()
        self.fields = {
            "description": self.grid.add("情况：", self.description),
            "outcome": self.grid.add("处理结果：", self.outcome, stretch=False),
            "case": self.grid.add(
                "案件：",
                case_box,
                "写已登记的案件编号；还没有登记的，按“登记新纠纷”当场登记",
                focus=self.case,
            ),
            "note": self.grid.add("说明：", self.note),
        }
        self.fields["case"].label.setBuddy(self.case)
        column.addWidget(self.grid)
        self.remove_button = button("删除这一项")
        self.remove_button.clicked.connect(lambda _=False: dialog.remove_finding(self))
        row = QHBoxLayout()
        row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        column.addLayout(row)
        self.outcome.currentIndexChanged.connect(self._show_case)
        self.set_index(index)
        self._show_case()

    def set_index(self, index: int) -> None:
        self.index = index
        self.title.set_text(f"第{index + 1}项发现")

    def _show_case(self, *_: object) -> None:
        shown = self.outcome.currentData() == FindingOutcome.CASE.value
        self.fields["case"].label.setVisible(shown)
        self.fields["case"].box.setVisible(shown)

    def inputs(self) -> list[QWidget]:
        return [
            self.description,
            self.outcome,
            self.case,
            self.register_button,
            self.note,
            self.remove_button,
        ]

    def draft(self) -> FindingDraft:
        outcome = str(self.outcome.currentData())
        return FindingDraft(
            description=self.description.text(),
            outcome=outcome,
            case_ref=self.case.text() if outcome == FindingOutcome.CASE.value else "",
            note=self.note.text(),
        )

    def register_case(self) -> None:
        """Register the dispute now, through the usual registration form, and link it."""
        from ui.register_dialog import RegisterDialog

        dialog = RegisterDialog(self.dialog.db, self.dialog)
        if not dialog.title.text():
            dialog.title.setText(self.description.text().strip())
        select_code(dialog.source, "own_initiative")
        dialog.received_on.setDate(self.dialog.held_on.date())
        self.dialog.register = dialog
        try:
            if dialog.exec() and dialog.result_case is not None:
                self.case.setText(dialog.result_case.number)
                if not self.description.text().strip():
                    self.description.setText(dialog.result_case.title)
        finally:
            self.dialog.register = None
            dialog.deleteLater()


class RoundDialog(QDialog):
    """登记排查: when, where, who, and each finding; nothing found is a round all the same."""

    #: The scrolling body. Shadows `QWidget.scroll(dx, dy)`, which nothing calls on a dialog.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(self, parent: QWidget | None, db: Database, today: date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.saved_round: RoundView | None = None
        #: The registration form opened from a finding (tests drive it), None when none is.
        self.register: QDialog | None = None
        self.setWindowTitle("登记排查")

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(20, 12, 20, 12)
        column.setSpacing(10)
        grid = FormGrid()
        self.held_on = date_edit(self.today)
        self.area = QLineEdit()
        self.area.setPlaceholderText("例如：幸福里小区1至6号楼")
        self.screened_by = QLineEdit()
        self.screened_by.setPlaceholderText("例如：王建国、李秀英")
        self.round_note = MultiLineEdit(lines=2)
        self.errors = ErrorMap()
        for key, text, widget, words, stretch in (
            ("held_on", "排查日期：", self.held_on, "", False),
            ("area", "排查范围：", self.area, "", True),
            ("screened_by", "排查人：", self.screened_by, "几位之间用顿号分开", True),
            ("note", "说明：", self.round_note, "例如“节前排查”“重点走访独居老人”", True),
        ):
            self.errors.add_field(key, grid.add(text, widget, words, stretch=stretch))
        column.addWidget(grid)
        column.addWidget(heading("发现的矛盾纠纷"))
        column.addWidget(
            hint("什么也没有发现时不用添加，直接保存：这次排查就是本期“零报告”的依据。")
        )
        self.findings_box = QVBoxLayout()
        column.addLayout(self.findings_box)
        self.rows: list[FindingRow] = []
        self.add_button = button("添加一项发现")
        self.add_button.clicked.connect(self.add_finding)
        row = QHBoxLayout()
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        frame = frame_form(self, body, "保存排查", self.save, self.reject)
        self.scroll = frame.scroll
        self.summary = frame.summary
        self.cancel_button = frame.cancel_button
        self.save_button = frame.save_button
        self.errors.general = self.summary
        self._after_change()
        fit_to_screen(self, width=860)
        self.area.setFocus()

    def add_finding(self) -> FindingRow:
        row = FindingRow(self, len(self.rows))
        self.rows.append(row)
        self.findings_box.addWidget(row)
        row.show()  # now, so that the focus can go to it (the layout would show it later)
        self._after_change()
        reveal(self.scroll, row.description)
        return row

    def remove_finding(self, row: FindingRow) -> None:
        self.rows.remove(row)
        self.findings_box.removeWidget(row)
        row.setParent(None)
        row.deleteLater()
        for i, r in enumerate(self.rows):
            r.set_index(i)
        self._after_change()

    def _after_change(self) -> None:
        self.errors.remove_prefix("findings[")
        for i, row in enumerate(self.rows):
            self.errors.add_group(f"findings[{i}]", row.group_error, row.description)
            for key, item in row.fields.items():
                self.errors.add_field(f"findings[{i}].{key}", item)
        order: list[QWidget] = [self.held_on, self.area, self.screened_by, self.round_note]
        for row in self.rows:
            order += row.inputs()
        chain_tab_order([*order, self.add_button, self.cancel_button, self.save_button])

    def draft(self) -> RoundDraft:
        return RoundDraft(
            held_on=from_qdate(self.held_on.date()),
            area=self.area.text(),
            screened_by=self.screened_by.text(),
            note=self.round_note.text(),
            findings=[row.draft() for row in self.rows],
        )

    def save(self) -> None:
        from app.services.screening import record_round

        run_operation(
            self,
            record_round,
            self.db,
            self.draft(),
            today=self.today,
            on_done=self._saved,
            on_fields=self.show_errors,
            origin=self,
            error_title="排查没有保存",
        )

    def _saved(self, view: RoundView) -> None:
        self.saved_round = view
        self.accept()

    def show_errors(self, errors: list[ValidationError]) -> None:
        first = self.errors.show(errors).first
        if first is not None:
            reveal(self.scroll, first)


# ================================================================== the register and report


class ScreeningDialog(QDialog):
    """矛盾纠纷排查: the rounds of a period, recording a new one, and the period's report."""

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
        self.report: ScreeningReport | None = None
        self.reading = False
        self.last_saved: Path | None = None
        #: The dialog open from here (tests drive it), None when none is.
        self.dialog: QDialog | None = None
        self.setWindowTitle("矛盾纠纷排查")

        self.add_button = button("登记一次排查", primary=True)
        self.add_button.clicked.connect(self.add_round)
        self.period = PeriodChooser(
            "报告期间：", (WEEK, MONTH, CUSTOM), kind=MONTH, today=self.today
        )
        self.show_button = button("查看")
        self.show_button.clicked.connect(self.refresh)
        self.period.add_button(self.show_button)
        top = QHBoxLayout()
        top.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(20, 8, 20, 12)
        column.setSpacing(10)
        column.addLayout(top)
        column.addWidget(self.period)
        self.report_title = heading("")
        column.addWidget(self.report_title)
        self.status = notice("", "ok")
        column.addWidget(self.status)
        self.gaps = paragraph("")
        column.addWidget(self.gaps)
        column.addWidget(heading("排查记录"))
        self.rounds_box = QVBoxLayout()
        self.rounds_box.setSpacing(8)
        column.addLayout(self.rounds_box)
        column.addStretch(1)
        self.scroll = scroll_area(body)
        wide_enough(self.scroll)

        self.pdf_button = button("报告保存为PDF")
        self.pdf_button.clicked.connect(lambda _=False: self.export("pdf"))
        self.word_button = button("报告保存为Word")
        self.word_button.clicked.connect(lambda _=False: self.export("docx"))
        self.folder_button = button("打开文件夹")
        self.folder_button.clicked.connect(self.open_folder)
        self.folder_button.hide()
        self.close_button = button("关闭")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 8, 20, 0)
        buttons.setSpacing(12)
        buttons.addStretch(1)
        for pushed in (self.folder_button, self.pdf_button, self.word_button, self.close_button):
            buttons.addWidget(pushed, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)

        self.period.chosen.connect(lambda _start, _end: self.refresh())
        operation_bus().operation_done.connect(self._operation_done)
        self.refresh()
        fit_to_screen(self, width=1100)
        self.add_button.setFocus()

    def chosen_period(self) -> tuple[date, date] | None:
        """The first and last day chosen; None while custom dates end before they start."""
        return self.period.dates()

    def _operation_done(self, changed: Changed, origin: object) -> None:
        if self.isVisible() and not self.reading:
            self.refresh()

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        from app.services.screening import screening_report

        chosen = self.period.confirmed_dates()
        if chosen is None:
            return  # the chooser says what is wrong with the dates
        start, end = chosen
        self.reading = True
        self.show_button.setEnabled(False)
        job = Reader(lambda: screening_report(self.db, start, end, today=self.today))
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation
        # A later refresh wins: a slower earlier one that reports after it is dropped.
        job.signals.done.connect(lambda result: self._shown_if(generation, result))
        job.signals.failed.connect(self._failed)
        self._job = job
        QThreadPool.globalInstance().start(job)

    def _shown_if(self, generation: int, result: object) -> None:
        if generation == self._generation:
            self._shown(result)

    def _failed(self, message: str) -> None:
        self.reading = False
        self.show_button.setEnabled(True)
        self._say(message, "error")

    def _say(self, text: str, kind: str) -> None:
        self.status.set_text(text)
        set_notice_kind(self.status, kind)

    def _shown(self, report: object) -> None:
        assert isinstance(report, ScreeningReport)
        self.reading = False
        self.show_button.setEnabled(True)
        self.report = report
        # The period on one line of its own, never broken inside a date ("12月|6日").
        self.report_title.set_text(f"{report.title}　{keep_together(report.period_text())}")
        self._say(report.summary(), "error" if not report.rounds else "ok")
        self.gaps.set_text(report.gaps_text())
        self.gaps.setVisible(bool(report.gaps_text()))
        while self.rounds_box.count():
            item = self.rounds_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        if not report.rounds:
            self.rounds_box.addWidget(paragraph("这段时间还没有排查记录。"))
        for r in sorted(report.rounds, key=lambda r: (r.held_on, r.id), reverse=True):
            self.rounds_box.addWidget(self._round_box(r))

    def _round_box(self, r: RoundView) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 4)
        column.setSpacing(4)
        head = QHBoxLayout()
        head.addWidget(paragraph(r.headline() + (f"\n{r.note}" if r.note else "")), 1)
        remove = button("删除")
        remove.setAccessibleName(f"删除{r.held_on:%Y-%m-%d}的排查")
        remove.clicked.connect(lambda _=False, v=r: self.remove_round(v))
        head.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(head)
        for f in r.findings:
            column.addWidget(self._finding_row(r, f))
        return box

    def _finding_row(self, r: RoundView, f: FindingView) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(24, 0, 0, 0)
        row.addWidget(paragraph(f"{f.position}. {f.line()}"), 1)
        if f.outcome is FindingOutcome.WATCH:
            for text, outcome in (("已化解", "resolved"), ("登记为案件…", "case")):
                action = button(text)
                action.setAccessibleName(f"第{f.position}项{text}")
                action.clicked.connect(lambda _=False, v=r, g=f, o=outcome: self.settle(v, g, o))
                row.addWidget(action, 0, Qt.AlignmentFlag.AlignTop)
        return box

    # ------------------------------------------------------------ changes

    def add_round(self) -> None:
        dialog = RoundDialog(self, self.db, self.today)
        self.dialog = dialog
        try:
            dialog.exec()
        finally:
            self.dialog = None
            dialog.deleteLater()

    def settle(self, r: RoundView, f: FindingView, outcome: str) -> None:
        """A watched dispute resolved later, or registered as a case now (the usual form)."""
        from app.services.screening import update_finding

        case_ref = ""
        if outcome == FindingOutcome.CASE.value:
            from ui.register_dialog import RegisterDialog

            register = RegisterDialog(self.db, self)
            register.title.setText(f.description)
            select_code(register.source, "own_initiative")
            self.dialog = register
            try:
                if not register.exec() or register.result_case is None:
                    return
                case_ref = register.result_case.number
            finally:
                self.dialog = None
                register.deleteLater()
        run_operation(self, update_finding, self.db, r.id, f.position, outcome, case_ref=case_ref)

    def remove_round(self, r: RoundView) -> None:
        from app.services.screening import remove_round

        if not messages.confirm(
            self,
            "删除排查记录",
            f"删除{r.headline()}？\n登记的案件不会删除。",
            "删除",
        ):
            return
        run_operation(self, remove_round, self.db, r.id)

    def export(self, fmt: str) -> None:
        from app.services.screening import save_report

        # The report shown is the one saved (dates typed since are not counted yet).
        chosen = (self.report.start, self.report.end) if self.report else self.chosen_period()
        if chosen is None:
            return
        start, end = chosen
        name = f"矛盾纠纷排查报告-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
        target = self.ask_path(self, fmt, print_flow.saving_folder() / name)
        if target is None:
            return
        title = self.report.title if self.report else "矛盾纠纷排查报告"

        def work(progress: Callable[[int, int], None]) -> tuple[Path, str]:
            return save_report(self.db, start, end, fmt, target, today=self.today), title

        job = print_flow.Job(work)
        job.signals.done.connect(self._saved)
        job.signals.failed.connect(lambda message: self._say(message, "error"))
        self._export_job = job
        QThreadPool.globalInstance().start(job)

    def _saved(self, path: str, title: str) -> None:
        self.last_saved = Path(path)
        print_flow.remember_folder(self.last_saved)
        self._say(f"已保存{title}：{path}", "ok")
        self.folder_button.show()

    def open_folder(self) -> None:
        if self.last_saved is not None:
            self.opener(self.last_saved.parent)
