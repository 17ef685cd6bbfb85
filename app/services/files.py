"""Writing output files so that a full disk or a crash never leaves half a file behind.

The content goes to a temporary file beside the target, is flushed to disk, and only then
renamed over the target (an atomic step on the same file system).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from app.domain.errors import UserError


def write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Call `write(binary_handle)` into a temporary file, fsync, then rename onto `target`."""
    target = target.expanduser()
    if target.is_dir():
        raise UserError(f"“{target}”是一个文件夹，请给出要保存的文件名。")
    folder = target.parent
    if not folder.exists():
        raise UserError(f"文件夹“{folder}”不存在，请换一个保存位置。")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as error:
        raise UserError(
            f"无法在“{folder}”中保存文件：{error.strerror}。请换一个文件夹，例如“文档”或桌面。"
        ) from error
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.errno == 28:  # ENOSPC
            raise UserError("磁盘已满，文件没有保存。请删除一些不用的文件后再试。") from error
        if isinstance(error, PermissionError):
            raise UserError(
                f"没有权限写入“{target}”。"
                "如果这个文件正在 Word 或 PDF 阅读器中打开，请先关闭它再试。"
            ) from error
        raise UserError(f"保存“{target.name}”失败：{error.strerror}。") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
