"""One dialog for the small records of a case: a sitting, an agent, a payment, a visit…

Each record is described once, as a list of `Spec` (key, label, kind); the dialog builds the
fields, collects the values into a dict, saves through `run_operation`, shows the service's
errors beside their fields (the keys are the services' field names), and keeps what was typed
as a draft until it is saved or thrown away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.views import Changed
from ui import messages
from ui.draft_keeper import DraftKeeper
from ui.operations import run_operation, with_changed
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    ErrorLabel,
    ErrorMap,
    Field,
    FormGrid,
    MultiLineEdit,
    OptionalDate,
    button,
    chain_tab_order,
    combo,
    date_edit,
    from_qdate,
    hint,
    reveal,
    scroll_area,
    select_code,
    to_qdate,
)


@dataclass(frozen=True)
class Spec:
    """One field of a record. `kind`: text, lines, date, optional_date, datetime, choice,
    checks (several choices), bool, money."""

    key: str
    label: str
    kind: str = "text"
    choices: tuple[tuple[object, str], ...] = ()
    hint: str = ""
    lines: int = 3
    #: For optional_date and bool: the words of the switch ("已报告公安机关").
    switch: str = ""
    #: Shown only while the choice field `key` has one of these codes: ("kind", ("one_off",)).
    shown_when: tuple[str, tuple[object, ...]] | None = None


class _Checks(QWidget):
    """Several choices, each a check box (risk flags, the routes the parties were told)."""

    def __init__(self, choices: Iterable[tuple[object, str]]) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[object, QCheckBox]] = []
        for code, label in choices:
            box = QCheckBox(label)
            column.addWidget(box)
            self.boxes.append((code, box))

    def value(self) -> list[object]:
        return [code for code, box in self.boxes if box.isChecked()]

    def set_value(self, codes: Iterable[object]) -> None:
        wanted = set(codes)
        for code, box in self.boxes:
            box.setChecked(code in wanted)


def _datetime_edit(value: datetime | None) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    _set_datetime(edit, value or datetime.now().replace(second=0, microsecond=0))
    return edit


def _set_datetime(edit: QDateTimeEdit, value: datetime) -> None:
    local = value.astimezone() if value.tzinfo else value
    edit.setDateTime(QDateTime(to_qdate(local.date()), QTime(local.hour, local.minute)))


class RecordDialog(QDialog):
    """Fill in one record and save it; `save(values)` returns the service's `(result, changed)`."""

    #: The scrolling body. Shadows `QWidget.scroll(dx, dy)`, which nothing calls on a dialog.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        specs: Sequence[Spec],
        save: Callable[[dict[str, Any]], tuple[Any, Changed]],
        *,
        values: dict[str, Any] | None = None,
        intro: str = "",
        save_text: str = "保存",
        draft_key: str | None = None,
        database: Path | None = None,
        case_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.title = title
        self.specs = list(specs)
        self._save = save
        self.draft_key = draft_key
        self.database = database
        self.case_id = case_id
        self.result: Any = None
        self.changed: Changed | None = None
        self.errors = ErrorMap()
        self.inputs: dict[str, QWidget] = {}

        grid = FormGrid()
        self.rows: dict[str, Field] = {}
        for spec in self.specs:
            widget = self._make(spec)
            self.inputs[spec.key] = widget
            focus = widget.switch if isinstance(widget, OptionalDate) else None
            stretch = spec.kind in ("text", "lines", "checks")
            row = grid.add(f"{spec.label}：", widget, spec.hint, focus, stretch)
            self.rows[spec.key] = row
            self.errors.add_field(spec.key, row)
        for spec in self.specs:
            if spec.shown_when is not None:
                control = self.inputs[spec.shown_when[0]]
                if isinstance(control, QComboBox):
                    control.currentIndexChanged.connect(self._show_relevant)
        self.summary = ErrorLabel()
        self.errors.general = self.summary
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(20, 12, 20, 12)
        if intro:
            column.addWidget(hint(intro))
        column.addWidget(grid)
        column.addStretch(1)
        self.scroll = scroll_area(body)

        self.save_button = button(save_text, primary=True)
        self.save_button.setDefault(True)
        self.cancel_button = button("取消")
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(20, 8, 20, 0)
        buttons.setSpacing(16)
        buttons.addWidget(self.summary, 1)
        buttons.addStretch()  # keeps the buttons at their size while there is no message
        buttons.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)

        if values:
            self.set_values(values)
        self._show_relevant()
        self._initial = self.values()
        self.keeper: DraftKeeper | None = None
        if draft_key is not None and database is not None:
            self.keeper = DraftKeeper(
                self, draft_key, database, case_id, self.values, self.is_dirty
            )
            kept = self.keeper.offer(unchanged=self._initial)
            if kept is not None:
                self.set_values(kept)
            self.keeper.watch(self)
        chain_tab_order([*self._focus_order(), self.save_button, self.cancel_button])
        self.resize(720, 600)
        fit_to_screen(self)
        if self.specs:
            first = self._focus_order()[0]
            first.setFocus()

    # ------------------------------------------------------------ fields

    def _make(self, spec: Spec) -> QWidget:
        kind = spec.kind
        if kind in ("text", "money"):
            edit = QLineEdit()
            if kind == "money":
                edit.setPlaceholderText("例如 1250.50")
            return edit
        if kind == "lines":
            return MultiLineEdit(spec.lines)
        if kind == "date":
            return date_edit()
        if kind == "optional_date":
            return OptionalDate(spec.switch or "有", None)
        if kind == "datetime":
            return _datetime_edit(None)
        if kind == "choice":
            return combo(spec.choices)
        if kind == "checks":
            return _Checks(spec.choices)
        if kind == "bool":
            return QCheckBox(spec.switch or spec.label)
        raise ValueError(f"unknown field kind {kind}")

    def _show_relevant(self, *_: object) -> None:
        """Only the fields that belong to what is chosen (一次性 hides the monthly fields)."""
        for spec in self.specs:
            if spec.shown_when is None:
                continue
            key, codes = spec.shown_when
            control = self.inputs[key]
            visible = not isinstance(control, QComboBox) or control.currentData() in codes
            self.rows[spec.key].label.setVisible(visible)
            self.rows[spec.key].box.setVisible(visible)

    def _focus_order(self) -> list[QWidget]:
        order: list[QWidget] = []
        for widget in self.inputs.values():
            if isinstance(widget, OptionalDate):
                order += [widget.switch, widget.edit]
            elif isinstance(widget, _Checks):
                order += [box for _, box in widget.boxes]
            else:
                order.append(widget)
        return order

    def values(self) -> dict[str, Any]:
        """What is typed and chosen, as is (the service checks and trims)."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.inputs[spec.key]
            if isinstance(widget, QLineEdit | MultiLineEdit):
                out[spec.key] = widget.text()
            elif isinstance(widget, OptionalDate):
                out[spec.key] = widget.value()
            elif isinstance(widget, QDateEdit):
                out[spec.key] = from_qdate(widget.date())
            elif isinstance(widget, QDateTimeEdit):
                moment = widget.dateTime()
                day, time = moment.date(), moment.time()
                out[spec.key] = datetime(
                    day.year(), day.month(), day.day(), time.hour(), time.minute()
                )
            elif isinstance(widget, QComboBox):
                out[spec.key] = widget.currentData()
            elif isinstance(widget, _Checks):
                out[spec.key] = widget.value()
            elif isinstance(widget, QCheckBox):
                out[spec.key] = widget.isChecked()
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            widget = self.inputs.get(key)
            if widget is None:
                continue
            if isinstance(widget, QLineEdit):
                widget.setText("" if value is None else str(value))
            elif isinstance(widget, MultiLineEdit):
                widget.set_text("" if value is None else str(value))
            elif isinstance(widget, OptionalDate):
                widget.set_value(value)
            elif isinstance(widget, QDateEdit):
                if isinstance(value, date):
                    widget.setDate(to_qdate(value))
            elif isinstance(widget, QDateTimeEdit):
                if isinstance(value, datetime):
                    _set_datetime(widget, value)
            elif isinstance(widget, QComboBox):
                select_code(widget, value)
            elif isinstance(widget, _Checks):
                widget.set_value(value or [])
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))

    # ------------------------------------------------------------ drafts

    def is_dirty(self) -> bool:
        return self.values() != self._initial

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        run_operation(
            self,
            with_changed(self._save),
            self.values(),
            on_done=self._saved,
            on_fields=self.show_errors,
            origin=self,
            error_title="没有保存",
        )

    def _saved(self, saved: tuple[Any, Changed]) -> None:
        self.result, self.changed = saved
        if self.keeper is not None:
            self.keeper.discard()
        self.accept()

    def show_errors(self, errors: list[ValidationError]) -> None:
        first = self.errors.show(errors).first
        if first is not None:
            reveal(self.scroll, first)

    def reject(self) -> None:
        if self.is_dirty():
            if self.keeper is not None:
                self.keeper.timer.stop()
                self.keeper.keep()
                if not messages.confirm(
                    self,
                    "关闭",
                    "填写的内容还没有保存。关闭后会保留为草稿，下次打开时可以接着填写。",
                    "关闭",
                    "继续填写",
                ):
                    return
            elif not messages.confirm(
                self, "放弃", "填写的内容还没有保存，要放弃吗？", "放弃", "继续填写"
            ):
                return
        super().reject()
