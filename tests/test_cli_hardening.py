"""The command line attacked: killed while it builds a file, two copies at once, read-only
folders and files, a locked or full database, closed pipes, a GBK console, bytes that are not
UTF-8, a data folder that cannot be used, and outputs that are links or devices.

Each fault a person can fix ends in a Chinese sentence and exit status 1, never the apology
for a bug (exit 3) nor an English traceback. Most run the real program in a child process; a
few run `main` in this process where a fault has to be arranged inside it (a full disk).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from app import cli
from app.db import engine as db_engine
from app.services.database import open_database
from tests.conftest import ROOT
from tests.core.test_exchange import a_case, exchange_file
from tests.core.test_hardening import a_big_roster_file, fresh_log  # noqa: F401 - a fixture

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX files, modes and signals")


def run(
    *args: str | bytes,
    db: Path | None = None,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    timeout: float = 120,
    **options: object,
) -> subprocess.CompletedProcess[str]:
    command: list[str | bytes] = [*prefix, sys.executable, "-m", "app"]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [*command, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=ROOT,
        timeout=timeout,
        **options,
    )


def user_fault(result: subprocess.CompletedProcess[str]) -> str:
    """A fault the person can fix: exit 1, a Chinese sentence, no traceback, no apology."""
    assert result.returncode == cli.EXIT_USER_ERROR, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "程序出错了" not in result.stderr, result.stderr
    assert result.stderr.startswith("错误："), result.stderr
    return result.stderr


def without_admin_rights() -> list[str]:
    """A prefix that runs a command as an ordinary user would: the tests may run as root (in a
    container), and root writes into read-only folders and files. Dropping the capabilities
    that ignore file permissions keeps everything else (the interpreter under /root included)."""
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot give up the right to ignore modes")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


@pytest.fixture
def new_db(tmp_path: Path, new_database_file: Path) -> Path:
    path = tmp_path / "cases.db"
    shutil.copyfile(new_database_file, path)
    return path


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths made read-only by a test; writable again afterwards, so they can be removed."""
    made: list[Path] = []
    yield made
    for path in made:
        path.chmod(0o700 if path.is_dir() else 0o600)


# ====================================================================== killed while creating


@posix_only
def test_init_killed_at_any_moment_leaves_a_file_that_opens(tmp_path: Path) -> None:
    """SIGKILL at several moments after the child starts writing; each time the next normal
    open works (the file is whole, or absent and made again), and it is a sound database."""
    for delay in (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.7):
        folder = tmp_path / f"after-{delay}"
        folder.mkdir()
        path = folder / "cases.db"
        child = subprocess.Popen(
            [sys.executable, "-m", "app", "--db", str(path), "init"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started = time.monotonic()
        while not any(folder.iterdir()) and child.poll() is None:
            if time.monotonic() - started > 60:
                break
            time.sleep(0.002)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        database = open_database(path)
        try:
            with database.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        finally:
            database.close()
        leftovers = [p.name for p in folder.iterdir() if ".new-" in p.name]
        assert leftovers == [], (delay, leftovers)


@posix_only
def test_two_first_opens_at_once_both_succeed(tmp_path: Path) -> None:
    for attempt in range(3):
        path = tmp_path / f"shared-{attempt}.db"
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "app", "--db", str(path), "init"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            assert "数据库已就绪" in out
        with sqlite3.connect(path) as raw:
            assert raw.execute("SELECT count(*) FROM committee").fetchone()[0] == 1


# ====================================================================== not damaged


def test_a_read_only_folder_is_not_called_damage(
    tmp_path: Path, new_db: Path, read_only: list[Path]
) -> None:
    prefix = without_admin_rights()
    folder = tmp_path / "locked-folder"
    folder.mkdir()
    inside = folder / "cases.db"
    shutil.copyfile(new_db, inside)
    folder.chmod(0o555)
    read_only.append(folder)
    for args in (("cases",), ("init",)):
        message = user_fault(run(*args, db=inside, prefix=prefix))
        assert "文件夹不能写入" in message and "损坏" not in message, message
    message = user_fault(run("init", db=folder / "new.db", prefix=prefix))
    assert "文件夹不能写入" in message, message
    assert sorted(p.name for p in folder.iterdir()) == ["cases.db"]


def test_a_read_only_database_file_says_so(new_db: Path, read_only: list[Path]) -> None:
    prefix = without_admin_rights()
    new_db.chmod(0o444)
    read_only.append(new_db)
    message = user_fault(
        run("init", "--committee", "飞机场社区人民调解委员会", db=new_db, prefix=prefix)
    )
    assert "只读" in message, message


def test_a_change_while_another_program_holds_the_lock(
    new_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(new_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code = cli.main(["--db", str(new_db), "init", "--committee", "飞机场社区人民调解委员会"])
    finally:
        holder.close()
    err = capsys.readouterr().err
    assert code == cli.EXIT_USER_ERROR, err
    assert "另一个程序正在使用" in err and "程序出错了" not in err


def test_two_imports_at_once_wait_for_each_other(tmp_path: Path, new_db: Path) -> None:
    files = []
    for name, base in (("first", 0), ("second", 5000)):
        path = tmp_path / f"{name}.json"
        data = exchange_file([a_case(base + n) for n in range(200)])
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        files.append(path)
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "app", "--db", str(new_db), "import", str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    for child in children:
        _, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
    with sqlite3.connect(new_db) as raw:
        assert raw.execute("SELECT count(*) FROM dispute_case").fetchone()[0] == 400
        assert raw.execute("SELECT count(*) FROM mediator").fetchone()[0] == 1


def test_a_full_disk_during_an_import_is_the_users_to_fix_and_logs_nothing_personal(
    tmp_path: Path,
    new_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_log: Path,  # noqa: F811 - the fixture imported above
) -> None:
    real = db_engine._set_sqlite_pragmas

    def on_a_full_disk(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        real(dbapi_connection, record)
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    source = a_big_roster_file(tmp_path)
    monkeypatch.setattr(db_engine, "_set_sqlite_pragmas", on_a_full_disk)
    code = cli.main(["--db", str(new_db), "import", str(source)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_USER_ERROR, err
    assert "磁盘已满" in err
    log = fresh_log.read_text(encoding="utf-8") if fresh_log.exists() else ""
    for personal in ("王建国", "13900000001", "铁西小区"):
        assert personal not in log


def test_an_over_long_file_name_is_the_users_to_fix(tmp_path: Path, new_db: Path) -> None:
    long = "长" * 100  # 300 bytes: more than a file name may have
    message = user_fault(run("export", str(tmp_path / f"{long}.json"), db=new_db))
    assert "文件名太长" in message and long not in message
    message = user_fault(run("init", db=tmp_path / f"{long}.db"))
    assert "文件名太长" in message
    message = user_fault(
        run("print", "blank", "application", "-o", str(tmp_path / f"{long}.pdf"), db=new_db)
    )
    assert "文件名太长" in message


@posix_only
def test_a_closed_pipe_or_a_closed_output_ends_quietly(new_db: Path) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # `… | head` that has stopped reading
    try:
        closed = subprocess.run(
            [sys.executable, "-m", "app", "--db", str(new_db), "print", "--list"],
            stdout=writer,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert closed.returncode == 0 and closed.stderr == b"", closed.stderr
    shut = subprocess.run(
        f"'{sys.executable}' -m app --db '{new_db}' cases >&-",
        shell=True,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        timeout=120,
    )
    assert shut.returncode == 0 and shut.stderr == b"", shut.stderr


def test_a_gbk_console_shows_what_it_can(tmp_path: Path, new_db: Path) -> None:
    """Chinese Windows: the console takes GBK, which has no 𠮷; what it cannot show is
    replaced, the rest is printed."""
    source = tmp_path / "rare.json"
    data = exchange_file([a_case(1, title="𠮷家楼上渗水纠纷")])
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run("import", str(source), db=new_db).returncode == 0
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    result = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(new_db), "cases"],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode("gbk", "replace")
    shown = result.stdout.decode("gbk")
    assert "家楼上渗水纠纷" in shown and "共1件" in shown


@posix_only
def test_bytes_that_are_not_utf8_in_a_text_are_refused_in_words(new_db: Path) -> None:
    for args in (
        [b"init", b"--committee", b"\xff\xfe\xe5\x9d\x8f"],
        [b"search", b"\xff"],
        [b"case", b"escalate", b"1", b"--to", b"courtyard", b"--reason", b"\xc0\xaf"],
    ):
        message = user_fault(run(*args, db=new_db))
        assert "UTF-8" in message, message


# ====================================================================== the data folder


@posix_only
def test_a_data_folder_that_is_a_file_stops_nothing_that_does_not_need_it(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    env = dict(os.environ, XDG_DATA_HOME=str(blocker))
    helped = run("--help", env=env)
    assert helped.returncode == 0 and "用法" in helped.stdout, helped.stderr
    made = run("init", db=tmp_path / "elsewhere.db", env=env)
    assert made.returncode == 0, made.stderr
    message = user_fault(run("init", env=env))
    assert "数据文件夹" in message and "--db" in message, message


def test_an_unwritable_data_folder_stops_nothing_that_does_not_need_it(
    tmp_path: Path, read_only: list[Path]
) -> None:
    prefix = without_admin_rights()
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    read_only.append(home)
    env = dict(os.environ, XDG_DATA_HOME=str(home))
    helped = run("--help", env=env, prefix=prefix)
    assert helped.returncode == 0 and "用法" in helped.stdout, helped.stderr
    writable = tmp_path / "writable"
    writable.mkdir()
    made = run("init", db=writable / "x.db", env=env, prefix=prefix)
    assert made.returncode == 0, made.stderr
    message = user_fault(run("init", env=env, prefix=prefix))
    assert "数据文件夹" in message, message


# ====================================================================== outputs and leftovers


@posix_only
@pytest.mark.parametrize("kind", ["read-only", "symlink", "fifo"])
def test_print_refuses_to_replace_what_is_not_a_plain_writable_file(
    tmp_path: Path, new_db: Path, kind: str
) -> None:
    target = tmp_path / "协议.pdf"
    aim = tmp_path / "aim.pdf"
    if kind == "read-only":
        target.write_bytes(b"keep me")
        target.chmod(0o444)
    elif kind == "symlink":
        aim.write_bytes(b"keep me")
        target.symlink_to(aim)
    else:
        os.mkfifo(target)
    before = os.lstat(target)
    message = user_fault(run("print", "blank", "application", "-o", str(target), db=new_db))
    assert "协议.pdf" in message, message
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    if kind != "fifo":
        assert target.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_print_replaces_a_plain_file_the_user_may_write(tmp_path: Path, new_db: Path) -> None:
    target = tmp_path / "申请书.pdf"
    target.write_bytes(b"old")
    target.chmod(0o640)
    result = run("print", "blank", "application", "-o", str(target), db=new_db)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF")
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o640


def test_a_failed_import_into_a_missing_folder_leaves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    target = tmp_path / "new" / "sub" / "cases.db"
    user_fault(run("import", str(bad), db=target))
    assert not (tmp_path / "new").exists()


def test_cases_on_an_empty_file_changes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    message = user_fault(run("cases", db=empty))
    assert "init" in message
    assert empty.read_bytes() == b""
    assert [p.name for p in tmp_path.iterdir()] == ["empty.db"]
