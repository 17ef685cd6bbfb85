"""The program's one log: the file in the data folder where bugs leave their tracebacks for
the maintainer. The window (`ui.errors`) and the command line write to it through the logger
configured here, and nowhere else.

The log must never hold a resident's personal data. SQLAlchemy is told never to put a
statement's values into its errors (`app.db.engine`); as a second line of defence every record
is masked on its way to the file: 15- and 18-character ID numbers and 11-digit mobile numbers
keep only the digits a list shows (`app.domain.values`). The file is readable by its owner
only. A log that cannot be written (a full disk, a read-only folder) is silently skipped: the
person at the keyboard must not see Python's "--- Logging error ---" instead of their answer.
"""

from __future__ import annotations

import io
import logging
import os
import re
import stat
from contextlib import suppress
from pathlib import Path

from app import paths

LOGGER_NAME = "laoniangjiu"
FORMAT = "%(asctime)s %(levelname)s %(message)s"
PRIVATE_FILE = 0o600

# Digits glued to letters or other digits are something else (a uuid, a long number): only a
# number standing on its own is taken for an ID number or a phone. Chinese characters around
# it do not protect it, hence no \b (which counts them as word characters).
_ALONE_BEFORE = r"(?<![0-9A-Za-z])"
_ALONE_AFTER = r"(?![0-9A-Za-z])"
_ID_NUMBER = re.compile(f"{_ALONE_BEFORE}(?:\\d{{17}}[\\dXx]|\\d{{15}}){_ALONE_AFTER}")
_MOBILE = re.compile(
    f"{_ALONE_BEFORE}(?:\\+?86[- ]?)?1[3-9]\\d[- ]?\\d{{4}}[- ]?\\d{{4}}{_ALONE_AFTER}"
)


def mask_personal(text: str) -> str:
    """`text` with every ID number and mobile number in it masked as lists show them."""
    from app.domain.values import mask_id_number, mask_phone

    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group(0))[-11:]), text)


class PersonalDataFilter(logging.Filter):
    """Masks the message, the traceback and the stack of every record it passes."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: both kept, as text
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = mask_personal(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


def open_private(path: Path) -> io.TextIOWrapper:
    """`path` opened for appending, made readable by its owner only (also an older log that
    others could read); the data folder is made first if it is missing."""
    paths.make_folder(path.parent)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, PRIVATE_FILE)
    try:
        info = os.fstat(descriptor)
        # Only a plain file: a log pointed at a device (/dev/full, /dev/null) keeps its mode.
        if hasattr(os, "fchmod") and stat.S_ISREG(info.st_mode) and info.st_mode & 0o077:
            os.fchmod(descriptor, PRIVATE_FILE)
        return os.fdopen(descriptor, "a", encoding="utf-8", errors="backslashreplace")
    except BaseException:
        os.close(descriptor)
        raise


class PrivateLogHandler(logging.FileHandler):
    """The log file: opened at the first record, private, and quiet about its own failures.

    `failed` says whether the last record was lost, so a message can avoid pointing at a log
    that does not hold it.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8", errors="backslashreplace", delay=True)
        self.failed = False
        self.addFilter(PersonalDataFilter())

    def _open(self) -> io.TextIOWrapper:
        return open_private(Path(self.baseFilename))

    def emit(self, record: logging.LogRecord) -> None:
        self.failed = False
        try:
            if self.stream is None:
                self.stream = self._open()
            logging.StreamHandler.emit(self, record)
        except Exception:
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        # No "--- Logging error ---" on the console; the next record tries the file again.
        self.failed = True
        stream, self.stream = self.stream, None
        if stream is not None:
            with suppress(OSError):
                stream.close()

    def close(self) -> None:
        with suppress(OSError):  # what a full disk could not take is lost either way
            super().close()


_handler: PrivateLogHandler | None = None


def logger() -> logging.Logger:
    """The program's logger (the window's is its child `laoniangjiu.ui`)."""
    global _handler
    log = logging.getLogger(LOGGER_NAME)
    if _handler is None:
        _handler = PrivateLogHandler(paths.log_path())
        _handler.setFormatter(logging.Formatter(FORMAT))
        log.addHandler(_handler)
        log.setLevel(logging.INFO)
        log.propagate = False  # no other handler sees a record before it is masked
    return log


def log_exception(where: str) -> Path | None:
    """Write the current exception's traceback to the log; returns the log file's path, or
    None when the log could not be written."""
    logger().error("unexpected error in %s", where, exc_info=True)
    return written()


def written() -> Path | None:
    """The log file's path if the last record reached it, else None."""
    if _handler is None or _handler.failed:
        return None
    try:
        _handler.flush()
    except OSError:
        return None
    return Path(_handler.baseFilename)
