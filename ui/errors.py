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

from app.domain.errors import UserError
from app.paths import log_path

_logger: logging.Logger | None = None
_showing = False
#: The log file as faulthandler writes to it: open for the life of the process.
_crash_file: TextIO | None = None


def logger() -> logging.Logger:
    global _logger
    if _logger is None:
        _logger = logging.getLogger("laoniangjiu.ui")
        _logger.setLevel(logging.INFO)
        try:
            handler: logging.Handler = logging.FileHandler(log_path(), encoding="utf-8")
        except OSError:  # a read-only data folder must not stop the program
            handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _logger.addHandler(handler)
    return _logger


def log_exception(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    text = "".join(traceback.format_exception(kind, error, tb))
    logger().error("意外错误：\n%s", text)
    for handler in logger().handlers:
        handler.flush()


def apology() -> str:
    return (
        "很抱歉，程序出了一个意外的问题，刚才的操作可能没有完成。\n"
        "已经保存的案件不受影响，可以继续使用。\n\n"
        f"问题的详细情况已记录在这个文件里：\n{log_path()}\n"
        "请把这个文件交给维护人员。"
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

    if isinstance(error, UserError):
        text = error.message
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
            _crash_file = open(log_path(), "a", encoding="utf-8")  # noqa: SIM115
        except OSError:
            if sys.stderr is not None:  # None for a windowed program on Windows
                faulthandler.enable(all_threads=True)
            return
    faulthandler.enable(file=_crash_file, all_threads=True)
