"""`backup`, `restore`, `check` and `backups` through `app.cli.main`, on real files."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from app import cli, cli_backup
from app.cli import EXIT_OK, EXIT_USER_ERROR, main
from app.services.backup import PASSWORD_ENV, backups_folder
from app.services.database import open_database
from app.services.demo import fill_demo
from app.services.sittings import add_attachment
from tests.conftest import TODAY

PASSWORD = "马路对面-2026"


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands on the parser as `app.cli.build_parser` registers them."""
    original = cli.build_parser
    commands = dict(cli.COMMANDS)

    def build() -> argparse.ArgumentParser:
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "backup" not in sub.choices:
            commands.update(cli_backup.add_commands(sub))
        return parser

    monkeypatch.setattr(cli, "build_parser", build)
    monkeypatch.setattr(cli, "COMMANDS", commands)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "办公室" / "laoniangjiu.db"
    db = open_database(path)
    fill_demo(db, cases=20, seed=4, today=TODAY)
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(os.urandom(50_000))
    with db.reading() as session:
        first = (
            session.connection()
            .exec_driver_sql("SELECT min(id) FROM dispute_case WHERE status != 'archived'")
            .scalar()
        )
    assert isinstance(first, int)
    add_attachment(db, first, photo, "现场")
    db.close()
    return path


def _export(capsys: pytest.CaptureFixture[str], db: Path, out: Path) -> bytes:
    code, _, err = run(capsys, "--db", db, "export", out)
    assert code == EXIT_OK, err
    return out.read_bytes()


def _one_file(folder: Path, suffix: str) -> Path:
    (found,) = [p for p in folder.iterdir() if p.suffix == suffix and not p.name.startswith(".")]
    return found


def test_backup_to_a_usb_folder_and_restore_into_an_empty_folder(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "U盘"
    usb.mkdir()
    code, out, err = run(capsys, "--db", demo, "backup", "-o", usb)
    assert code == EXIT_OK, err
    assert "备份已做好" in out and "案件20件" in out
    made = _one_file(usb, ".zip")
    target = tmp_path / "新电脑" / "laoniangjiu.db"
    code, out, err = run(capsys, "--db", target, "restore", made, "--yes")
    assert code == EXIT_OK, err
    assert "案件：20件" in out and "已从备份恢复" in out
    assert _export(capsys, target, tmp_path / "b.json") == _export(
        capsys, demo, tmp_path / "a.json"
    )
    stored = list((tmp_path / "新电脑" / "laoniangjiu-附件").rglob("*"))
    assert [p for p in stored if p.is_file()]


def test_backup_without_a_folder_goes_beside_the_database(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    code, out, err = run(capsys, "--db", demo, "backup")
    assert code == EXIT_OK, err
    assert _one_file(backups_folder(demo), ".zip").name.startswith("laoniangjiu-manual-")
    code, out, _ = run(capsys, "--db", demo, "backups")
    assert code == EXIT_OK
    assert "手动" in out and "案件20件" in out and "共1份" in out


def test_an_encrypted_backup_with_the_password_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    code, out, err = run(capsys, "--db", demo, "backup", "-o", tmp_path, "--encrypt")
    assert code == EXIT_OK, err
    assert "加了密码" in out and "忘记" in out
    made = _one_file(tmp_path, ".lnjbak")
    target = tmp_path / "恢复" / "x.db"

    monkeypatch.setenv(PASSWORD_ENV, "别的密码-12345")
    code, out, err = run(capsys, "--db", target, "restore", made, "--yes")
    assert code == EXIT_USER_ERROR and "密码不对" in err
    assert not target.exists()

    monkeypatch.delenv(PASSWORD_ENV)
    code, out, err = run(capsys, "--db", target, "restore", made, "--yes")
    assert code == EXIT_USER_ERROR and PASSWORD_ENV in err  # no terminal to type it in
    assert not target.exists()

    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    code, out, err = run(capsys, "--db", target, "restore", made, "--yes")
    assert code == EXIT_OK, err
    assert "加密：是" in out


def test_a_password_typed_twice_differently_makes_no_backup(
    capsys: pytest.CaptureFixture[str],
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(cli_backup.getpass, "getpass", lambda prompt="": next(typed))
    code, _, err = run(capsys, "--db", demo, "backup", "-o", tmp_path, "--encrypt")
    assert code == EXIT_USER_ERROR and "两次输入的密码不一样" in err
    assert "忘记了" in err or "忘记" in err  # the warning came before the question
    assert list(tmp_path.glob("*.lnjbak")) == []


def test_a_typed_password_too_short_is_refused(
    capsys: pytest.CaptureFixture[str],
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(cli_backup.getpass, "getpass", lambda prompt="": "1234")
    code, _, err = run(capsys, "--db", demo, "backup", "-o", tmp_path, "--encrypt")
    assert code == EXIT_USER_ERROR and "至少要8个字符" in err


def test_restore_asks_first_and_without_a_terminal_needs_yes(
    capsys: pytest.CaptureFixture[str],
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = run(capsys, "--db", demo, "backup", "-o", tmp_path)
    assert code == EXIT_OK, err
    made = _one_file(tmp_path, ".zip")
    before = demo.read_bytes()

    code, out, err = run(capsys, "--db", demo, "restore", made)
    assert code == EXIT_USER_ERROR and "--yes" in err
    assert "案件：20件" in out  # what the backup holds was shown first
    assert demo.read_bytes() == before

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": "否")
    code, out, err = run(capsys, "--db", demo, "restore", made)
    assert code == EXIT_OK and "没有恢复" in out
    assert demo.read_bytes() == before

    monkeypatch.setattr("builtins.input", lambda prompt="": "是")
    code, out, err = run(capsys, "--db", demo, "restore", made)
    assert code == EXIT_OK, err
    assert "另存为" in out
    assert list(backups_folder(demo).glob("laoniangjiu-before-restore-*.db"))


def test_restore_refuses_a_damaged_backup_in_words(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--db", demo, "backup", "-o", tmp_path)
    assert code == EXIT_OK, err
    made = _one_file(tmp_path, ".zip")
    os.truncate(made, made.stat().st_size // 2)
    before = demo.read_bytes()
    code, _, err = run(capsys, "--db", demo, "restore", made, "--yes")
    assert code == EXIT_USER_ERROR
    assert "备份文件不完整或已损坏" in err and "Traceback" not in err
    assert demo.read_bytes() == before
    code, _, err = run(capsys, "--db", demo, "restore", tmp_path / "没有这个.zip", "--yes")
    assert code == EXIT_USER_ERROR and "找不到备份文件" in err


def test_check_says_sound_or_damaged(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--db", demo, "check")
    assert code == EXIT_OK, err
    assert "数据库完好" in out and "操作记录完整" in out
    damaged = tmp_path / "坏.db"
    data = bytearray(demo.read_bytes())
    middle = len(data) // 2 - (len(data) // 2) % 4096
    data[middle : middle + 8192] = os.urandom(8192)
    damaged.write_bytes(bytes(data))
    code, out, err = run(capsys, "--db", damaged, "check")
    assert code == EXIT_USER_ERROR
    assert "数据库有问题" in err and "恢复" in err and "Traceback" not in err
    code, _, err = run(capsys, "--db", tmp_path / "没有.db", "check")
    assert code == EXIT_USER_ERROR and "找不到数据库文件" in err
    assert not (tmp_path / "没有.db").exists()


def test_backups_lists_nothing_in_words(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "--db", demo, "backups")
    assert code == EXIT_OK and "还没有" in out


def test_the_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("backup", "restore", "check", "backups"):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert "用法：" in out
    with pytest.raises(SystemExit):
        main(["backup", "--help"])
    assert PASSWORD_ENV in capsys.readouterr().out
