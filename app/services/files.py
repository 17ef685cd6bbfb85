"""Writing output files so that a full disk or a crash never leaves half a file behind.

The content goes to a temporary file beside the target, is flushed to disk, and only then
renamed over the target (an atomic step on the same file system).

The rename would replace whatever has the target's name: a link (the file it points to is not
written and the link is lost), a device or a pipe, a file marked read-only. So only a new name
or a plain file the user may write is replaced (`check_target`); anything else is refused
before anything is made. Every output goes through here — printed forms, `export`, the roster
sheet, statistics, subsidy and screening reports — so none of them can be pointed at one.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import secrets
import stat
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from app import paths
from app.domain.errors import UserError, shown_path

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


def check_target(target: Path | str) -> Path:
    """`target` if a file may be saved there: a new name, or a plain file the user may write;
    a `UserError` for a folder, a link, a device, a pipe or a read-only file (nothing changed).

    The link itself is looked at (lstat), not what it points to: replacing it would lose the
    link, and writing through it would change a file somewhere else.
    """
    target = Path(target).expanduser()
    try:
        info = target.lstat()
    except FileNotFoundError:
        return target  # a new file (a missing folder is said by write_atomically)
    except OSError as error:
        raise UserError(f"“{shown_path(target)}”不能保存：{os_problem(error)}。") from error
    name = shown_path(target.name)
    if stat.S_ISLNK(info.st_mode):
        raise UserError(
            f"“{name}”是一个快捷方式（链接），不是普通文件，没有替换它。"
            "请换一个文件名，或直接写出要保存到的文件。"
        )
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"“{name}”是一个文件夹，不是文件，请给出要保存的文件名，例如 协议.pdf。")
    if not stat.S_ISREG(info.st_mode):
        raise UserError(
            f"“{name}”不是普通文件（是设备、管道之类的特殊文件），不能把文件保存到这里。"
            "请换一个文件名。"
        )
    # The mode bit as well as access(): an administrator may write any file, but a file its
    # owner marked read-only is still not to be replaced.
    if not info.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise UserError(
            f"“{name}”是只读文件，没有替换它。请换一个文件名，或先在文件的属性里去掉“只读”再保存。"
        )
    return target


def write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Call `write(binary_handle)` into a temporary file, fsync, then rename onto `target`.

    A new file gets the usual permissions (0666 less the umask, as any program's output);
    a file that is replaced keeps the permissions it had. What must not be replaced (see
    `check_target`) is refused before anything is written.
    """
    target = check_target(target)
    folder = target.parent
    if not folder.exists():
        raise UserError(f"文件夹“{shown_path(folder)}”不存在，请换一个保存位置，例如“文档”或桌面。")
    _remove_stale_temporaries(target)
    handle, temporary = _create_temporary(target)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        _keep_mode_of(target, temporary)
        os.replace(temporary, target)
        paths.sync_folder(folder)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, PermissionError):
            raise UserError(
                f"没有权限写入“{shown_path(target)}”。"
                "如果这个文件正在 Word 或 PDF 阅读器中打开，请先关闭它再试；"
                "否则请换一个保存位置，例如“文档”或桌面。"
            ) from error
        raise UserError(f"“{shown_path(target.name)}”没有保存：{os_problem(error)}。") from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


#: A temporary file a stopped program left is removed by the next output of the same name once
#: it is this old (s): younger, it may be another copy of the program's, still being written.
STALE_S = 3600.0


def _remove_stale_temporaries(target: Path) -> None:
    """What a program killed while writing `target` left: an export of every case, say, half
    written under a hidden name in the folder the person chose."""
    deadline = time.time() - STALE_S
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*"):
        with suppress(OSError):
            if (
                _TEMPORARY.fullmatch(leftover.name[len(target.name) + 2 :])
                and leftover.is_file()
                and not leftover.is_symlink()
                and leftover.stat().st_mtime < deadline
            ):
                leftover.unlink()


_TEMPORARY = re.compile(r"[0-9a-f]{8}")


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
                f"无法在文件夹“{shown_path(target.parent)}”中保存文件：{os_problem(error)}。"
            ) from error
    raise UserError(f"无法在文件夹“{shown_path(target.parent)}”中保存文件，请换一个文件夹再试。")


def _keep_mode_of(target: Path, temporary: Path) -> None:
    """Give the new content the permissions of the file it replaces, if there is one."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return
    os.chmod(temporary, mode)
