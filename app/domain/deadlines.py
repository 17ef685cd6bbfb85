"""The deadlines the People's Mediation Law and the committee watch, as one to-do list.

Pure: the facts of a case and the day asked about go in, the items come out, so the CLI's
``due --on DATE`` and the window's 待办 view list the same things.

Periods are counted as the Civil Code counts them (民法典 arts. 201–202): the day an event
happens is not counted, a month ends on the same day of the next month or, when that month is
shorter, on its last day. Decisions the domain brief leaves open, made here:

- The one-month norm counts only while the case is accepted or being mediated; an extension
  agreed by the parties replaces the date. It is listed from `horizon_days` before it, and late
  after it.
- The judicial-confirmation window (art. 33) is listed for a written agreement every day from
  the day it takes effect to the 30th day after it, then disappears: it is a chance the parties
  may take, not a duty, so it is never "late". An oral agreement has no such window here.
- An obligation is listed while the agreement is being performed (达成协议 or 履行中) and it is
  late or falls due within `horizon_days`; a performed one never is. Once the committee has
  declared the case performed, the obligations leave the list.
- The follow-up after performance is due `follow_up_days` after the day the case was performed,
  while the case is 履行完毕 and no visit is on record on or after that day.
- An archived case is read-only and lists nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.codes import AgreementForm, CaseStatus, Labelled
from app.domain.schedule import (
    ObligationState,
    Payment,
    Schedule,
    clamped_date,
    cn_date,
    describe,
    first_due,
    obligation_status,
)

#: Art. 33: the parties may apply for judicial confirmation within 30 days of the agreement.
CONFIRMATION_DAYS = 30
#: How much of an obligation's text an item repeats; the case page has the rest.
WHAT_TEXT_CHARS = 30

_MEDIATION_OPEN = frozenset({CaseStatus.ACCEPTED, CaseStatus.MEDIATING})
_PERFORMING = frozenset({CaseStatus.AGREEMENT_REACHED, CaseStatus.PERFORMING})
_AGREED = _PERFORMING | {CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP}


class DueKind(Labelled):
    """What a to-do item is about."""

    MEDIATION_NORM = "mediation_norm", "调解期限（受理后一个月）"
    CONFIRMATION_WINDOW = "confirmation_window", "司法确认申请期限（协议生效后30日内）"
    OBLIGATION = "obligation", "义务履行期限"
    FOLLOW_UP = "follow_up", "回访"


#: The order of kinds on one day of one case: the law's deadlines before the committee's.
_KIND_ORDER = {kind: index for index, kind in enumerate(DueKind)}


@dataclass(frozen=True)
class DueItem:
    """One line of the to-do list, with where to go to deal with it."""

    kind: DueKind
    on: date
    #: Days past `on` (0 when not late).
    days_late: int
    overdue: bool
    #: A short Chinese line, without personal data: "第2项义务：…（逾期12天）".
    what: str
    case_id: int
    case_number: str
    #: Which item of the case: "mediation_norm", "confirmation_window", "follow_up" or
    #: "obligation:<id>".
    ref: str
    #: The case page tab to open: "registration", "agreement" or "performance".
    tab: str


@dataclass(frozen=True)
class ObligationFacts:
    """One obligation of the agreement with its schedule and its records of performance."""

    obligation_id: int
    #: The item number in the agreement, from 1.
    position: int
    text: str
    schedule: Schedule
    payments: tuple[Payment, ...] = ()


@dataclass(frozen=True)
class CaseDeadlineFacts:
    """What a case holds that a deadline depends on."""

    case_id: int
    case_number: str
    status: CaseStatus
    accepted_on: date | None = None
    mediation_extended_to: date | None = None
    agreement_form: AgreementForm | None = None
    agreement_effective_on: date | None = None
    confirmation_applied_on: date | None = None
    obligations: tuple[ObligationFacts, ...] = ()
    #: The day the case became 履行完毕.
    performed_on: date | None = None
    last_follow_up_on: date | None = None


def one_month_after(day: date) -> date:
    """The same day next month, or that month's last day (1月31日 → 2月28日 or 29日)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return clamped_date(year, month, day.day)


def _days_text(on: date, today: date) -> str:
    if on < today:
        return f"逾期{(today - on).days}天"
    if on == today:
        return "今天到期"
    return f"还有{(on - today).days}天"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= WHAT_TEXT_CHARS else text[: WHAT_TEXT_CHARS - 1] + "…"


def _item(
    facts: CaseDeadlineFacts, kind: DueKind, on: date, today: date, what: str, ref: str, tab: str
) -> DueItem:
    late = max(0, (today - on).days)
    return DueItem(
        kind=kind,
        on=on,
        days_late=late,
        overdue=late > 0,
        what=what,
        case_id=facts.case_id,
        case_number=facts.case_number,
        ref=ref,
        tab=tab,
    )


def _mediation_norm(facts: CaseDeadlineFacts, today: date, horizon_days: int) -> list[DueItem]:
    if facts.status not in _MEDIATION_OPEN:
        return []
    if facts.mediation_extended_to is not None:
        on = facts.mediation_extended_to
        rule = "经当事人同意延长"
    elif facts.accepted_on is not None:
        on = one_month_after(facts.accepted_on)
        rule = "受理后一个月"
    else:
        return []
    if (on - today).days > horizon_days:
        return []
    what = f"调解期限：{rule}，至{cn_date(on)}（{_days_text(on, today)}）"
    return [_item(facts, DueKind.MEDIATION_NORM, on, today, what, "mediation_norm", "registration")]


def confirmation_last_day(effective_on: date) -> date:
    """The last day the parties may apply for judicial confirmation (the 30th after effect)."""
    return effective_on + timedelta(days=CONFIRMATION_DAYS)


def _confirmation_window(facts: CaseDeadlineFacts, today: date) -> list[DueItem]:
    effective = facts.agreement_effective_on
    if (
        facts.status not in _AGREED
        or facts.agreement_form is not AgreementForm.WRITTEN
        or effective is None
        or facts.confirmation_applied_on is not None
    ):
        return []
    last = confirmation_last_day(effective)
    if not effective <= today <= last:
        return []
    left = "今天是最后一天" if last == today else f"还有{(last - today).days}天"
    what = f"可共同申请司法确认，至{cn_date(last)}止（{left}）"
    ref = "confirmation_window"
    return [_item(facts, DueKind.CONFIRMATION_WINDOW, last, today, what, ref, "agreement")]


def _obligations(facts: CaseDeadlineFacts, today: date, horizon_days: int) -> list[DueItem]:
    if facts.status not in _PERFORMING:
        return []
    items: list[DueItem] = []
    for ob in facts.obligations:
        first = first_due(ob.schedule)
        if first is None or (first - today).days > horizon_days:
            continue  # dues come in date order: none of them is late or near yet
        status = obligation_status(ob.schedule, ob.payments, today, soon_days=horizon_days)
        if status.state not in (ObligationState.OVERDUE, ObligationState.DUE_SOON):
            continue
        on = status.next_due
        if on is None:  # late or due soon always has a date; kept for the type checker
            continue
        text = _short(ob.text) or describe(ob.schedule)
        what = f"第{ob.position}项义务：{text}（{_days_text(on, today)}）"
        ref = f"obligation:{ob.obligation_id}"
        items.append(_item(facts, DueKind.OBLIGATION, on, today, what, ref, "performance"))
    return items


def _follow_up(
    facts: CaseDeadlineFacts, today: date, horizon_days: int, follow_up_days: int
) -> list[DueItem]:
    performed = facts.performed_on
    if facts.status is not CaseStatus.PERFORMED or performed is None:
        return []
    if facts.last_follow_up_on is not None and facts.last_follow_up_on >= performed:
        return []
    on = performed + timedelta(days=follow_up_days)
    if (on - today).days > horizon_days:
        return []
    what = f"履行完毕后回访，至{cn_date(on)}（{_days_text(on, today)}）"
    return [_item(facts, DueKind.FOLLOW_UP, on, today, what, "follow_up", "performance")]


def case_due_items(
    facts: CaseDeadlineFacts,
    today: date,
    *,
    horizon_days: int = 7,
    follow_up_days: int = 30,
) -> list[DueItem]:
    """Everything of one case that is late or falls due within `horizon_days` of `today`."""
    if facts.status is CaseStatus.ARCHIVED:
        return []
    return sort_due(
        _mediation_norm(facts, today, horizon_days)
        + _confirmation_window(facts, today)
        + _obligations(facts, today, horizon_days)
        + _follow_up(facts, today, horizon_days, follow_up_days)
    )


def sort_due(items: Iterable[DueItem]) -> list[DueItem]:
    """Most urgent first: the late by days late (most first), then the rest by date."""
    return sorted(
        items,
        key=lambda i: (
            not i.overdue,
            -i.days_late,
            i.on,
            i.case_id,
            _KIND_ORDER[i.kind],
            i.ref,
        ),
    )
