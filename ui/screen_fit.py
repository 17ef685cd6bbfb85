"""Every dialog inside the part of the screen a window may use, its buttons always in sight.

The part is `QScreen.availableGeometry()`: the screen less the taskbar. A dialog as tall as the
whole screen (1366×768 is common on the PCs of a mediation room) hides its "保存" button behind
the taskbar. The window's frame (title bar and borders) comes on top of the dialog's own size;
until the window is on screen the system has not said how big that frame is (and the offscreen
test platform has none), so room for a usual one is always kept.

The dialogs put their form in a scroll area and their buttons in a row below it, outside the
scroll area: a dialog that fits the screen thereby always shows its buttons, at every text size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Kept for the title bar above a dialog (Windows 10/11: about 31 px at 100%, more with large
#: title fonts) and for the borders on the other sides, whatever the system reports.
TITLE_BAR = 40
BORDER = 8
#: The usual width of a form dialog: wider lines are harder to follow.
FORM_WIDTH = 1280


def available_area(widget: QWidget) -> QRect:
    """Where windows may go on the widget's screen: the screen without the taskbar."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_margins(window: QWidget) -> QMargins:
    """The frame around the window's contents: as the system reports it, never less than a
    usual title bar and border (before the window is shown nothing is reported)."""
    frame = window.frameGeometry()
    inner = window.geometry()
    return QMargins(
        max(inner.left() - frame.left(), BORDER),
        max(inner.top() - frame.top(), TITLE_BAR),
        max(frame.right() - inner.right(), BORDER),
        max(frame.bottom() - inner.bottom(), BORDER),
    )


def room_for_contents(window: QWidget) -> QRect:
    """Where the window's contents may go so that the window and its frame fit the screen."""
    return available_area(window).marginsRemoved(frame_margins(window))


def fit_to_screen(
    dialog: QWidget, width: int | None = FORM_WIDTH, fill_height: bool = True
) -> None:
    """Size the dialog to fit the available area (frame included) and centre it there.

    `width` is the width wanted (None: the dialog's own); `fill_height` makes it as tall as
    the area allows (for forms that scroll), otherwise it is as tall as its contents need.
    It never grows past the area afterwards (more parties or terms scroll inside it), and once
    shown, with the true frame known, it is fitted again if that frame is larger than kept for.
    """
    _fit(dialog, width, fill_height)
    if dialog.findChild(_RefitOnShow) is None:
        dialog.installEventFilter(_RefitOnShow(dialog, width, fill_height))


def _fit(dialog: QWidget, width: int | None, fill_height: bool) -> None:
    room = room_for_contents(dialog)
    dialog.setMaximumSize(room.size())
    # The size hint lays out every child (all tabs of a page): ask for it only when used.
    wide = (
        dialog.sizeHint().width() if width is None else max(width, dialog.minimumSizeHint().width())
    )
    wide = min(wide, room.width())
    if fill_height:
        tall = room.height()
    elif dialog.hasHeightForWidth():  # wrapped words: as tall as they need at that width
        tall = max(dialog.sizeHint().height(), dialog.heightForWidth(wide))
    else:
        tall = dialog.sizeHint().height()
    size = QSize(wide, tall).boundedTo(room.size())
    # The contents are placed so that they and the frame around them are centred in the area
    # (setGeometry places the contents; the frame goes around them).
    margins = frame_margins(dialog)
    area = available_area(dialog)
    outer_width = size.width() + margins.left() + margins.right()
    outer_height = size.height() + margins.top() + margins.bottom()
    left = area.left() + max(0, (area.width() - outer_width) // 2) + margins.left()
    top = area.top() + max(0, (area.height() - outer_height) // 2) + margins.top()
    dialog.setGeometry(QRect(left, top, size.width(), size.height()))


def fits(window: QWidget) -> bool:
    """The window with its frame inside the available area of its screen."""
    return available_area(window).contains(window.frameGeometry())


class _RefitOnShow(QObject):
    """Fits the dialog again just after it is shown, if the real frame makes it stick out."""

    # What to refit with is kept as Qt properties, not Python attributes: a dialog that
    # outlives its Python wrapper (a child of a page, closed) still has a filter that works.
    def __init__(self, dialog: QWidget, width: int | None, fill_height: bool) -> None:
        super().__init__(dialog)
        self.setProperty("fit_width", -1 if width is None else width)
        self.setProperty("fill_height", fill_height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and watched is self.parent():
            # The frame is known once the window system has placed the window.
            QTimer.singleShot(0, self, self._check)
        return False

    def _check(self) -> None:
        dialog = self.parent()
        if isinstance(dialog, QWidget) and dialog.isVisible() and not fits(dialog):
            width = self.property("fit_width")
            width = None if width is None or int(width) < 0 else int(width)
            _fit(dialog, width, bool(self.property("fill_height")))
