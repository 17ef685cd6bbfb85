"""Unexpected errors: written to the log file, then an apology that names the file.

The program keeps running: one broken action must not lose the rest of someone's work.
A hard crash (a segfault inside Qt) cannot be caught: `faulthandler` writes the Python
traceback of every thread into the same log file as the process dies.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import traceback
from types import TracebackType
from typing import TextIO

from app import logs
from app.domain.errors import UserError
from app.paths import log_path

_showing = False
#: The log file as faulthandler writes to it: open for the life of the process.
_crash_file: TextIO | None = None


def logger() -> logging.Logger:
    """The window's logger: a child of the program's one log (`app.logs`), so both write to
    the same file through the same handler, masked the same way."""
    return logs.logger().getChild("ui")


def log_exception(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    logger().error("意外错误：", exc_info=(kind, error, tb))


def apology() -> str:
    """What the person is told after a bug was logged; it names the log only if the log
    took the record (a full disk, a read-only data folder: it did not)."""
    where = logs.written()
    told = (
        f"问题的详细情况已记录在这个文件里：\n{where}\n请把这个文件交给维护人员。"
        if where is not None
        else f"问题的详细情况没能写入日志文件（{log_path()}），磁盘可能已满或文件夹不能写入。"
        "请把刚才的操作告诉维护人员。"
    )
    return (
        "很抱歉，程序出了一个意外的问题，刚才的操作可能没有完成。\n"
        f"已经保存的案件不受影响，可以继续使用。\n\n{told}"
    )


def handle_exception(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """`sys.excepthook`: log, then tell the user in plain words; never quit."""
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    from ui import messages  # imported late: this module must not need Qt to log

    problem = error if isinstance(error, UserError) else database_problem_of(error)
    if problem is not None:
        text = problem.message
    else:
        log_exception(kind, error, tb)
        text = apology()
    if _showing:  # an error while the apology is open: logged, not stacked
        return
    _showing = True
    try:
        from PySide6.QtWidgets import QApplication

        messages.show_error(QApplication.activeWindow(), text, "出了问题")
    except Exception:
        traceback.print_exception(kind, error, tb)
    finally:
        _showing = False


def database_problem_of(error: BaseException) -> UserError | None:
    """A fault of the database file the person can fix (a full disk, a lock held by another
    program, a read-only folder) that escaped a service: said in words, not as a bug."""
    from app.services.database import database_problem  # the database layer loads late

    return database_problem(error, None)


def install_excepthook() -> None:
    sys.excepthook = handle_exception


def enable_crash_traces() -> None:
    """A hard crash writes the Python traceback of every thread into the log file.

    faulthandler writes to the file's descriptor when the process dies, so the file is opened
    once and stays open; a read-only data folder leaves the traceback on stderr (if any).
    """
    global _crash_file
    if _crash_file is None:
        try:
            _crash_file = logs.open_private(log_path())
        except OSError:
            if sys.stderr is not None:  # None for a windowed program on Windows
                faulthandler.enable(all_threads=True)
            return
    faulthandler.enable(file=_crash_file, all_threads=True)
