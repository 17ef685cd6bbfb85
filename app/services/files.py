"""Writing output files so that a full disk or a crash never leaves half a file behind.

The content goes to a temporary file beside the target, is flushed to disk, and only then
renamed over the target (an atomic step on the same file system).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from app.domain.errors import UserError

#: What the operating system's error means, in words a volunteer understands, and what to do.
#: The system's own text (error.strerror) is English on most machines and is never shown.
_OS_PROBLEMS: dict[int, str] = {
    errno.ENOENT: "文件或文件夹不存在，请检查名字和所在的文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹，请检查所在的文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件，请在文件夹里选一个文件，或给出文件名",
    errno.EACCES: "没有权限使用这个文件或文件夹，请换一个位置，例如“文档”或桌面",
    errno.EPERM: "没有权限使用这个文件或文件夹，请换一个位置，例如“文档”或桌面",
    errno.EROFS: "这个位置只能读、不能写（例如光盘或写保护的U盘），请换一个位置",
    errno.ENOSPC: "磁盘已满，请删除一些不用的文件后再试，或换一个磁盘",
    errno.ENAMETOOLONG: "文件名太长了，请起一个短一点的名字",
    errno.EBUSY: "文件正被其他程序使用，请关闭那个程序后再试",
    errno.EIO: "读写磁盘时出错，U盘可能已拔出或损坏，请检查后再试",
    errno.EINVAL: '文件名中有不允许的字符，请去掉 \\ / : * ? " < > | 这些符号',
}


if hasattr(errno, "EDQUOT"):  # a quota, not the disk itself, is full: the advice is the same
    _OS_PROBLEMS[errno.EDQUOT] = _OS_PROBLEMS[errno.ENOSPC]


def os_problem(error: OSError) -> str:
    """The Chinese explanation of an operating-system error, with what to do about it."""
    if isinstance(error, PermissionError) and error.errno not in _OS_PROBLEMS:
        return _OS_PROBLEMS[errno.EACCES]
    known = _OS_PROBLEMS.get(error.errno or 0)
    if known:
        return known
    return f"系统拒绝了这次操作（错误代码 {error.errno}），请换一个位置或稍后再试"


def write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Call `write(binary_handle)` into a temporary file, fsync, then rename onto `target`.

    A new file gets the usual permissions (0666 less the umask, as any program's output);
    a file that is replaced keeps the permissions it had.
    """
    target = target.expanduser()
    if target.is_dir():
        raise UserError(f"“{target}”是一个文件夹，不是文件，请给出要保存的文件名，例如 协议.pdf。")
    folder = target.parent
    if not folder.exists():
        raise UserError(f"文件夹“{folder}”不存在，请换一个保存位置，例如“文档”或桌面。")
    handle, temporary = _create_temporary(target)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        _keep_mode_of(target, temporary)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, PermissionError):
            raise UserError(
                f"没有权限写入“{target}”。"
                "如果这个文件正在 Word 或 PDF 阅读器中打开，请先关闭它再试；"
                "否则请换一个保存位置，例如“文档”或桌面。"
            ) from error
        raise UserError(f"“{target.name}”没有保存：{os_problem(error)}。") from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _create_temporary(target: Path) -> tuple[int, Path]:
    """A new hidden file beside `target`, created with mode 0666 so the umask applies.

    (tempfile.mkstemp would make it 0600, and the rename would hand that on to the output.)
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
        except OSError as error:
            raise UserError(
                f"无法在文件夹“{target.parent}”中保存文件：{os_problem(error)}。"
            ) from error
    raise UserError(f"无法在文件夹“{target.parent}”中保存文件，请换一个文件夹再试。")


def _keep_mode_of(target: Path, temporary: Path) -> None:
    """Give the new content the permissions of the file it replaces, if there is one."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return
    os.chmod(temporary, mode)
