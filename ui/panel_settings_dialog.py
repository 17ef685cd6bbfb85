"""名册设置: the committee's elder categories (rename, add), how big each tier's panel is, the
most open cases a mediator takes, and whether the area has ethnic minorities (art. 8)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import Tier
from app.domain.errors import UserError
from app.domain.panel import MAX_MEMBERS, PanelSizes, TierSeats
from app.services.database import Database
from app.services.mediators import (
    elder_categories,
    panel_settings,
    save_category,
    update_panel_settings,
)
from app.views import Changed
from ui import messages
from ui.operations import run_operation
from ui.screen_fit import fit_to_screen
from ui.widgets import button, heading, hint, paragraph, scroll_area, wide_enough

#: The tiers whose panels the committee forms (a case referred out is no longer theirs).
TIERS = (Tier.BUILDING, Tier.COURTYARD, Tier.COMMUNITY)


class PanelSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None, db: Database) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("名册设置")
        limit, sizes, minorities = panel_settings(db)
        self.sizes = sizes

        body = QWidget()
        column = QVBoxLayout(body)
        column.setSpacing(10)

        column.addWidget(heading("调解员类别"))
        column.addWidget(hint("可以改名，也可以增加本社区的类别，例如“退役军人”。"))
        self.labels: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        for row, (code, label) in enumerate(elder_categories(db)):
            edit = QLineEdit(label)
            edit.setAccessibleName(f"类别{row + 1}")
            edit.setMaxLength(20)
            grid.addWidget(paragraph(f"类别{row + 1}"), row, 0)
            grid.addWidget(edit, row, 1)
            self.labels[code] = edit
        column.addLayout(grid)
        self.new_label = QLineEdit()
        self.new_label.setAccessibleName("新类别")
        self.new_label.setPlaceholderText("新类别的名称（不加可以不填）")
        self.new_label.setMaxLength(20)
        column.addWidget(self.new_label)

        column.addWidget(heading("每级调解的人数"))
        column.addWidget(hint("每级都有1位主持人；这里设定另加几位调解员、要不要记录人。"))
        self.members: dict[Tier, QSpinBox] = {}
        self.recorders: dict[Tier, QCheckBox] = {}
        seats = QGridLayout()
        for row, tier in enumerate(TIERS):
            current = sizes.seats.get(tier, TierSeats())
            spin = QSpinBox()
            spin.setRange(0, MAX_MEMBERS)
            spin.setValue(current.members)
            spin.setSuffix(" 位调解员")
            spin.setAccessibleName(f"{tier.label}调解另加的调解员人数")
            box = QCheckBox("要记录人")
            box.setChecked(current.recorder)
            seats.addWidget(paragraph(f"{tier.label}调解：主持人1位，另加"), row, 0)
            seats.addWidget(spin, row, 1)
            seats.addWidget(box, row, 2)
            self.members[tier], self.recorders[tier] = spin, box
        seats.setColumnStretch(3, 1)
        column.addLayout(seats)

        column.addWidget(heading("工作量和委员会组成"))
        row_box = QHBoxLayout()
        row_box.addWidget(paragraph("每位调解员最多同时办理"))
        self.limit = QSpinBox()
        self.limit.setRange(1, 50)
        self.limit.setValue(limit)
        self.limit.setSuffix(" 件")
        self.limit.setAccessibleName("每位调解员最多同时办理的件数")
        row_box.addWidget(self.limit)
        row_box.addStretch(1)
        column.addLayout(row_box)
        self.minorities = QCheckBox("本地区有少数民族居住（委员会中应当有少数民族成员）")
        self.minorities.setChecked(minorities)
        column.addWidget(self.minorities)
        column.addStretch(1)

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
        fit_to_screen(self, width=760)

    def chosen_sizes(self) -> PanelSizes:
        seats = dict(self.sizes.seats)
        for tier in TIERS:
            seats[tier] = TierSeats(self.members[tier].value(), self.recorders[tier].isChecked())
        return PanelSizes(seats)

    def save(self) -> None:
        """Each change is its own operation, so the history names exactly what was changed; the
        last one's broadcast (settings and roster) refreshes every view for all of them."""
        current = dict(elder_categories(self.db))
        try:
            for code, edit in self.labels.items():
                if edit.text().strip() != current.get(code, ""):
                    save_category(self.db, edit.text(), code=code)
            if self.new_label.text().strip():
                save_category(self.db, self.new_label.text())
        except UserError as error:
            messages.show_error(self, error.message)
            return

        def settings() -> tuple[None, Changed]:
            return None, update_panel_settings(
                self.db,
                case_limit=self.limit.value(),
                sizes=self.chosen_sizes(),
                area_has_minorities=self.minorities.isChecked(),
            )

        run_operation(self, settings, on_done=self._done)

    def _done(self, _result: Any) -> None:
        self.accept()
