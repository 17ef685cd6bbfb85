"""The case's life as a table: which event may move a case from which status, and on what terms.

The window asks `events_from` which buttons to offer, a service asks `check_event` whether an
event is allowed; neither writes ``if status == …`` chains, so the rules live only in
`TRANSITIONS` and a change to the life cycle is a change to one row.

Each row says what an event needs (`Need`): an input the person types in the event's dialog
(`INPUT_NEEDS`: a reason, who withdrew, where the case goes, which routes were told) or a fact
about the case as saved (`CaseFacts`: agreement terms, obligations, follow-ups).

Decisions the domain brief leaves open, made here:

- A party may refuse mediation (art. 17) as soon as the case is accepted, before the first
  session — that is when the respondent is usually first contacted — so ``terminate`` leaves
  ``accepted`` as well as ``mediating``.
- A case that does not belong to the committee is declined at registration (with a reason saying
  where the party was sent); ``refer`` starts only once the case is accepted.
- "All obligations performed" holds for an agreement without obligations (an apology made at the
  table, a debt paid on the spot), so such a case goes straight from ``agreement_reached`` to
  ``performed``; ``start_performance`` needs at least one obligation not yet performed.
- An agreement is binding (art. 31): once reached there is no withdraw, terminate or fail. A
  party who will not perform may sue (art. 32); the case then stays 履行中 and its overdue
  obligations show on the 待办 list. No event closes it early yet.
- Text that is only spaces is not a reason, nor a name.
- Follow-up visits may be recorded at any time; the ``follow_up`` event (回访完成) marks the
  follow-up after performance done and needs at least one visit on record.
- Archiving needs nothing more than a status in which the case has ended; archived cases have
  no events at all (they are read-only).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from app.domain.codes import CaseStatus, FailureRoute, Labelled, ReferralTarget
from app.domain.errors import UserError


class CaseEvent(Labelled):
    """Something that happens to a case and may change its status."""

    ACCEPT = "accept", "受理"
    DECLINE = "decline", "不予受理"
    START_MEDIATION = "start_mediation", "开始调解"
    REACH_AGREEMENT = "reach_agreement", "达成协议"
    FAIL = "fail", "调解不成"
    WITHDRAW = "withdraw", "撤回申请"
    TERMINATE = "terminate", "终止调解（当事人拒绝）"
    REFER = "refer", "移交"
    START_PERFORMANCE = "start_performance", "开始履行"
    COMPLETE_PERFORMANCE = "complete_performance", "履行完毕"
    FOLLOW_UP = "follow_up", "回访完成"
    ARCHIVE = "archive", "归档"


class Need(Labelled):
    """A precondition of an event; the label says what must hold, in the user's words."""

    REASON = "reason", "需要填写原因"
    WITHDRAWN_BY = "withdrawn_by", "需要写明由谁撤回"
    REFERRED_TO = "referred_to", "需要选择移交给哪个部门"
    ROUTES = "routes", "需要选择告知当事人的途径"
    AGREEMENT_TERMS = "agreement_terms", "需要先录入至少一项协议条款"
    OPEN_OBLIGATIONS = "open_obligations", "协议中还有未履行的义务"
    ALL_PERFORMED = "all_performed", "所有义务都已履行"
    FOLLOW_UP_RECORDED = "follow_up_recorded", "需要先登记一次回访"


#: The needs the person types in the event's dialog (fields of `EventInput`); the others are
#: facts of the saved case, fixed elsewhere (the agreement, the obligations, the visits).
INPUT_NEEDS: frozenset[Need] = frozenset(
    {Need.REASON, Need.WITHDRAWN_BY, Need.REFERRED_TO, Need.ROUTES}
)


@dataclass(frozen=True)
class Transition:
    """One row of the table: in `status`, `event` leads to `next` when every need is met."""

    status: CaseStatus
    event: CaseEvent
    next: CaseStatus
    needs: frozenset[Need] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CaseFacts:
    """What the saved case holds that an event may depend on (counts only: this module is pure)."""

    agreement_terms: int = 0
    obligations: int = 0
    obligations_performed: int = 0
    follow_ups: int = 0

    def __post_init__(self) -> None:
        """Counts come from the database; impossible ones are a bug, not the user's doing."""
        counts = (self.agreement_terms, self.obligations, self.obligations_performed)
        if min(*counts, self.follow_ups) < 0:
            raise ValueError(f"negative count in {self!r}")
        if self.obligations_performed > self.obligations:
            raise ValueError(f"more obligations performed than there are in {self!r}")


@dataclass(frozen=True)
class EventInput:
    """What the person typed or chose in the event's dialog."""

    reason: str = ""
    withdrawn_by: str = ""
    referred_to: ReferralTarget | None = None
    routes: frozenset[FailureRoute] = frozenset()


# Short names for the table only; deleted after it.
S = CaseStatus
E = CaseEvent
N = Need


def _row(status: CaseStatus, event: CaseEvent, next_: CaseStatus, *needs: Need) -> Transition:
    return Transition(status, event, next_, frozenset(needs))


#: The whole life cycle. Rows are grouped by status and, within one, in the order the window
#: offers the events: the usual next step first, the ways out after it.
TRANSITIONS: tuple[Transition, ...] = (
    _row(S.REGISTERED, E.ACCEPT, S.ACCEPTED),
    _row(S.REGISTERED, E.DECLINE, S.DECLINED, N.REASON),
    _row(S.REGISTERED, E.WITHDRAW, S.WITHDRAWN, N.WITHDRAWN_BY),
    _row(S.ACCEPTED, E.START_MEDIATION, S.MEDIATING),
    _row(S.ACCEPTED, E.REFER, S.REFERRED, N.REFERRED_TO),
    _row(S.ACCEPTED, E.WITHDRAW, S.WITHDRAWN, N.WITHDRAWN_BY),
    _row(S.ACCEPTED, E.TERMINATE, S.TERMINATED, N.REASON),
    _row(S.MEDIATING, E.REACH_AGREEMENT, S.AGREEMENT_REACHED, N.AGREEMENT_TERMS),
    _row(S.MEDIATING, E.FAIL, S.FAILED, N.ROUTES),
    _row(S.MEDIATING, E.WITHDRAW, S.WITHDRAWN, N.WITHDRAWN_BY),
    _row(S.MEDIATING, E.TERMINATE, S.TERMINATED, N.REASON),
    _row(S.MEDIATING, E.REFER, S.REFERRED, N.REFERRED_TO),
    _row(S.AGREEMENT_REACHED, E.START_PERFORMANCE, S.PERFORMING, N.OPEN_OBLIGATIONS),
    _row(S.AGREEMENT_REACHED, E.COMPLETE_PERFORMANCE, S.PERFORMED, N.ALL_PERFORMED),
    _row(S.PERFORMING, E.COMPLETE_PERFORMANCE, S.PERFORMED, N.ALL_PERFORMED),
    _row(S.PERFORMED, E.FOLLOW_UP, S.FOLLOWED_UP, N.FOLLOW_UP_RECORDED),
    _row(S.PERFORMED, E.ARCHIVE, S.ARCHIVED),
    _row(S.FOLLOWED_UP, E.ARCHIVE, S.ARCHIVED),
    _row(S.DECLINED, E.ARCHIVE, S.ARCHIVED),
    _row(S.FAILED, E.ARCHIVE, S.ARCHIVED),
    _row(S.WITHDRAWN, E.ARCHIVE, S.ARCHIVED),
    _row(S.TERMINATED, E.ARCHIVE, S.ARCHIVED),
    _row(S.REFERRED, E.ARCHIVE, S.ARCHIVED),
)
del S, E, N


def _index(rows: Iterable[Transition]) -> Mapping[tuple[CaseStatus, CaseEvent], Transition]:
    """The table keyed by (status, event); a duplicate row would make the machine ambiguous."""
    index: dict[tuple[CaseStatus, CaseEvent], Transition] = {}
    for row in rows:
        key = (row.status, row.event)
        if key in index:
            raise ValueError(f"two rows for {key}")
        index[key] = row
    return MappingProxyType(index)


TRANSITION_INDEX: Mapping[tuple[CaseStatus, CaseEvent], Transition] = _index(TRANSITIONS)

INITIAL_STATUS = CaseStatus.REGISTERED
FINAL_STATUS = CaseStatus.ARCHIVED
#: Statuses in which mediation has ended: an outcome is reached (declined, agreement, failed,
#: withdrawn, terminated, referred) or lies behind (performance, follow-up, archive). Only
#: registered, accepted and mediating cases are still open; the one-month norm counts there.
CLOSED_STATUSES: frozenset[CaseStatus] = frozenset(CaseStatus) - {
    CaseStatus.REGISTERED,
    CaseStatus.ACCEPTED,
    CaseStatus.MEDIATING,
}


def transitions_from(status: CaseStatus) -> list[Transition]:
    """The rows leaving `status`, in table order."""
    return [t for t in TRANSITIONS if t.status == status]


def events_from(status: CaseStatus) -> list[CaseEvent]:
    """The events a case in `status` may see, in the order the window offers them."""
    return [t.event for t in transitions_from(status)]


def next_status(status: CaseStatus, event: CaseEvent) -> CaseStatus | None:
    """Where `event` leads from `status`, or None when the table has no such move."""
    row = TRANSITION_INDEX.get((status, event))
    return row.next if row else None


def _is_met(need: Need, facts: CaseFacts, given: EventInput) -> bool:
    match need:
        case Need.REASON:
            return bool(given.reason.strip())
        case Need.WITHDRAWN_BY:
            return bool(given.withdrawn_by.strip())
        case Need.REFERRED_TO:
            return given.referred_to is not None
        case Need.ROUTES:
            return bool(given.routes)
        case Need.AGREEMENT_TERMS:
            return facts.agreement_terms >= 1
        case Need.OPEN_OBLIGATIONS:
            return facts.obligations_performed < facts.obligations
        case Need.ALL_PERFORMED:
            return facts.obligations_performed == facts.obligations
        case Need.FOLLOW_UP_RECORDED:
            return facts.follow_ups >= 1
    raise AssertionError(need)  # pragma: no cover - every Need is matched above


def unmet_needs(transition: Transition, facts: CaseFacts, given: EventInput) -> list[Need]:
    """The needs of `transition` that do not hold, in `Need` order so messages are stable."""
    return [n for n in Need if n in transition.needs and not _is_met(n, facts, given)]


def _labels(members: Iterable[Labelled]) -> str:
    return "、".join(f"“{m.label}”" for m in members)


def _how_to_fix(need: Need, event: CaseEvent, facts: CaseFacts) -> str:
    match need:
        case Need.REASON:
            return f"请写明“{event.label}”的原因。"
        case Need.WITHDRAWN_BY:
            return "请填写撤回申请的当事人姓名。"
        case Need.REFERRED_TO:
            return f"请从{_labels(ReferralTarget)}中选择接收案件的部门。"
        case Need.ROUTES:
            return (
                f"调解不成时应告知当事人可以通过{_labels(FailureRoute)}解决纠纷，"
                "请勾选已经告知的途径。"
            )
        case Need.AGREEMENT_TERMS:
            return "请先在调解协议中录入双方同意的条款。"
        case Need.OPEN_OBLIGATIONS:
            return (
                "这份协议没有尚未履行的义务；如果义务已经当场履行，"
                f"请直接选择“{CaseEvent.COMPLETE_PERFORMANCE.label}”。"
            )
        case Need.ALL_PERFORMED:
            left = facts.obligations - facts.obligations_performed
            return f"还有 {left} 项义务没有履行，请先登记各项义务的履行情况。"
        case Need.FOLLOW_UP_RECORDED:
            return "请先登记回访的日期、回访人和回访情况。"
    raise AssertionError(need)  # pragma: no cover - every Need is matched above


def check_event(
    status: CaseStatus, event: CaseEvent, facts: CaseFacts, given: EventInput
) -> Transition:
    """The row for `event` in `status` when allowed now; otherwise a `UserError` saying why.

    An event the table forbids is refused with the events that are possible instead; an allowed
    event with unmet needs is refused with one line per need, each saying how to meet it.
    """
    if status == FINAL_STATUS:
        raise UserError(f"{FINAL_STATUS.label}的案件不能再更改。")
    row = TRANSITION_INDEX.get((status, event))
    if row is None:
        possible = _labels(events_from(status))
        raise UserError(
            f"案件当前状态为“{status.label}”，不能“{event.label}”。现在可以：{possible}。"
        )
    missing = unmet_needs(row, facts, given)
    if missing:
        raise UserError(
            "\n".join(
                f"还不能“{event.label}”（条件：{n.label}）。{_how_to_fix(n, event, facts)}"
                for n in missing
            )
        )
    return row


def reachable_statuses(start: CaseStatus = INITIAL_STATUS) -> frozenset[CaseStatus]:
    """Every status the table can lead to from `start` (itself included), needs aside."""
    seen = {start}
    queue = deque([start])
    while queue:
        for row in transitions_from(queue.popleft()):
            if row.next not in seen:
                seen.add(row.next)
                queue.append(row.next)
    return frozenset(seen)
