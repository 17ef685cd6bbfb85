"""The audit chain: every entry carries the hash of the one before it and of its own content.

An entry's hash is SHA-256 over the previous entry's hash and a canonical JSON of its id, time,
actor, action, entity and entity uuid and of two digests: SHA-256 of a random salt and its
`before` text, and of the salt and its `after` text. Changing any of those columns breaks that
row's hash; changing `before` or `after` (or the salt) breaks its digests; deleting a row breaks
the next row's link; deleting the newest rows is caught by the seal (`audit_seal`: the newest id,
hash and the count of entries), written in the same transaction as each entry. `verify` walks
the chain and names the first entry that does not hold.

The texts are digested rather than hashed into the chain so that they can go without breaking
it: a case deleted when its retention period ends (app.services.retention) takes the parties'
names, ID numbers and phones its entries recorded with it. `erase_case` blanks those entries'
texts and salt and marks them (`erased_at`); their digests stay, and the chain still holds. The
salt is what makes a digest left behind worthless: an entry that changed one phone number is a
short text, and without a secret part anyone could find it again by trying every number. A
blanked entry is accepted only when the chain holds a later `case.delete` entry for its case,
so blanking an entry of a case that still exists (to hide what it said) is named as well.

This protects against rows changed with the `sqlite3` tool or another program, not against
someone who rewrites the whole chain and the seal on purpose: the backups (verified copies kept
apart) are the answer to that.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, AuditSeal

#: The columns an entry's hash covers, in the order they are stored.
HASHED = ("id", "at", "actor", "action", "entity", "entity_uuid", "before_digest", "after_digest")
#: What the hash covered before revision 0012: the texts themselves. Migration 0010 chains old
#: entries this way (it runs against the schema of its revision), and 0012 reads such a chain
#: to tell whether it held before converting it.
LEGACY_HASHED = ("id", "at", "actor", "action", "entity", "entity_uuid", "before", "after")
#: What a blanked entry holds in place of `before` and `after`: no fields (a reader that
#: parses the text gets an empty object, not an error).
BLANK = "{}"
#: The operation that deletes a case; only its entries may be blanked.
CASE_DELETE = "case.delete"
#: How a blanked entry is shown, in the history and in `audit verify`.
ERASED_LABEL = "已按保存期限删除"
#: Entries read and rewritten at a time by the migration: a long log never sits in memory whole.
_BATCH = 5_000


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


def _stored_moment(at: datetime) -> str:
    """A moment as the UTCDateTime column stores it, for raw SQL (naive UTC text)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def new_salt() -> str:
    return secrets.token_hex(16)


def text_digest(salt: str, content: str) -> str:
    """SHA-256 of an entry's salt and one of its texts (`before` or `after`)."""
    return hashlib.sha256(f"{salt}\n{content}".encode()).hexdigest()


def _chained(prev_hash: str, fields: dict[str, Any], columns: Sequence[str]) -> str:
    content = {key: fields[key] for key in columns} | {"at": moment_text(fields["at"])}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """An entry's hash from its predecessor's and its `HASHED` columns."""
    return _chained(prev_hash, fields, HASHED)


def legacy_entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """An entry's hash as revisions 0010 and 0011 computed it (over the texts)."""
    return _chained(prev_hash, fields, LEGACY_HASHED)


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
    salt = new_salt()
    fields: dict[str, Any] = {
        "id": max(newest or 0, seal.last_id) + 1,
        "at": datetime.now(UTC),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_uuid": entity_uuid,
        "before_digest": text_digest(salt, before),
        "after_digest": text_digest(salt, after),
    }
    digest = entry_hash(seal.last_hash, fields)
    entry = AuditEntry(
        **fields, before=before, after=after, salt=salt, prev_hash=seal.last_hash, hash=digest
    )
    session.add(entry)
    seal.last_id, seal.last_hash, seal.count = fields["id"], digest, seal.count + 1
    return entry


# ====================================================================== blanking


def erase_case(session: Session | Connection, case_uuid: str) -> int:
    """Blank `before`, `after` and the salt of every entry about the case `case_uuid`, inside
    the caller's transaction (which then records the case's deletion); returns how many.

    Every operation on a case records it under the case's uuid (app.services.operations:
    its parties, agents, sittings, agreement, payments… are fields of the case's entries), so
    these are all the entries that hold what its people told the committee. The caller runs
    it with SQLite's `secure_delete` on, so the old texts are overwritten in the file too.
    """
    params = {"uuid": case_uuid}
    count = session.execute(
        text("SELECT count(*) FROM audit_log WHERE entity_uuid = :uuid AND erased_at IS NULL"),
        params,
    ).scalar_one()
    if count:
        session.execute(
            text(
                "UPDATE audit_log SET before = :blank, after = :blank, salt = '', erased_at = :at "
                "WHERE entity_uuid = :uuid AND erased_at IS NULL"
            ),
            params | {"blank": BLANK, "at": _stored_moment(datetime.now(UTC))},
        )
    return int(count)


def _deletions(session: Session | Connection) -> dict[str, int]:
    """Each deleted case's uuid and the id of the (latest) entry that deleted it."""
    rows = session.execute(
        text(
            "SELECT entity_uuid, max(id) FROM audit_log "
            "WHERE action = :action AND entity_uuid IS NOT NULL GROUP BY entity_uuid"
        ),
        {"action": CASE_DELETE},
    )
    return {str(uuid): int(last) for uuid, last in rows}


def erase_deleted_cases(session: Session | Connection) -> int:
    """Blank the entries of every case deleted before entries could be blanked (migration
    0012); returns how many. Only entries written before the case's deletion: a case imported
    again later under the same uuid keeps its new entries."""
    erased = 0
    moment = _stored_moment(datetime.now(UTC))
    for uuid, deleted_by in _deletions(session).items():
        params = {"uuid": uuid, "before_id": deleted_by, "blank": BLANK, "at": moment}
        where = "entity_uuid = :uuid AND id < :before_id AND erased_at IS NULL"
        count = session.execute(
            text(f"SELECT count(*) FROM audit_log WHERE {where}"), params
        ).scalar_one()
        if count:
            session.execute(
                text(
                    "UPDATE audit_log SET before = :blank, after = :blank, salt = '', "
                    f"erased_at = :at WHERE {where}"
                ),
                params,
            )
            erased += int(count)
    return erased


# ====================================================================== verifying


@dataclass(frozen=True)
class ChainCheck:
    """What `verify` found: the number of entries and, if the chain is broken, where."""

    entries: int
    #: The id of the first entry that does not hold (None when all hold).
    broken_at: int | None = None
    problem: str = ""
    #: Entries whose texts were blanked when their case was deleted (they hold all the same).
    erased: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem

    @property
    def message(self) -> str:
        if self.ok:
            blanked = f"（其中{self.erased}条的内容{ERASED_LABEL}）" if self.erased else ""
            return f"操作记录完整：共{self.entries}条，逐条核对无误{blanked}。"
        return (
            f"操作记录不完整：{self.problem}这说明数据库文件在本程序之外被改动过。"
            "请从备份中恢复，或请维护人员核查。"
        )


_COLUMNS = (*HASHED, "before", "after", "salt", "erased_at", "prev_hash", "hash")


def _rows(session: Session | Connection) -> Iterable[Any]:
    # Raw rows, not ORM objects: the stored text is what must match, and a long log streams.
    columns = ", ".join(_COLUMNS)
    return session.execute(text(f"SELECT {columns} FROM audit_log ORDER BY id")).mappings()


def _described(row: Any) -> str:
    return f"第{row['id']}条（{moment_text(row['at'])[:10]} {row['action']}）"


def _content_problem(row: Any, deletions: dict[str, int]) -> str:
    """Why the row's texts do not hold ("" when they do); a blanked row holds when it is
    blank and a later entry of the chain deleted its case."""
    if row["erased_at"] is None:
        salt = row["salt"]
        if (
            text_digest(salt, row["before"]) != row["before_digest"]
            or text_digest(salt, row["after"]) != row["after_digest"]
        ):
            return "的内容被改动过。"
        return ""
    if row["before"] != BLANK or row["after"] != BLANK or row["salt"]:
        return "的内容被改动过。"
    deleted_by = deletions.get(row["entity_uuid"] or "")
    if deleted_by is None or deleted_by <= row["id"]:
        return "的内容被清除了，但它所属的案件并没有按保存期限删除。"
    return ""


def verify(session: Session | Connection) -> ChainCheck:
    """Walk the whole chain; the first entry whose link or content does not hold is named."""
    deletions = _deletions(session)
    prev_hash = ""
    count = 0
    erased = 0
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
        problem = _content_problem(row, deletions)
        if problem:
            return ChainCheck(count, row["id"], f"{_described(row)}{problem}")
        erased += row["erased_at"] is not None
        prev_hash, last_id = row["hash"], row["id"]
    seal = session.execute(
        text("SELECT last_id, last_hash, count FROM audit_seal WHERE id = 1")
    ).first()
    sealed = (seal[0], seal[1], seal[2]) if seal else (0, "", 0)
    if sealed != (last_id, prev_hash, count):
        if seal is not None and seal[2] > count:
            gone = seal[2] - count
            return ChainCheck(count, seal[0], f"最后{gone}条记录（到第{seal[0]}条为止）被删除了。")
        return ChainCheck(count, last_id or None, "最新一条记录与核对标记对不上。")
    return ChainCheck(count, erased=erased)


# ====================================================================== the history


@dataclass(frozen=True)
class EntryView:
    """One entry as the history lists it: who did what when to which thing, and the names of
    the fields it changed (their values are for the case's own page, masked by role)."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_uuid: str | None
    fields: tuple[str, ...]
    #: The texts were blanked when the case was deleted (`ERASED_LABEL`).
    erased: bool


def history(session: Session, *, last: int | None = None) -> list[EntryView]:
    """The entries, oldest first (only the newest `last` of them, if given). Read as rows, not
    objects: a log of a million entries is listed in seconds."""
    e = AuditEntry
    query = select(
        e.id, e.at, e.actor, e.action, e.entity, e.entity_uuid, e.before, e.after, e.erased_at
    ).order_by(e.id.desc())
    if last is not None:
        query = query.limit(last)
    views = []
    for id_, at, actor, action, entity, uuid, before, after, erased_at in session.execute(query):
        names: set[str] = set()
        if erased_at is None:
            for content in (before, after):
                try:
                    parsed = json.loads(content or BLANK)
                except ValueError:  # a text changed outside the program: verify names it
                    continue
                if isinstance(parsed, dict):
                    names.update(str(key) for key in parsed)
        fields = tuple(sorted(names))
        views.append(EntryView(id_, at, actor, action, entity, uuid, fields, erased_at is not None))
    views.reverse()
    return views


# ====================================================================== migrations


def seal_existing(session: Session | Connection) -> int:
    """Lay the chain over entries written before it existed (migration 0010); returns their
    count. The hash of that revision (over the texts): 0012 converts it.

    Raw SQL on purpose: the migration runs against the schema of its own revision.
    """
    prev_hash = ""
    count = 0
    last_id = 0
    rows = list(
        session.execute(text(f"SELECT {', '.join(LEGACY_HASHED)} FROM audit_log ORDER BY id"))
    )
    for row in rows:
        fields = dict(row._mapping)
        digest = legacy_entry_hash(prev_hash, fields)
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


def reseal_with_digests(session: Session | Connection) -> int:
    """Give every entry its salt and digests and chain it anew over them (migration 0012);
    returns the number of entries.

    The old chain is checked on the way, and where it did not hold the new one does not either:
    the first entry whose link was broken keeps its old link, the first whose content was
    changed keeps its old hash, and a seal that did not match the old chain stays as it was.
    So `audit verify` names after the upgrade what it named before, and an upgrade never
    makes a changed log look whole.
    """
    columns = ", ".join((*LEGACY_HASHED, "prev_hash", "hash"))
    old_prev = new_prev = ""
    count = last_id = 0
    broken = False
    while True:
        rows = session.execute(
            text(f"SELECT {columns} FROM audit_log WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": last_id, "n": _BATCH},
        ).mappings()
        updates = []
        for row in rows:
            fields = dict(row)
            salt = new_salt()
            fields["before_digest"] = text_digest(salt, fields["before"])
            fields["after_digest"] = text_digest(salt, fields["after"])
            link, digest = new_prev, entry_hash(new_prev, fields)
            if not broken and row["prev_hash"] != old_prev:
                broken, link = True, row["prev_hash"]
            elif not broken and legacy_entry_hash(old_prev, fields) != row["hash"]:
                broken, digest = True, row["hash"]
            updates.append(
                {
                    "id": row["id"],
                    "salt": salt,
                    "before_digest": fields["before_digest"],
                    "after_digest": fields["after_digest"],
                    "prev": link,
                    "hash": digest,
                }
            )
            old_prev, new_prev, last_id = row["hash"], digest, row["id"]
        if not updates:
            break
        session.execute(
            text(
                "UPDATE audit_log SET salt = :salt, before_digest = :before_digest, "
                "after_digest = :after_digest, prev_hash = :prev, hash = :hash WHERE id = :id"
            ),
            updates,
        )
        count += len(updates)
    seal = session.execute(
        text("SELECT last_id, last_hash, count FROM audit_seal WHERE id = 1")
    ).first()
    if seal is not None and (seal[0], seal[1], seal[2]) == (last_id, old_prev, count):
        session.execute(text("UPDATE audit_seal SET last_hash = :h WHERE id = 1"), {"h": new_prev})
    return count
