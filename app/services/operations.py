"""Operations: the one place every change to the database goes through.

A change is never a loose session in a widget or a command. It is an operation::

    with db.operation(actor, "case.escalate", case=ref) as op:
        ...validate and change op.case...
        op.result = case_detail(op.session, op.case.id)
    detail, changed = op.outcome

The operation opens one transaction, loads the case it changes and refuses any change to an
archived case, lets the service write, then appends exactly one audit entry — the actor, the
time in UTC, the operation's name, the kind and uuid of what changed and a canonical JSON of
the fields before and after, chained to the entry before it by its hash (app.services.audit) —
and commits. Accounts and roles, the hash chain over the audit
entries and a server mode change this module and nothing else.

With accounts on (app.services.accounts) the operation first asks who is signed in and whether
their role (app.domain.roles) may do it, inside the same transaction; a refusal says in words
what and who may, and nothing is written. The audit entry's actor is then the person signed
in, whatever the caller passed: a different name a caller gave (the command line's --actor)
cannot stand in for the person, and is kept in the entry as 经办人 so it is not lost. A case
the operation hands back is masked for a role that may not see ID numbers and phones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.db.models import Case
from app.domain.codes import CaseStatus
from app.domain.errors import UserError
from app.domain.fields import clean_text
from app.services import accounts, audit
from app.services.records import find_case, snapshot_case
from app.services.search_index import reindex_for
from app.views import Changed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.services.database import Database

#: With accounts off, every change is made by the machine's one user.
DEFAULT_ACTOR = "本机用户"
#: The audit entry's key for a name the caller gave that is not the person signed in.
HANDLED_BY = "经办人"
HANDLED_BY_CHARS = 60

Scalar = str | int | bool | None
Snapshot = Mapping[str, Any]


@dataclass
class _Tracked:
    kind: str
    uuid: str | None
    snapshot: Callable[[], Snapshot]
    before: dict[str, Scalar]


@dataclass
class Operation:
    """One change in progress: its session, the case it works on, and what it changed."""

    session: Session
    actor: str
    name: str
    case: Case | None = None
    #: What the service returns to its caller, set inside the `with` block.
    result: Any = None
    changed: Changed = field(default_factory=Changed)
    _tracked: _Tracked | None = None
    #: Facts for the audit entry that are not fields of the entity (counts of an import…).
    note: dict[str, Scalar] = field(default_factory=dict)
    #: A name the caller gave other than the person signed in (accounts on), for the entry.
    handled_by: str = ""
    _done: bool = False

    @property
    def the_case(self) -> Case:
        """The case this operation was opened on (a service asking for it expects one)."""
        assert self.case is not None, f"operation {self.name} was not opened on a case"
        return self.case

    def track(
        self, kind: str, uuid: str | None, snapshot: Callable[[], Snapshot], *, new: bool = False
    ) -> None:
        """Name what this operation changes; its fields are compared before and after.

        `new` says the thing is being created, so there is nothing before.
        """
        before = {} if new else canonical_fields(snapshot())
        self._tracked = _Tracked(kind, uuid, snapshot, before)

    def refresh(self, changed: Changed) -> None:
        """Add views that must refresh once the change is committed."""
        self.changed = self.changed | changed

    @property
    def outcome(self) -> tuple[Any, Changed]:
        """The result and what changed; only once the operation has committed."""
        assert self._done, "the operation has not committed"
        return self.result, self.changed


def canonical_value(value: Any) -> Scalar:
    """A value as it goes into the audit JSON: no floats, ISO dates and times."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        raise TypeError("floats have no place in the audit log; store money as fen")
    return str(value)


def canonical_fields(snapshot: Snapshot) -> dict[str, Scalar]:
    return {key: canonical_value(value) for key, value in snapshot.items()}


def canonical_json(data: Mapping[str, Scalar]) -> str:
    """Sorted keys, no whitespace, real characters: the same data always gives the same text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def changed_fields(
    before: Mapping[str, Scalar], after: Mapping[str, Scalar]
) -> tuple[dict[str, Scalar], dict[str, Scalar]]:
    """Only the fields that differ; a field that appears or disappears is None on one side."""
    keys = sorted(set(before) | set(after))
    differing = [k for k in keys if before.get(k) != after.get(k) or (k in before) != (k in after)]
    return (
        {k: before[k] for k in differing if k in before},
        {k: after[k] for k in differing if k in after},
    )


def archived_refusal(case: Case) -> UserError:
    return UserError(
        f"案件{case.number}已归档，不能再修改。如需更正，请在案件页使用“归档后更正”，"
        "并写明更正的原因。"
    )


@contextmanager
def operation(
    db: Database,
    actor: str,
    name: str,
    *,
    case: str | int | None = None,
    allow_archived: bool = False,
) -> Iterator[Operation]:
    """Run one change: one transaction, one audit entry, refused on an archived case.

    `case` (an id, uuid or case number) loads that case into `op.case` and tracks its fields;
    `allow_archived` is only for the amendment of an archived case, which is itself recorded.
    """
    # The name a caller gives (the command line's --actor) is a person's name like any other:
    # within the field's length and printable, or it would land in the log and in every export.
    given = clean_text(actor, "event.actor", field="actor")
    accounts.before_operation(db, name)
    with db.transaction() as session:
        clearance = accounts.authorise(session, db, name)
        person = clearance.actor
        op = Operation(session=session, actor=person or given or DEFAULT_ACTOR, name=name)
        if person is not None and given not in ("", DEFAULT_ACTOR, person):
            op.handled_by = given[:HANDLED_BY_CHARS]  # a name, not a place for a page of text
        if case is not None:
            loaded = find_case(session, case)
            if loaded.status == CaseStatus.ARCHIVED and not allow_archived:
                raise archived_refusal(loaded)
            op.case = loaded
            op.track("case", loaded.uuid, lambda: snapshot_case(loaded))
            op.refresh(Changed(cases=frozenset({loaded.id})))
        yield op
        session.flush()
        # The search index and the parties' pinyin initials follow the change, in its transaction.
        reindex_for(session, sorted(op.changed.cases), op.changed.everything)
        _write_audit(op)
    if not clearance.sees_identity:
        op.result = accounts.masked_result(op.result)
    op._done = True


def _write_audit(op: Operation) -> None:
    before: dict[str, Scalar] = {}
    after: dict[str, Scalar] = {}
    kind, uuid = "", None
    if op._tracked is not None:
        kind, uuid = op._tracked.kind, op._tracked.uuid
        if uuid is None and op.case is not None:
            uuid = op.case.uuid
        before, after = changed_fields(op._tracked.before, canonical_fields(op._tracked.snapshot()))
    after.update(canonical_fields(op.note))
    if op.handled_by:
        after[HANDLED_BY] = op.handled_by
    audit.append(
        op.session,
        actor=op.actor,
        action=op.name,
        entity=kind,
        entity_uuid=uuid,
        before=canonical_json(before),
        after=canonical_json(after),
    )
