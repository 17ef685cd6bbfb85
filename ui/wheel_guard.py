"""Scrolling never edits: the mouse wheel over a choice list, date or number field that does
not have the focus scrolls the form around it and leaves the value alone.

Qt's own fields take the wheel whenever the pointer is over them, so turning the wheel down a
long form silently turns 邻里 into 合同 or 2026 into 2023. One filter on the application does
it for every window: such a field takes the focus by Tab or a click only (never by the wheel),
and a wheel over it while it has no focus goes on to what is around it, as a wheel over a label
does (the form's scroll area scrolls). A field that has the focus keeps using the wheel.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

#: Fields whose value the wheel changes: choice lists and every spin box (numbers, dates, times).
GUARDED: tuple[type[QWidget], ...] = (QComboBox, QAbstractSpinBox)
_POLISH = QEvent.Type.Polish
_WHEEL = QEvent.Type.Wheel


def guarded_field(widget: QWidget) -> QWidget | None:
    """The choice list or spin box the widget is (or is part of: its line edit), if any.

    The search stops at the widget's window: an open choice list or calendar is a window of
    its own and scrolls or changes as usual.
    """
    current: QWidget | None = widget
    while current is not None:
        if isinstance(current, GUARDED):
            return current
        if current.isWindow():
            return None
        current = current.parentWidget()
    return None


def has_focus(field: QWidget) -> bool:
    if field.hasFocus():
        return True
    focus = QApplication.focusWidget()
    return focus is not None and field.isAncestorOf(focus)


def pass_on(field: QWidget, event: QWheelEvent) -> bool:
    """Offer the wheel to the field's parents, nearest first, as Qt does with a wheel that a
    widget ignores; the form's scroll area takes it. True if one of them took it."""
    global_position = event.globalPosition()
    parent = field.parentWidget()
    while parent is not None:
        position = parent.mapFromGlobal(global_position)
        copy = QWheelEvent(
            position,
            global_position,
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
            event.source(),
            event.pointingDevice(),
        )
        copy.ignore()
        # Sent, the copy goes to this one widget only (Qt passes on spontaneous events alone).
        handled = QCoreApplication.sendEvent(parent, copy)
        if handled and copy.isAccepted():
            return True
        if parent.isWindow() or parent.testAttribute(Qt.WidgetAttribute.WA_NoMousePropagation):
            return False
        parent = parent.parentWidget()
    return False


class WheelGuard(QObject):
    """The application-wide filter (see the module's description)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == _WHEEL:
            if not isinstance(watched, QWidget) or not isinstance(event, QWheelEvent):
                return False
            field = guarded_field(watched)
            if field is None or has_focus(field):
                return False  # not a field, or the one being worked in: the wheel as usual
            pass_on(field, event)
            # Taken here either way: Qt must neither give the field the wheel nor offer the
            # event to the parents a second time.
            event.accept()
            return True
        if kind == _POLISH and isinstance(watched, GUARDED):
            make_strong_focus(watched)
        return False


def make_strong_focus(widget: QWidget) -> None:
    """Tab and a click focus the field; the wheel never does (Qt's default for these)."""
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def install_wheel_guard(app: QCoreApplication) -> WheelGuard:
    """Install the guard on the application once (a second call returns the first guard)."""
    existing = app.findChild(WheelGuard)
    if isinstance(existing, WheelGuard):
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    for widget in QApplication.allWidgets():  # fields polished before the guard came
        if isinstance(widget, GUARDED):
            make_strong_focus(widget)
    return guard
