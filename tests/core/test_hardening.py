"""The data file and the log under the faults an office PC meets: a full disk, a lock held by
another program, a creation cut short, and a log that must never hold a resident's ID number.

Faults are made the way they happen: a disk is "full" through SQLite's own limit on the file's
pages (`PRAGMA max_page_count`: the same SQLITE_FULL a full disk gives), a lock is a second
connection holding `BEGIN EXCLUSIVE`, a full log disk is Linux's /dev/full.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from app import logs, paths
from app.db import engine as db_engine
from app.db import migrate
from app.domain.errors import NotFoundError, UserError
from app.services.database import Database, get_committee, open_database, update_committee
from tests.core.test_exchange import MEDIATOR_UUID, exchange_file

ID_NUMBER = "11010519491231002X"
OLD_ID_NUMBER = "110105491231002"
PHONE = "13800000000"


@pytest.fixture
def fresh_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The log configured anew for this test's data folder (the process may have logged
    before, into another test's folder); returns where the log file will be."""

    def forget() -> None:
        for name in ("laoniangjiu", "laoniangjiu.ui"):
            log = logging.getLogger(name)
            for handler in list(log.handlers):
                log.removeHandler(handler)
                handler.close()

    forget()
    for module, names in (
        (logs, ("_configured", "_handler")),
        (sys.modules.get("ui.errors"), ("_logger",)),
    ):
        for name in names:
            if module is not None and hasattr(module, name):
                monkeypatch.setattr(module, name, False if name == "_configured" else None)
    yield paths.log_path()
    forget()


def cap_pages(engine: object) -> None:
    """Every new connection of `engine` may not grow the file: SQLITE_FULL, as on a full disk."""

    def capped(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", capped)


def a_big_roster_file(tmp_path: Path, mediators: int = 300) -> Path:
    """An exchange file whose mediators (names, phones, addresses) go in through the ORM."""
    data = exchange_file([])
    template = data["mediators"][0]
    data["mediators"] = [
        dict(template, uuid=str(uuid.UUID(int=n + 1)), phone=f"139{n:08d}", name="王建国")
        for n in range(mediators)
    ]
    data["mediators"][0]["uuid"] = MEDIATOR_UUID
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# ====================================================================== the log


def test_a_failed_write_leaves_no_statement_parameters_in_the_log(
    db: Database, tmp_path: Path, fresh_log: Path
) -> None:
    """A full disk during an import: the error SQLAlchemy raises carried the row's values
    (names, phones, addresses) and the log wrote them down."""
    from app.services.exchange import import_file

    source = a_big_roster_file(tmp_path)
    db.engine.dispose()
    cap_pages(db.engine)
    with pytest.raises(Exception) as caught:  # whatever it is, it is logged
        try:
            import_file(db, source)
        except Exception:
            logs.log_exception("import")
            raise
    text = fresh_log.read_text(encoding="utf-8")
    assert "1390000000" not in str(caught.value) and "王建国" not in str(caught.value)
    assert "unexpected error in import" in text
    for personal in ("王建国", "13900000001", "铁西小区", "402"):
        assert personal not in text, personal


def test_every_record_of_the_log_masks_id_numbers_and_mobile_phones(fresh_log: Path) -> None:
    from ui import errors

    logs.logger().error("导入失败：身份证号 %s，电话 %s", ID_NUMBER, PHONE)
    errors.logger().warning("旧身份证号%s，电话+86 138-0000-0001", OLD_ID_NUMBER)
    try:
        raise ValueError(f"bad value {ID_NUMBER}/{PHONE}")
    except ValueError:
        logs.log_exception("test")
    try:
        raise KeyError(PHONE)
    except KeyError as error:
        errors.log_exception(type(error), error, error.__traceback__)
    text = fresh_log.read_text(encoding="utf-8")
    for full in (ID_NUMBER, OLD_ID_NUMBER, PHONE, "138-0000-0001"):
        assert full not in text, full
    assert "110105********002X" in text and "138****0000" in text
    # What the masking must leave alone: a case's uuid, a time, a case number.
    logs.logger().error("case 0f8fad5b-d9cb-469f-a165-70867728950e at 2026-12-03 18:18:47.550468")
    assert "70867728950e" in fresh_log.read_text(encoding="utf-8")


def test_the_window_and_the_command_line_write_one_log_once(fresh_log: Path) -> None:
    """One configured place: a line the window logs after the command line's logger was set
    up is written once, into the same file."""
    from ui import errors

    logs.logger().info("first")
    try:
        raise RuntimeError("second")
    except RuntimeError as error:
        errors.log_exception(type(error), error, error.__traceback__)
    text = fresh_log.read_text(encoding="utf-8")
    assert text.count("RuntimeError: second") == 1
    assert text.count("first") == 1


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_log_and_the_data_folder_are_for_the_user_only(fresh_log: Path) -> None:
    logs.logger().error("something")
    assert stat.S_IMODE(fresh_log.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh_log.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_an_existing_world_readable_log_is_made_private(fresh_log: Path) -> None:
    fresh_log.parent.mkdir(parents=True, exist_ok=True)
    fresh_log.parent.chmod(0o755)
    fresh_log.write_text("older lines\n", encoding="utf-8")
    fresh_log.chmod(0o644)
    logs.logger().error("something")
    assert stat.S_IMODE(fresh_log.stat().st_mode) == 0o600
    assert fresh_log.read_text(encoding="utf-8").startswith("older lines\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_log_disk_prints_nothing_on_the_console(
    fresh_log: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    from ui import errors

    full = Path("/dev/full")
    for module in (paths, logs, errors):
        monkeypatch.setattr(module, "log_path", lambda: full, raising=False)
    logs.logger().error("one")
    try:
        raise RuntimeError("two")
    except RuntimeError as error:
        where = logs.log_exception("test")
        errors.log_exception(type(error), error, error.__traceback__)
    captured = capfd.readouterr()
    assert "Logging error" not in captured.err and "Traceback" not in captured.err
    assert where is None  # nothing was written: the caller must not name the log


# ====================================================================== creating a database


def half_built(path: Path) -> None:
    """What an older program left when it was stopped while building the schema: some of the
    tables, no revision stamped, nothing anyone entered."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    connection.execute("CREATE TABLE committee (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("CREATE TABLE elder_category (code TEXT PRIMARY KEY, label TEXT)")
    connection.execute("INSERT INTO elder_category VALUES ('party_member', '老党员')")
    connection.execute("CREATE TABLE _alembic_tmp_committee (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()


def no_tables(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE scratch (x)")
    connection.execute("DROP TABLE scratch")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    "make",
    [lambda p: p.write_bytes(b""), no_tables, half_built],
    ids=["0-byte", "no-tables", "half-built"],
)
def test_a_file_with_no_committed_schema_is_made_new(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cases.db"
    make(path)
    database = open_database(path)
    try:
        assert migrate.current_revision(database.engine) == migrate.HEAD_REVISION
        assert get_committee(database).short_name
    finally:
        database.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("SELECT count(*) FROM elder_category").fetchone()[0] >= 5
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_another_programs_sqlite_file_is_never_taken_for_an_empty_one(tmp_path: Path) -> None:
    """Tables this program does not know: somebody else's data, refused and kept."""
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE notes (text TEXT)")
    before = path.read_bytes()
    with pytest.raises(UserError):
        open_database(path)
    assert path.read_bytes() == before


def test_a_new_database_is_built_under_another_name_then_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the schema is being built the database's own name does not exist yet: a creation
    cut short leaves no half-built file under that name."""
    path = tmp_path / "cases.db"
    seen: list[tuple[bool, list[str]]] = []
    real = migrate.run_migrations

    def watching(engine):  # type: ignore[no-untyped-def]
        seen.append((path.exists(), sorted(p.name for p in tmp_path.iterdir())))
        return real(engine)

    monkeypatch.setattr(migrate, "run_migrations", watching)
    open_database(path).close()
    [(existed, names)] = seen
    assert not existed, names
    assert any(name.startswith(".cases.db.") for name in names), names


def test_a_command_that_only_reads_does_not_turn_an_empty_file_into_a_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with pytest.raises(UserError) as caught:
        open_database(path, create=False)
    assert "空的" in caught.value.message and "init" in caught.value.message
    assert path.read_bytes() == b""
    assert [p.name for p in tmp_path.iterdir()] == ["empty.db"]


def test_a_missing_file_without_create_is_still_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        open_database(tmp_path / "none.db", create=False)
    assert list(tmp_path.iterdir()) == []


# ====================================================================== healthy files


@pytest.fixture
def short_busy_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock is waited for 0.2 s instead of 5 s, so the tests of a held lock are quick."""
    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 200)


def test_a_lock_held_by_another_program_is_not_called_damage(
    tmp_path: Path, short_busy_wait: None
) -> None:
    """A file in the rollback journal (another tool converted it, or wrote it) whose lock is
    held: SQLite answers "database is locked", which is not damage."""
    path = tmp_path / "cases.db"
    open_database(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(UserError) as caught:
            open_database(path)
    finally:
        holder.close()
    assert "另一个程序正在使用" in caught.value.message
    assert "损坏" not in caught.value.message


def test_a_change_while_another_program_holds_the_lock_says_so(
    db: Database, short_busy_wait: None
) -> None:
    db.engine.dispose()  # the next connections get the short wait
    holder = sqlite3.connect(db.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(UserError) as caught:
            update_committee(db, name="飞机场社区人民调解委员会")
    finally:
        holder.close()
    assert "另一个程序正在使用" in caught.value.message
    update_committee(db, name="飞机场社区人民调解委员会")  # and once it is let go, it works


def test_a_full_disk_while_creating_is_not_called_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = db_engine._set_sqlite_pragmas

    def on_a_full_disk(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        real(dbapi_connection, record)
        dbapi_connection.execute("PRAGMA max_page_count=8")

    monkeypatch.setattr(db_engine, "_set_sqlite_pragmas", on_a_full_disk)
    path = tmp_path / "cases.db"
    with pytest.raises(UserError) as caught:
        open_database(path)
    assert "磁盘已满" in caught.value.message
    assert "损坏" not in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_saving_says_so(db: Database) -> None:
    db.engine.dispose()
    cap_pages(db.engine)
    from datetime import date

    from app.domain.drafts import CaseDraft, PartyDraft
    from app.services.cases import register_case

    # Within every field's limit, and more than the pages the file may still take.
    draft = CaseDraft(
        title="楼上渗水纠纷",
        received_on=date(2026, 11, 2),
        facts="楼上卫生间漏水，" * 600,
        parties=[
            PartyDraft(role="applicant", name="李秀英"),
            PartyDraft(role="respondent", name="张伟"),
        ],
    )
    with pytest.raises(UserError) as caught:
        register_case(db, draft, today=date(2026, 11, 25))
    assert "磁盘已满" in caught.value.message


def test_a_full_disk_at_the_operating_system_while_creating_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC from the system's own calls (making the new file), not from SQLite."""
    import errno

    real_fsync = os.fsync

    def no_room(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_room)
    with pytest.raises(UserError) as caught:
        open_database(tmp_path / "cases.db")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert "磁盘已满" in caught.value.message
    assert not (tmp_path / "cases.db").exists()
    assert [p.name for p in tmp_path.iterdir() if ".new-" in p.name] == []


def test_the_window_says_a_full_disk_in_words_and_logs_no_bug(
    db: Database, fresh_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault of the file that escapes to the window's last resort is not "a problem of the
    program": the person is told what to do, and the log holds no bug."""
    from ui import errors, messages

    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda parent, text, title: shown.append(text))
    raw = sqlite3.connect(db.path)
    pages = raw.execute("PRAGMA page_count").fetchone()[0]
    raw.execute(f"PRAGMA max_page_count={pages}")
    try:
        raw.execute("UPDATE committee SET name = ?", ("飞" * 20000,))
    except sqlite3.OperationalError as error:
        errors.handle_exception(type(error), error, error.__traceback__)
    finally:
        raw.close()
    assert len(shown) == 1 and "磁盘已满" in shown[0], shown
    assert not fresh_log.exists() or "Traceback" not in fresh_log.read_text(encoding="utf-8")
