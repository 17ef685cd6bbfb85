"""Obligation schedules: due dates, validation, allocation of payments and the agreement wording."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.schedule import (
    OPEN_ENDED_HORIZON_YEARS,
    DueState,
    Instalment,
    ObligationState,
    Payment,
    Schedule,
    ScheduleKind,
    all_due_dates,
    clamped_date,
    describe,
    due_dates,
    first_monthly_due,
    obligation_status,
    validate_schedule,
)

D = date
THREE_PARTS = Schedule.in_instalments(
    [
        Instalment(D(2026, 10, 10), 50_000),
        Instalment(D(2026, 11, 10), 50_000),
        Instalment(D(2026, 12, 10), 25_050),
    ]
)

days = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))
amounts = st.integers(min_value=1, max_value=10_000_000)


@st.composite
def instalment_schedules(draw: st.DrawFn) -> Schedule:
    dues = sorted(draw(st.sets(days, min_size=2, max_size=6)))
    return Schedule.in_instalments(Instalment(d, draw(amounts)) for d in dues)


@st.composite
def bounded_monthly(draw: st.DrawFn) -> Schedule:
    start = draw(days)
    until = start + timedelta(days=draw(st.integers(min_value=31, max_value=900)))
    return Schedule.monthly(draw(st.integers(1, 31)), draw(amounts), start, until)


@st.composite
def open_monthly(draw: st.DrawFn) -> Schedule:
    return Schedule.monthly(draw(st.integers(1, 31)), draw(amounts), draw(days))


bounded_money = st.one_of(
    st.builds(Schedule.one_off, days, amounts), instalment_schedules(), bounded_monthly()
)
payment_lists = st.lists(
    st.builds(Payment, days, st.integers(min_value=0, max_value=20_000_000)), max_size=8
)


# --- Kinds and due dates ----------------------------------------------------------------------


def test_kinds_have_chinese_labels() -> None:
    assert [(k.value, k.label) for k in ScheduleKind] == [
        ("one_off", "一次性"),
        ("instalments", "分期"),
        ("recurring", "按月定期"),
    ]
    assert ObligationState("overdue").label == "逾期"
    assert ObligationState.PERFORMED.label == "已履行"


@pytest.mark.parametrize(
    ("day", "start", "first"),
    [
        (10, D(2026, 10, 1), D(2026, 10, 10)),
        (10, D(2026, 10, 10), D(2026, 10, 10)),
        (10, D(2026, 10, 11), D(2026, 11, 10)),
        (31, D(2026, 2, 1), D(2026, 2, 28)),
        (31, D(2028, 2, 1), D(2028, 2, 29)),
        (30, D(2026, 12, 31), D(2027, 1, 30)),
        (29, D(2027, 2, 1), D(2027, 2, 28)),
    ],
)
def test_first_monthly_due_is_first_matching_day_on_or_after_start(
    day: int, start: date, first: date
) -> None:
    assert first_monthly_due(day, start) == first


def test_each_month_clamps_on_its_own_and_returns_to_the_day() -> None:
    schedule = Schedule.monthly(31, 10_000, D(2027, 1, 1), D(2027, 5, 31))
    assert [i.due for i in due_dates(schedule, D(2030, 1, 1))] == [
        D(2027, 1, 31),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
    ]


def test_bounded_stops_at_until_and_open_ended_at_through() -> None:
    bounded = Schedule.monthly(10, 60_000, D(2026, 10, 1), D(2027, 1, 9))
    assert [i.due for i in due_dates(bounded, D(2030, 1, 1))] == [
        D(2026, 10, 10),
        D(2026, 11, 10),
        D(2026, 12, 10),
    ]
    assert all_due_dates(bounded) == due_dates(bounded, D(2030, 1, 1))
    endless = Schedule.monthly(10, 60_000, D(2026, 10, 1))
    assert [i.due for i in due_dates(endless, D(2026, 12, 10))] == [
        D(2026, 10, 10),
        D(2026, 11, 10),
        D(2026, 12, 10),
    ]
    assert due_dates(endless, D(2026, 10, 9)) == []
    assert all_due_dates(endless) is None
    assert all(i.amount_fen == 60_000 for i in due_dates(endless, D(2030, 1, 1)))


def test_due_dates_of_one_off_and_instalments() -> None:
    assert due_dates(Schedule.one_off(D(2026, 10, 10), 100), D(2026, 10, 10)) == [
        Instalment(D(2026, 10, 10), 100)
    ]
    assert due_dates(Schedule.one_off(D(2026, 10, 10), 100), D(2026, 10, 9)) == []
    assert all_due_dates(Schedule.one_off(None, 100)) == []
    assert [i.amount_fen for i in due_dates(THREE_PARTS, D(2026, 11, 10))] == [50_000, 50_000]


@given(year=st.integers(2000, 2100), month=st.integers(1, 12), day=st.integers(1, 31))
def test_clamped_date_keeps_the_day_or_takes_the_month_end(year: int, month: int, day: int) -> None:
    clamped = clamped_date(year, month, day)
    assert (clamped.year, clamped.month) == (year, month)
    assert clamped.day == day or (clamped.day < day and (clamped + timedelta(days=1)).day == 1)


# --- Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule",
    [
        Schedule.one_off(D(2026, 10, 10), 125_050),
        Schedule.one_off(None, None),
        THREE_PARTS,
        Schedule.in_instalments([Instalment(D(2026, 1, 1), None), Instalment(D(2026, 2, 1), None)]),
        Schedule.monthly(10, 60_000, D(2026, 10, 1)),
        Schedule.monthly(31, 60_000, D(2026, 2, 1), D(2026, 2, 28)),
        Schedule.monthly(1, None, D(2026, 2, 1), D(2026, 2, 1)),
    ],
)
def test_valid_schedules_pass(schedule: Schedule) -> None:
    validate_schedule(schedule)


@pytest.mark.parametrize(
    ("schedule", "field", "words"),
    [
        (Schedule.one_off(D(2026, 10, 10), -1), "amount_fen", "负数"),
        (Schedule.one_off(D(2026, 10, 10), 0), "amount_fen", "0元"),
        (Schedule.one_off(D(2026, 10, 10), 10**13), "amount_fen", "太大"),
        (Schedule.monthly(0, 100, D(2026, 1, 1)), "day_of_month", "1日到31日"),
        (Schedule.monthly(32, 100, D(2026, 1, 1)), "day_of_month", "1日到31日"),
        (Schedule.monthly(10, -5, D(2026, 1, 1)), "amount_fen", "负数"),
        (Schedule.monthly(10, 100, D(2026, 5, 1), D(2026, 4, 30)), "until", "不能早于"),
        (Schedule.monthly(10, 100, D(2026, 5, 11), D(2026, 6, 9)), "until", "没有一个每月10日"),
        (Schedule(ScheduleKind.RECURRING, day_of_month=10), "start", "开始"),
        (
            Schedule.in_instalments([Instalment(D(2026, 1, 1), 100)]),
            "instalments",
            "两期",
        ),
        (
            Schedule.in_instalments(
                [Instalment(D(2026, 2, 1), 100), Instalment(D(2026, 1, 1), 100)]
            ),
            "instalments[1].due",
            "先后顺序",
        ),
        (
            Schedule.in_instalments(
                [Instalment(D(2026, 1, 1), 100), Instalment(D(2026, 1, 1), 100)]
            ),
            "instalments[1].due",
            "应晚于第1期",
        ),
        (
            Schedule.in_instalments(
                [Instalment(D(2026, 1, 1), 100), Instalment(D(2026, 2, 1), -100)]
            ),
            "instalments[1].amount_fen",
            "负数",
        ),
        (
            Schedule.in_instalments(
                [Instalment(D(2026, 1, 1), 100), Instalment(D(2026, 2, 1), None)]
            ),
            "instalments",
            "都填写金额",
        ),
        (
            Schedule(ScheduleKind.ONE_OFF, due=D(2026, 1, 1), day_of_month=3),
            "day_of_month",
            "不应填写",
        ),
    ],
)
def test_invalid_schedules_are_refused_in_chinese(
    schedule: Schedule, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_schedule(schedule)
    assert caught.value.field == field
    assert words in caught.value.message


# --- Allocation and state ---------------------------------------------------------------------


def test_one_off_is_late_the_day_after_its_date() -> None:
    schedule = Schedule.one_off(D(2026, 10, 10), 125_050)
    on_day = obligation_status(schedule, [], D(2026, 10, 10))
    assert on_day.state is ObligationState.DUE_SOON
    assert (on_day.days_late, on_day.outstanding_fen, on_day.next_due) == (
        0,
        125_050,
        D(2026, 10, 10),
    )
    after = obligation_status(schedule, [], D(2026, 10, 11))
    assert (after.state, after.days_late) == (ObligationState.OVERDUE, 1)
    early = obligation_status(schedule, [], D(2026, 10, 2))
    assert (early.state, early.outstanding_fen) == (ObligationState.NOT_YET_DUE, 0)
    assert obligation_status(schedule, [], D(2026, 10, 3)).state is ObligationState.DUE_SOON
    assert (
        obligation_status(schedule, [], D(2026, 10, 3), soon_days=6).state
        is ObligationState.NOT_YET_DUE
    )


def test_partial_payment_then_the_rest_performs() -> None:
    schedule = Schedule.one_off(D(2026, 10, 10), 125_050)
    part = obligation_status(schedule, [Payment(D(2026, 10, 1), 100_000)], D(2026, 10, 20))
    assert part.state is ObligationState.OVERDUE
    assert (part.days_late, part.outstanding_fen, part.paid_fen) == (10, 25_050, 100_000)
    assert part.dues[0].state is DueState.PARTIAL
    assert part.dues[0].unpaid_fen == 25_050
    payments = [Payment(D(2026, 10, 1), 100_000), Payment(D(2026, 10, 15), 25_050)]
    done = obligation_status(schedule, payments, D(2026, 10, 20))
    assert done.state is ObligationState.PERFORMED
    assert (done.next_due, done.days_late, done.outstanding_fen) == (None, 0, 0)
    assert done.dues[0].performed_on == D(2026, 10, 15)


def test_payments_after_today_do_not_count_yet() -> None:
    schedule = Schedule.one_off(D(2026, 10, 10), 50_000)
    payments = [Payment(D(2026, 10, 12), 50_000)]
    before = obligation_status(schedule, payments, D(2026, 10, 11))
    assert (before.state, before.paid_fen, before.days_late) == (ObligationState.OVERDUE, 0, 1)
    assert obligation_status(schedule, payments, D(2026, 10, 12)).state is ObligationState.PERFORMED


def test_overpayment_carries_forward_oldest_first() -> None:
    status = obligation_status(THREE_PARTS, [Payment(D(2026, 10, 9), 70_000)], D(2026, 11, 12))
    assert [(d.paid_fen, d.state) for d in status.dues] == [
        (50_000, DueState.PERFORMED),
        (20_000, DueState.PARTIAL),
        (0, DueState.UNPAID),
    ]
    assert status.next_due == D(2026, 11, 10)
    assert (status.days_late, status.outstanding_fen, status.total_fen) == (2, 30_000, 125_050)


def test_paying_more_than_the_whole_is_performed_and_shows_the_excess() -> None:
    status = obligation_status(THREE_PARTS, [Payment(D(2026, 9, 1), 130_000)], D(2026, 9, 2))
    assert status.state is ObligationState.PERFORMED
    assert (status.paid_fen, status.overpaid_fen) == (130_000, 4_950)


def test_open_ended_up_to_date_is_never_performed() -> None:
    schedule = Schedule.monthly(10, 60_000, D(2026, 10, 1))
    paid = [Payment(D(2026, 10, 9), 60_000), Payment(D(2026, 11, 8), 60_000)]
    status = obligation_status(schedule, paid, D(2026, 11, 20))
    assert status.state is ObligationState.NOT_YET_DUE
    assert (status.next_due, status.days_late, status.outstanding_fen) == (D(2026, 12, 10), 0, 0)
    assert status.total_fen is None
    soon = obligation_status(schedule, paid, D(2026, 12, 5))
    assert soon.state is ObligationState.DUE_SOON
    ahead = obligation_status(schedule, [Payment(D(2026, 10, 1), 60_000 * 5)], D(2026, 10, 2))
    assert ahead.state is ObligationState.NOT_YET_DUE
    assert ahead.next_due == D(2027, 3, 10)
    assert [d.state for d in ahead.dues] == [DueState.PERFORMED] * 5 + [DueState.UNPAID]


def test_non_money_is_performed_by_a_record_even_before_its_date() -> None:
    apology = Schedule.one_off(D(2026, 10, 10), None)
    late = obligation_status(apology, [], D(2026, 10, 13))
    assert (late.state, late.days_late, late.outstanding_fen) == (ObligationState.OVERDUE, 3, None)
    done = obligation_status(apology, [Payment(D(2026, 10, 1), None)], D(2026, 10, 13))
    assert done.state is ObligationState.PERFORMED
    assert done.paid_fen == 0
    monthly_visit = Schedule.monthly(1, None, D(2026, 1, 1), D(2026, 3, 1))
    two = obligation_status(
        monthly_visit, [Payment(D(2026, 1, 1), None), Payment(D(2026, 2, 3), None)], D(2026, 3, 4)
    )
    assert (two.state, two.next_due, two.days_late) == (ObligationState.OVERDUE, D(2026, 3, 1), 3)


def test_no_due_date_is_not_yet_due_until_performed() -> None:
    schedule = Schedule.one_off(None, 10_000)
    waiting = obligation_status(schedule, [], D(2030, 1, 1))
    assert waiting.state is ObligationState.NOT_YET_DUE
    assert (waiting.next_due, waiting.days_late, waiting.outstanding_fen) == (None, 0, 0)
    done = obligation_status(schedule, [Payment(D(2029, 1, 1), 10_000)], D(2030, 1, 1))
    assert done.state is ObligationState.PERFORMED


def test_negative_payment_is_refused() -> None:
    with pytest.raises(ValidationError):
        obligation_status(THREE_PARTS, [Payment(D(2026, 1, 1), -1)], D(2026, 2, 1))


@pytest.mark.parametrize(
    ("today", "late", "next_due"),
    [
        (D(2028, 2, 29), 0, D(2028, 2, 29)),  # leap day: the due itself
        (D(2028, 3, 1), 1, D(2028, 2, 29)),
        (D(2028, 3, 31), 31, D(2028, 2, 29)),
    ],
)
def test_days_late_across_a_leap_february(today: date, late: int, next_due: date) -> None:
    schedule = Schedule.monthly(31, 10_000, D(2028, 1, 1), D(2028, 12, 31))
    status = obligation_status(schedule, [Payment(D(2028, 1, 30), 10_000)], today)
    assert (status.days_late, status.next_due) == (late, next_due)


def test_days_late_across_a_common_february_and_a_year_end() -> None:
    schedule = Schedule.monthly(31, 10_000, D(2026, 12, 1), D(2027, 12, 31))
    assert obligation_status(schedule, [], D(2027, 1, 1)).days_late == 1
    paid_dec = [Payment(D(2026, 12, 31), 10_000), Payment(D(2027, 1, 31), 10_000)]
    status = obligation_status(schedule, paid_dec, D(2027, 3, 1))
    assert (status.next_due, status.days_late) == (D(2027, 2, 28), 1)


@given(schedule=bounded_money, payments=payment_lists, today=days)
def test_allocation_conserves_money(
    schedule: Schedule, payments: list[Payment], today: date
) -> None:
    status = obligation_status(schedule, payments, today)
    paid = sum(p.amount_fen or 0 for p in payments if p.on <= today)
    total = sum(i.amount_fen or 0 for i in all_due_dates(schedule) or [])
    assert sum(d.paid_fen for d in status.dues) == min(paid, total)
    assert status.paid_fen == paid
    assert status.overpaid_fen == max(0, paid - total)
    assert all(0 <= d.paid_fen <= (d.amount_fen or 0) for d in status.dues)
    # Oldest first: no due is paid while an earlier one is still open.
    states = [d.state for d in status.dues]
    if DueState.UNPAID in states or DueState.PARTIAL in states:
        first_open = next(i for i, d in enumerate(status.dues) if d.state is not DueState.PERFORMED)
        assert all(d.paid_fen == 0 for d in status.dues[first_open + 1 :])


@given(schedule=bounded_money, payments=payment_lists, today=days)
def test_days_late_and_outstanding_agree_with_the_dues(
    schedule: Schedule, payments: list[Payment], today: date
) -> None:
    status = obligation_status(schedule, payments, today)
    dues = all_due_dates(schedule) or []
    total_paid = sum(p.amount_fen or 0 for p in payments if p.on <= today)
    # Independently: walk the dues with a running total.
    covered = 0
    earliest_open: date | None = None
    owed_by_today = 0
    for due in dues:
        amount = due.amount_fen or 0
        paid_here = max(0, min(amount, total_paid - covered))
        covered += paid_here
        if paid_here < amount and earliest_open is None:
            earliest_open = due.due
        if due.due <= today:
            owed_by_today += amount - paid_here
    assert status.next_due == earliest_open
    expected_late = (today - earliest_open).days if earliest_open and earliest_open < today else 0
    assert status.days_late == expected_late
    assert status.outstanding_fen == owed_by_today
    assert (status.state is ObligationState.OVERDUE) == (expected_late > 0)


@given(schedule=bounded_money, today=days, extra=st.integers(0, 1000))
def test_fully_paid_bounded_schedule_is_performed(
    schedule: Schedule, today: date, extra: int
) -> None:
    dues = all_due_dates(schedule)
    assert dues
    total = sum(i.amount_fen or 0 for i in dues)
    pay_on = min(today, dues[0].due)
    status = obligation_status(schedule, [Payment(pay_on, total + extra)], max(today, pay_on))
    assert status.state is ObligationState.PERFORMED
    assert (status.days_late, status.next_due, status.outstanding_fen) == (0, None, 0)
    short = obligation_status(schedule, [Payment(pay_on, total - 1)], dues[-1].due)
    assert short.state is not ObligationState.PERFORMED


@given(schedule=open_monthly(), payments=payment_lists, today=days)
def test_open_ended_is_never_performed(
    schedule: Schedule, payments: list[Payment], today: date
) -> None:
    status = obligation_status(schedule, payments, today)
    assert status.state is not ObligationState.PERFORMED
    assert status.next_due is not None
    assert status.dues[-1].state is not DueState.PERFORMED
    listed = sum(d.paid_fen for d in status.dues)
    horizon = clamped_date(today.year + OPEN_ENDED_HORIZON_YEARS, today.month, today.day)
    skipped = status.paid_fen - listed
    # Paid beyond the horizon, the whole dues skipped are the only money not listed.
    assert skipped == 0 or (status.next_due > horizon and skipped % (schedule.amount_fen or 1) == 0)


def test_a_prepayment_of_centuries_finds_the_first_open_month_at_once() -> None:
    schedule = Schedule.monthly(1, 100, D(2020, 1, 1))
    status = obligation_status(schedule, [Payment(D(2020, 1, 1), 100 * 1200 + 50)], D(2020, 1, 1))
    # 1200 months paid from 2020-01: the first open due is 2120-01, half paid.
    assert status.next_due == D(2120, 1, 1)
    assert status.dues[-1].paid_fen == 50 and status.dues[-1].state is DueState.PARTIAL


# --- Wording ----------------------------------------------------------------------------------


def test_describe_examples() -> None:
    assert (
        describe(Schedule.one_off(D(2026, 10, 10), 125_050))
        == "于2026年10月10日前支付人民币1250.50元"
    )
    assert describe(THREE_PARTS) == (
        "分3期支付：2026年10月10日前支付人民币500.00元；2026年11月10日前支付人民币500.00元；"
        "2026年12月10日前支付人民币250.50元"
    )
    assert (
        describe(Schedule.monthly(10, 60_000, D(2026, 10, 1), D(2027, 9, 30)))
        == "自2026年10月起，每月10日前支付人民币600.00元，至2027年9月止"
    )
    assert (
        describe(Schedule.monthly(10, 60_000, D(2026, 10, 1)))
        == "自2026年10月起，每月10日前支付人民币600.00元，长期支付"
    )


def test_describe_edges() -> None:
    # The first due is in November when the start is past the 10th; the last is in August.
    assert (
        describe(Schedule.monthly(10, 60_000, D(2026, 10, 11), D(2027, 9, 5)))
        == "自2026年11月起，每月10日前支付人民币600.00元，至2027年8月止"
    )
    assert describe(Schedule.monthly(31, 100, D(2026, 1, 1), D(2026, 6, 30))) == (
        "自2026年1月起，每月31日前（当月不足31日的，为当月最后一日）支付人民币1.00元，至2026年6月止"
    )
    assert describe(Schedule.one_off(D(2026, 3, 5), None)) == "于2026年3月5日前履行"
    assert describe(Schedule.one_off(None, 5)) == "支付人民币0.05元"
    assert describe(Schedule.one_off(None, None)) == "未约定履行期限"
    acts = Schedule.in_instalments(
        [Instalment(D(2026, 1, 1), None), Instalment(D(2026, 2, 1), None)]
    )
    assert describe(acts) == "分2期履行：2026年1月1日前履行第1期；2026年2月1日前履行第2期"


@given(schedule=st.one_of(open_monthly(), bounded_monthly()))
def test_describe_never_words_a_monthly_schedule_as_one_payment(schedule: Schedule) -> None:
    text = describe(schedule)
    assert text.startswith("自") and "每月" in text
    assert not text.startswith("于")
    assert text.count("人民币") == 1
    assert text.endswith("长期支付") == (schedule.until is None)


@given(schedule=instalment_schedules())
def test_describe_lists_every_instalment(schedule: Schedule) -> None:
    text = describe(schedule)
    assert text.startswith(f"分{len(schedule.instalments)}期支付：")
    assert text.count("人民币") == len(schedule.instalments)
    assert "月0" not in text and "年0" not in text  # no leading zeros
    for part in schedule.instalments:
        assert f"{part.due.year}年{part.due.month}月{part.due.day}日前" in text
