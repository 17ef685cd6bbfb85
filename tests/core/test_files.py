"""Output files: written whole or not at all, with ordinary permissions, errors in Chinese."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from app.domain.errors import UserError
from app.services.files import os_problem, write_atomically


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_gets_the_usual_mode(tmp_path: Path, umask_022) -> None:
    """mkstemp makes 0600 files; an exported or printed file must be readable like any other."""
    target = write_atomically(tmp_path / "a.pdf", lambda out: out.write(b"%PDF"))
    assert target.read_bytes() == b"%PDF"
    assert mode_of(target) == 0o644


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_022) -> None:
    target = tmp_path / "a.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(target, lambda out: out.write(b"new"))
    assert target.read_text() == "new" and mode_of(target) == 0o640


def test_a_full_disk_is_told_in_chinese_and_leaves_nothing(tmp_path: Path) -> None:
    def fill(out) -> None:  # type: ignore[no-untyped-def]
        out.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UserError) as caught:
        write_atomically(tmp_path / "a.pdf", fill)
    assert "磁盘已满" in caught.value.message and "No space" not in caught.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "english", "chinese"),
    [
        (errno.ENOENT, "No such file or directory", "不存在"),
        (errno.EACCES, "Permission denied", "没有权限"),
        (errno.ENOSPC, "No space left on device", "磁盘已满"),
        (errno.EISDIR, "Is a directory", "这是一个文件夹，不是文件"),
        (errno.EROFS, "Read-only file system", "只能读"),
        (errno.EMLINK, "Too many links", "错误代码"),
    ],
)
def test_os_errors_are_explained_without_the_system_english(code, english, chinese) -> None:
    problem = os_problem(OSError(code, english))
    assert chinese in problem and english not in problem
    assert "请" in problem  # and says what to do


def test_a_folder_given_as_the_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        write_atomically(tmp_path, lambda out: out.write(b""))
    assert "是一个文件夹" in caught.value.message
