"""Starting the program: options, fonts, one copy per data folder, the database checked and
opened (or restored from a backup when it is damaged), then the main window."""

from __future__ import annotations

import time

# Taken before Qt and the database layer are imported: start-up is timed from here.
STARTED = time.perf_counter()

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from PySide6.QtCore import QObject, QThread, QTimer, Signal  # noqa: E402

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from app.services.backup import QuickCheck
    from app.services.database import Database
    from ui.main_window import MainWindow
    from ui.recovery_dialog import RecoveryDialog
    from ui.sign_in_dialog import SignInDialog
    from ui.single_instance import SingleCopy

DEMO_CASES = 120
#: Exit codes: 0 = done (also: another copy was running and came to the front); 2 = the
#: database could not be opened (nothing was changed); 4 = another copy is running on the same
#: data folder and did not answer.
EXIT_OK, EXIT_DATABASE, EXIT_RUNNING = 0, 2, 4


def demo_database_path() -> Path:
    return Path(tempfile.gettempdir()) / "laoniangjiu-demo" / "demo.db"


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="laoniangjiu", description="老娘舅 — 社区人民调解室的案件登记与协议打印"
    )
    parser.add_argument("--db", metavar="文件", help="案件数据库文件（不填就用本机数据文件夹里的）")
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"使用演示数据库（放在临时文件夹里，第一次会生成{DEMO_CASES}件演示案件）",
    )
    # For measuring start-up and for pictures of the window; not for everyday use.
    parser.add_argument("--exit-after-paint", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--screenshot", metavar="FILE", help=argparse.SUPPRESS)
    return parser.parse_known_args(argv)


def rss_mb() -> float:
    """Resident memory of this process in MB (0 when the system does not tell)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)
    except (ImportError, OSError):
        pass
    return _windows_rss_mb()


def _windows_rss_mb() -> float:
    try:
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [
                ("cb", wintypes.DWORD),
                ("PageFaultCount", wintypes.DWORD),
                ("PeakWorkingSetSize", ctypes.c_size_t),
                ("WorkingSetSize", ctypes.c_size_t),
                ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                ("QuotaPagedPoolUsage", ctypes.c_size_t),
                ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                ("PagefileUsage", ctypes.c_size_t),
                ("PeakPagefileUsage", ctypes.c_size_t),
            ]

        counters = Counters()
        counters.cb = ctypes.sizeof(Counters)
        process = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
        ok = ctypes.windll.psapi.GetProcessMemoryInfo(  # type: ignore[attr-defined]
            process, ctypes.byref(counters), counters.cb
        )
        return counters.WorkingSetSize / 2**20 if ok else 0.0
    except (ImportError, AttributeError, OSError):
        return 0.0


def chosen_database_path(args: argparse.Namespace) -> Path:
    """The database file the options name (the demo one, `--db`, or the data folder's)."""
    from app.paths import default_database_path

    if args.demo:
        return demo_database_path()
    return Path(args.db) if args.db else default_database_path()


def open_chosen_database(args: argparse.Namespace) -> Database:
    """The database the options name; the demo one is filled the first time."""
    from app.services.database import open_database

    path = chosen_database_path(args)
    if args.demo:
        fresh = not path.exists()
        db = open_database(path)
        if fresh:
            from app.services.demo import fill_demo

            fill_demo(db, DEMO_CASES)
        return db
    return open_database(path)


def tell(text: str) -> None:
    """A line for the console the program was started from (a windowed program on Windows
    has none)."""
    if sys.stderr is not None:
        print(text, file=sys.stderr, flush=True)


class InBackground(QThread):
    """One step's slow part off the window's thread: `done(result)` or `failed(words)`.

    Loading the database layer, checking and opening the file take most of the start-up;
    meanwhile the window is already on screen saying the cases are being opened.
    """

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.work = work
        #: What `work` returned, also when nobody took it (the window closed meanwhile).
        self.result: object = None
        self.delivered = False

    def run(self) -> None:
        from app.domain.errors import UserError
        from ui import errors

        try:
            self.result = self.work()
        except UserError as error:
            self.failed.emit(error.message)
        except Exception as error:  # a bug, not the user's file: log it and say where
            errors.log_exception(type(error), error, error.__traceback__)
            self.failed.emit(errors.apology())
        else:
            self.done.emit(self.result)


class StartUp(QObject):
    """Starting the program, one step after the other; each step is one method that ends by
    calling the next (at once, or when its work in the background is done):

        claim_data_folder → show_window → check_database → open_database → sign_in → show_cases
                                          damaged ↓   ↑ restored (checked again)
                                                 recover

    `open_database` hands the open database to the step after it. `finish(code)` ends the
    program instead.
    `close()` is the end of every start: the database closed, the data folder let go.
    """

    def __init__(
        self,
        args: argparse.Namespace,
        app: QApplication,
        *,
        quit: Callable[[int], object] | None = None,
    ) -> None:
        super().__init__()
        self.args = args
        self.app = app
        self.quit: Callable[[int], object] = quit or app.exit
        self.quiet = bool(args.exit_after_paint or args.screenshot)
        self.path = chosen_database_path(args)
        self.window: MainWindow | None = None
        self.timing = StartTiming(self.quiet)
        self.single: SingleCopy | None = None
        self.recovery: RecoveryDialog | None = None
        #: The dialog of the sign-in step open now (tests answer it).
        self.dialog: QDialog | None = None
        #: What a restore at the start said, shown once the window has its cases.
        self.restored_message = ""
        self.exit_code: int | None = None
        self._jobs: list[InBackground] = []

    def start(self) -> None:
        self.claim_data_folder()

    def finish(self, code: int) -> None:
        self.exit_code = code
        self.quit(code)

    def _in_background(
        self,
        work: Callable[[], object],
        done: Callable[[object], object],
        failed: Callable[[str], object],
    ) -> None:
        job = InBackground(work)

        def deliver(value: object) -> None:
            job.delivered = True
            done(value)

        job.done.connect(deliver)
        job.failed.connect(failed)
        self._jobs.append(job)
        job.start()

    # ------------------------------------------------------------ 1. one copy per folder

    def claim_data_folder(self) -> None:
        """One copy of the program per data folder: a second start brings the running
        window to the front and ends."""
        from ui import messages
        from ui.single_instance import (
            BROUGHT_TO_FRONT,
            NOT_ANSWERING,
            SingleCopy,
            ask_running_copy,
        )

        folder = self.path.expanduser().absolute().parent
        single = SingleCopy(folder, self)
        if single.claim():
            self.single = single
            self.show_window()
            return
        if ask_running_copy(folder):
            tell(BROUGHT_TO_FRONT)
            self.finish(EXIT_OK)
            return
        tell(NOT_ANSWERING)
        if not self.quiet:
            messages.show_info(None, NOT_ANSWERING, "老娘舅已经打开了")
        self.finish(EXIT_RUNNING)

    # ------------------------------------------------------------ 2. the window

    def show_window(self) -> None:
        """The window at once, saying the cases are being opened."""
        from ui.main_window import MainWindow

        window = MainWindow()
        self.window = window
        window.first_painted.connect(self.timing.painted)
        if self.single is not None:
            self.single.show_requested.connect(window.bring_to_front)
        screen = window.screen() or self.app.primaryScreen()
        window.setGeometry(screen.availableGeometry())
        window.showMaximized()
        self.check_database()

    # ------------------------------------------------------------ 3. is the file sound?

    def check_database(self) -> None:
        """The quick check, before the file is opened: a damaged one is never worked on."""
        path = self.path

        def work() -> object:
            from app.services.backup import quick_check

            return quick_check(path)

        self._in_background(work, self._checked, self.failed)

    def _checked(self, check: object) -> None:
        from app.services.backup import QuickCheck

        assert isinstance(check, QuickCheck)
        if check.sound:
            self.open_database()
        else:
            self.recover(check)

    def recover(self, check: QuickCheck) -> None:
        """The damaged file said so in words, with the newest good backup to restore."""
        if self.quiet:
            tell(f"无法打开案件数据库：{check.message}")
            self.finish(EXIT_DATABASE)
            return
        from ui.recovery_dialog import RecoveryDialog

        dialog = RecoveryDialog(self.window, check)
        self.recovery = dialog
        dialog.restored.connect(self._restored)
        dialog.rejected.connect(lambda: self.finish(EXIT_DATABASE))
        dialog.open()

    def _restored(self, result: object) -> None:
        self.restored_message = str(getattr(result, "message", ""))
        if self.recovery is not None:
            self.recovery.deleteLater()
            self.recovery = None
        self.check_database()  # the restored file is checked like any other

    # ------------------------------------------------------------ 4. opening it

    def open_database(self) -> None:
        args = self.args
        self._in_background(lambda: open_chosen_database(args), self._opened, self.failed)

    def _opened(self, db: object) -> None:
        from app.services.database import Database

        assert isinstance(db, Database)
        self.sign_in(db)

    def failed(self, text: str) -> None:
        from ui import messages

        tell(f"无法打开案件数据库：{text}")
        if not self.quiet:
            messages.show_error(self.window, text, "无法打开案件数据库")
        self.finish(EXIT_DATABASE)

    # ------------------------------------------------------------ 5. who is at the keyboard

    def sign_in(self, db: Database) -> None:
        """With accounts on, nothing of a case shows before someone signs in. The first start
        (a new database, see `accounts.never_set_up`) asks whether one person uses the PC or
        several, once per data folder; not for the demo, nor when measuring or taking
        pictures."""
        from app.services import accounts
        from ui.sign_in_dialog import FirstStartQuestion, SignInDialog, was_asked

        if self.quiet:
            self.show_cases(db)
            return
        if accounts.accounts_enabled(db):
            dialog = SignInDialog(self.window, db)
            dialog.finished.connect(lambda result: self._signed_in(db, dialog, result))
            self.dialog = dialog
            dialog.open()
            return
        folder = self.folder_key()
        if self.args.demo or was_asked(folder) or not accounts.never_set_up(db):
            self.show_cases(db)
            return
        question = FirstStartQuestion(self.window, db)
        question.finished.connect(lambda _result: self._answered(db, question))
        self.dialog = question
        question.open()

    def folder_key(self) -> str:
        return str(self.path.expanduser().absolute().parent)

    def _answered(self, db: Database, question: QDialog) -> None:
        from ui.sign_in_dialog import remember_asked

        remember_asked(self.folder_key())  # either answer: it is not asked again
        self.dialog = None
        question.deleteLater()
        self.show_cases(db)

    def _signed_in(self, db: Database, dialog: SignInDialog, result: int) -> None:
        from PySide6.QtWidgets import QDialog

        from ui.sign_in_dialog import ChangePinDialog

        self.dialog = None
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted or dialog.person is None:
            db.close()
            self.finish(EXIT_OK)
            return
        if dialog.person.must_change_pin:
            # The PIN an administrator set is known to them: the person picks their own now.
            change = ChangePinDialog(self.window, db, old_pin=dialog.typed_pin)
            dialog.typed_pin = ""
            change.finished.connect(lambda _result: self._pin_chosen(db, change))
            self.dialog = change
            change.open()
            return
        dialog.typed_pin = ""
        self.show_cases(db)

    def _pin_chosen(self, db: Database, change: QDialog) -> None:
        self.dialog = None
        change.deleteLater()
        self.show_cases(db)

    # ------------------------------------------------------------ 6. the cases

    def show_cases(self, db: Database) -> None:
        from ui import messages
        from ui.backup_dialog import AutoBackup

        window = self.window
        assert window is not None
        window.attach(db)
        window.auto_backup = AutoBackup(window)
        if not self.quiet:
            from ui.idle_lock import IdleLock

            window.idle_lock = IdleLock(window, db, quit=window.close)
        # What start-up built lives as long as the window: the collector need not walk it again
        # at every full collection (those walks were 30–50 ms pauses on 10,000 cases' 待办).
        gc.freeze()
        if self.quiet:
            window.repaint()  # the filled list on screen before the time is taken
            self.timing.report_and_quit(self.app, window, self.args.screenshot)
        elif self.restored_message:
            messages.show_info(window, self.restored_message, "已从备份恢复")

    # ------------------------------------------------------------ the end

    def close(self) -> None:
        """After the program's last moment: background work waited for, the database
        closed, the data folder let go."""
        for job in self._jobs:
            job.wait()
        window = self.window
        db = window.db if window is not None else None
        if db is not None:
            db.close()
        for job in self._jobs:  # a database opened after the window was closed
            if not job.delivered and hasattr(job.result, "close") and job.result is not db:
                job.result.close()
        self._jobs.clear()
        if self.single is not None:
            self.single.release()


def main(argv: list[str] | None = None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_args])

    from ui import errors, style
    from ui.wheel_guard import install_wheel_guard

    style.setup_application(app)
    install_wheel_guard(app)  # the wheel scrolls forms, never changes a field by itself
    errors.install_excepthook()
    errors.enable_crash_traces()  # a segfault in Qt leaves its traceback in the log too

    startup = StartUp(args, app)
    QTimer.singleShot(0, startup.start)  # in the event loop: `finish` can end it
    try:
        return app.exec()
    finally:
        startup.close()


class StartTiming:
    """For `--exit-after-paint`: when the window first showed, and when its list did."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.painted_ms: float | None = None

    def painted(self) -> None:
        if self.painted_ms is None:
            self.painted_ms = (time.perf_counter() - STARTED) * 1000
            if self.quiet:  # at once: a benchmark can time the line's arrival as well
                print(f"painted_ms={self.painted_ms:.0f}", flush=True)

    def report_and_quit(self, app: QApplication, window: QWidget, screenshot: str | None) -> None:
        ready = (time.perf_counter() - STARTED) * 1000
        print(f"ready_ms={ready:.0f} rss_mb={rss_mb():.1f}", flush=True)
        if screenshot:
            # Let the layouts take in what the list changed (the count, the notice gone), as
            # they do on screen an instant later, so the picture is what a person sees.
            app.processEvents()
            window.grab().save(screenshot)
        app.quit()
