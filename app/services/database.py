"""Opening the case database: create, upgrade with a backup, or refuse a newer file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlalchemy.orm import Session, sessionmaker

from app.db import migrate
from app.db.engine import make_engine
from app.db.models import Committee
from app.domain.errors import NotFoundError, UserError
from app.domain.numbering import DEFAULT_PATTERN, check_pattern
from app.services.files import os_problem
from app.services.records import row_fields
from app.views import Changed, CommitteeInfo

if TYPE_CHECKING:
    from app.services.operations import Operation

DEFAULT_COMMITTEE_NAME = "社区人民调解委员会"
DEFAULT_SHORT_NAME = "社"


@dataclass
class Database:
    """An open case database: its file, engine and session factory."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    backup_made: Path | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

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


def _check_is_sqlite(path: Path) -> None:
    if path.is_dir():
        raise UserError(
            f"“{path}”是一个文件夹，不是数据库文件。"
            f"请给出数据库文件的名字，例如 {path / 'laoniangjiu.db'}"
        )
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise UserError(
            f"“{path}”不是老娘舅的数据库文件（可能选错了文件，或文件已损坏）。"
            "请选择以 .db 结尾的数据库文件，或从备份中恢复。"
        )


def _unreadable(path: Path) -> UserError:
    # SQLite's own reason ("file is not a database") is English and would not help anyway.
    return UserError(
        f"无法打开数据库“{path}”，文件可能已损坏，或者不是老娘舅的数据库。"
        "请从备份中恢复，或联系维护人员。"
    )


def open_database(path: Path | str, *, create: bool = True) -> Database:
    """Open and upgrade the database at `path`; with `create`, a missing file is made new.

    Without `create` a missing file is an error, so a mistyped path is reported instead of
    quietly becoming a new, empty database.
    """
    path = Path(path).expanduser().resolve()
    if not create and not path.exists():
        raise NotFoundError(
            f"找不到数据库文件“{path}”，请检查路径，或先用 init 建立一个新的数据库，"
            f"例如：laoniangjiu-cli --db {path} init"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"无法建立数据库所在的文件夹“{path.parent}”：{os_problem(error)}。"
        ) from error
    _check_is_sqlite(path)
    if path.exists() and path.stat().st_size:
        # Before any engine connects: its pragmas would already change a file we must refuse.
        try:
            migrate.refuse_newer_file(path)
        except sqlite3.DatabaseError as error:
            raise _unreadable(path) from error
    engine = make_engine(path)
    try:
        backup = migrate.upgrade(engine, path)
    except (SQLAlchemyDatabaseError, sqlite3.DatabaseError) as error:
        engine.dispose()
        raise _unreadable(path) from error
    except Exception:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    db = Database(path=path, engine=engine, sessions=sessions, backup_made=backup)
    ensure_committee(db)
    # A file upgraded from before the search index, or cases written in bulk: fill it once.
    from app.services.search_index import ensure_index

    ensure_index(db)
    return db


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
        if name is not None:
            if not name.strip():
                raise UserError(
                    "调解委员会名称不能为空，请填写全称，例如“飞机场社区人民调解委员会”。"
                )
            committee.name = name.strip()
        if short_name is not None:
            if not short_name.strip():
                raise UserError("调解委员会简称不能为空，它用在案件编号里，例如“飞”。")
            committee.short_name = short_name.strip()
        if number_pattern is not None:
            committee.number_pattern = check_pattern(number_pattern)
        if follow_up_days is not None:
            if not 1 <= follow_up_days <= 365:
                raise UserError("回访期限应在1到365天之间，例如30天。")
            committee.follow_up_days = follow_up_days
        op.result = committee_info(committee)
        op.refresh(Changed(settings=True, case_list=True, due=True))
    return op.outcome
