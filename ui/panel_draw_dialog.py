"""The draw dialog of the case page's 调解员 tab: the proposed panel with the reason for every
mediator on the roster, another draw, a change by hand with its reason, and saving.

Each proposal is a dry run of `app.services.panels.propose_panel` (a few milliseconds for a
roster of dozens); nothing is recorded until 保存.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import PanelMode
from app.domain.panel import PartyPick, Proposal, Seat, Verdict
from app.services.database import Database
from app.services.panels import ManualSeat, override_panel, propose_panel, record_draw
from app.views import CaseDetail
from ui.operations import run_operation
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    button,
    combo,
    heading,
    hint,
    notice,
    paragraph,
    scroll_area,
    select_code,
    wide_enough,
)


class PanelDrawDialog(QDialog):
    """Propose, redraw, change by hand and save a case's panel."""

    def __init__(self, parent: QWidget | None, db: Database, case: CaseDetail) -> None:
        super().__init__(parent)
        self.db = db
        self.case = case
        self.setWindowTitle(f"抽选调解员 — {case.number}")
        self.proposal: Proposal | None = None
        self.draw_no: int | None = None  # None: the next one, as the service counts
        self.picks: list[PartyPick] = []
        self.edited = False  # a seat was changed by hand
        self.saved = False

        body = QWidget()
        column = QVBoxLayout(body)
        column.setSpacing(10)
        column.addWidget(paragraph(f"{case.number}　{case.title}　{case.tier.label}调解"))

        mode_row = QHBoxLayout()
        mode_row.addWidget(paragraph("产生方式"))
        self.mode = combo([(m.value, m.label) for m in PanelMode])
        self.mode.setAccessibleName("产生方式")
        self.mode.currentIndexChanged.connect(self._mode_changed)
        mode_row.addWidget(self.mode, 1)
        column.addLayout(mode_row)

        self.pick_box = QWidget()
        pick_row = QHBoxLayout(self.pick_box)
        pick_row.setContentsMargins(0, 0, 0, 0)
        self.pick_party = combo([(p.id, p.name) for p in case.parties])
        self.pick_party.setAccessibleName("选定调解员的当事人")
        self.pick_mediator = QComboBox()
        self.pick_mediator.setAccessibleName("当事人选定的调解员")
        add_pick = button("记下选定")
        add_pick.clicked.connect(self._add_pick)
        pick_row.addWidget(self.pick_party, 1)
        pick_row.addWidget(paragraph("选定"))
        pick_row.addWidget(self.pick_mediator, 1)
        pick_row.addWidget(add_pick)
        column.addWidget(self.pick_box)
        self.picks_text = hint("")
        column.addWidget(self.picks_text)

        column.addWidget(heading("抽选结果"))
        self.draw_label = hint("")
        column.addWidget(self.draw_label)
        self.seats = SeatList()
        column.addWidget(self.seats)
        self.warnings = notice("", "warn")
        column.addWidget(self.warnings)
        column.addWidget(heading("名册中其他调解员"))
        self.others = VerdictList()
        column.addWidget(self.others)

        reason_row = QHBoxLayout()
        reason_row.addWidget(paragraph("原因"))
        self.reason = QLineEdit()
        self.reason.setAccessibleName("重新抽选或人工调整的原因")
        self.reason.setPlaceholderText("重新抽选或人工调整时必须写明，例如：当事人申请回避")
        reason_row.addWidget(self.reason, 1)
        column.addLayout(reason_row)

        buttons = QHBoxLayout()
        self.redraw_button = button("换一组（重新抽选）")
        self.redraw_button.clicked.connect(self.redraw)
        self.save_button = button("保存", primary=True)
        self.save_button.clicked.connect(self.save)
        cancel = button("取消")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.redraw_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)

        outer = QVBoxLayout(self)
        area = scroll_area(body)
        wide_enough(area)
        outer.addWidget(area, 1)
        outer.addLayout(buttons)
        self._mode_changed()
        fit_to_screen(self, width=1100)

    # ------------------------------------------------------------ proposing

    def current_mode(self) -> PanelMode:
        return PanelMode(self.mode.currentData())

    def _mode_changed(self) -> None:
        self.pick_box.setVisible(self.current_mode() is not PanelMode.COMMITTEE)
        self.propose()

    def _add_pick(self) -> None:
        party, mediator = self.pick_party.currentData(), self.pick_mediator.currentData()
        if party is None or mediator is None:
            return
        self.picks = [p for p in self.picks if p.mediator_id != mediator] + [
            PartyPick(int(party), int(mediator))
        ]
        self.propose()

    def propose(self) -> None:
        self.proposal = propose_panel(
            self.db, self.case.id, draw_no=self.draw_no, mode=self.current_mode(), picks=self.picks
        )
        self.edited = False
        self._show()

    def redraw(self) -> None:
        current = self.proposal.draw_no if self.proposal else 0
        self.draw_no = current + 1
        self.propose()

    def _show(self) -> None:
        p = self.proposal
        assert p is not None
        first = p.draw_no == 1 and not self.case.panel
        self.draw_label.setText(
            f"第{p.draw_no}次抽选。同一案件、同一名册、同一次数，抽选结果总是相同。"
            + ("" if first else "这个案件已有调解员：保存时请写明重新抽选的原因。")
        )
        eligible = [(s.mediator_id, s.name) for s in p.seats] + [
            (v.mediator_id, v.name) for v in p.others if not v.excluded
        ]
        self.seats.show_seats(p.seats, eligible, self._seat_changed)
        self.others.show_verdicts(p.others)
        self.warnings.setText("\n".join(p.warnings))
        self.warnings.setVisible(bool(p.warnings))
        self.pick_mediator.clear()
        for mid, name in eligible:
            self.pick_mediator.addItem(name, mid)
        picked = {p_.mediator_id: p_ for p_ in self.picks}
        party_names = {party.id: party.name for party in self.case.parties}
        self.picks_text.setText(
            "；".join(
                f"{party_names.get(pk.party_id, '当事人')}选定{name}"
                for mid, name in eligible
                if (pk := picked.get(mid))
            )
        )
        self.save_button.setEnabled(bool(p.seats))

    def _seat_changed(self) -> None:
        self.edited = True
        self.draw_label.setText("已人工调整：保存时请写明原因。调整后的调解员也要符合回避等规定。")

    # ------------------------------------------------------------ saving

    def chosen_seats(self) -> list[ManualSeat]:
        assert self.proposal is not None
        picks = {p.mediator_id: p.party_id for p in self.picks}
        seats: list[ManualSeat] = []
        for seat, chooser in zip(self.proposal.seats, self.seats.choosers, strict=True):
            mid = int(chooser.currentData())
            seats.append(ManualSeat(mid, seat.role, picks.get(mid)))
        return seats

    def save(self) -> None:
        if self.proposal is None:
            return
        reason = self.reason.text()
        if self.edited:
            run_operation(
                self,
                override_panel,
                self.db,
                self.case.id,
                self.chosen_seats(),
                reason,
                mode=self.current_mode(),
                on_done=self._saved,
            )
        else:
            run_operation(
                self,
                record_draw,
                self.db,
                self.case.id,
                draw_no=self.proposal.draw_no,
                mode=self.current_mode(),
                picks=self.picks,
                reason=reason,
                on_done=self._saved,
            )

    def _saved(self, _result: Any) -> None:
        self.saved = True
        self.accept()


class SeatList(QWidget):
    """The proposed seats: role, a choice of mediator (for a change by hand), and why."""

    def __init__(self) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setColumnStretch(2, 1)
        self.choosers: list[QComboBox] = []
        self.reasons: list[QLabel] = []

    def show_seats(
        self,
        seats: tuple[Seat, ...],
        eligible: list[tuple[int, str]],
        changed: Callable[[], None],
    ) -> None:
        _clear(self.grid)
        self.choosers, self.reasons = [], []
        for row, seat in enumerate(seats):
            chooser = combo(eligible)
            chooser.setAccessibleName(f"{seat.role.label}人选")
            select_code(chooser, seat.mediator_id)
            chooser.currentIndexChanged.connect(lambda _=0: changed())
            reason = paragraph(seat.reason_text())
            top = Qt.AlignmentFlag.AlignTop
            self.grid.addWidget(paragraph(f"{seat.role.label}："), row, 0, top)
            self.grid.addWidget(chooser, row, 1, top)
            self.grid.addWidget(reason, row, 2, top)
            self.choosers.append(chooser)
            self.reasons.append(reason)


class VerdictList(QWidget):
    """Everyone else on the roster, each with the plain reason: excluded, or outscored."""

    def __init__(self) -> None:
        super().__init__()
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.lines: list[QLabel] = []

    def show_verdicts(self, verdicts: tuple[Verdict, ...]) -> None:
        _clear(self.column)
        self.lines = []
        for v in verdicts:
            label = paragraph(
                f"{v.name}（{'不能参加' if v.excluded else '未选中'}）：{v.reason_text()}"
            )
            self.column.addWidget(label)
            self.lines.append(label)


def _clear(layout: QGridLayout | QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()
