"""Opening the case database: create, upgrade with a backup, or refuse a newer file.

A new database is built under a temporary name in the same folder and renamed over its own
name only once its schema is committed: a program stopped while creating leaves no database
or a whole one, never a half-built file. A file with no committed schema (0 bytes, SQLite with
no tables, or what an older program left half-built) is made new. Two copies of the program
creating the same file take turns through a lock file beside it; the second finds the first's
database made and opens it.

What SQLite or the system answers is said in words that name the real cause and what to do
(`database_problem`): a folder or a file that cannot be written, a lock held by another
program, a full disk. "Damaged" is said only when nothing else explains the failure.
"""

from __future__ import annotations

import errno
import os
import secrets
import sqlite3
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.db import engine as db_engine
from app.db import migrate
from app.db.engine import make_engine
from app.db.models import Committee
from app.domain.errors import NotFoundError, UserError, shown_path
from app.domain.numbering import (
    DEFAULT_PATTERN,
    check_committee_name,
    check_pattern,
    check_short_name,
)
from app.services.files import os_problem
from app.services.records import row_fields
from app.views import Changed, CommitteeInfo

if TYPE_CHECKING:
    from app.services.operations import Operation

DEFAULT_COMMITTEE_NAME = "社区人民调解委员会"
DEFAULT_SHORT_NAME = "社"
#: How long a copy of the program waits for another that is creating the same database (s):
#: building the schema takes about a second, a slow USB stick a few more.
CREATION_WAIT_S = 60.0
#: A database holds residents' personal data: a new one is readable by its owner only.
PRIVATE_FILE = 0o600


@dataclass
class Database:
    """An open case database: its file, engine and session factory."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    backup_made: Path | None = None
    #: Whether opening it built it (False: it was there, or another copy of the program made it).
    created: bool = False

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error.

        It takes the write lock first (BEGIN IMMEDIATE), so what it reads cannot change
        before it writes: two imports at once, or two copies of the program, take turns
        (waiting up to the busy timeout) instead of writing on what the other has changed. A
        fault of the file (a full disk, a lock not let go) comes out in words.
        """
        try:
            with self.sessions.begin() as session:
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session
        except (DBAPIError, sqlite3.Error) as error:
            problem = database_problem(error, self.path)
            if problem is None:
                raise
            raise problem from error

    @contextmanager
    def reading(self) -> Iterator[Session]:
        try:
            with self.sessions() as session:
                yield session
        except (DBAPIError, sqlite3.Error) as error:
            problem = database_problem(error, self.path)
            if problem is None:
                raise
            raise problem from error

    def operation(
        self,
        actor: str,
        name: str,
        *,
        case: str | int | None = None,
        allow_archived: bool = False,
    ) -> AbstractContextManager[Operation]:
        """One change through the operation layer (see app.services.operations)."""
        from app.services.operations import operation

        return operation(self, actor, name, case=case, allow_archived=allow_archived)

    def close(self) -> None:
        self.engine.dispose()


# ====================================================================== what went wrong, in words

# SQLite's primary result codes (an extended code carries one in its low byte).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR = 3, 5, 6, 8, 10
_CORRUPT, _FULL, _CANTOPEN, _NOTADB = 11, 13, 14, 26
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}
_NO_ROOM = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def database_problem(error: BaseException, path: Path | None) -> UserError | None:
    """What is wrong with the database file behind `error`, in words that say what to do, when
    it is something the person can put right (or must know of: damage); None for a bug.

    `path` is the database's file (None when unknown: the words then name no file).
    """
    if isinstance(error, UserError):
        return error
    cause = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(cause, OSError):
        return _os_fault(cause, path)
    if not isinstance(cause, sqlite3.Error):
        return None
    code = getattr(cause, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (_BUSY, _LOCKED):
        return _in_use(path)
    if primary == _FULL:
        return _disk_full(path)
    if primary in (_READONLY, _CANTOPEN, _PERM, _IOERR):
        if path is not None and _cannot_write_in(path.parent):
            return _folder_not_writable(path)
        if path is not None and _read_only_file(path):
            return _file_not_writable(path)
        if primary == _IOERR:
            return UserError(
                f"读写数据库文件{_named(path)}时出错，U盘或网络盘可能已拔出或断开。"
                "请检查后再试；刚才的操作没有保存。"
            )
        if primary == _CANTOPEN:
            return UserError(
                f"无法打开数据库文件{_named(path)}，请检查文件是否还在、是否有权限使用它，"
                "或把它复制到“文档”等文件夹后再打开。"
            )
        return _file_not_writable(path)
    if primary in (_CORRUPT, _NOTADB):
        return _unreadable(path)
    return None


def _named(path: Path | None) -> str:
    return f"“{shown_path(path)}”" if path is not None else ""


def _in_use(path: Path | None, waited_s: float | None = None) -> UserError:
    waited = db_engine.BUSY_TIMEOUT_MS / 1000 if waited_s is None else waited_s
    return UserError(
        f"另一个程序正在使用数据库{_named(path)}（可能是另一个老娘舅正在保存、导入或建立它，"
        f"或者用别的软件打开了它），等了{max(1, round(waited))}秒还没有结束。"
        "请等它完成，或关闭那个程序后再试；刚才的操作没有保存。"
    )


def _disk_full(path: Path | None) -> UserError:
    return UserError(
        f"磁盘已满：数据库{_named(path)}所在的磁盘没有空间了，刚才的操作没有保存。"
        "请删除一些不用的文件、清空回收站后再试，或把数据库移到空间大一些的磁盘。"
    )


def _folder_not_writable(path: Path) -> UserError:
    return UserError(
        f"文件夹不能写入：数据库“{shown_path(path)}”所在的文件夹不允许写入，"
        "老娘舅在这里建立不了数据库、也保存不了改动（它要在数据库旁边写临时文件）。"
        "请把数据库放到可以写入的文件夹（例如“文档”），或请管理员给这个文件夹写入权限。"
    )


def _file_not_writable(path: Path | None) -> UserError:
    return UserError(
        f"数据库文件{_named(path)}是只读的，不能保存改动。请在文件的属性里去掉“只读”，"
        "或把它复制到可以写入的文件夹（例如“文档”）后再打开。"
    )


def _unreadable(path: Path | None) -> UserError:
    # SQLite's own reason ("file is not a database") is English and would not help anyway.
    return UserError(
        f"无法打开数据库{_named(path)}，文件可能已损坏，或者不是老娘舅的数据库。"
        "请从备份中恢复，或联系维护人员。"
    )


def _os_fault(error: OSError, path: Path | None) -> UserError:
    if error.errno in _NO_ROOM:
        return _disk_full(path)
    if error.errno in _NOT_ALLOWED and path is not None and _cannot_write_in(path.parent):
        return _folder_not_writable(path)
    return UserError(f"无法使用数据库文件{_named(path)}：{os_problem(error)}。")


def _cannot_write_in(folder: Path) -> bool:
    """Whether the system refuses a new file in `folder`: tried, since permissions, a
    read-only medium and Windows' own rules all decide it and no one check covers them all."""
    probe = folder / f".{secrets.token_hex(6)}.probe"
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except OSError as error:
        return error.errno in _NOT_ALLOWED
    os.close(descriptor)
    _forget(probe)
    return False


def _read_only_file(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & stat.S_IWUSR or not os.access(path, os.W_OK)


# ====================================================================== opening


def _check_is_sqlite(path: Path) -> None:
    """Refuse what is not a SQLite file; an empty file (0 bytes) passes: it is made new."""
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise _os_fault(error, path) from error
    if header and header != b"SQLite format 3\x00":
        raise _not_ours(path)


def _not_ours(path: Path) -> UserError:
    return UserError(
        f"“{shown_path(path)}”不是老娘舅的数据库文件（可能选错了文件，或文件已损坏）。"
        "请选择以 .db 结尾的数据库文件，或从备份中恢复。"
    )


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _is_built(path: Path) -> bool:
    """Whether `path` holds a database whose schema was committed (or a file to keep as it
    is); False for a missing file and for one with no committed schema."""
    try:
        if path.is_dir():
            raise UserError(
                f"“{shown_path(path)}”是一个文件夹，不是数据库文件。"
                f"请给出数据库文件的名字，例如 {path / 'laoniangjiu.db'}"
            )
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    except OSError as error:
        raise _os_fault(error, path) from error
    wal = path.with_name(path.name + "-wal")
    if size == 0 and not (wal.exists() and wal.stat().st_size):
        return False
    _check_is_sqlite(path)
    try:
        return migrate.has_committed_schema(path)
    except sqlite3.Error as error:
        raise database_problem(error, path) or _unreadable(path) from error


def _absolute(path: Path | str) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError) as error:
        raise UserError(f"数据库文件的路径“{shown_path(path)}”不对，请检查后再试。") from error


def open_database(
    path: Path | str,
    *,
    create: bool = True,
    committee_name: str | None = None,
    short_name: str | None = None,
) -> Database:
    """Open and upgrade the database at `path`; with `create`, a missing file is made new.

    Without `create` a missing file is an error, so a mistyped path is reported instead of
    quietly becoming a new, empty database, and an empty file is left as it is.
    `committee_name`/`short_name` name the committee when its row is first made (`init
    --committee`: in that one transaction, not a second one a kill could fall between).
    """
    path = _absolute(path)
    created = False
    if _is_built(path):
        _drop_stale_lock(path)
        with suppress(OSError):  # the data folder of an older version, closed to others
            paths.make_folder(path.parent)
    elif not create:
        raise _not_a_database_yet(path)
    else:
        created = _create(path)
    # Before any engine connects: its pragmas would already change a file we must refuse.
    try:
        revision = migrate.refuse_newer_file(path)
    except sqlite3.Error as error:
        raise database_problem(error, path) or _unreadable(path) from error
    if revision is None:  # tables, but not this program's: somebody else's data, kept as it is
        raise _not_ours(path)
    engine = make_engine(path)
    try:
        backup = migrate.upgrade(engine, path)
    except (DBAPIError, sqlite3.Error, OSError) as error:  # OSError: the copy made before it
        engine.dispose()
        raise database_problem(error, path) or _unreadable(path) from error
    except BaseException:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    db = Database(path, engine, sessions, backup_made=backup, created=created)
    try:
        ensure_committee(
            db,
            name=committee_name or DEFAULT_COMMITTEE_NAME,
            short_name=short_name or DEFAULT_SHORT_NAME,
        )
        # A file upgraded from before the search index, or cases written in bulk: fill it once.
        from app.services.search_index import ensure_index

        ensure_index(db)
    except BaseException:
        db.close()
        raise
    return db


def _not_a_database_yet(path: Path) -> UserError:
    if not path.exists():
        return NotFoundError(
            f"找不到数据库文件“{shown_path(path)}”，请检查路径，或先用 init 建立一个新的数据库，"
            f"例如：laoniangjiu-cli --db {path} init"
        )
    return UserError(
        f"数据库文件“{shown_path(path)}”是空的，里面还没有建立数据库（可能是建立时被中断了），"
        "这里没有改动它。要在这里建立新的数据库，请用 init，"
        f"例如：laoniangjiu-cli --db {path} init；"
        "如果它本来存着案件，请从备份中恢复。"
    )


# ====================================================================== creating


def _create(path: Path) -> bool:
    """Make `path` a new database: the schema built under a temporary name, then renamed.
    False when another copy of the program made it meanwhile."""
    try:
        paths.make_folder(path.parent)
    except OSError as error:
        raise UserError(
            f"无法建立数据库所在的文件夹“{shown_path(path.parent)}”：{os_problem(error)}。"
        ) from error
    try:
        with _creating(path):
            if _is_built(path):  # another copy of the program made it while we waited
                return False
            _remove_leftovers(path)
            temporary = path.with_name(f".{path.name}.new-{secrets.token_hex(4)}")
            try:
                _build(temporary)
                # The journal of the empty file it replaces must not be replayed onto it.
                for side in _side_files(path):
                    side.unlink(missing_ok=True)
                os.replace(temporary, path)
            except BaseException:
                for leftover in (temporary, *_side_files(temporary)):
                    _forget(leftover)
                raise
            paths.sync_folder(path.parent)
            return True
    except (OSError, DBAPIError, sqlite3.Error) as error:
        problem = database_problem(error, path)
        if problem is None:
            raise
        raise problem from error


def _build(temporary: Path) -> None:
    """The newest schema in a new file at `temporary`, wholly written to disk."""
    descriptor = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE
    )
    os.close(descriptor)
    engine = make_engine(temporary)
    try:
        migrate.run_migrations(engine)
        with engine.connect() as connection:  # everything into the file itself, no -wal left
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    descriptor = os.open(temporary, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_leftovers(path: Path) -> None:
    """What a creation that was stopped left: its temporary files (only one creator at a time
    holds the lock, so none of them is in use)."""
    prefix = f".{path.name}.new-"
    for leftover in path.parent.iterdir():
        if leftover.name.startswith(prefix):
            _forget(leftover)


def _forget(path: Path) -> None:
    with suppress(OSError):  # what cannot be removed stays; it is never in the way
        path.unlink(missing_ok=True)


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextmanager
def _creating(path: Path, wait_s: float = CREATION_WAIT_S) -> Iterator[None]:
    """Held while `path` is created; another copy of the program waits for it.

    The lock file is removed when done. A waiter that then gets the lock of a removed file
    takes the lock file again, so two copies never both think they hold it. The lock is the
    system's (released when a killed program dies), not the file's existence.
    """
    lock = _lock_path(path)
    deadline = time.monotonic() + wait_s
    while True:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
        descriptor = os.open(lock, flags, PRIVATE_FILE)
        try:
            _take_lock(descriptor, deadline, path)
            current = os.path.samestat(os.fstat(descriptor), os.stat(lock))
        except FileNotFoundError:
            current = False
        except BaseException:
            os.close(descriptor)
            raise
        if current:
            break
        os.close(descriptor)
    try:
        yield
    finally:
        _forget(lock)
        os.close(descriptor)  # lets the lock go


#: What taking a lock another program holds answers (flock; Windows' locking).
_HELD = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, getattr(errno, "EDEADLOCK", errno.EDEADLK)}


def _take_lock(descriptor: int, deadline: float, path: Path) -> None:
    started = time.monotonic()
    while True:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in _HELD:  # a file system without locks (a network share)
                return
            if time.monotonic() >= deadline:
                raise _in_use(path, time.monotonic() - started) from error
            time.sleep(0.05)


def _drop_stale_lock(path: Path) -> None:
    """A lock file left by a program killed just after it created the database: removed if
    nobody holds it (a creation just finishing removes its own)."""
    if not _lock_path(path).exists():
        return
    try:
        with _creating(path, wait_s=0):
            pass
    except (OSError, UserError):
        pass


def ensure_committee(
    db: Database,
    name: str = DEFAULT_COMMITTEE_NAME,
    short_name: str = DEFAULT_SHORT_NAME,
    number_pattern: str = DEFAULT_PATTERN,
    actor: str = "",
) -> CommitteeInfo:
    """The committee row; created with the given (or default) names the first time."""
    with db.reading() as session:
        existing = session.scalar(select(Committee).limit(1))
        if existing is not None:
            return committee_info(existing)
    with db.operation(actor, "committee.create") as op:
        committee = op.session.scalar(select(Committee).limit(1))
        if committee is None:  # another copy of the program may have just made it
            committee = Committee(
                name=name,
                short_name=short_name,
                number_pattern=check_pattern(number_pattern),
                address="",
                phone="",
                print_effect_sentence=True,
                print_confirmation_hint=True,
                follow_up_days=30,
            )
            op.session.add(committee)
            op.session.flush()
            op.track("committee", None, lambda: row_fields(committee), new=True)
        op.result = committee_info(committee)
    return op.result


def committee_info(committee: Committee) -> CommitteeInfo:
    return CommitteeInfo(
        name=committee.name,
        short_name=committee.short_name,
        number_pattern=committee.number_pattern,
        print_effect_sentence=committee.print_effect_sentence,
        print_confirmation_hint=committee.print_confirmation_hint,
        follow_up_days=committee.follow_up_days,
        page_layout=committee.page_layout,
    )


def get_committee(db: Database) -> CommitteeInfo:
    with db.reading() as session:
        committee = session.scalar(select(Committee).limit(1))
        if committee is None:
            raise UserError("数据库中还没有调解委员会信息，请先初始化。")
        # Imported here: the wordings' module builds on this one.
        from app.services.wordings import wordings_in

        wordings = wordings_in(session)
        return replace(
            committee_info(committee),
            texts=tuple(sorted(wordings.texts.items())),
            wording_version=wordings.version,
        )


def update_committee(
    db: Database,
    *,
    name: str | None = None,
    short_name: str | None = None,
    number_pattern: str | None = None,
    follow_up_days: int | None = None,
    actor: str = "",
) -> tuple[CommitteeInfo, Changed]:
    """Change the committee's names, number pattern or follow-up period."""
    with db.operation(actor, "committee.update") as op:
        committee = op.session.scalar(select(Committee).limit(1))
        if committee is None:
            raise UserError("数据库中还没有调解委员会信息，请先初始化。")
        op.track("committee", None, lambda: row_fields(committee))
        # The field table's checks (length, control characters, blank), as the importer's:
        # a name stored here must read back from the program's own export.
        if name is not None:
            committee.name = check_committee_name(name)
        if short_name is not None:
            committee.short_name = check_short_name(short_name)
        if number_pattern is not None:
            committee.number_pattern = check_pattern(number_pattern)
        if follow_up_days is not None:
            if not 1 <= follow_up_days <= 365:
                raise UserError("回访期限应在1到365天之间，例如30天。")
            committee.follow_up_days = follow_up_days
        op.result = committee_info(committee)
        op.refresh(Changed(settings=True, case_list=True, due=True))
    return op.outcome
