"""Create and upgrade a database file, only through the Alembic migrations.

Before a user's file is upgraded it is copied aside and the copy verified; the upgrade itself
is one transaction, so a program stopped anywhere in it leaves the file at its old revision,
as it was. A file written by a newer program is refused with a message that says what to do.
"""

from __future__ import annotations

import glob
import os
import secrets
import sqlite3
import time
from contextlib import closing, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from app import paths
from app.domain.errors import DatabaseNewerError, UserError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest migration's revision (a test keeps it equal to Alembic's head). A file already at
#: this revision opens without importing Alembic at all: ~200 ms less at every start.
HEAD_REVISION = "0012"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the file by Alembic; None for a new, empty file."""
    with engine.connect() as connection:
        stamped = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if stamped is None:
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def run_migrations(engine: Engine) -> None:
    """Bring the file behind `engine` to the newest revision, every step in one transaction.

    Left to themselves the steps would not be one: Alembic takes SQLite for a database without
    transactional DDL, and pysqlite opens a transaction only before an INSERT, UPDATE or
    DELETE, so the tables made before the first of those were committed one statement at a
    time, and a program stopped half-way left a file with new tables under the old revision,
    which no later upgrade could get past. SQLite's DDL is transactional: with the driver's
    own transaction handling off (autocommit at the pysqlite level) one BEGIN IMMEDIATE …
    COMMIT holds every step, and a failure or a kill anywhere leaves the file as it was.

    Foreign keys are off meanwhile, as SQLite's own procedure for changing a table asks:
    batch mode rebuilds a table by copying, dropping and renaming it, and dropping
    `dispute_case` with them on deletes every party and agreement through ON DELETE CASCADE.
    They can only be switched outside a transaction; before the commit `foreign_key_check`
    must find no reference broken that was whole before.
    """
    from alembic import command

    config = alembic_config()
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            # Alembic leaves the transaction to a connection that is already in one; at the
            # driver's level none is open yet, so the pragma still takes effect.
            with connection.begin():
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    broken_before = _broken_references(connection)
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    if _broken_references(connection) > broken_before:
                        raise UserError(_REFERENCES_BROKEN)
                    connection.exec_driver_sql("COMMIT")
                except BaseException:
                    with suppress(Exception):  # SQLite may have ended it itself (a full disk)
                        connection.exec_driver_sql("ROLLBACK")
                    raise
        finally:
            _foreign_keys_on(connection)


_REFERENCES_BROKEN = (
    "升级数据库时发现有记录会指向已不存在的记录，升级没有做，数据库没有改动。请联系维护人员。"
)


def _broken_references(connection: Connection) -> int:
    return len(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


def _foreign_keys_on(connection: Connection) -> None:
    """Foreign keys on again, or the connection is not used again (the pool would hand it out
    with them off)."""
    try:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        on = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    except Exception:
        on = 0
    if on != 1:
        connection.invalidate()


def backup_copy(path: Path, reason: str) -> Path:
    """Copy the database aside with SQLite's online backup and check the copy is sound.

    The copy is made under a hidden temporary name and renamed once checked and on disk: a
    program stopped while copying leaves no half copy under a backup's name.
    """
    _remove_stale_copies(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{reason}-{stamp}{path.suffix}")
    temporary = path.with_name(f".{target.name}.part-{secrets.token_hex(4)}")
    try:
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(temporary)) as copy:
            source.backup(copy)
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise UserError(f"升级前备份数据库失败（{ok}），数据库没有改动。请联系维护人员。")
        descriptor = os.open(temporary, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    paths.sync_folder(path.parent)  # the rename on disk before the upgrade's commit is
    return target


#: A half copy left by a program stopped while copying is removed once this old (s): younger,
#: it may be another copy of the program's, still being written.
STALE_COPY_S = 3600.0


def _remove_stale_copies(path: Path) -> None:
    """The hidden half copies (`backup_copy`) that programs stopped while copying `path` left."""
    deadline = time.time() - STALE_COPY_S
    for leftover in path.parent.glob(f".{glob.escape(path.stem)}.*.part-*"):
        with suppress(OSError):
            if leftover.is_file() and leftover.stat().st_mtime < deadline:
                leftover.unlink()


def _newer_error(path: Path | None) -> DatabaseNewerError:
    return DatabaseNewerError(
        f"数据库文件{f'“{path}”' if path else ''}是用更新版本的老娘舅程序保存的，"
        "这个版本的程序无法打开它，也没有做任何改动。请把程序升级到最新版本后再打开。"
    )


#: What a read-only connection answers when a journal must first be brought into the file:
#: SQLITE_READONLY_RECOVERY (a WAL index to rebuild), _ROLLBACK (a hot rollback journal),
#: _CANTINIT (a WAL index nobody has made yet).
_JOURNAL_TO_BRING_IN = {264, 776, 1288}


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that reads `path` and writes nothing to it.

    The engine's connections switch the file to WAL on connect, which rewrites its header; a
    file this program must refuse, or only look at, has to be read without that. With no
    journal beside it the file alone is the whole database, and `immutable` reads it without
    creating the -wal and -shm files a read-only WAL connection would leave.

    A program stopped in the middle of a write leaves a journal that must be brought in before
    the file can be read: a rollback journal rolled back, a WAL index rebuilt. A read-only
    connection cannot, and SQLite answers "read-only", which would have the file called
    unwritable and refused. Then one plain connection reads the file once, as any program
    opening it first would (it puts back the last committed state and changes nothing else),
    and the read-only connection is made again.
    """
    connection = _read_only(path)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.Error as error:
        connection.close()
        if getattr(error, "sqlite_errorcode", None) not in _JOURNAL_TO_BRING_IN:
            raise
        _bring_in_journal(path)
    return _read_only(path)


def _read_only(path: Path) -> sqlite3.Connection:
    from app.db import engine  # its busy timeout, read when called (a test shortens it)

    side_files = (path.with_name(path.name + suffix) for suffix in ("-wal", "-journal"))
    options = "mode=ro" if any(f.exists() for f in side_files) else "mode=ro&immutable=1"
    return sqlite3.connect(
        f"{path.as_uri()}?{options}", uri=True, timeout=engine.BUSY_TIMEOUT_MS / 1000
    )


def _bring_in_journal(path: Path) -> None:
    """Let SQLite recover the file from what a stopped writer left (no pragma, no WAL switch:
    mode=rw only so that a file gone meanwhile is not made new)."""
    from app.db import engine

    with closing(
        sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=engine.BUSY_TIMEOUT_MS / 1000)
    ) as connection:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()


def file_revision(path: Path) -> str | None:
    """The revision stamped in an existing file, read through a read-only connection."""
    connection = read_only(path)
    try:
        return _stamped(connection)
    finally:
        connection.close()


def _stamped(connection: sqlite3.Connection) -> str | None:
    stamped = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if stamped is None:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


#: What only a person's work puts into a file: a committee, a mediator, a case.
_ENTERED = ("committee", "mediator", "dispute_case")


def _ours(table: str) -> bool:
    """A table this program's schema has, or one SQLite or a migration makes on the way."""
    from app.db.fts import SEARCH_TABLE
    from app.db.models import Base

    return (
        table in Base.metadata.tables
        or table == "alembic_version"
        or table.startswith(("sqlite_", "_alembic_tmp_", SEARCH_TABLE))
    )


def has_committed_schema(path: Path) -> bool:
    """Whether the SQLite file `path` holds a schema whose creation was finished, or anything
    else worth keeping; False means it may be made new.

    False for a file with no tables (an empty SQLite file), and for what an older program left
    when it was stopped while building the schema (it committed table by table): tables all
    of this program's, no revision stamped, and no committee, mediator or case in them.
    A table this program does not know is somebody else's data: True, so it is never replaced.
    """
    connection = read_only(path)
    try:
        tables = {
            str(row[0])
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return False
        if _stamped(connection) is not None or not all(_ours(t) for t in tables):
            return True
        return any(
            connection.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None
            for table in _ENTERED
            if table in tables
        )
    finally:
        connection.close()


def refuse_newer_file(path: Path) -> str | None:
    """Raise DatabaseNewerError, writing nothing, if `path` was written by a newer program;
    returns the revision stamped in it (None: none is)."""
    current = file_revision(path)
    if current is not None and current != HEAD_REVISION and current not in known_revisions():
        raise _newer_error(path)
    return current


def upgrade(engine: Engine, path: Path | None = None) -> Path | None:
    """Bring the database to the newest schema; returns the backup made, if any.

    A new, empty file is created from nothing (no backup needed). An older file is backed up
    first. A file from a newer program is refused untouched.
    """
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return None
    head = head_revision()
    if current == head:
        return None
    if current is not None and current not in known_revisions():
        raise _newer_error(path)
    backup = None
    if current is not None and path is not None:
        backup = backup_copy(path, f"before-upgrade-{current}")
    run_migrations(engine)
    return backup
