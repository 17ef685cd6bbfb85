"""Deleting a case when its retention period (保管期限) has ended.

A dossier is kept for the period the committee writes on its cover; after that its residents'
personal data should not stay (PIPL). `delete_case` removes the case and everything it carries —
parties and their agents, requests, the panel, sittings, the agreement with its obligations and
payments, follow-ups, its history, the papers printed from it, its row in the search index —
and the attached files no other case shares. Only an administrator may (app.domain.roles);
with accounts off the one person at the PC is one.

The audit entry says which case went (its number and uuid) and how much it held, and nothing
personal. The earlier entries about the case, which recorded its fields as they were typed,
are blanked (app.services.audit.erase_case: the chain covers digests of their texts, so it still
holds). While the case's rows are deleted and its entries blanked SQLite overwrites what they
held (`secure_delete`), the search index is merged so no piece of a name stays in it, and the
write-ahead log is emptied afterwards. Backups made before keep the case until they are rotated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError

from app.db import fts
from app.db.models import Attachment, AuditEntry
from app.services import audit
from app.services.records import find_case
from app.services.search_index import reindex_cases
from app.services.sittings import stored_path
from app.views import Changed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.services.database import Database


@dataclass(frozen=True)
class Deleted:
    """What `delete_case` removed."""

    number: str
    parties: int
    attachments: int
    #: Attached files removed from the data folder (a file another case shares stays).
    files_removed: int
    #: Files that should have gone but could not be removed (in use, read-only): named so the
    #: person can delete them by hand.
    files_left: tuple[Path, ...] = ()
    #: Earlier audit entries about the case whose recorded fields were blanked.
    entries_erased: int = 0

    @property
    def message(self) -> str:
        text = (
            f"已删除案件{self.number}：当事人{self.parties}人、附件{self.attachments}个，"
            "以及它的全部记录。"
        )
        if self.entries_erased:
            text += f"操作记录中有关它的{self.entries_erased}条已清除当事人的信息。"
        if self.files_left:
            text += (
                f"有{len(self.files_left)}个附件文件没能删除，请关闭正在使用它们的程序后手动删除。"
            )
        return text


def _attached_hashes(session: Session, case_uuid: str, current: set[str]) -> set[str]:
    """The files the case has now and had before: an attachment taken off the case keeps its
    stored copy, and the case's audit entries are what still name it."""
    hashes = set(current)
    rows = session.execute(
        select(AuditEntry.before, AuditEntry.after).where(AuditEntry.entity_uuid == case_uuid)
    )
    for before, after in rows:
        for text in (before, after):
            try:
                fields = json.loads(text or "{}")
            except ValueError:
                continue
            hashes.update(
                value
                for key, value in fields.items()
                if key.startswith("attachments.") and key.endswith(".sha256")
                if isinstance(value, str) and len(value) == 64
            )
    return hashes


def delete_case(
    db: Database, case_ref: str | int, *, actor: str = "", merge_index: bool = True
) -> tuple[Deleted, Changed]:
    """Delete the case `case_ref` and all it carries, for good (administrator only).

    Archived or not: a case registered twice by mistake goes the same way. The window asks
    first, naming the case; a backup made before still holds it. `merge_index=False` leaves
    merging the search index to the caller (`delete_cases` merges once for all of them: a
    merge rewrites the whole index, seconds at 100,000 cases).
    """
    with db.operation(actor, "case.delete") as op:
        session = op.session
        connection = session.connection()
        with overwriting(connection):
            case = find_case(session, case_ref)
            case_id, uuid, number = case.id, case.uuid, case.number
            parties, attachments = len(case.parties), len(case.attachments)
            hashes = _attached_hashes(session, uuid, {a.sha256 for a in case.attachments})
            # After reading the files they name; before this operation's own entry is written,
            # which is the later `case.delete` entry that makes the blanked ones hold.
            erased = audit.erase_case(session, uuid)
            # The entry names the case, never its people (the operation is not opened on the
            # case: that would record all its fields as they were).
            op.track("case", uuid, dict)
            op.note = {"number": number, "parties": parties, "attachments": attachments}
            session.delete(case)
            session.flush()
            reindex_cases(session, [case_id])  # its row leaves the index
            if merge_index:
                fts.optimize(connection)  # and no segment keeps a piece of its names
            shared = set(
                session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(hashes)))
            )
        op.refresh(Changed(cases=frozenset({case_id}), case_list=True, due=True))
    removed, left = _remove_files(db, hashes - shared)
    _empty_log(db)
    return Deleted(number, parties, attachments, removed, left, erased), op.outcome[1]


def delete_cases(
    db: Database, case_refs: Sequence[str | int], *, actor: str = ""
) -> tuple[list[Deleted], Changed]:
    """Delete several cases whose retention period has ended (administrator only): one audit
    entry each, the search index merged once at the end (also when one of them fails). A case
    that cannot be found is refused before any is deleted (a mistyped number)."""
    with db.reading() as session:
        for ref in case_refs:
            find_case(session, ref)
    deleted: list[Deleted] = []
    changed = Changed()
    try:
        for ref in case_refs:
            one, what = delete_case(db, ref, actor=actor, merge_index=False)
            deleted.append(one)
            changed = changed | what
    finally:
        if deleted:
            _merge_index(db, actor, len(deleted))
    return deleted, changed


def _merge_index(db: Database, actor: str, cases: int) -> None:
    with db.operation(actor, "search.index") as op:
        connection = op.session.connection()
        with overwriting(connection):
            fts.optimize(connection)
        op.note = {"merged_after_deleting": cases}


#: `PRAGMA secure_delete` reads back 0, 1 or 2; set again by name.
_SECURE_DELETE = {0: "OFF", 1: "ON", 2: "FAST"}


@contextmanager
def overwriting(connection: Connection) -> Iterator[None]:
    """Pages and cells freed meanwhile are overwritten with zeros, not left readable in the
    file; ON only for a deletion (it also zeroes whole freed pages, writes every other change
    need not make). The connection goes back to the pool as it came: its own setting (which
    the SQLite build may make ON, or the engine FAST) is put back, not turned OFF."""
    previous = connection.exec_driver_sql("PRAGMA secure_delete").scalar()
    connection.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        restored = _SECURE_DELETE.get(int(previous or 0), "OFF")
        connection.exec_driver_sql(f"PRAGMA secure_delete = {restored}")


def _remove_files(db: Database, hashes: set[str]) -> tuple[int, tuple[Path, ...]]:
    """After the commit: a file removed before it and a deletion then rolled back would leave
    a case pointing at nothing."""
    removed = 0
    left: list[Path] = []
    for sha in sorted(hashes):
        path = stored_path(db, sha)
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            left.append(path)
            continue
        removed += 1
        with suppress(OSError):  # the two-letter folder, if it is now empty
            path.parent.rmdir()
    return removed, tuple(left)


def _empty_log(db: Database) -> None:
    """Copy the write-ahead log into the file and empty it, so the pages the case was on are
    not kept there either; another program reading just then only delays it."""
    with suppress(DBAPIError), db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
