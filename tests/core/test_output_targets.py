"""Every output file (export, roster sheet, statistics, subsidy and screening reports, printed
forms) goes through one atomic writer, which replaces only a new name or a plain file the user
may write: never a link, a device, a pipe, a folder or a read-only file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from app.domain.errors import UserError
from app.services.files import write_atomically
from tests.test_cli_hardening import posix_only, run, user_fault

KEEP = b"keep me"


@pytest.fixture
def db_file(tmp_path: Path, new_database_file: Path) -> Path:
    path = tmp_path / "cases.db"
    shutil.copyfile(new_database_file, path)
    return path


def made(tmp_path: Path, kind: str) -> Path:
    """A target of this kind holding `KEEP` (behind the link, for a link)."""
    target = tmp_path / "案件.json"
    if kind == "read-only":
        target.write_bytes(KEEP)
        target.chmod(0o444)
    elif kind == "symlink":
        aim = tmp_path / "aim.json"
        aim.write_bytes(KEEP)
        target.symlink_to(aim)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    return target


def unchanged(tmp_path: Path, target: Path, before: os.stat_result, kind: str) -> None:
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    if kind in ("read-only", "symlink"):
        assert target.read_bytes() == KEEP
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@posix_only
@pytest.mark.parametrize("kind", ["read-only", "symlink", "fifo", "folder"])
def test_the_writer_replaces_nothing_but_a_plain_writable_file(tmp_path: Path, kind: str) -> None:
    target = made(tmp_path, kind)
    before = os.lstat(target)
    with pytest.raises(UserError) as caught:
        write_atomically(target, lambda out: out.write(b"new"))
    assert "案件.json" in caught.value.message
    unchanged(tmp_path, target, before, kind)


@posix_only
@pytest.mark.parametrize("kind", ["read-only", "symlink"])
def test_export_refuses_a_link_or_a_read_only_file(
    tmp_path: Path,
    db_file: Path,
    kind: str,
) -> None:
    target = made(tmp_path, kind)
    before = os.lstat(target)
    message = user_fault(run("export", str(target), db=db_file))
    assert "案件.json" in message
    assert ("只读" if kind == "read-only" else "链接") in message
    unchanged(tmp_path, target, before, kind)


def test_export_still_replaces_a_plain_file(tmp_path: Path, db_file: Path) -> None:
    target = tmp_path / "案件.json"
    target.write_text("old", encoding="utf-8")
    result = run("export", str(target), db=db_file)
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "laoniangjiu-exchange"


def test_printing_shares_the_writer_check() -> None:
    from app.services import files, printing

    assert printing.check_target is files.check_target
