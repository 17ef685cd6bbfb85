"""An obligation's schedule as data, and where its performance stands on a given day.

Pure: no database and no clock, every function is told the day it answers for, so the window,
the CLI and the tests agree on what "overdue" means.

Decisions the domain brief leaves open, made here:

- A due is late the day after its date: "于2026年10月10日前支付" is met by a payment on the 10th.
- Only payments dated on or before `today` count, so the status "as of" a past day (the CLI's
  ``due --on DATE``) is what it was then, and a mistyped future date does not hide a debt.
- Money is allocated oldest due first; a partial payment leaves a due partly paid, and what is
  paid beyond one due goes to the next (paying ahead). A money schedule ignores the amount of a
  record without one (`amount_fen` None counts as nothing paid).
- A non-money obligation (an apology, an act: amounts None) is performed by any record of
  performance dated on or before `today`, even one dated before the due date (done early is
  done); for instalments or a monthly act, each record performs the oldest open due.
- An open-ended monthly schedule (赡养费 until further notice) is never performed; when it is up
  to date it is not yet due or due soon, by its next due date.
- A one-off without a due date is not yet due until a record performs it; nothing about it is
  outstanding or late.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.codes import Labelled
from app.domain.errors import ValidationError
from app.domain.money import MAX_AMOUNT, format_yuan, from_fen, to_fen

MAX_FEN = to_fen(MAX_AMOUNT)


class ScheduleKind(Labelled):
    """How an obligation falls due: once, in a few agreed parts, or every month."""

    ONE_OFF = "one_off", "一次性"
    INSTALMENTS = "instalments", "分期"
    RECURRING = "recurring", "按月定期"


class ObligationState(Labelled):
    """Where an obligation stands on a day; what the 履行 tab and the 待办 list show."""

    NOT_YET_DUE = "not_yet_due", "未到期"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "逾期"
    PERFORMED = "performed", "已履行"


class DueState(Labelled):
    """Where one due (one instalment, one month) stands."""

    UNPAID = "unpaid", "未履行"
    PARTIAL = "partial", "部分履行"
    PERFORMED = "performed", "已履行"


@dataclass(frozen=True)
class Instalment:
    """One due: the last day to perform and the amount in fen (None: not money)."""

    due: date
    amount_fen: int | None


@dataclass(frozen=True)
class Schedule:
    """When and how much; only the fields of its `kind` are used (the constructors set them).

    - one_off: `due` (None: no time limit agreed) and `amount_fen` (None: not money);
    - instalments: `instalments`, in date order;
    - recurring: `day_of_month` (1–31; a shorter month uses its last day), `amount_fen` per
      month, `start` (the first due is the first such day on or after it) and `until` (the
      last due is on or before it; None: open-ended).
    """

    kind: ScheduleKind
    due: date | None = None
    amount_fen: int | None = None
    instalments: tuple[Instalment, ...] = ()
    day_of_month: int | None = None
    start: date | None = None
    until: date | None = None

    @classmethod
    def one_off(cls, due: date | None, amount_fen: int | None) -> Schedule:
        """Perform once, by `due`."""
        return cls(ScheduleKind.ONE_OFF, due=due, amount_fen=amount_fen)

    @classmethod
    def in_instalments(cls, instalments: Iterable[Instalment]) -> Schedule:
        """Perform in agreed parts (named so because `instalments` is the field holding them)."""
        return cls(ScheduleKind.INSTALMENTS, instalments=tuple(instalments))

    @classmethod
    def monthly(
        cls, day: int, amount_fen: int | None, start: date, until: date | None = None
    ) -> Schedule:
        """Perform every month by `day`, from `start` to `until` (None: until further notice)."""
        return cls(
            ScheduleKind.RECURRING,
            amount_fen=amount_fen,
            day_of_month=day,
            start=start,
            until=until,
        )

    @property
    def is_money(self) -> bool:
        """True when the dues are amounts of money (else an act, performed or not)."""
        if self.kind is ScheduleKind.INSTALMENTS:
            return any(i.amount_fen is not None for i in self.instalments)
        return self.amount_fen is not None

    @property
    def open_ended(self) -> bool:
        """A monthly schedule with no end: it has no last due and is never performed."""
        return self.kind is ScheduleKind.RECURRING and self.until is None


@dataclass(frozen=True)
class Payment:
    """A record of performance: money paid on a day, or (amount None) an act done that day."""

    on: date
    amount_fen: int | None


@dataclass(frozen=True)
class DueStatus:
    """One due with what has been allocated to it; `due` is None for a one-off with no date."""

    due: date | None
    amount_fen: int | None
    paid_fen: int
    state: DueState
    #: The day of the record that completed this due, None while it is open.
    performed_on: date | None

    @property
    def unpaid_fen(self) -> int | None:
        """What is still owed on this due; None when it is not money."""
        return None if self.amount_fen is None else self.amount_fen - self.paid_fen


@dataclass(frozen=True)
class ObligationStatus:
    """An obligation on one day: its state, the earliest open due and the money."""

    state: ObligationState
    #: The earliest due not yet performed (None: all performed, or no date agreed).
    next_due: date | None
    #: Days from the earliest open due that has passed to today; 0 when none has passed.
    days_late: int
    #: Unpaid money of the dues up to and including today; None when not money.
    outstanding_fen: int | None
    #: Money paid by today (0 when not money), including any overpayment.
    paid_fen: int
    #: Paid beyond the whole of a bounded schedule (always 0 for an open-ended one).
    overpaid_fen: int
    #: The whole sum owed by a bounded money schedule; None when open-ended or not money.
    total_fen: int | None
    #: Every due of a bounded schedule; for an open-ended one the dues up to today, those paid
    #: ahead, and the next open one.
    dues: tuple[DueStatus, ...]


# --- Dates ------------------------------------------------------------------------------------


def clamped_date(year: int, month: int, day: int) -> date:
    """That day of that month, or the month's last day when it is shorter (31 → 2月28日)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def cn_date(day: date) -> str:
    """2026-10-10 → 2026年10月10日, without leading zeros, as agreements write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def first_monthly_due(day_of_month: int, start: date) -> date:
    """The first date on or after `start` that falls on `day_of_month` (clamped to month end)."""
    candidate = clamped_date(start.year, start.month, day_of_month)
    if candidate >= start:
        return candidate
    year, month = _next_month(start.year, start.month)
    return clamped_date(year, month, day_of_month)


def _iter_dues(schedule: Schedule) -> Iterator[Instalment]:
    """The dated dues in order; endless for an open-ended monthly schedule."""
    if schedule.kind is ScheduleKind.ONE_OFF:
        if schedule.due is not None:
            yield Instalment(schedule.due, schedule.amount_fen)
    elif schedule.kind is ScheduleKind.INSTALMENTS:
        yield from schedule.instalments
    else:
        if schedule.day_of_month is None or schedule.start is None:
            return
        first = first_monthly_due(schedule.day_of_month, schedule.start)
        year, month = first.year, first.month
        while True:
            due = clamped_date(year, month, schedule.day_of_month)
            if schedule.until is not None and due > schedule.until:
                return
            yield Instalment(due, schedule.amount_fen)
            year, month = _next_month(year, month)


def first_due(schedule: Schedule) -> date | None:
    """The earliest dated due; None when no date was agreed (or nothing is due)."""
    return next((i.due for i in _iter_dues(schedule)), None)


def due_dates(schedule: Schedule, through: date) -> list[Instalment]:
    """Every due on or before `through`; a bounded schedule also stops at its end."""
    out: list[Instalment] = []
    for instalment in _iter_dues(schedule):
        if instalment.due > through:
            break
        out.append(instalment)
    return out


def all_due_dates(schedule: Schedule) -> list[Instalment] | None:
    """Every due of a bounded schedule; None for an open-ended one, which has no last due."""
    return None if schedule.open_ended else list(_iter_dues(schedule))


# --- Validation -------------------------------------------------------------------------------


def _check_amount(amount_fen: int | None, field: str, label: str) -> None:
    if amount_fen is None:
        return
    if amount_fen < 0:
        raise ValidationError(field, label, "不能是负数，请填写正数，例如 1250.50")
    if amount_fen == 0:
        raise ValidationError(field, label, "不能是0元；不是支付金钱的义务，请不填金额")
    if amount_fen > MAX_FEN:
        raise ValidationError(
            field, label, f"这个金额太大，请检查是否多打了数字（最多 {MAX_AMOUNT} 元）"
        )


def _reject_unused(schedule: Schedule, *names: str) -> None:
    """Fields of another kind left filled are a record that says two things at once."""
    defaults: dict[str, object] = {
        "due": None,
        "amount_fen": None,
        "instalments": (),
        "day_of_month": None,
        "start": None,
        "until": None,
    }
    for name in names:
        if getattr(schedule, name) != defaults[name]:
            raise ValidationError(
                name, "履行方式", f"“{schedule.kind.label}”的履行方式不应填写这一项，请清空"
            )


def validate_schedule(schedule: Schedule) -> None:
    """Reject a schedule an agreement cannot print or the 待办 list cannot follow."""
    if schedule.kind is ScheduleKind.ONE_OFF:
        _reject_unused(schedule, "instalments", "day_of_month", "start", "until")
        _check_amount(schedule.amount_fen, "amount_fen", "金额")
    elif schedule.kind is ScheduleKind.INSTALMENTS:
        _reject_unused(schedule, "due", "amount_fen", "day_of_month", "start", "until")
        _validate_instalments(schedule.instalments)
    else:
        _reject_unused(schedule, "due", "instalments")
        _validate_monthly(schedule)


def _validate_instalments(parts: Sequence[Instalment]) -> None:
    if len(parts) < 2:
        raise ValidationError("instalments", "分期", "至少要分两期；只有一期的，请选“一次性”")
    if len({part.amount_fen is None for part in parts}) > 1:
        raise ValidationError(
            "instalments", "分期", "各期要么都填写金额，要么都不填写金额（不是支付金钱的义务）"
        )
    for index, part in enumerate(parts):
        _check_amount(part.amount_fen, f"instalments[{index}].amount_fen", f"第{index + 1}期金额")
        if index and part.due <= parts[index - 1].due:
            raise ValidationError(
                f"instalments[{index}].due",
                f"第{index + 1}期履行期限",
                f"应晚于第{index}期的期限（{cn_date(parts[index - 1].due)}），请按先后顺序填写",
            )


def _validate_monthly(schedule: Schedule) -> None:
    day = schedule.day_of_month
    if day is None or not 1 <= day <= 31:
        raise ValidationError("day_of_month", "每月履行日", "应是每月1日到31日中的一天")
    _check_amount(schedule.amount_fen, "amount_fen", "每月金额")
    if schedule.start is None:
        raise ValidationError("start", "开始日期", "请填写从哪一天开始履行")
    if schedule.until is not None:
        if schedule.until < schedule.start:
            raise ValidationError(
                "until", "截止日期", f"不能早于开始日期（{cn_date(schedule.start)}）"
            )
        if not due_dates(schedule, schedule.until):
            raise ValidationError(
                "until",
                "截止日期",
                f"开始日期到截止日期之间没有一个每月{day}日，请检查日期",
            )


# --- Performance ------------------------------------------------------------------------------


#: How far ahead the dues of an open-ended schedule paid in advance are followed.
OPEN_ENDED_HORIZON_YEARS = 10


class _Records:
    """The counted records in date order, consumed by the dues oldest first."""

    def __init__(self, payments: Iterable[Payment], money: bool) -> None:
        self.money = money
        ordered = sorted(payments, key=lambda p: p.on)
        if money:
            ordered = [p for p in ordered if p.amount_fen]
        self.days = [p.on for p in ordered]
        # A money record holds its amount; an act performs exactly one due.
        self.left = [(p.amount_fen or 0) if money else 1 for p in ordered]
        self.cursor = 0

    def allocate(self, due: date | None, amount_fen: int | None) -> DueStatus:
        """Give this due what the oldest records still hold."""
        need = amount_fen if self.money and amount_fen is not None else 1
        paid = 0
        last_on: date | None = None
        while paid < need and self.cursor < len(self.left):
            take = min(need - paid, self.left[self.cursor])
            paid += take
            self.left[self.cursor] -= take
            last_on = self.days[self.cursor]
            if self.left[self.cursor] == 0:
                self.cursor += 1
        if paid == need:
            state, performed_on = DueState.PERFORMED, last_on
        else:
            state, performed_on = (DueState.PARTIAL if paid else DueState.UNPAID), None
        return DueStatus(due, amount_fen, paid if self.money else 0, state, performed_on)

    def remaining(self) -> int:
        """What no due took: paid beyond the whole schedule."""
        return sum(self.left[self.cursor :])


def _first_open_due_beyond(schedule: Schedule, last: DueStatus, credit: int) -> DueStatus:
    """The open due after the horizon of a schedule paid far ahead, found by arithmetic.

    `credit` is what the records still hold after `last`: whole dues it covers are skipped, the
    part left over goes to the due it reaches.
    """
    assert last.due is not None and schedule.day_of_month is not None
    per_due = schedule.amount_fen if schedule.amount_fen else 1
    covered, part = divmod(credit, per_due)
    months = last.due.year * 12 + last.due.month - 1 + covered + 1
    year, month = min(months // 12, date.max.year), months % 12 + 1
    due = clamped_date(year, month, schedule.day_of_month)
    paid = part if schedule.amount_fen else 0
    state = DueState.PARTIAL if paid else DueState.UNPAID
    return DueStatus(due, schedule.amount_fen, paid, state, None)


def obligation_status(
    schedule: Schedule, payments: Iterable[Payment], today: date, *, soon_days: int = 7
) -> ObligationStatus:
    """Allocate the records counted by `today` to the dues and say where the obligation stands.

    `soon_days`: a next due within this many days (0 = today) is 即将到期.
    """
    counted = [p for p in payments if p.on <= today]
    for p in counted:
        if p.amount_fen is not None and p.amount_fen < 0:
            raise ValidationError("payments", "履行金额", "不能是负数")
    money = schedule.is_money
    records = _Records(counted, money)
    prepaid_horizon = clamped_date(today.year + OPEN_ENDED_HORIZON_YEARS, today.month, today.day)
    dues: list[DueStatus] = []
    if schedule.kind is ScheduleKind.ONE_OFF and schedule.due is None:
        dues.append(records.allocate(None, schedule.amount_fen))
    for instalment in _iter_dues(schedule):
        status = records.allocate(instalment.due, instalment.amount_fen)
        dues.append(status)
        # An open-ended schedule stops at the first future due left open, or — when paid far
        # ahead — at a horizon, so a large prepayment cannot walk the calendar to year 9999.
        if (
            schedule.open_ended
            and instalment.due > today
            and (status.state is not DueState.PERFORMED or instalment.due > prepaid_horizon)
        ):
            break
    if schedule.open_ended and dues and dues[-1].state is DueState.PERFORMED:
        dues.append(_first_open_due_beyond(schedule, dues[-1], records.remaining()))
    paid_fen = sum(p.amount_fen or 0 for p in counted) if money else 0
    open_dues = [d for d in dues if d.state is not DueState.PERFORMED]
    first = open_dues[0] if open_dues else None
    next_due = first.due if first else None
    days_late = (today - next_due).days if next_due is not None and next_due < today else 0
    if first is None and not schedule.open_ended:
        state = ObligationState.PERFORMED
    elif days_late > 0:
        state = ObligationState.OVERDUE
    elif next_due is not None and (next_due - today).days <= soon_days:
        state = ObligationState.DUE_SOON
    else:
        state = ObligationState.NOT_YET_DUE
    outstanding: int | None = None
    total: int | None = None
    overpaid = 0
    if money:
        outstanding = sum(d.unpaid_fen or 0 for d in dues if d.due is not None and d.due <= today)
        if not schedule.open_ended:
            total = sum(d.amount_fen or 0 for d in dues)
            overpaid = records.remaining()
    return ObligationStatus(
        state=state,
        next_due=next_due,
        days_late=days_late,
        outstanding_fen=outstanding,
        paid_fen=paid_fen,
        overpaid_fen=overpaid,
        total_fen=total,
        dues=tuple(dues),
    )


# --- Wording ----------------------------------------------------------------------------------


def yuan_figures(amount_fen: int) -> str:
    """1250.50 元 as agreements write it: 人民币1250.50元 (no thousands separators)."""
    return f"人民币{format_yuan(from_fen(amount_fen), grouped=False)}元"


def _act(amount_fen: int | None) -> str:
    return "履行" if amount_fen is None else f"支付{yuan_figures(amount_fen)}"


def describe(schedule: Schedule) -> str:
    """The time limit and amount as the agreement prints them, after who owes whom.

    A monthly or instalment schedule is never worded as one payment: a party reading
    "支付人民币600元" would think one payment settles it.
    """
    if schedule.kind is ScheduleKind.ONE_OFF:
        if schedule.due is None:
            return "未约定履行期限" if schedule.amount_fen is None else _act(schedule.amount_fen)
        return f"于{cn_date(schedule.due)}前{_act(schedule.amount_fen)}"
    if schedule.kind is ScheduleKind.INSTALMENTS:
        parts = schedule.instalments
        if schedule.is_money:
            items = [f"{cn_date(p.due)}前{_act(p.amount_fen)}" for p in parts]
            return f"分{len(parts)}期支付：" + "；".join(items)
        items = [f"{cn_date(p.due)}前履行第{i}期" for i, p in enumerate(parts, 1)]
        return f"分{len(parts)}期履行：" + "；".join(items)
    return _describe_monthly(schedule)


def _describe_monthly(schedule: Schedule) -> str:
    day = schedule.day_of_month or 1
    start = schedule.start or date.min
    first = first_monthly_due(day, start)
    short_months = f"（当月不足{day}日的，为当月最后一日）" if day > 28 else ""
    text = (
        f"自{first.year}年{first.month}月起，每月{day}日前{short_months}{_act(schedule.amount_fen)}"
    )
    if schedule.until is None:
        return text + ("，长期支付" if schedule.is_money else "，长期履行")
    dues = all_due_dates(schedule) or []
    last = dues[-1].due if dues else schedule.until
    return f"{text}，至{last.year}年{last.month}月止"
