"""The audit chain: every entry carries the hash of the one before it and of its own content.

An entry's hash is SHA-256 over the previous entry's hash and a canonical JSON of its own
columns (id, time, actor, action, entity, before, after). Changing any column of any row breaks
that row's hash; deleting a row breaks the next row's link; deleting the newest rows is caught by
the seal (`audit_seal`: the newest id, hash and the count of entries), written in the same
transaction as each entry. `verify` walks the chain and names the first entry that does not hold.

This protects against rows changed with the `sqlite3` tool or another program, not against
someone who rewrites the whole chain and the seal on purpose: the backups (verified copies kept
apart) are the answer to that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, AuditSeal

#: The columns an entry's hash covers, in the order they are stored.
HASHED = ("id", "at", "actor", "action", "entity", "entity_uuid", "before", "after")


def moment_text(at: datetime | str) -> str:
    """An entry's time as it is hashed: UTC to the microsecond, whatever form it was read in.

    The ORM hands back an aware datetime; a raw query (the migration, a copy being verified)
    the stored text. Both must give the same hash.
    """
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    content = {key: fields[key] for key in HASHED} | {"at": moment_text(fields["at"])}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_uuid: str | None,
    before: str,
    after: str,
) -> AuditEntry:
    """Add the next entry of the chain and move the seal, inside the caller's transaction.

    Called after the operation has written (so this transaction holds SQLite's write lock and
    no other writer can append between reading the seal and writing the entry: under WAL a
    writer whose snapshot is stale is refused, the chain never forks).
    """
    seal = session.get(AuditSeal, 1)
    if seal is None:
        seal = AuditSeal(id=1, last_id=0, last_hash="", count=0)
        session.add(seal)
    newest = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    fields: dict[str, Any] = {
        "id": max(newest or 0, seal.last_id) + 1,
        "at": datetime.now(UTC),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_uuid": entity_uuid,
        "before": before,
        "after": after,
    }
    digest = entry_hash(seal.last_hash, fields)
    entry = AuditEntry(**fields, prev_hash=seal.last_hash, hash=digest)
    session.add(entry)
    seal.last_id, seal.last_hash, seal.count = fields["id"], digest, seal.count + 1
    return entry


@dataclass(frozen=True)
class ChainCheck:
    """What `verify` found: the number of entries and, if the chain is broken, where."""

    entries: int
    #: The id of the first entry that does not hold (None when all hold).
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem

    @property
    def message(self) -> str:
        if self.ok:
            return f"操作记录完整：共{self.entries}条，逐条核对无误。"
        return (
            f"操作记录不完整：{self.problem}这说明数据库文件在本程序之外被改动过。"
            "请从备份中恢复，或请维护人员核查。"
        )


def _rows(session: Session) -> Iterable[Any]:
    # Raw rows, not ORM objects: the stored text is what must match, and a long log streams.
    columns = ", ".join((*HASHED, "prev_hash", "hash"))
    return session.execute(text(f"SELECT {columns} FROM audit_log ORDER BY id")).mappings()


def _described(row: Any) -> str:
    return f"第{row['id']}条（{moment_text(row['at'])[:10]} {row['action']}）"


def verify(session: Session) -> ChainCheck:
    """Walk the whole chain; the first entry whose link or content does not hold is named."""
    prev_hash = ""
    count = 0
    last_id = 0
    for row in _rows(session):
        count += 1
        if row["prev_hash"] != prev_hash:
            missing = (
                "之前的记录被删除或改动过。" if row["id"] != last_id + 1 else "的前后链接对不上。"
            )
            return ChainCheck(count, row["id"], f"{_described(row)}{missing}")
        if entry_hash(prev_hash, dict(row)) != row["hash"]:
            return ChainCheck(count, row["id"], f"{_described(row)}的内容被改动过。")
        prev_hash, last_id = row["hash"], row["id"]
    seal = session.get(AuditSeal, 1)
    sealed = (seal.last_id, seal.last_hash, seal.count) if seal else (0, "", 0)
    if sealed != (last_id, prev_hash, count):
        if seal is not None and seal.count > count:
            gone = seal.count - count
            return ChainCheck(
                count, seal.last_id, f"最后{gone}条记录（到第{seal.last_id}条为止）被删除了。"
            )
        return ChainCheck(count, last_id or None, "最新一条记录与核对标记对不上。")
    return ChainCheck(count)


def seal_existing(session: Session | Connection) -> int:
    """Lay the chain over entries written before it existed (the migration); returns their count.

    Raw SQL on purpose: the migration runs against the schema of its own revision.
    """
    prev_hash = ""
    count = 0
    last_id = 0
    rows = list(session.execute(text(f"SELECT {', '.join(HASHED)} FROM audit_log ORDER BY id")))
    for row in rows:
        fields = dict(row._mapping)
        digest = entry_hash(prev_hash, fields)
        session.execute(
            text("UPDATE audit_log SET prev_hash = :prev, hash = :hash WHERE id = :id"),
            {"prev": prev_hash, "hash": digest, "id": fields["id"]},
        )
        prev_hash, last_id, count = digest, fields["id"], count + 1
    session.execute(text("DELETE FROM audit_seal"))
    session.execute(
        text("INSERT INTO audit_seal (id, last_id, last_hash, count) VALUES (1, :i, :h, :c)"),
        {"i": last_id, "h": prev_hash, "c": count},
    )
    return count
