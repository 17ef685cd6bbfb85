"""Starting the program: options, fonts, the database, then the main window."""

from __future__ import annotations

import time

# Taken before Qt and the database layer are imported: start-up is timed from here.
STARTED = time.perf_counter()

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from PySide6.QtCore import QThread, Signal  # noqa: E402

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from app.services.database import Database

DEMO_CASES = 120
#: Exit codes: 2 = the database could not be opened (nothing was changed).
EXIT_DATABASE = 2


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


def open_chosen_database(args: argparse.Namespace) -> Database:
    """The database the options name; the demo one is filled the first time."""
    from app.paths import default_database_path
    from app.services.database import open_database

    if args.demo:
        path = demo_database_path()
        fresh = not path.exists()
        db = open_database(path)
        if fresh:
            from app.services.demo import fill_demo

            fill_demo(db, DEMO_CASES)
        return db
    return open_database(Path(args.db) if args.db else default_database_path())


class DatabaseOpener(QThread):
    """Opens (and, the first time, fills) the database off the window's thread.

    Loading the database layer and opening the file take most of the start-up; meanwhile the
    window is already on screen saying the cases are being opened, and it stays responsive.
    """

    opened = Signal(object)
    failed = Signal(str)

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__()
        self.args = args

    def run(self) -> None:
        from app.domain.errors import UserError
        from ui import errors

        try:
            db = open_chosen_database(self.args)
        except UserError as error:
            self.failed.emit(error.message)
        except Exception as error:  # a bug, not the user's file: log it and say where
            errors.log_exception(type(error), error, error.__traceback__)
            self.failed.emit(errors.apology())
        else:
            self.opened.emit(db)


def main(argv: list[str] | None = None) -> int:
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_args])

    from ui import errors, messages, style
    from ui.wheel_guard import install_wheel_guard

    style.setup_application(app)
    install_wheel_guard(app)  # the wheel scrolls forms, never changes a field by itself
    errors.install_excepthook()
    errors.enable_crash_traces()  # a segfault in Qt leaves its traceback in the log too
    quiet = bool(args.exit_after_paint or args.screenshot)

    from ui.main_window import MainWindow

    window = MainWindow()
    timing = StartTiming(quiet)
    window.first_painted.connect(timing.painted)
    screen = window.screen() or app.primaryScreen()
    window.setGeometry(screen.availableGeometry())
    window.showMaximized()

    opener = DatabaseOpener(args)
    outcome: dict[str, object] = {}

    def opened(db: object) -> None:
        outcome["db"] = db
        window.attach(db)  # type: ignore[arg-type]
        # What start-up built lives as long as the window: the collector need not walk it again
        # at every full collection (those walks were 30–50 ms pauses on 10,000 cases' 待办).
        gc.freeze()
        if quiet:
            window.repaint()  # the filled list on screen before the time is taken
            timing.report_and_quit(app, window, args.screenshot)

    def failed(text: str) -> None:
        print(f"无法打开案件数据库：{text}", file=sys.stderr, flush=True)
        if not quiet:
            messages.show_error(window, text, "无法打开案件数据库")
        app.exit(EXIT_DATABASE)

    opener.opened.connect(opened)
    opener.failed.connect(failed)
    opener.start()
    try:
        return app.exec()
    finally:
        opener.wait()
        db = outcome.get("db")
        if db is not None:
            db.close()  # type: ignore[attr-defined]


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
