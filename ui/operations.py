"""Running a change from the window, and telling every open view what it changed.

Every save in the window goes through `run_operation`: it calls the service (a function that
returns `(result, changed)`), shows what went wrong in the way the person can act on — beside
the fields for `ValidationErrors`, in a plain box for a `UserError`, as the apology of
`ui.errors` for a bug — and on success broadcasts the `Changed` on `operation_bus()`, so the
case list and any open case page read again just what they show::

    run_operation(self, register_case, self.db, draft, on_done=self.saved,
                  on_fields=self.show_errors, origin=self)

Work that can take longer than a moment (an import, the demo, printing) passes
`in_thread=True`: it runs in a worker thread while the window waits with a busy cursor and
cannot be clicked twice; its outcome is delivered back in the window's thread. The service
opens its own session in the thread that calls it (each `Database.transaction()` makes one),
and the SQLite engine's pool lets a connection move between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.domain.errors import UserError, ValidationError, ValidationErrors
from app.views import Changed
from ui import errors, messages

#: The note saying what the window waits for appears once the work takes this long (ms);
#: quicker work shows only the busy cursor, so nothing flickers.
WAIT_NOTE_DELAY_MS = 300

Service = Callable[..., tuple[Any, Changed]]
FieldsShower = Callable[[list[ValidationError]], object]


class OperationBus(QObject):
    """The application's one broadcast of committed changes.

    `operation_done(changed, origin)`: `changed` is the `app.views.Changed` of the operation,
    `origin` whatever the caller named as its source (usually the dialog that saved), or None.
    """

    operation_done = Signal(object, object)


_bus: OperationBus | None = None


def operation_bus() -> OperationBus:
    """The one bus of the application, made the first time it is asked for."""
    global _bus
    if _bus is None or not shiboken6.isValid(_bus):
        _bus = OperationBus()
    return _bus


def reset_operation_bus() -> None:
    """Forget the bus (tests): views made afterwards listen to a new one."""
    global _bus
    if _bus is not None and shiboken6.isValid(_bus):
        _bus.deleteLater()
    _bus = None


def with_changed(fn: Service) -> Service:
    """`fn` whose result is the pair `(result, changed)`, for an `on_done` that needs both."""

    def call(*args: Any, **kwargs: Any) -> tuple[Any, Changed]:
        result, changed = fn(*args, **kwargs)
        return (result, changed), changed

    return call


class OperationHandle(QObject):
    """One running (or finished) operation; `finished` fires once everything is delivered.

    After `finished`: `succeeded`, and either `result` and `changed`, or `error`. An operation
    run in the window's thread has already finished when `run_operation` returns.
    """

    finished = Signal()
    #: From the worker thread to this object (which lives in the window's thread).
    _outcome = Signal(object, object)

    def __init__(
        self,
        parent_widget: QWidget | None,
        on_done: Callable[[Any], object] | None,
        on_fields: FieldsShower | None,
        origin: object | None,
        error_title: str,
    ) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self.on_done = on_done
        self.on_fields = on_fields
        self.origin = origin
        self.error_title = error_title
        self.done = False
        self.succeeded = False
        self.result: Any = None
        self.changed: Changed | None = None
        self.error: BaseException | None = None
        #: The thread the service ran in (`threading.get_ident()`).
        self.worker_thread: int | None = None
        self._runnable: _Worker | None = None
        self._busy: _Busy | None = None
        self._outcome.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------ delivery (window's thread)

    def _deliver(self, outcome: tuple[Any, Changed] | None, error: BaseException | None) -> None:
        _running.discard(self)
        self._runnable = None
        if self._busy is not None:
            self._busy.end()
            self._busy = None
        try:
            if error is None:
                assert outcome is not None
                self._succeed(*outcome)
            else:
                self._fail(error)
        finally:
            self.done = True
            self.finished.emit()

    def _parent(self) -> QWidget | None:
        """The widget that asked, while it still exists (a closed window is not shown to)."""
        parent = self.parent_widget
        return parent if parent is not None and shiboken6.isValid(parent) else None

    def _gone(self) -> bool:
        return self.parent_widget is not None and self._parent() is None

    def _succeed(self, result: Any, changed: Changed) -> None:
        self.succeeded = True
        self.result = result
        self.changed = changed
        # Committed: every open view hears of it, even if the window that asked has closed.
        operation_bus().operation_done.emit(changed, self.origin)
        if self.on_done is not None and not self._gone():
            self.on_done(result)

    def _fail(self, error: BaseException) -> None:
        self.error = error
        parent = self._parent()
        if isinstance(error, ValidationErrors | ValidationError):
            fields = error.errors if isinstance(error, ValidationErrors) else [error]
            if self.on_fields is not None:
                if not self._gone():
                    self.on_fields(fields)
                return
            messages.show_error(parent, error.message, self.error_title)
        elif isinstance(error, UserError):
            messages.show_error(parent, error.message, self.error_title)
        else:  # a bug: logged, and an apology that names the log file
            errors.handle_exception(type(error), error, error.__traceback__)


#: Handles whose worker has not reported yet (nothing else may be holding them).
_running: set[OperationHandle] = set()


class _Worker(QRunnable):
    def __init__(self, handle: OperationHandle, fn: Service, args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.handle = handle
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def run(self) -> None:
        self.handle.worker_thread = threading.get_ident()
        try:
            outcome = self.fn(*self.args, **self.kwargs)
        except BaseException as error:  # everything goes back to the window, never lost here
            self.handle._outcome.emit(None, error)
        else:
            self.handle._outcome.emit(outcome, None)


class _Busy:
    """While the worker runs: a busy cursor, the asking widget disabled, a note after a while."""

    def __init__(self, parent: QWidget | None, text: str) -> None:
        self.parent = parent
        self.note: QLabel | None = None
        self.focus: QWidget | None = None
        self.disabled = False
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
        if parent is not None and not parent.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled):
            focused = QApplication.focusWidget()
            if focused is not None and (focused is parent or parent.isAncestorOf(focused)):
                self.focus = focused
            parent.setEnabled(False)  # against a second click while the first one works
            self.disabled = True
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(lambda: self._show_note(text))
        self.timer.start(WAIT_NOTE_DELAY_MS)

    def _show_note(self, text: str) -> None:
        if self.parent is None or not shiboken6.isValid(self.parent):
            return
        from ui.widgets import notice

        window = self.parent.window()
        note = notice(text, "ok")
        note.setAccessibleName(text)
        note.setParent(window)
        note.adjustSize()
        note.move(
            max(0, (window.width() - note.width()) // 2),
            max(0, window.height() - note.height() - 24),
        )
        note.raise_()
        note.show()
        self.note = note

    def end(self) -> None:
        self.timer.stop()
        QApplication.restoreOverrideCursor()
        if self.note is not None and shiboken6.isValid(self.note):
            self.note.hide()
            self.note.deleteLater()
        self.note = None
        if self.disabled and self.parent is not None and shiboken6.isValid(self.parent):
            self.parent.setEnabled(True)
            if self.focus is not None and shiboken6.isValid(self.focus):
                self.focus.setFocus()


def run_operation(
    parent: QWidget | None,
    fn: Service,
    *args: Any,
    on_done: Callable[[Any], object] | None = None,
    on_fields: FieldsShower | None = None,
    origin: object | None = None,
    in_thread: bool = False,
    wait_text: str = "正在保存……",
    error_title: str = "没有完成",
    **kwargs: Any,
) -> OperationHandle:
    """Run `fn(*args, **kwargs)` (which returns `(result, changed)`) for `parent`.

    On success `operation_bus()` broadcasts `(changed, origin)`, then `on_done(result)` runs.
    `ValidationErrors` (or one `ValidationError`) go to `on_fields` as a list, so a dialog puts
    each beside its field and keeps what was typed; without `on_fields`, and for any other
    `UserError`, a plain box titled `error_title` shows the message. Anything else is a bug:
    logged, then the apology of `ui.errors`.

    With `in_thread`, `fn` runs in a worker thread; `parent` is disabled with a busy cursor
    (and, after a moment, a note saying `wait_text`) until the outcome is delivered in the
    window's thread. Call this from the window's thread; wait on the handle's `finished`.
    """
    handle = OperationHandle(parent, on_done, on_fields, origin, error_title)
    if not in_thread:
        handle.worker_thread = threading.get_ident()
        try:
            outcome = fn(*args, **kwargs)
        except Exception as error:
            handle._deliver(None, error)
        else:
            handle._deliver(outcome, None)
        return handle
    handle._busy = _Busy(parent, wait_text)
    worker = _Worker(handle, fn, args, kwargs)
    handle._runnable = worker
    _running.add(handle)
    QThreadPool.globalInstance().start(worker)
    return handle
