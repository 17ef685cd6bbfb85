"""The log file in the data folder, where bugs leave their tracebacks for the maintainer."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from app.paths import log_path

_configured = False


def logger() -> logging.Logger:
    global _configured
    log = logging.getLogger("laoniangjiu")
    if not _configured:
        handler = logging.FileHandler(log_path(), encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        _configured = True
    return log


def log_exception(where: str) -> Path:
    """Write the current exception's traceback to the log; returns the log file's path."""
    logger().error("unexpected error in %s\n%s", where, traceback.format_exc())
    return log_path()
