"""The database file: migrations, pragmas, backups and refusing what it cannot read."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.db import migrate
from app.db.fts import include_object
from app.db.models import Base
from app.domain.errors import DatabaseNewerError, UserError
from app.services.database import get_committee, open_database


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_built_by_migrations_to_head(db) -> None:
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    with sqlite3.connect(db.path) as raw:
        tables = {r[0] for r in raw.execute("select name from sqlite_master where type='table'")}
        categories = [
            r[0] for r in raw.execute("select label from elder_category order by position")
        ]
    assert {"dispute_case", "party", "agreement", "obligation", "follow_up", "escalation"} <= tables
    assert categories[:5] == ["老党员", "老干部", "老教师", "老先进", "老民警"]
    assert get_committee(db).number_pattern == "（{year}）{short}人调字第{seq}号"


def test_models_and_migrations_agree(db) -> None:
    """A model changed without a migration would make users' files differ from new ones."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_connection_gets_the_pragmas(db) -> None:
    with db.engine.connect() as connection:
        get = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert get("journal_mode") == "wal"
        assert get("synchronous") == 2  # FULL: a saved case survives a power cut
        assert get("foreign_keys") == 1
        assert get("busy_timeout") >= 1000
        assert get("secure_delete") == 2  # FAST: overwritten values zeroed where they lay


def test_reopening_does_not_migrate_or_back_up_again(tmp_path: Path) -> None:
    first = open_database(tmp_path / "a.db")
    first.close()
    again = open_database(tmp_path / "a.db")
    assert again.backup_made is None
    assert list(tmp_path.glob("a.before-upgrade-*")) == []
    again.close()


def test_a_file_from_a_newer_program_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    open_database(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("update alembic_version set version_num = '9999_from_the_future'")
    before = digest(path)
    with pytest.raises(DatabaseNewerError) as caught:
        open_database(path)
    assert "更新版本" in caught.value.message and "升级" in caught.value.message
    assert digest(path) == before


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        open_database(path)
    assert "不是老娘舅的数据库文件" in caught.value.message
    assert path.read_text(encoding="utf-8") == "这不是数据库"


def test_the_head_known_without_alembic_is_alembics_head() -> None:
    assert migrate.head_revision() == migrate.HEAD_REVISION


def test_backup_copy_is_a_verified_copy(demo_db) -> None:
    copy = migrate.backup_copy(demo_db.path, "test")
    with sqlite3.connect(copy) as raw:
        assert raw.execute("select count(*) from dispute_case").fetchone()[0] == 40
        assert raw.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_an_older_file_is_backed_up_before_upgrading(tmp_path: Path, monkeypatch) -> None:
    """Simulate a program one migration newer than the file: the file is copied aside first."""
    path = tmp_path / "old.db"
    open_database(path).close()
    real_head = migrate.head_revision()
    calls = []
    monkeypatch.setattr(migrate, "HEAD_REVISION", "0002_pretend")
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_pretend")
    monkeypatch.setattr(migrate, "known_revisions", lambda: {real_head, "0002_pretend"})
    monkeypatch.setattr(migrate, "run_migrations", lambda engine: calls.append("head"))
    database = open_database(path)
    assert calls == ["head"]
    assert database.backup_made is not None and database.backup_made.exists()
    assert database.backup_made.name.startswith(f"old.before-upgrade-{real_head}")
    database.close()


def newer_file(path: Path, journal_mode: str) -> bytes:
    """A database stamped by a future program, in the given journal mode; returns its bytes."""
    open_database(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA journal_mode={journal_mode}")
        raw.execute("update alembic_version set version_num = '9999_from_the_future'")
    raw.close()
    return path.read_bytes()


@pytest.mark.parametrize("journal_mode", ["DELETE", "WAL"])
def test_a_newer_file_keeps_every_byte_whatever_its_journal(tmp_path: Path, journal_mode) -> None:
    """The engine's pragmas switch a file to WAL, which rewrites its header: never do that to a
    file that is refused."""
    path = tmp_path / "newer.db"
    before = newer_file(path, journal_mode)
    files_before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DatabaseNewerError):
        open_database(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before


def test_a_missing_file_is_not_created_when_it_must_exist(tmp_path: Path) -> None:
    from app.domain.errors import NotFoundError

    path = tmp_path / "nofolder" / "sub" / "x.db"
    with pytest.raises(NotFoundError) as caught:
        open_database(path, create=False)
    assert "找不到数据库文件" in caught.value.message and "init" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        open_database(tmp_path)
    assert "是一个文件夹" in caught.value.message


def test_an_0001_file_is_upgraded_keeping_the_specialties(tmp_path: Path) -> None:
    """Revision 0002 adds the specialties' order; older files keep theirs (by code)."""
    from alembic import command

    from app.db.engine import make_engine
    from app.services.mediators import list_mediators

    path = tmp_path / "old.db"
    engine = make_engine(path)
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "insert into mediator (id, uuid, name, phone, compound, building, unit, room, active,"
            " notes, created_at) values (1, '0f8fad5b-d9cb-469f-a165-70867728950e', '王建国',"
            " '', '', '', '', '', 1, '', '2026-01-01 00:00:00')"
        )
        connection.exec_driver_sql(
            "insert into mediator_specialty (mediator_id, dispute_type) values"
            " (1, 'neighbourhood'), (1, 'marriage_family')"
        )
    engine.dispose()
    database = open_database(path)
    assert database.backup_made is not None
    assert migrate.current_revision(database.engine) == migrate.HEAD_REVISION
    [mediator] = list_mediators(database)
    assert [s.value for s in mediator.specialties] == ["marriage_family", "neighbourhood"]
    database.close()


def test_a_damaged_database_is_refused_in_chinese_untouched(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    before = path.read_bytes()
    with pytest.raises(UserError) as caught:
        open_database(path)
    assert "可能已损坏" in caught.value.message
    assert "not a database" not in caught.value.message
    assert path.read_bytes() == before
