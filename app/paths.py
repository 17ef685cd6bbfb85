"""Where files live: the user's data folder (platformdirs) and the bundled resources.

Naming a path never touches the disk: `--help`, or a command given `--db`, must work even when
the data folder cannot be made (XDG_DATA_HOME pointing at a file, a read-only home). Only
`data_dir()` makes the folder, for what really lives there.
"""

from __future__ import annotations

import os
import stat
import sys
from contextlib import suppress
from importlib.resources import files
from pathlib import Path

from platformdirs import user_data_dir

from app.domain.errors import UserError

APP_NAME = "laoniangjiu"
#: The data folder holds residents' personal data (the database, the log, unsaved drafts):
#: on a PC several people log in to, only its owner may look inside.
PRIVATE_FOLDER = 0o700


def data_dir_path() -> Path:
    """The data folder's path, whether or not it exists."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The data folder, made (for the user only) if it is missing; OSError if it cannot be
    (`unusable_data_dir` says so in words)."""
    path = data_dir_path()
    make_folder(path)
    return path


def unusable_data_dir(error: OSError) -> UserError:
    """Why the data folder cannot be used, and the way round it."""
    from app.services.files import os_problem  # the words for the system's errors

    return UserError(
        f"无法使用本机的数据文件夹“{data_dir_path()}”：{os_problem(error)}。"
        "可以用 --db 指定放在别处的数据库文件，或请维护人员检查这个文件夹。"
    )


def make_folder(path: Path) -> None:
    """Make `path` (and its parents) if missing, a new last one readable by the user only.

    A folder that exists keeps its permissions (it is the user's, e.g. 文档), except the data
    folder: one made by an older version that others could read is closed to them.
    """
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if os.name != "posix":  # Windows keeps a user's AppData private by its own rules
        return
    try:
        is_data_dir = path.resolve() == data_dir_path().resolve()
    except OSError:
        return
    info = path.stat()
    if is_data_dir and info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077)


def default_database_path() -> Path:
    return data_dir_path() / "laoniangjiu.db"


def log_path() -> Path:
    return data_dir_path() / "laoniangjiu.log"


def resource_path(*parts: str) -> Path:
    """A bundled file under `resources/` (fonts, style sheet…)."""
    return Path(str(files("resources").joinpath(*parts)))


def sync_folder(folder: Path) -> None:
    """A rename in `folder` made durable: without it a power cut soon after can leave the old
    file (POSIX; Windows' NTFS journals a rename and has no such call for a folder). A file
    system that cannot sync a folder (a network share) is let be."""
    if sys.platform == "win32":
        return
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
