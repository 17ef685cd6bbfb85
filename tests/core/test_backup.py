"""Backups, restore and the database checks, on real files: a backup restored into an empty
folder exports the same as the original, attachments included; an encrypted one opens only
with its password; a damaged one is refused and the current database left as it was; a backup
or restore killed at random moments never leaves a half-written backup under its name or a
half-restored database."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import Case
from app.domain.codes import CaseStatus
from app.domain.errors import UserError
from app.services import backup
from app.services.backup import (
    DAMAGED,
    BackupDamaged,
    BackupResult,
    WrongPassword,
    backup_if_due,
    backups_folder,
    check_database,
    describe_backup,
    make_backup,
    quick_check,
    restore_backup,
    rotation_keeps,
)
from app.services.database import Database, open_database
from app.services.exchange import export_file
from app.services.sittings import add_attachment, attachments_folder, stored_path
from tests.conftest import ROOT, TODAY

PASSWORD = "马路对面-2026"


def _open_cases(db: Database, count: int) -> list[int]:
    with db.reading() as session:
        rows = session.execute(
            select(Case.id).where(Case.status != CaseStatus.ARCHIVED.value).order_by(Case.id)
        )
        return [row[0] for row in rows][:count]


@pytest.fixture(scope="module")
def files_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database with four attachments (one file shared by two cases), built once;
    each test gets a copy of it and its attachment folder."""
    from app.services.demo import fill_demo

    folder = tmp_path_factory.mktemp("with-files")
    db = open_database(folder / "demo.db")
    try:
        fill_demo(db, cases=40, seed=11, today=TODAY)
        photo = folder / "现场.jpg"
        photo.write_bytes(os.urandom(1_500_000))  # the encrypted archive spans two chunks
        scan = folder / "收据.pdf"
        scan.write_bytes(b"%PDF-1.4\n" + os.urandom(40_000))
        note = folder / "说明.txt"
        note.write_text("楼上漏水，见照片。", encoding="utf-8")
        first, second = _open_cases(db, 2)
        add_attachment(db, first, photo, "楼道现场")
        add_attachment(db, first, scan, "维修收据")
        add_attachment(db, second, photo, "同一张照片")
        add_attachment(db, second, note, "")
    finally:
        db.close()
    return folder / "demo.db"


@pytest.fixture
def with_files(files_template: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "demo.db"
    shutil.copyfile(files_template, target)
    store = backup.attachments_folder_of(files_template)
    shutil.copytree(store, backup.attachments_folder_of(target))
    database = open_database(target, create=False)
    yield database
    database.close()


def _export(db_path: Path, out: Path) -> bytes:
    db = open_database(db_path, create=False)
    try:
        export_file(db, out)
    finally:
        db.close()
    return out.read_bytes()


def _store_files(db_path: Path) -> dict[str, bytes]:
    store = backup.attachments_folder_of(db_path)
    return {p.name: p.read_bytes() for p in store.rglob("*") if p.is_file()}


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x5A
    path.write_bytes(bytes(data))


# ====================================================================== round trip


def test_a_backup_restored_into_an_empty_folder_exports_the_same(
    with_files: Database, tmp_path: Path
) -> None:
    original = _export(with_files.path, tmp_path / "before.json")
    made = make_backup(with_files, tmp_path, reason="manual")
    assert made.path.parent == tmp_path and made.path.suffix == ".zip"
    assert made.info.attachments == 3 and made.info.cases == 40
    with_files.close()

    target = tmp_path / "别的电脑" / "数据" / "laoniangjiu.db"
    result = restore_backup(made.path, target)
    assert result is not None and result.saved_aside is None
    assert result.attachments_added == 3
    assert _export(target, tmp_path / "after.json") == original
    assert _store_files(target) == _store_files(with_files.path)
    # The program opens the restored attachments where it keeps them.
    restored = open_database(target, create=False)
    try:
        for sha in _store_files(target):
            assert stored_path(restored, sha).is_file()
        assert attachments_folder(restored) == backup.attachments_folder_of(target)
    finally:
        restored.close()
    assert check_database(target).sound


def test_the_manifest_says_what_the_backup_holds(with_files: Database, tmp_path: Path) -> None:
    made = make_backup(with_files, tmp_path, reason="manual")
    with zipfile.ZipFile(made.path) as archive:
        names = set(archive.namelist())
        manifest = backup._read_manifest(archive)
    assert "manifest.json" in names and "database.db" in names
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["cases"] == 40 and manifest["revision"]
    assert manifest["newest_case"]["number"] == made.info.newest_case
    assert set(manifest["members"]) == names - {"manifest.json"}
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())
    info = describe_backup(made.path)
    assert info.sound and not info.encrypted and info.cases == 40
    assert info.newest_case and info.newest_case in info.summary()
    # Only the user may read a backup: it holds residents' personal data.
    assert made.path.stat().st_mode & 0o077 == 0


def test_no_temporary_file_is_left_beside_a_backup(with_files: Database, tmp_path: Path) -> None:
    made = make_backup(with_files, tmp_path, reason="manual")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert not any(p.name.startswith(".") for p in with_files.path.parent.iterdir())
    assert made.path.exists()


# ====================================================================== encrypted


def test_an_encrypted_backup_restores_only_with_its_password(
    with_files: Database, tmp_path: Path
) -> None:
    original = _export(with_files.path, tmp_path / "before.json")
    made = make_backup(with_files, tmp_path, password=PASSWORD, reason="manual")
    assert made.path.suffix == ".lnjbak" and made.info.encrypted
    assert backup.LOST_PASSWORD_WARNING in made.message
    data = made.path.read_bytes()
    assert b"SQLite format 3" not in data and b"manifest.json" not in data
    with_files.close()

    target = tmp_path / "新文件夹" / "laoniangjiu.db"
    locked = describe_backup(made.path)
    assert locked.needs_password and "密码" in locked.problem
    with pytest.raises(UserError, match="密码"):
        restore_backup(made.path, target)
    with pytest.raises(WrongPassword) as wrong:
        restore_backup(made.path, target, "马路对面-2025")
    assert "密码不对" in wrong.value.message
    assert not target.exists() and not backups_folder(target).exists()

    assert describe_backup(made.path, PASSWORD).sound
    restore_backup(made.path, target, PASSWORD)
    assert _export(target, tmp_path / "after.json") == original
    assert _store_files(target) == _store_files(with_files.path)


def test_a_wrong_password_changes_nothing(with_files: Database, tmp_path: Path) -> None:
    made = make_backup(with_files, tmp_path, password=PASSWORD, reason="manual")
    with_files.close()
    before = with_files.path.read_bytes()
    with pytest.raises(WrongPassword):
        restore_backup(made.path, with_files.path, "not the password")
    assert with_files.path.read_bytes() == before
    assert not backups_folder(with_files.path).exists()


def test_a_short_password_is_refused(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="至少要8个字符"):
        make_backup(db, tmp_path, password="1234", reason="manual")
    assert list(tmp_path.glob("*.lnjbak")) == []


def test_a_backup_of_more_than_one_chunk_round_trips(db: Database, tmp_path: Path) -> None:
    """The archive spans several encrypted chunks (a large attachment)."""
    big = tmp_path / "录音.bin"
    big.write_bytes(os.urandom(2 * 1024 * 1024 + 12345))
    add_attachment(db, _register(db), big, "")
    made = make_backup(db, tmp_path, password=PASSWORD, reason="manual")
    db.close()
    target = tmp_path / "r" / "x.db"
    restore_backup(made.path, target, PASSWORD)
    assert _store_files(target) == _store_files(db.path)


def _register(db: Database) -> int:
    from app.services.demo import fill_demo

    fill_demo(db, cases=3, seed=5, today=date(2026, 11, 25))
    return _open_cases(db, 1)[0]


# ====================================================================== damaged backups


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
@pytest.mark.parametrize("damage", ["truncated", "cut-at-chunk", "byte-flipped", "header"])
def test_a_damaged_backup_is_refused_and_the_database_untouched(
    with_files: Database, tmp_path: Path, encrypted: bool, damage: str
) -> None:
    made = make_backup(
        with_files, tmp_path, password=PASSWORD if encrypted else None, reason="manual"
    )
    with_files.close()
    size = made.path.stat().st_size
    if damage == "truncated":
        os.truncate(made.path, size * 2 // 3)
    elif damage == "cut-at-chunk":
        from app.services.backup_crypto import CHUNK, TAG

        header = made.path.read_bytes().index(b"}") + 1 + 32 if encrypted else 0
        os.truncate(made.path, header + (CHUNK + TAG) if encrypted else size - 22)
    elif damage == "byte-flipped":
        _flip(made.path, size // 2)
    else:  # the first member's name in its zip header; the encrypted file's own header
        _flip(made.path, 30)
    before = with_files.path.read_bytes()
    store_before = _store_files(with_files.path)

    password = PASSWORD if encrypted else None
    info = describe_backup(made.path, password)
    assert info.sound is False and DAMAGED.split("，")[0] in info.problem
    with pytest.raises(BackupDamaged) as refused:
        restore_backup(made.path, with_files.path, password)
    assert "备份文件不完整或已损坏" in refused.value.message
    assert with_files.path.read_bytes() == before
    assert _store_files(with_files.path) == store_before
    assert not backups_folder(with_files.path).exists()
    assert not any(p.name.startswith(".") for p in with_files.path.parent.iterdir())


def test_a_file_that_is_no_backup_is_refused(db: Database, tmp_path: Path) -> None:
    other = tmp_path / "照片.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("a.txt", "hello")
    for file in (other, tmp_path / "x.pdf"):
        if not file.exists():
            file.write_bytes(b"%PDF-1.4 nothing")
        with pytest.raises(BackupDamaged):
            restore_backup(file, db.path)


def test_a_backup_from_a_newer_program_is_refused_in_words(
    with_files: Database, tmp_path: Path
) -> None:
    made = make_backup(with_files, tmp_path, reason="manual")
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(made.path) as old, zipfile.ZipFile(newer, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "manifest.json":
                data = data.replace(b'"format_version": 1', b'"format_version": 99')
            new.writestr(item, data)
    with_files.close()
    with pytest.raises(UserError, match="更新版本"):
        restore_backup(newer, with_files.path)


# ====================================================================== the current database


def test_a_restore_saves_the_current_database_aside_first(
    with_files: Database, tmp_path: Path
) -> None:
    made = make_backup(with_files, tmp_path, reason="manual")
    _register_more(with_files)
    changed = _export(with_files.path, tmp_path / "changed.json")
    with_files.close()

    result = restore_backup(made.path, with_files.path, now=datetime(2026, 11, 25, 9, 30))
    assert result is not None and result.saved_aside is not None
    aside = result.saved_aside
    assert aside.parent == backups_folder(with_files.path)
    assert aside.name == "demo-before-restore-20261125-093000.db"
    assert aside.stat().st_mode & 0o077 == 0
    # The copy set aside is the database as it was, and can itself be restored.
    assert describe_backup(aside).sound
    copy = tmp_path / "aside" / "demo.db"
    restore_backup(aside, copy)
    assert _export(copy, tmp_path / "aside.json") == changed
    assert _export(with_files.path, tmp_path / "now.json") != changed


def _register_more(db: Database) -> None:
    from app.services.database import update_committee

    update_committee(db, name="飞机场社区人民调解委员会（改）")


def test_a_restore_while_the_database_is_open_elsewhere_is_refused(
    with_files: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = make_backup(with_files, tmp_path, reason="manual")
    with with_files.reading() as session:  # the window still holds it
        session.connection().exec_driver_sql("SELECT count(*) FROM dispute_case").fetchone()
        before = _store_files(with_files.path)
        with pytest.raises(UserError, match="正在被使用"):
            restore_backup(made.path, with_files.path)
    assert _store_files(with_files.path) == before
    assert not backups_folder(with_files.path).exists()


def test_a_refused_confirmation_changes_nothing(with_files: Database, tmp_path: Path) -> None:
    made = make_backup(with_files, tmp_path, reason="manual")
    with_files.close()
    before = with_files.path.read_bytes()
    seen = []

    def refuse(info: backup.BackupInfo) -> bool:
        seen.append(info)
        return False

    assert restore_backup(made.path, with_files.path, confirm=refuse) is None
    assert seen and seen[0].cases == 40 and seen[0].sound
    assert with_files.path.read_bytes() == before


def test_a_damaged_database_is_not_backed_up(with_files: Database, tmp_path: Path) -> None:
    with_files.close()
    _overwrite_middle(with_files.path)
    db = Database(with_files.path, with_files.engine, with_files.sessions)
    with pytest.raises(UserError, match="这次没有做备份"):
        make_backup(db, tmp_path, reason="manual")
    assert list(tmp_path.glob("*.zip")) == []


def test_a_tampered_audit_log_is_not_backed_up(with_files: Database, tmp_path: Path) -> None:
    with sqlite3.connect(with_files.path) as connection:
        connection.execute("UPDATE audit_log SET actor = '别人' WHERE id = 1")
    with pytest.raises(UserError, match="操作记录"):
        make_backup(with_files, tmp_path, reason="manual")
    assert list(tmp_path.glob("*.zip")) == []


# ====================================================================== check


def _overwrite_middle(path: Path) -> None:
    """Garbage over some pages in the middle of the file (as a failing disk leaves it)."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(os.urandom(3 * 4096))


def test_check_reports_a_sound_database(with_files: Database) -> None:
    report = check_database(with_files.path)
    assert report.sound and report.cases == 40
    assert "数据库完好" in report.text and "操作记录完整" in report.text
    assert quick_check(with_files.path).sound


def test_check_reports_a_page_overwritten_and_offers_the_newest_good_backup(
    with_files: Database, tmp_path: Path
) -> None:
    good = backup_if_due(with_files, date.today())
    assert good is not None
    with_files.close()
    damaged = with_files.path.with_name("坏的.db")
    damaged.write_bytes(with_files.path.read_bytes())
    _overwrite_middle(damaged)
    report = check_database(damaged)
    assert not report.sound
    assert "损坏" in report.text and "请不要继续在这个文件上办理案件" in report.text
    quick = quick_check(damaged)
    assert not quick.sound and "已损坏" in quick.message

    # Beside the original, the automatic backup is offered.
    _overwrite_middle(with_files.path)
    quick = quick_check(with_files.path)
    assert not quick.sound and quick.newest_good is not None
    assert quick.newest_good.path == good.path and str(good.path) in quick.message
    assert check_database(with_files.path).newest_good is not None


@pytest.mark.parametrize("how", ["truncated", "empty-header", "not-sqlite"])
def test_check_reports_a_truncated_or_foreign_file(db: Database, how: str) -> None:
    db.close()
    data = db.path.read_bytes()
    if how == "truncated":
        db.path.write_bytes(data[: len(data) // 3])
    elif how == "empty-header":
        db.path.write_bytes(b"\x00" * 100 + data[100:])
    else:
        db.path.write_bytes(b"hello, this is a letter")
    report = check_database(db.path)
    assert not report.sound and "数据库有问题" in report.text
    assert not quick_check(db.path).sound


def test_check_finds_a_deleted_audit_entry(with_files: Database) -> None:
    with sqlite3.connect(with_files.path) as connection:
        connection.execute("DELETE FROM audit_log WHERE id = 2")
    report = check_database(with_files.path)
    assert not report.sound and "操作记录不完整" in report.text
    assert quick_check(with_files.path).sound  # the quick check reads pages, not the chain


def test_a_missing_database_is_said_in_words(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="找不到数据库文件"):
        check_database(tmp_path / "nothing.db")
    assert quick_check(tmp_path / "nothing.db").sound  # opening makes it new


# ====================================================================== automatic backups


def test_an_automatic_backup_after_the_days_first_change_and_at_exit(
    with_files: Database,
) -> None:
    today = date(2026, 11, 25)
    first = backup_if_due(with_files, today)
    assert first is not None and first.path.parent == backups_folder(with_files.path)
    assert first.path.name.startswith("demo-auto-20261125-")
    assert backup_if_due(with_files, today) is None  # one a day after a change
    assert backup_if_due(with_files, today, at_exit=True) is None  # nothing changed since
    _register_more(with_files)
    assert backup_if_due(with_files, today) is None
    at_exit = backup_if_due(with_files, today, at_exit=True)
    assert at_exit is not None and at_exit.path != first.path
    # Two of one day: the rotation keeps the newest.
    assert at_exit.pruned == (first.path,) and not first.path.exists()
    assert backup_if_due(with_files, today + timedelta(days=1)) is not None


def test_an_empty_new_database_needs_no_backup_at_exit(db: Database) -> None:
    assert backup_if_due(db, date(2026, 11, 25), at_exit=True) is None


def test_rotation_keeps_7_daily_4_weekly_12_monthly_over_a_year(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulated year of days, each with its first change (a backup takes 50 ms for real:
    the rotation is what is tested here, on files named as real backups are)."""

    def stand_in(db_: Database, folder: object = None, **kwargs: object) -> BackupResult:
        moment = kwargs["now"]
        assert isinstance(moment, datetime)
        target = backups_folder(db_.path) / f"{db_.path.stem}-auto-{moment:%Y%m%d-%H%M%S}.zip"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(b"")
        info = backup.BackupInfo(target, False, 0, True)
        return BackupResult(target, info, 0.0)

    monkeypatch.setattr(backup, "make_backup", stand_in)
    start = date(2025, 11, 1)
    rng = random.Random(7)
    worked: list[date] = []
    for day in (start + timedelta(days=n) for n in range(400)):
        if rng.random() < 0.15:
            continue  # a day nobody worked: no change, no backup
        worked.append(day)
        made = backup_if_due(db, day)
        assert made is not None
        kept = _kept_days(db)
        assert day in kept and len(kept) <= 7 + 4 + 12
        assert backup_if_due(db, day) is None  # the day's later changes: none more
    newest_first = worked[::-1]
    daily = newest_first[:7]
    weekly = _newest_per(newest_first, lambda d: tuple(d.isocalendar())[:2], 4)
    monthly = _newest_per(newest_first, lambda d: (d.year, d.month), 12)
    kept = _kept_days(db)
    assert sorted(kept) == sorted(set(daily) | set(weekly) | set(monthly))
    assert len(weekly) == 4 and len(monthly) == 12
    assert (max(kept) - min(kept)).days > 300  # eleven months back is still there


def _kept_days(db: Database) -> list[date]:
    names = [p.name for p in backups_folder(db.path).iterdir()]
    return [datetime.strptime(n.split("-auto-")[1][:8], "%Y%m%d").date() for n in names]


def _newest_per(newest_first: list[date], key: Callable[[date], object], count: int) -> list[date]:
    """The newest day of each of the `count` newest periods that have one."""
    chosen: dict[object, date] = {}
    for day in newest_first:
        if key(day) not in chosen:
            if len(chosen) == count:
                break
            chosen[key(day)] = day
    return list(chosen.values())


def test_rotation_by_itself() -> None:
    now = datetime(2026, 11, 25, 18, 0)
    stamps = [now - timedelta(hours=12 * n) for n in range(2 * 365)]
    keep = rotation_keeps(stamps)
    days = sorted({s.date() for s in keep}, reverse=True)
    assert days[:7] == [now.date() - timedelta(days=n) for n in range(7)]
    assert len({(s.year, s.month) for s in keep}) == 12
    assert len(keep) == len({s.date() for s in keep})  # one a day: the newest of it
    assert rotation_keeps([]) == set()
    assert rotation_keeps([now]) == {now}


def test_real_automatic_backups_are_rotated_and_each_one_verified(
    with_files: Database,
) -> None:
    start = date(2026, 1, 1)
    for n in range(12):
        made = backup_if_due(with_files, start + timedelta(days=n))
        assert made is not None and describe_backup(made.path).sound
    names = sorted(p.name for p in backups_folder(with_files.path).iterdir())
    assert len(names) == 7 + 1  # seven days, and the first week's newest, Sunday 4 January
    assert names[0].startswith("demo-auto-20260104-")


# ====================================================================== killed


_BACKUP_SCRIPT = """
import sys
from pathlib import Path
from app.services.backup import make_backup
from app.services.database import open_database
db = open_database(Path(sys.argv[1]), create=False)
print("ready", flush=True)
make_backup(db, Path(sys.argv[2]), reason="manual", password=sys.argv[3] or None)
print("done", flush=True)
"""

_RESTORE_SCRIPT = """
import sys
from pathlib import Path
from app.services.backup import restore_backup
print("ready", flush=True)
restore_backup(Path(sys.argv[1]), Path(sys.argv[2]))
print("done", flush=True)
"""


def _run_until(script: str, args: list[str], delay: float | None) -> tuple[bool, float]:
    """Run `script`; SIGKILL it `delay` s after it says ready (None: let it finish).
    Returns (whether it finished, seconds from ready to the end)."""
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", process.stderr.read() if process.stderr else line
    started = time.monotonic()
    if delay is None:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        return True, time.monotonic() - started
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        return False, time.monotonic() - started
    finally:
        process.communicate(timeout=30)
    return True, time.monotonic() - started


@pytest.fixture
def heavy(with_files: Database, tmp_path: Path) -> Database:
    """Attachments of a few MB, so a backup takes long enough to be killed at its middle."""
    for n in range(3):
        big = tmp_path / f"扫描{n}.pdf"
        big.write_bytes(os.urandom(6 * 1024 * 1024))
        add_attachment(with_files, _open_cases(with_files, 1)[0], big, "")
    return with_files


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_backup_killed_at_random_moments_leaves_no_bad_backup(
    heavy: Database, tmp_path: Path, encrypted: bool
) -> None:
    out = tmp_path / "U盘"
    out.mkdir()
    password = PASSWORD if encrypted else ""
    heavy.close()
    exported = _export(heavy.path, tmp_path / "before.json")
    args = [str(heavy.path), str(out), password]
    _, duration = _run_until(_BACKUP_SCRIPT, args, None)
    rng = random.Random()
    delays = sorted(rng.uniform(0.0, duration) for _ in range(5))
    finished = 0
    for delay in delays:
        done, _ = _run_until(_BACKUP_SCRIPT, args, delay)
        finished += done
        for file in out.iterdir():
            if file.name.startswith("."):
                continue  # a temporary file of a killed backup: never under a backup's name
            info = describe_backup(file, PASSWORD if encrypted else None)
            assert info.sound, f"killed after {delay:.2f}s: {file.name}: {info.problem}"
        assert check_database(heavy.path).sound, f"killed after {delay:.2f}s"
    assert finished < len(delays), f"no kill landed within {duration:.2f}s: {delays}"
    assert _export(heavy.path, tmp_path / "after.json") == exported


def test_a_restore_killed_at_random_moments_leaves_the_old_or_the_new_database(
    heavy: Database, tmp_path: Path
) -> None:
    made = make_backup(heavy, tmp_path, reason="manual")
    new_state = _export(heavy.path, tmp_path / "new.json")
    _register_more(heavy)
    heavy.close()
    target = heavy.path
    old_state = _export(target, tmp_path / "old.json")
    args = [str(made.path), str(target)]
    pristine = tmp_path / "pristine.db"
    pristine.write_bytes(target.read_bytes())
    _, duration = _run_until(_RESTORE_SCRIPT, args, None)
    rng = random.Random()
    for delay in sorted(rng.uniform(0.0, duration) for _ in range(5)):
        for side in ("-wal", "-shm"):
            target.with_name(target.name + side).unlink(missing_ok=True)
        target.write_bytes(pristine.read_bytes())  # the old state again
        _run_until(_RESTORE_SCRIPT, args, delay)
        assert check_database(target).sound, f"killed after {delay:.2f}s"
        state = _export(target, tmp_path / "state.json")
        assert state in (old_state, new_state), f"killed after {delay:.2f}s: a mix"
    assert old_state != new_state
