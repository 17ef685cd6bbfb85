"""A case's history as the audit log records it: who did what to the case, and when.

The case page's 修改记录 reads it. Every operation on a case leaves one audit entry
(app.services.operations) naming the case by its uuid; this turns each into a line a person
reads — the time, the person, the operation in words (the role table's own description of it)
and which parts of the case changed. Never the values: the log holds ID numbers and phones,
and a clerk reading the history must not see them there either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.db.models import AuditEntry, Case
from app.domain.errors import NotFoundError
from app.domain.roles import PERMISSIONS

if TYPE_CHECKING:
    from app.services.database import Database

#: The parts of a case, by the first piece of an audit field's key (app.services.records).
PARTS = {
    "parties": "当事人",
    "requests": "请求事项",
    "panel": "调解小组",
    "panel_draws": "抽选调解员",
    "recusals": "回避申请",
    "escalations": "移交上一级",
    "sessions": "调查和调解记录",
    "follow_ups": "回访",
    "status_changes": "办理状态",
    "participants": "参与调解的人员",
    "attachments": "附件",
    "agreement": "调解协议",
    "obligations": "履行情况",
    "risk_flags": "风险",
}
#: Any other field of the case itself.
REGISTRATION = "登记信息"
#: Keys operations note beside the fields (app.services.operations `op.note`).
NOTED = frozenset({"number", "signed_in", "merged_after_deleting"})
#: How many entries the page shows at most (the newest); a case has tens, not thousands.
SHOWN = 500


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    action: str
    #: The parts of the case that changed, in words ("当事人、附件").
    parts: tuple[str, ...]

    def text(self) -> str:
        when = self.at.astimezone().strftime("%Y-%m-%d %H:%M")
        parts = f"（改动了：{'、'.join(self.parts)}）" if self.parts else ""
        return f"{when}　{self.actor}　{self.action}{parts}"


def action_words(name: str) -> str:
    permission = PERMISSIONS.get(name)
    return permission.what if permission is not None else name


def changed_parts(before: str, after: str) -> tuple[str, ...]:
    """The parts of the case an entry's fields belong to; a fact the operation noted beside
    the fields (经办人, a count) is not a part."""
    parts: set[str] = set()
    for text in (before, after):
        try:
            fields = json.loads(text or "{}")
        except ValueError:
            continue
        for key in fields if isinstance(fields, dict) else ():
            first = str(key).split(".", 1)[0]
            if first in PARTS:
                parts.add(PARTS[first])
            elif first.isascii() and first not in NOTED:
                parts.add(REGISTRATION)
    order = [*PARTS.values(), REGISTRATION]
    return tuple(sorted(parts, key=order.index))


def case_history(db: Database, case_id: int) -> list[HistoryLine]:
    """The case's audit entries, oldest first (the newest `SHOWN`)."""
    with db.reading() as session:
        uuid = session.scalar(select(Case.uuid).where(Case.id == case_id))
        if uuid is None:
            raise NotFoundError("没有找到这件案件，可能已被删除。")
        rows = session.execute(
            select(
                AuditEntry.at,
                AuditEntry.actor,
                AuditEntry.action,
                AuditEntry.before,
                AuditEntry.after,
            )
            .where(AuditEntry.entity_uuid == uuid)
            .order_by(AuditEntry.id.desc())
            .limit(SHOWN)
        ).all()
    return [
        HistoryLine(at, actor, action_words(action), changed_parts(before, after))
        for at, actor, action, before, after in reversed(rows)
    ]
