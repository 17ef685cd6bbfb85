"""Drafts: what was typed in a dialog and not yet saved, kept on disk as it is typed.

A dialog writes its fields here a moment after each change; saving removes the draft, and so
does the person saying "不要了". A power cut, a crash or a closed window leaves the draft, and
the next time the program starts (or the same dialog opens) it is offered back. Drafts are
small JSON files in the data folder, one per dialog and case, written atomically so a cut in
the middle of a write never leaves half a draft.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app import logs
from app.domain.errors import UserError
from app.paths import data_dir
from app.services.files import write_atomically


def _log() -> logging.Logger:
    """The program's one log (`app.logs`), which masks ID numbers and phones and is readable by
    its owner only; asked for when there is something to say, not at import, because the log
    lives in the data folder, which is known only once the program has started."""
    return logs.logger().getChild("ui.drafts")


Values = dict[str, Any]


def drafts_dir() -> Path:
    return data_dir() / "drafts"


@dataclass(frozen=True)
class Draft:
    """One unsaved dialog: which dialog of which case, its title, the values typed."""

    key: str
    title: str
    case_id: int | None
    database: str
    values: Values
    saved_at: datetime


def _path(key: str) -> Path:
    # The key holds a database path and Chinese words: a hash makes a safe file name.
    return drafts_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, set | frozenset | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"datetime"}:
            return datetime.fromisoformat(value["datetime"])
        if set(value) == {"date"}:
            return date.fromisoformat(value["date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def keep(key: str, title: str, database: Path, case_id: int | None, values: Values) -> None:
    """Write (or rewrite) the draft; a failure is logged, never shown — typing goes on."""
    record = {
        "key": key,
        "title": title,
        "case_id": case_id,
        "database": str(database),
        "values": _encode(values),
        "saved_at": datetime.now(UTC).isoformat(),
    }
    data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode()
    try:
        path = _path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda out: out.write(data))
    # A full disk must not stop the person typing; the writer says it as a UserError.
    except (OSError, UserError) as error:
        _log().warning("draft not kept: %s", type(error).__name__)


def _read(path: Path) -> Draft | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return Draft(
            key=record["key"],
            title=record["title"],
            case_id=record.get("case_id"),
            database=record["database"],
            values=_decode(record["values"]),
            saved_at=datetime.fromisoformat(record["saved_at"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        _log().warning("unreadable draft %s left aside", path.name)
        return None


def find(key: str) -> Draft | None:
    path = _path(key)
    return _read(path) if path.exists() else None


def discard(key: str) -> None:
    try:
        _path(key).unlink(missing_ok=True)
    except OSError as error:
        _log().warning("draft not removed: %s", type(error).__name__)


def pending(database: Path) -> list[Draft]:
    """The drafts left for this database, newest first."""
    folder = drafts_dir()
    if not folder.is_dir():
        return []
    found = [d for p in folder.glob("*.json") if (d := _read(p)) is not None]
    mine = [d for d in found if d.database == str(database)]
    return sorted(mine, key=lambda d: d.saved_at, reverse=True)


def discard_case(database: Path, case_id: int) -> int:
    """Throw away every draft of one case (it was deleted: what was typed for it holds the
    parties' details, which go with the case); how many there were."""
    gone = [d for d in pending(database) if d.case_id == case_id]
    for draft in gone:
        discard(draft.key)
    return len(gone)


def draft_key(database: Path, kind: str, case_id: int | None = None, item: object = None) -> str:
    """Which dialog: "session" of case 12 (item: the record edited, None for a new one)."""
    return f"{database}|{kind}|{case_id if case_id is not None else '-'}|{item or 'new'}"


def kind_of(key: str) -> str:
    parts = key.split("|")
    return parts[1] if len(parts) > 2 else ""
