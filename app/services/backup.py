"""Backups and recovery: verified copies of the database and its attachments, made, rotated,
described, restored, and the database itself checked.

A backup is one file: a zip of the database (a copy taken with SQLite's online backup API and
checked with `PRAGMA integrity_check`, `foreign_key_check` and the audit chain before it is
packed), every stored attachment, and `manifest.json` — what the backup holds and the SHA-256
of every member. An encrypted backup is that zip encrypted whole
(`app.services.backup_crypto`). A backup is written under a temporary name, read back and
checked, and only then given its name: a file under a backup's name is always whole.

Automatic backups go into `backups/` beside the database: after the day's first change and at
exit (`backup_if_due`), rotated to 7 daily, 4 weekly and 12 monthly once the new one is
verified — the newest, verified one is never pruned.

A restore checks the backup first, saves the current database aside, puts the attachments in
place and then the database, each written under a temporary name and moved with os.replace:
a restore that fails or is stopped leaves the old database, or the whole new one. With
accounts on, only an administrator of the database being replaced may restore over it
(`check_may_restore`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from app import __version__, paths
from app.db import migrate
from app.domain.errors import NotFoundError, UserError, shown_path
from app.domain.roles import Role
from app.services.backup_crypto import (
    DAMAGED,
    LOST_PASSWORD_WARNING,
    MAGIC,
    PASSWORD_ENV,
    BackupDamaged,
    EncryptingWriter,
    WrongPassword,
    decrypt,
    is_encrypted,
    read_header,
)
from app.services.database import Database, database_problem
from app.services.files import os_problem

if TYPE_CHECKING:
    from app.services.accounts import SignedIn

__all__ = [
    "DAMAGED",
    "LOST_PASSWORD_WARNING",
    "PASSWORD_ENV",
    "BackupDamaged",
    "BackupInfo",
    "BackupResult",
    "DatabaseCheck",
    "QuickCheck",
    "RestoreResult",
    "WrongPassword",
    "accounts_on_in",
    "backup_if_due",
    "backups_folder",
    "check_database",
    "check_may_restore",
    "describe_backup",
    "is_encrypted",
    "list_backups",
    "make_backup",
    "newest_good_backup",
    "quick_check",
    "restore_backup",
    "rotation_keeps",
]

FORMAT = "laoniangjiu-backup"
FORMAT_VERSION = 1
BACKUPS_FOLDER = "backups"
DATABASE_MEMBER = "database.db"
MANIFEST_MEMBER = "manifest.json"
ATTACHMENTS_MEMBER = "attachments"
PLAIN_SUFFIX = ".zip"
ENCRYPTED_SUFFIX = ".lnjbak"
#: A copy of a database file as it was (the one a restore saves aside): restorable too.
DATABASE_SUFFIX = ".db"
MANUAL, AUTO, BEFORE_RESTORE = "manual", "auto", "before-restore"
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
MIN_PASSWORD = 8
#: What a stopped backup or restore leaves (hidden temporary files and folders) is removed by
#: the next one once it is this old: younger, it may belong to one still running.
STALE_S = 3600.0
_CHUNK = 1024 * 1024
#: Deflate level 1: a 60 MB database packs to 15 MB in one second; level 6 saves 2 MB more in
#: three and a half.
_LEVEL = 1
#: A member this large or larger gets its zip64 header from the start.
_ZIP64_FROM = 2**31 - 2**26
_HEX2 = re.compile(r"[0-9a-f]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_ATTACHMENT = re.compile(rf"{ATTACHMENTS_MEMBER}/([0-9a-f]{{2}})/([0-9a-f]{{64}})")
_REASON = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_PRIVATE_FILE = 0o600
_CORRUPT, _NOTADB, _BUSY, _LOCKED = 11, 26, 5, 6


# ====================================================================== what is reported


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds and whether it is sound: what restore shows before it replaces
    anything. `sound` is None when the file was not verified (listed only, or encrypted and no
    password given)."""

    path: Path
    encrypted: bool
    size: int
    sound: bool | None = None
    problem: str = ""
    made_at: datetime | None = None
    reason: str = ""
    cases: int | None = None
    newest_case: str | None = None
    newest_case_on: date | None = None
    attachments: int | None = None
    revision: str | None = None
    program_version: str = ""
    audit_entries: int | None = None

    @property
    def needs_password(self) -> bool:
        return self.encrypted and self.sound is None

    @property
    def automatic(self) -> bool:
        return self.reason == AUTO

    def summary(self) -> str:
        lines = [f"备份文件：{self.path}"]
        if self.made_at is not None:
            kind = {AUTO: "（自动备份）", BEFORE_RESTORE: "（恢复前另存的数据库）"}
            lines.append(f"备份时间：{self.made_at:%Y-%m-%d %H:%M}{kind.get(self.reason, '')}")
        if self.cases is not None:
            newest = (
                f"，最新的是{self.newest_case}（{self.newest_case_on:%Y-%m-%d}受理）"
                if self.newest_case and self.newest_case_on
                else ""
            )
            lines.append(f"案件：{self.cases}件{newest}")
        if self.attachments is not None:
            lines.append(f"附件：{self.attachments}个")
        lines.append(f"大小：{_size_text(self.size)}")
        lines.append(f"加密：{'是（要用密码才能恢复）' if self.encrypted else '否'}")
        if self.sound is True:
            lines.append("检查：完好（每个文件的校验码、数据库的结构和操作记录都核对过）")
        elif self.sound is False:
            lines.append(f"检查：不能用 — {self.problem}")
        elif self.needs_password:
            lines.append("检查：要输入密码后才能打开核对")
        else:
            lines.append("检查：还没有核对")
        return "\n".join(lines)


@dataclass(frozen=True)
class BackupResult:
    """A backup made and verified."""

    path: Path
    info: BackupInfo
    seconds: float
    #: Older automatic backups removed by the rotation after this one was verified.
    pruned: tuple[Path, ...] = ()
    #: What the person should know (attachments missing from the store …).
    warnings: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        info = self.info
        newest = (
            f"，最新的是{info.newest_case}（{info.newest_case_on:%Y-%m-%d}受理）"
            if info.newest_case and info.newest_case_on
            else ""
        )
        lines = [
            f"备份已做好，并已核对无误：{self.path}",
            f"  案件{info.cases}件{newest}；附件{info.attachments}个；"
            f"大小{_size_text(info.size)}，用时{self.seconds:.1f}秒。",
        ]
        if info.encrypted:
            lines.append(f"  这份备份加了密码。{LOST_PASSWORD_WARNING}")
        if self.pruned:
            lines.append(f"  按保留规则删去了{len(self.pruned)}份较早的自动备份。")
        lines.extend(f"  注意：{w}" for w in self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True)
class RestoreResult:
    """A backup put in place of the database."""

    info: BackupInfo
    database: Path
    #: The database as it was before the restore (None: there was none).
    saved_aside: Path | None
    attachments_added: int

    @property
    def message(self) -> str:
        lines = [f"已从备份恢复：{self.database}"]
        if self.info.cases is not None:
            lines.append(
                f"  现在的数据库里有案件{self.info.cases}件，附件{self.info.attachments}个。"
            )
        if self.saved_aside is not None:
            lines.append(
                f"  恢复以前的数据库已另存为：{self.saved_aside}（要退回去，可以用它再恢复一次）。"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class DatabaseCheck:
    """The full check of a database file (`check_database`)."""

    path: Path
    sound: bool
    lines: tuple[str, ...]
    cases: int | None = None
    audit_entries: int | None = None
    #: When the database is damaged: the newest backup beside it that is sound.
    newest_good: BackupInfo | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class QuickCheck:
    """The fast check at the start of the window (`quick_check`)."""

    path: Path
    sound: bool
    problem: str = ""
    newest_good: BackupInfo | None = None

    @property
    def message(self) -> str:
        if self.sound:
            return ""
        return f"{self.problem}\n{_offer(self.path, self.newest_good)}"


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _offer(database: Path, good: BackupInfo | None) -> str:
    if good is None:
        return (
            f"在备份文件夹“{shown_path(backups_folder(database))}”里没有找到完好的备份。"
            "请找一找U盘或别处的备份，用它恢复；请不要继续在这个文件上办理案件。"
        )
    made = f"（{good.made_at:%Y-%m-%d %H:%M}做的" if good.made_at else "（"
    return (
        f"可以用最新的完好备份恢复：{good.path}{made}，案件{good.cases}件）。"
        "恢复前，现在的文件会先另存一份。"
    )


# ====================================================================== names and folders


def backups_folder(database: Path) -> Path:
    """Where the automatic backups of `database` go: `backups/` beside it."""
    return database.parent / BACKUPS_FOLDER


def attachments_folder_of(database: Path) -> Path:
    """The attachment store of the database at `database` (as app.services.sittings keeps
    it, for a database that is not open)."""
    return database.with_name(f"{database.stem}-附件")


def _name_pattern(stem: str | None) -> re.Pattern[str]:
    """A backup's file name: `<stem>-<reason>-<YYYYMMDD-HHMMSS>[-n]<suffix>` (any stem: None)."""
    suffixes = "|".join(re.escape(s) for s in (PLAIN_SUFFIX, ENCRYPTED_SUFFIX, DATABASE_SUFFIX))
    named = ".+?" if stem is None else re.escape(stem)
    return re.compile(
        rf"{named}-(?P<reason>[a-z][a-z0-9-]*?)-(?P<stamp>\d{{8}}-\d{{6}})"
        rf"(?:-(?P<n>\d+))?(?P<suffix>{suffixes})"
    )


def _stamp_of(match: re.Match[str]) -> datetime | None:
    """The time in a backup's name; a second one of the same second (`-2`, `-3` …) a
    microsecond later each, so the order of the files is the order they were made in."""
    try:
        stamp = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return stamp + timedelta(microseconds=int(match["n"] or 1) - 1)


def _backups_in(folder: Path, stem: str) -> list[tuple[datetime, str, Path]]:
    """(time in the name, reason, file) of each backup of `stem` in `folder`, oldest first."""
    pattern = _name_pattern(stem)
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        match = pattern.fullmatch(path.name)
        stamp = _stamp_of(match) if match else None
        if match and stamp is not None and path.is_file():
            found.append((stamp, match["reason"], path))
    found.sort(key=lambda item: item[0])
    return found


def _automatic(folder: Path, stem: str) -> list[tuple[datetime, Path]]:
    return [
        (stamp, path)
        for stamp, reason, path in _backups_in(folder, stem)
        if reason == AUTO and path.suffix == PLAIN_SUFFIX
    ]


def _free_name(folder: Path, stem: str, reason: str, now: datetime, suffix: str) -> Path:
    base = f"{stem}-{reason}-{now:%Y%m%d-%H%M%S}"
    target = folder / f"{base}{suffix}"
    number = 2
    # A journal left by a copy that was stopped before its file got the name counts too: SQLite
    # would take it for the journal of a new file of that name.
    while any(p.exists() for p in (target, *_side_files(target))):
        target = folder / f"{base}-{number}{suffix}"
        number += 1
    return target


def _temporary_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.part-{secrets.token_hex(4)}")


def _absolute(path: Path | str) -> Path:
    try:
        return Path(path).expanduser().absolute()
    except (OSError, RuntimeError) as error:
        raise UserError(f"路径“{shown_path(path)}”不对，请检查后再试。") from error


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _create_private(path: Path) -> BinaryIO:
    """A new file, readable by the user only (a backup holds residents' personal data)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, _PRIVATE_FILE), "wb")


def _remove_stale(folder: Path, stem: str) -> None:
    """What a backup or restore stopped by a crash left in `folder` (temporary files and work
    folders of `stem`), once old enough not to belong to one still running."""
    pattern = re.compile(
        rf"\.{re.escape(stem)}-(?:backup|restore)-[0-9a-f]{{8}}"
        rf"|\.{re.escape(stem)}-.+\.part-[0-9a-f]{{8}}"
    )
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    deadline = time.time() - STALE_S
    for path in entries:
        if not pattern.fullmatch(path.name):
            continue
        with suppress(OSError):
            if path.lstat().st_mtime > deadline:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()


@contextmanager
def _work_folder(near: Path, kind: str, *, anywhere: bool = False) -> Iterator[Path]:
    """A private folder beside `near` for the copies a backup or restore works on (same disk:
    a restore moves its files from there with os.replace). With `anywhere`, the system's
    temporary folder when `near`'s folder cannot be written."""
    _remove_stale(near.parent, near.stem)
    folder = near.parent / f".{near.stem}-{kind}-{secrets.token_hex(4)}"
    try:
        folder.mkdir(mode=0o700)
    except OSError as error:
        if not anywhere:
            raise UserError(
                f"无法在“{shown_path(near.parent)}”里写入：{os_problem(error)}。什么也没有改动。"
            ) from error
        folder = Path(tempfile.mkdtemp(prefix="laoniangjiu-backup-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ====================================================================== looking at a database


@dataclass(frozen=True)
class _Facts:
    """What a database holds, as a backup's manifest and restore tell it."""

    revision: str | None
    cases: int
    newest_case: str | None
    newest_case_on: date | None
    audit_entries: int | None
    audit_last_hash: str
    attachment_hashes: frozenset[str]


@dataclass(frozen=True)
class _Inspection:
    """What the checks found in one database file."""

    #: Why the file could not be read at all ('' when it could).
    unreadable: str = ""
    #: What `PRAGMA integrity_check` reported (empty: "ok").
    structure: tuple[str, ...] = ()
    foreign_key_problems: int = 0
    #: The audit chain's verdict (None: not checked, an older schema or a damaged file).
    chain_ok: bool | None = None
    chain_message: str = ""
    newer: bool = False
    facts: _Facts | None = None

    @property
    def sound(self) -> bool:
        return (
            not self.unreadable
            and not self.structure
            and not self.foreign_key_problems
            and self.chain_ok is not False
            and not self.newer
            and self.facts is not None
        )

    def problem(self) -> str:
        """The first thing wrong, in words (empty when sound)."""
        if self.unreadable:
            return self.unreadable
        if self.structure:
            return "数据库文件的结构已损坏（有的页面读不出来或前后对不上）。"
        if self.foreign_key_problems:
            return f"数据库里有{self.foreign_key_problems}处记录指向已不存在的记录。"
        if self.chain_ok is False:
            return self.chain_message
        if self.newer:
            return _NEWER
        if self.facts is None:
            return "这不是老娘舅的数据库。"
        return ""


_NEWER = (
    "这份备份是用更新版本的老娘舅做的，这个版本的程序不能用它恢复。"
    "请先把程序升级到最新版本。当前的数据库没有任何改动。"
)


def _primary(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _inspect(path: Path, *, chain: bool = True) -> _Inspection:
    """Run every check on the database at `path`, read-only: the full integrity check, the
    foreign keys and (for this program's newest schema) the audit chain.

    A file SQLite calls damaged is reported as such; any other fault of the file (in use, a
    folder that cannot be read) is raised in words.
    """
    try:
        with closing(migrate.read_only(path)) as connection:
            rows = tuple(str(r[0]) for r in connection.execute("PRAGMA integrity_check(100)"))
            structure = () if rows == ("ok",) else rows
            if structure:
                return _Inspection(structure=structure)
            problems = len(connection.execute("PRAGMA foreign_key_check").fetchmany(1000))
            revision = _revision(connection)
            if revision is None:
                return _Inspection(foreign_key_problems=problems)
            newer = revision != migrate.HEAD_REVISION and revision not in migrate.known_revisions()
            facts = _facts(connection, revision)
    except sqlite3.DatabaseError as error:
        if _primary(error) not in (_CORRUPT, _NOTADB, None):
            raise database_problem(error, path) or UserError(_UNREADABLE) from error
        return _Inspection(unreadable=_UNREADABLE)
    chain_ok, chain_message = None, ""
    if chain and revision == migrate.HEAD_REVISION and not problems:
        chain_ok, chain_message, entries = _verify_chain(path)
        facts = replace(facts, audit_entries=entries)
    return _Inspection(
        foreign_key_problems=problems,
        chain_ok=chain_ok,
        chain_message=chain_message,
        newer=newer,
        facts=facts,
    )


_UNREADABLE = "数据库文件已损坏，读不出来（可能被截断，或写进了别的内容）。"


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(row[0]) for row in rows}


def _revision(connection: sqlite3.Connection) -> str | None:
    tables = _tables(connection)
    if "alembic_version" not in tables or "dispute_case" not in tables:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def _facts(connection: sqlite3.Connection, revision: str) -> _Facts:
    cases = int(connection.execute("SELECT count(*) FROM dispute_case").fetchone()[0])
    newest = connection.execute(
        "SELECT number, received_on FROM dispute_case ORDER BY received_on DESC, id DESC LIMIT 1"
    ).fetchone()
    newest_on = None
    if newest is not None:
        with suppress(TypeError, ValueError):
            newest_on = date.fromisoformat(str(newest[1])[:10])
    tables = _tables(connection)
    entries, last_hash = None, ""
    if "audit_seal" in tables:
        seal = connection.execute("SELECT count, last_hash FROM audit_seal WHERE id = 1").fetchone()
        entries, last_hash = (int(seal[0]), str(seal[1])) if seal else (0, "")
    hashes: frozenset[str] = frozenset()
    if "attachment" in tables:
        hashes = frozenset(
            str(row[0]) for row in connection.execute("SELECT DISTINCT sha256 FROM attachment")
        )
    return _Facts(
        revision=revision,
        cases=cases,
        newest_case=None if newest is None else str(newest[0]),
        newest_case_on=newest_on,
        audit_entries=entries,
        audit_last_hash=last_hash,
        attachment_hashes=hashes,
    )


def _verify_chain(path: Path) -> tuple[bool, str, int]:
    """The audit chain of the file at `path`, walked through a read-only connection."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import NullPool

    from app.services.audit import verify

    engine = create_engine("sqlite://", creator=lambda: migrate.read_only(path), poolclass=NullPool)
    try:
        with Session(engine) as session:
            check = verify(session)
    finally:
        engine.dispose()
    return check.ok, check.message, check.entries


def _fingerprint(db_path: Path) -> tuple[int, str, int]:
    """(audit entries, newest entry's hash, cases) of the live database: every change through
    the program moves the first two."""
    with closing(migrate.read_only(db_path)) as connection:
        facts = _facts(connection, migrate.HEAD_REVISION)
    return facts.audit_entries or 0, facts.audit_last_hash, facts.cases


# ====================================================================== making a backup


def check_password(password: str) -> None:
    """Refuse a password too short to protect residents' data."""
    if len(password.strip()) < MIN_PASSWORD:
        raise UserError(
            f"备份密码至少要{MIN_PASSWORD}个字符（字母、数字、汉字都可以）；"
            "太短的密码容易被猜出来。备份没有做。"
        )


def make_backup(
    db: Database,
    folder: Path | str | None = None,
    *,
    password: str | None = None,
    reason: str,
    now: datetime | None = None,
) -> BackupResult:
    """Back up `db` and its attachments into one verified file in `folder` (default: the
    `backups/` folder beside it), encrypted when a `password` is given.

    `reason` names the backup (`manual`, `auto`) and goes into its file name, as does `now`
    (default: this moment). Nothing is left under the backup's name unless it was verified;
    a database that fails its checks is not backed up (the earlier backups stay as they are).
    """
    started = time.monotonic()
    if not _REASON.fullmatch(reason):
        raise ValueError(f"reason must be a lower-case word: {reason!r}")
    if password is not None:
        check_password(password)
    moment = (now or datetime.now()).astimezone()
    source = db.path
    target_folder = _target_folder(source, folder)
    _remove_stale(target_folder, source.stem)
    suffix = ENCRYPTED_SUFFIX if password is not None else PLAIN_SUFFIX
    try:
        with _work_folder(source, "backup", anywhere=True) as work:
            copy = work / DATABASE_MEMBER
            _snapshot(source, copy)
            inspection = _inspect(copy)
            if not inspection.sound or inspection.facts is None:
                raise UserError(
                    f"这次没有做备份：{inspection.problem()}"
                    "较早的备份都还在。请用 check 检查数据库，或请维护人员处理。"
                )
            facts = inspection.facts
            stored = _stored_attachments(attachments_folder_of(source))
            target = _free_name(target_folder, source.stem, reason, moment, suffix)
            head = _manifest_head(facts, reason, moment, source)
            manifest = _write_verified(target, copy, stored, head, password)
    except OSError as error:
        raise _not_written(error, target_folder) from error
    except sqlite3.Error as error:
        raise database_problem(error, source) or UserError(_UNREADABLE) from error
    warnings = []
    missing = facts.attachment_hashes - set(stored)
    if missing:
        warnings.append(
            f"有{len(missing)}个附件的文件不在附件文件夹“{shown_path(attachments_folder_of(source))}”"
            "里，备份里也就没有它们。如果数据文件夹是从别处复制来的，请把“附件”文件夹也复制过来。"
        )
    info = _info_from(target, manifest, encrypted=password is not None, sound=True)
    return BackupResult(target, info, time.monotonic() - started, warnings=tuple(warnings))


def _target_folder(source: Path, folder: Path | str | None) -> Path:
    if folder is None:
        target = backups_folder(source)
        try:
            paths.make_folder(target)
        except OSError as error:
            raise _not_written(error, target) from error
        return target
    target = _absolute(folder)
    if not target.exists():
        raise UserError(
            f"文件夹“{shown_path(target)}”不存在。如果要备份到U盘，请先插好U盘，"
            "再选U盘里的一个文件夹。"
        )
    if not target.is_dir():
        raise UserError(f"“{shown_path(target)}”不是文件夹，请给出要把备份放进去的文件夹。")
    return target


def _not_written(error: OSError, folder: Path) -> UserError:
    return UserError(
        f"备份没有做成：{os_problem(error)}（备份位置：“{shown_path(folder)}”）。"
        "数据库没有改动，较早的备份都还在。"
    )


def _snapshot(source: Path, copy: Path) -> None:
    """A consistent copy of the live database, by SQLite's online backup API: the pages of
    one moment, whatever the window writes meanwhile (all pages in one step, under one read
    transaction)."""
    from app.db import engine

    with (
        # mode=rw: a database gone meanwhile is an error, not a new empty file to back up.
        closing(
            sqlite3.connect(
                f"{source.as_uri()}?mode=rw", uri=True, timeout=engine.BUSY_TIMEOUT_MS / 1000
            )
        ) as live,
        closing(sqlite3.connect(copy)) as target,
    ):
        live.backup(target)
    os.chmod(copy, _PRIVATE_FILE)


def _stored_attachments(store: Path) -> dict[str, Path]:
    """Every stored attachment file by its name (its SHA-256); temporary files are skipped."""
    found: dict[str, Path] = {}
    try:
        folders = [f for f in store.iterdir() if _HEX2.fullmatch(f.name) and f.is_dir()]
    except OSError:
        return found
    for sub in folders:
        for path in sub.iterdir():
            if _HEX64.fullmatch(path.name) and path.name.startswith(sub.name) and path.is_file():
                found[path.name] = path
    return found


def _manifest_head(facts: _Facts, reason: str, moment: datetime, source: Path) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "program_version": __version__,
        "made_at": moment.isoformat(timespec="seconds"),
        "reason": reason,
        "database_name": source.name,
        "revision": facts.revision,
        "cases": facts.cases,
        "newest_case": (
            {
                "number": facts.newest_case,
                "received_on": facts.newest_case_on.isoformat() if facts.newest_case_on else None,
            }
            if facts.newest_case
            else None
        ),
        "audit": {"entries": facts.audit_entries, "last_hash": facts.audit_last_hash},
    }


def _write_verified(
    target: Path,
    copy: Path,
    stored: dict[str, Path],
    head: dict[str, Any],
    password: str | None,
) -> dict[str, Any]:
    """Write the archive under a temporary name beside `target`, to disk, read it back and
    check it, then give it its name. Returns the manifest written."""
    temporary = _temporary_beside(target)
    try:
        with _create_private(temporary) as out:
            if password is None:
                manifest = _write_zip(out, copy, stored, head)
                written: tuple[str, bytes] | None = None
            else:
                writer = EncryptingWriter(out, password)
                manifest = _write_zip(writer, copy, stored, head)
                writer.close()
                written = writer.plain_sha256, writer.key
            out.flush()
            os.fsync(out.fileno())
        _check_written(temporary, manifest, written)
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    paths.sync_folder(target.parent)
    return manifest


def _write_zip(
    out: Any, copy: Path, stored: dict[str, Path], head: dict[str, Any]
) -> dict[str, Any]:
    members: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(
        out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_LEVEL, allowZip64=True
    ) as archive:
        members[DATABASE_MEMBER] = _add(archive, DATABASE_MEMBER, copy)
        archive.compression = zipfile.ZIP_STORED  # photos, scans and PDFs are packed already
        for sha in sorted(stored):
            name = f"{ATTACHMENTS_MEMBER}/{sha[:2]}/{sha}"
            members[name] = _add(archive, name, stored[sha])
        archive.compression = zipfile.ZIP_DEFLATED
        manifest = {**head, "attachments": len(stored), "members": members}
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
        archive.writestr(MANIFEST_MEMBER, text.encode("utf-8"))
    return manifest


def _add(archive: zipfile.ZipFile, name: str, path: Path) -> dict[str, Any]:
    """Stream one file into the archive; its SHA-256 and size as the manifest records them."""
    digest = hashlib.sha256()
    size = 0
    with (
        path.open("rb") as source,
        archive.open(name, "w", force_zip64=path.stat().st_size >= _ZIP64_FROM) as member,
    ):
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            member.write(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _check_written(
    path: Path, manifest: dict[str, Any], encrypted: tuple[str, bytes] | None
) -> None:
    """Read the new file back: every member against the manifest (plain), or every chunk
    decrypted and the whole archive against what was written (encrypted)."""
    try:
        if encrypted is None:
            with zipfile.ZipFile(path) as archive:
                if _read_manifest(archive) != manifest:
                    raise BackupDamaged
                _check_members(archive, manifest, None)
            return
        plain_sha, key = encrypted
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            decrypt(handle, read_header(handle), key, digest.update)
        if digest.hexdigest() != plain_sha:
            raise BackupDamaged
    except (BackupDamaged, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        raise UserError(
            f"备份写到“{shown_path(path.parent)}”以后读回来核对，内容对不上，这份备份没有保留。"
            "U盘或磁盘可能有问题，请换一个U盘或文件夹再试。"
        ) from error


# ====================================================================== reading a backup


class _PasswordNeeded(UserError):
    def __init__(self) -> None:
        super().__init__("这份备份加了密码，要输入密码才能查看和恢复。")


@dataclass(frozen=True)
class _Opened:
    """A backup checked whole, its database (and attachments) copied out into a work folder."""

    info: BackupInfo
    database: Path
    attachments: dict[str, Path]


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST_MEMBER).decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupDamaged from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupDamaged
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise BackupDamaged
    if version > FORMAT_VERSION:
        raise UserError(_NEWER)
    members = manifest.get("members")
    if not isinstance(members, dict) or DATABASE_MEMBER not in members:
        raise BackupDamaged
    for name, entry in members.items():
        if name != DATABASE_MEMBER and not _ATTACHMENT.fullmatch(name):
            raise BackupDamaged
        if not isinstance(entry, dict) or not isinstance(entry.get("size"), int):
            raise BackupDamaged
        if not isinstance(entry.get("sha256"), str):
            raise BackupDamaged
    return manifest


def _check_members(
    archive: zipfile.ZipFile,
    manifest: dict[str, Any],
    into: Path | None,
    *,
    attachments: bool = True,
) -> dict[str, Path]:
    """Every member read whole against its SHA-256 and size; with `into`, the database (and,
    with `attachments`, each attachment, named by its hash) copied out there as it is read.
    Returns the copies by member name."""
    members: dict[str, dict[str, Any]] = manifest["members"]
    if set(archive.namelist()) != {*members, MANIFEST_MEMBER}:
        raise BackupDamaged
    copies: dict[str, Path] = {}
    for name, entry in members.items():
        target = None
        if into is not None and name == DATABASE_MEMBER:
            target = into / DATABASE_MEMBER
        elif into is not None and attachments:
            target = into / name.rsplit("/")[-1]
        if target is not None:
            copies[name] = target
        _read_member(archive, name, entry, target)
    return copies


def _read_member(
    archive: zipfile.ZipFile, name: str, entry: dict[str, Any], target: Path | None
) -> None:
    digest = hashlib.sha256()
    size = 0
    out = _create_private(target) if target is not None else None
    try:
        with archive.open(name) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > entry["size"]:
                    raise BackupDamaged
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    finally:
        if out is not None:
            out.close()
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        raise BackupDamaged


def _open_backup(file: Path, password: str | None, work: Path, *, extract: bool) -> _Opened:
    """Check the backup `file` whole and copy its database (and, with `extract`, its
    attachments) into `work`. Raises BackupDamaged, WrongPassword, _PasswordNeeded, or a
    UserError for a backup of a newer program."""
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            start = handle.read(16)
    except FileNotFoundError as error:
        raise NotFoundError(
            f"找不到备份文件“{shown_path(file)}”，请检查文件名和所在的文件夹。"
        ) from error
    except IsADirectoryError as error:
        raise UserError(f"“{shown_path(file)}”是文件夹，请选择其中的备份文件。") from error
    except OSError as error:
        raise UserError(f"读不了备份文件“{shown_path(file)}”：{os_problem(error)}。") from error
    try:
        if start.startswith(MAGIC):
            if password is None:
                raise _PasswordNeeded
            archive_path = work / "archive.zip"
            with file.open("rb") as handle, _create_private(archive_path) as out:
                header = read_header(handle)
                decrypt(handle, header, header.derive(password), out.write)
            return _open_zip(file, archive_path, work, size, encrypted=True, extract=extract)
        if start == b"SQLite format 3\x00":
            return _open_database_copy(file, work, size)
        if start.startswith(b"PK\x03\x04"):
            return _open_zip(file, file, work, size, encrypted=False, extract=extract)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as error:
        raise BackupDamaged from error
    except OSError as error:
        raise UserError(f"读不了备份文件“{shown_path(file)}”：{os_problem(error)}。") from error
    raise BackupDamaged


def _open_zip(
    file: Path, archive_path: Path, work: Path, size: int, *, encrypted: bool, extract: bool
) -> _Opened:
    with zipfile.ZipFile(archive_path) as archive:
        manifest = _read_manifest(archive)
        copies = _check_members(archive, manifest, work, attachments=extract)
    if archive_path != file:  # the decrypted archive: its content is now copied out
        archive_path.unlink(missing_ok=True)
    database_copy = copies.pop(DATABASE_MEMBER)
    _require_sound(database_copy)
    info = _info_from(file, manifest, encrypted=encrypted, sound=True, size=size)
    attachments = {path.name: path for path in copies.values()}
    return _Opened(info, database_copy, attachments)


def _open_database_copy(file: Path, work: Path, size: int) -> _Opened:
    """A bare database file (what a restore saved aside, or a copy made before an upgrade):
    copied out through SQLite, so a journal beside it is taken in."""
    copy = work / DATABASE_MEMBER
    try:
        with closing(migrate.read_only(file)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
    except sqlite3.DatabaseError as error:
        raise BackupDamaged from error
    facts = _require_sound(copy)
    match = _name_pattern(None).fullmatch(file.name)
    stamp = _stamp_of(match) if match else None
    info = BackupInfo(
        path=file,
        encrypted=False,
        size=size,
        sound=True,
        made_at=stamp or datetime.fromtimestamp(file.stat().st_mtime),
        reason=match["reason"] if match else "",
        cases=facts.cases,
        newest_case=facts.newest_case,
        newest_case_on=facts.newest_case_on,
        attachments=0,
        revision=facts.revision,
        audit_entries=facts.audit_entries,
    )
    return _Opened(info, copy, {})


def _require_sound(database: Path) -> _Facts:
    inspection = _inspect(database)
    if inspection.newer:
        raise UserError(_NEWER)
    if not inspection.sound or inspection.facts is None:
        raise BackupDamaged(f"{DAMAGED}（{inspection.problem()}）")
    return inspection.facts


def _info_from(
    file: Path,
    manifest: dict[str, Any],
    *,
    encrypted: bool,
    sound: bool | None,
    size: int | None = None,
) -> BackupInfo:
    newest = manifest.get("newest_case") or {}
    made_at = None
    with suppress(TypeError, ValueError):
        made_at = datetime.fromisoformat(str(manifest.get("made_at")))
    newest_on = None
    with suppress(TypeError, ValueError):
        newest_on = date.fromisoformat(str(newest.get("received_on")))
    audit = manifest.get("audit") or {}
    return BackupInfo(
        path=file,
        encrypted=encrypted,
        size=file.stat().st_size if size is None else size,
        sound=sound,
        made_at=made_at,
        reason=str(manifest.get("reason", "")),
        cases=_int(manifest.get("cases")),
        newest_case=str(newest["number"]) if newest.get("number") else None,
        newest_case_on=newest_on,
        attachments=_int(manifest.get("attachments")),
        revision=str(manifest.get("revision")) if manifest.get("revision") else None,
        program_version=str(manifest.get("program_version", "")),
        audit_entries=_int(audit.get("entries")),
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def describe_backup(file: Path | str, password: str | None = None) -> BackupInfo:
    """What the backup `file` holds and whether it is sound, checked whole (what restore
    shows before it replaces anything).

    An encrypted backup without a password: `needs_password`. A wrong password raises
    WrongPassword; a missing file NotFoundError. A damaged file is `sound=False` with the
    reason in `problem`.
    """
    file = _absolute(file)
    with tempfile.TemporaryDirectory(prefix="laoniangjiu-check-") as work:
        try:
            return _open_backup(file, password, Path(work), extract=False).info
        except _PasswordNeeded as needed:
            return BackupInfo(file, True, file.stat().st_size, None, needed.message)
        except (BackupDamaged, UserError) as error:
            if isinstance(error, WrongPassword | NotFoundError):
                raise
            encrypted = _encrypted_quietly(file)
            return BackupInfo(file, encrypted, _size_quietly(file), False, error.message)


def _encrypted_quietly(file: Path) -> bool:
    try:
        return is_encrypted(file)
    except OSError:
        return False


def _size_quietly(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def list_backups(database: Path | str) -> list[BackupInfo]:
    """The backups in the `backups/` folder beside `database`, newest first, as their
    manifests describe them (not verified: `sound` is None; `describe_backup` checks one)."""
    database = _absolute(database)
    found = []
    for stamp, reason, path in reversed(_backups_in(backups_folder(database), database.stem)):
        info = BackupInfo(
            path, path.suffix == ENCRYPTED_SUFFIX, _size_quietly(path), made_at=stamp, reason=reason
        )
        if path.suffix == PLAIN_SUFFIX:
            with suppress(OSError, zipfile.BadZipFile, BackupDamaged, UserError, zlib.error):
                with zipfile.ZipFile(path) as archive:
                    info = _info_from(path, _read_manifest(archive), encrypted=False, sound=None)
                if info.made_at is None:
                    info = replace(info, made_at=stamp)
        found.append(info)
    return found


def newest_good_backup(database: Path | str) -> BackupInfo | None:
    """The newest backup beside `database` that is sound, checked whole; encrypted ones are
    passed over (they need their password)."""
    for info in list_backups(database):
        if info.encrypted:
            continue
        try:
            checked = describe_backup(info.path)
        except UserError:
            continue
        if checked.sound:
            return checked
    return None


# ====================================================================== automatic backups


def rotation_keeps(
    stamps: Iterable[datetime],
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[datetime]:
    """Which backups the rotation keeps: the newest of each of the last `daily` days that have
    a backup, of the last `weekly` weeks (Monday to Sunday) and of the last `monthly` months."""
    ordered = sorted(set(stamps), reverse=True)
    buckets: tuple[tuple[int, Callable[[datetime], object]], ...] = (
        (daily, lambda s: s.date()),
        (weekly, lambda s: tuple(s.isocalendar())[:2]),
        (monthly, lambda s: (s.year, s.month)),
    )
    keep: set[datetime] = set()
    for count, bucket in buckets:
        seen: list[object] = []
        for stamp in ordered:
            key = bucket(stamp)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            keep.add(stamp)
    return keep


def backup_if_due(
    db: Database, today: date | None = None, *, at_exit: bool = False
) -> BackupResult | None:
    """The automatic backup, into `backups/` beside the database, when one is due; None when
    not. Cheap when none is due (a look at the folder): call it after every committed change.

    After a change: due when there is no automatic backup of `today` yet. At exit
    (`at_exit`): due when the database changed since the newest automatic backup. Once the new
    backup is verified the older ones are rotated (`rotation_keeps`).
    """
    today = today or date.today()
    folder = backups_folder(db.path)
    made = _automatic(folder, db.path.stem)
    if at_exit:
        if not _changed_since(db.path, made[-1][1] if made else None):
            return None
    elif any(stamp.date() == today for stamp, _ in made):
        return None
    now = datetime.now()
    if now.date() != today:
        now = datetime.combine(today, now.time())
    result = make_backup(db, reason=AUTO, now=now)
    return replace(result, pruned=tuple(_prune(folder, db.path.stem, result.path)))


def _changed_since(db_path: Path, newest: Path | None) -> bool:
    try:
        current = _fingerprint(db_path)
    except sqlite3.Error:
        return True  # make_backup says what is wrong
    if newest is None:
        # A database just made holds the entry of its committee's creation and nothing else.
        entries, _, cases = current
        return cases > 0 or entries > 1
    try:
        with zipfile.ZipFile(newest) as archive:
            manifest = _read_manifest(archive)
    except (OSError, zipfile.BadZipFile, zlib.error, UserError):
        return True
    audit = manifest.get("audit") or {}
    return (audit.get("entries") or 0, audit.get("last_hash") or "", manifest.get("cases")) != (
        current
    )


def _prune(folder: Path, stem: str, new: Path) -> list[Path]:
    """Remove the automatic backups the rotation does not keep; never `new` (just verified)."""
    made = _automatic(folder, stem)
    keep = rotation_keeps(stamp for stamp, _ in made)
    pruned = []
    for stamp, path in made:
        if stamp in keep or path == new:
            continue
        with suppress(OSError):
            path.unlink()
            pruned.append(path)
    return pruned


# ====================================================================== restoring


def restore_backup(
    file: Path | str,
    target_db_path: Path | str,
    password: str | None = None,
    *,
    confirm: Callable[[BackupInfo], bool] | None = None,
    now: datetime | None = None,
    person: SignedIn | None = None,
) -> RestoreResult | None:
    """Put the backup `file` in place of the database at `target_db_path` (which may not exist
    yet: a restore into an empty folder).

    With accounts on in the database it replaces, `person` (who is signed in to it) must be
    one of its administrators: a restore replaces every case, account and audit entry at once.
    That is checked on the database being replaced, before anything else and again just
    before it is replaced (`check_may_restore`).

    The backup is checked whole first (a damaged one raises BackupDamaged, a wrong password
    WrongPassword, and nothing is changed). `confirm`, when given, is shown what the backup
    holds and may say no (then None is returned, nothing changed). The current database is
    saved aside in `backups/` first; the attachments go into place, then the database, each
    by os.replace. The database must not be open (the window closes it first); another
    program using it is refused in words.
    """
    file = _absolute(file)
    target = _absolute(target_db_path)
    if target.is_dir():
        raise UserError(
            f"“{shown_path(target)}”是一个文件夹，请给出数据库文件的名字，"
            f"例如 {target / 'laoniangjiu.db'}"
        )
    check_may_restore(target, person)
    try:
        paths.make_folder(target.parent)
    except OSError as error:
        raise UserError(
            f"无法建立数据库所在的文件夹“{shown_path(target.parent)}”：{os_problem(error)}。"
        ) from error
    try:
        with _work_folder(target, "restore") as work:
            if password is None and _encrypted_quietly(file):
                raise _PasswordNeeded
            opened = _open_backup(file, password, work, extract=True)
            if confirm is not None and not confirm(opened.info):
                return None
            # Again: while the person looked at the backup another copy of the program may
            # have switched accounts on, or stopped their account.
            check_may_restore(target, person)
            _take_over(target)
            aside = _save_aside(target, (now or datetime.now()).astimezone())
            added = _place_attachments(opened.attachments, attachments_folder_of(target))
            try:
                _place_database(opened.database, target)
            except BaseException:
                for path in added:
                    with suppress(OSError):
                        path.unlink()
                raise
    except OSError as error:
        raise UserError(f"恢复没有做成：{os_problem(error)}。当前的数据库没有改动。") from error
    return RestoreResult(opened.info, target, aside, len(added))


_SIGN_IN_TO_RESTORE = "这个数据库启用了账号：从备份恢复要由管理员登录后操作。什么也没有改动。"


def accounts_on_in(database: Path | str) -> bool:
    """Whether accounts are on in the database file at `database`, read without opening it
    (False: no such file, one without accounts, or one that cannot be read)."""
    path = _absolute(database)
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
        with closing(migrate.read_only(path)) as connection:
            return _accounts_on(connection)
    except (OSError, sqlite3.Error):
        return False


def _accounts_on(connection: sqlite3.Connection) -> bool:
    if not {"committee", "account"} <= _tables(connection):
        return False  # a file from before accounts existed
    columns = {str(row[1]) for row in connection.execute("PRAGMA table_info(committee)")}
    if "accounts_enabled" not in columns:
        return False
    row = connection.execute("SELECT accounts_enabled FROM committee LIMIT 1").fetchone()
    return row is not None and bool(row[0])


def check_may_restore(target: Path | str, person: SignedIn | None) -> None:
    """Refuse a restore over the database at `target`, in words, unless accounts are off in
    it or `person` is one of its active administrators — asked of that file itself,
    read-only, so a role changed by another copy of the program counts.

    A damaged file has nobody to ask: that is the file a restore is most needed for, and the
    window offers its newest good backup without anyone signing in to it (nobody can). So a
    refusal is only said of a file that passes `PRAGMA quick_check`, and the check costs
    nothing when the restore is allowed. `restore_backup` asks this itself; a caller asks
    first to refuse before a password is typed.
    """
    target = _absolute(target)
    try:
        if not target.is_file() or target.stat().st_size == 0:
            return
        with closing(migrate.read_only(target)) as connection:
            if not _accounts_on(connection):
                return
            refusal = _restore_refusal(connection, person)
            if refusal is None:
                return
            rows = [str(r[0]) for r in connection.execute("PRAGMA quick_check(1)")]
    except sqlite3.DatabaseError as error:
        if _primary(error) in (_CORRUPT, _NOTADB):
            return
        raise database_problem(error, target) or UserError(_UNREADABLE) from error
    except OSError:
        return  # a file that cannot be looked at: the restore itself says what is wrong
    if rows == ["ok"]:
        raise UserError(refusal)


def _restore_refusal(connection: sqlite3.Connection, person: SignedIn | None) -> str | None:
    """Why `person` may not restore over the database of `connection` (accounts on); None:
    they may."""
    if person is None:
        return _SIGN_IN_TO_RESTORE
    row = connection.execute(
        "SELECT name, role, active FROM account WHERE id = ?", (person.account_id,)
    ).fetchone()
    if row is None or str(row[0]) != person.name or not row[2]:
        return (
            f"“{person.name}”不是这个数据库里在用的账号，不能从备份恢复它。"
            "请由这个数据库的管理员登录后操作。什么也没有改动。"
        )
    if person.locked:
        return "已锁定：请输入PIN继续使用。什么也没有改动。"
    roles = {role.value: role for role in Role}
    role = roles.get(str(row[1]))
    if role is not Role.ADMIN:
        who = role.label if role is not None else "这个账号"
        return (
            f"{who}不能从备份恢复数据库：恢复会替换整个数据库（全部案件、账号和操作记录），"
            "请由管理员操作。什么也没有改动。"
        )
    return None


def _take_over(target: Path) -> None:
    """Make sure nobody else has the database open, and that it is whole in its own file:
    switching it out of WAL needs it to be the only connection, and checkpoints the journal
    into it (a journal left beside the file would be replayed onto the restored one)."""
    try:
        if not target.exists() or target.stat().st_size == 0:
            return
    except OSError:
        return
    from app.db import engine

    try:
        with closing(sqlite3.connect(target, timeout=min(engine.BUSY_TIMEOUT_MS / 1000, 2.0))) as c:
            c.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.Error as error:
        primary = _primary(error)
        if primary in (_BUSY, _LOCKED):
            raise UserError(
                f"数据库“{shown_path(target)}”正在被使用（可能老娘舅的窗口还开着，"
                "或者另一个程序打开了它）。请先关闭它，再恢复备份；什么也没有改动。"
            ) from error
        if primary in (_CORRUPT, _NOTADB):
            return  # damaged: nothing can use it; it is saved aside as it is
        raise database_problem(error, target) or UserError(_UNREADABLE) from error


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _save_aside(target: Path, moment: datetime) -> Path | None:
    """A copy of the database as it is now, in `backups/` beside it: named with the time, a
    journal left beside a damaged file copied with it."""
    try:
        if target.stat().st_size == 0:
            return None
    except FileNotFoundError:
        return None
    folder = backups_folder(target)
    paths.make_folder(folder)
    aside = _free_name(folder, target.stem, BEFORE_RESTORE, moment, DATABASE_SUFFIX)
    # A journal first, so the copy under the backup's name never lacks it: the WAL, or the
    # rollback journal a writer stopped on a damaged file left (it is matched by name).
    for suffix in ("-wal", "-journal"):
        journal = target.with_name(target.name + suffix)
        if journal.exists():
            _copy_whole(journal, aside.with_name(aside.name + suffix))
    _copy_whole(target, aside)
    paths.sync_folder(folder)
    return aside


def _copy_whole(source: Path, target: Path) -> None:
    temporary = _temporary_beside(target)
    try:
        with source.open("rb") as handle, _create_private(temporary) as out:
            shutil.copyfileobj(handle, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def _place_attachments(extracted: dict[str, Path], store: Path) -> list[Path]:
    """Move the backup's attachment files into the store; returns those that were not there.

    The store is content-addressed and never loses a file: one already there whole stays, a
    damaged one is replaced, and files the backup does not have stay too (no database row
    names them once the backup's database is in place).
    """
    added: list[Path] = []
    if not extracted:
        return added
    try:
        paths.make_folder(store)
        for sha, source in sorted(extracted.items()):
            target = store / sha[:2] / sha
            existed = target.exists()
            if existed and _sha256_of(target) == sha:
                continue
            target.parent.mkdir(exist_ok=True)
            os.replace(source, target)
            if not existed:
                added.append(target)
        for folder in {store, *(p.parent for p in added)}:
            paths.sync_folder(folder)
    except BaseException:
        for path in added:
            with suppress(OSError):
                path.unlink()
        raise
    return added


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _place_database(copy: Path, target: Path) -> None:
    """The checked copy over the database in one step (it is on the same disk)."""
    os.chmod(copy, _PRIVATE_FILE)
    _fsync_file(copy)
    for side in _side_files(target):
        side.unlink(missing_ok=True)
    for side in _side_files(copy):
        side.unlink(missing_ok=True)
    os.replace(copy, target)
    paths.sync_folder(target.parent)


# ====================================================================== checking the database


def check_database(path: Path | str) -> DatabaseCheck:
    """The full check of the database at `path`, read-only: every page
    (`PRAGMA integrity_check`), the references between records (`foreign_key_check`) and the
    audit chain, in a report in words; when damaged, the newest good backup is named."""
    path = _absolute(path)
    lines = []
    problem = _file_problem(path)
    inspection = _Inspection(unreadable=problem) if problem else _inspect(path)
    facts = inspection.facts
    if inspection.sound and facts is not None:
        lines.append(f"数据库完好：“{shown_path(path)}”")
        lines.append("  文件结构：逐页检查，没有发现问题。")
        lines.append("  记录之间的引用：没有缺失。")
        if inspection.chain_ok:
            lines.append(f"  {inspection.chain_message}")
        lines.append(f"  案件共{facts.cases}件。")
        return DatabaseCheck(
            path, True, tuple(lines), cases=facts.cases, audit_entries=facts.audit_entries
        )
    lines.append(f"数据库有问题：“{shown_path(path)}”")
    if inspection.unreadable:
        lines.append(f"  {inspection.unreadable}")
    elif inspection.structure:
        lines.append(
            f"  文件结构：已损坏，SQLite 发现了{len(inspection.structure)}处问题"
            f"{'（只列出前100处）' if len(inspection.structure) >= 100 else ''}。"
        )
    else:
        lines.append("  文件结构：逐页检查，没有发现问题。")
        if inspection.foreign_key_problems:
            lines.append(
                f"  记录之间的引用：有{inspection.foreign_key_problems}处记录指向已不存在的记录。"
            )
        if inspection.chain_ok is False:
            lines.append(f"  {inspection.chain_message}")
        if inspection.newer:
            lines.append("  这个数据库是用更新版本的老娘舅保存的，请升级程序后再检查。")
    good = newest_good_backup(path)
    lines.append(
        "请不要继续在这个文件上办理案件。先关闭老娘舅，再从备份恢复（命令行：restore 备份文件）。"
    )
    lines.append(_offer(path, good))
    if inspection.structure:
        lines.append(f"（供维护人员参考：{inspection.structure[0][:200]}）")
    return DatabaseCheck(
        path,
        False,
        tuple(lines),
        cases=facts.cases if facts else None,
        audit_entries=facts.audit_entries if facts else None,
        newest_good=good,
    )


def _file_problem(path: Path) -> str:
    """What is wrong with `path` before SQLite is asked (a missing file raises)."""
    try:
        if path.is_dir():
            return f"“{shown_path(path)}”是文件夹，不是数据库文件。"
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(16)
    except FileNotFoundError as error:
        raise NotFoundError(
            f"找不到数据库文件“{shown_path(path)}”，请检查路径（可以用 --db 指定）。"
        ) from error
    except OSError as error:
        raise UserError(f"读不了数据库文件“{shown_path(path)}”：{os_problem(error)}。") from error
    if size == 0:
        return "数据库文件是空的（0字节），里面没有案件，可能是建立时被中断了。"
    if header != b"SQLite format 3\x00":
        return "文件的开头已损坏，或者它不是老娘舅的数据库。"
    return ""


def quick_check(path: Path | str) -> QuickCheck:
    """The fast check for the start of the window (`PRAGMA quick_check`, no audit chain): is
    the database sound, and if not, which backup beside it is the newest good one.

    A missing or empty file is sound here: opening makes it new.
    """
    path = _absolute(path)
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return QuickCheck(path, True)  # missing, empty or a folder: opening says so
        problem = _file_problem(path)
    except (OSError, UserError):
        return QuickCheck(path, True)  # not damage: opening says what it is
    if not problem:
        try:
            with closing(migrate.read_only(path)) as connection:
                rows = [str(r[0]) for r in connection.execute("PRAGMA quick_check(1)")]
            if rows != ["ok"]:
                problem = "有的页面读不出来，或者前后对不上。"
        except sqlite3.DatabaseError as error:
            if _primary(error) not in (_CORRUPT, _NOTADB, None):
                return QuickCheck(path, True)  # in use, not readable…: opening says so
            problem = "文件读不出来，可能被截断，或者写进了别的内容。"
    if not problem:
        return QuickCheck(path, True)
    # "已损坏" once, then what is wrong (the problem's own words may say it again).
    detail = problem.replace("已损坏", "不对")
    text = f"数据库“{shown_path(path)}”已损坏：{detail}为了不在坏文件上继续工作，程序没有打开它。"
    return QuickCheck(path, False, text, newest_good_backup(path))
