"""The to-do list of deadlines: the law's periods counted as the Civil Code counts them."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import AgreementForm, CaseStatus
from app.domain.deadlines import (
    CaseDeadlineFacts,
    DueKind,
    ObligationFacts,
    case_due_items,
    confirmation_last_day,
    one_month_after,
    sort_due,
)
from app.domain.schedule import Instalment, ObligationState, Payment, Schedule, obligation_status
from tests.core.test_schedule import bounded_money, days, open_monthly, payment_lists

D = date


def facts(status: CaseStatus = CaseStatus.MEDIATING, **kw: object) -> CaseDeadlineFacts:
    return CaseDeadlineFacts(case_id=1, case_number="（2026）飞人调字第1号", status=status, **kw)  # type: ignore[arg-type]


def test_one_month_after_keeps_the_day_or_takes_the_last_of_a_short_month() -> None:
    assert one_month_after(D(2026, 3, 15)) == D(2026, 4, 15)
    assert one_month_after(D(2026, 1, 31)) == D(2026, 2, 28)
    assert one_month_after(D(2028, 1, 31)) == D(2028, 2, 29)
    assert one_month_after(D(2026, 12, 31)) == D(2027, 1, 31)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)))
def test_one_month_is_between_28_and_31_days(day: date) -> None:
    assert 28 <= (one_month_after(day) - day).days <= 31


def test_mediation_norm_shows_from_the_horizon_and_is_late_after_it() -> None:
    accepted = D(2026, 10, 1)
    case = facts(accepted_on=accepted)
    assert case_due_items(case, D(2026, 10, 24)) == []  # 8 days before 11-01
    soon = case_due_items(case, D(2026, 10, 25))
    assert [(i.kind, i.on, i.overdue) for i in soon] == [
        (DueKind.MEDIATION_NORM, D(2026, 11, 1), False)
    ]
    assert "还有7天" in soon[0].what
    late = case_due_items(case, D(2026, 11, 13))[0]
    assert (late.overdue, late.days_late) == (True, 12)
    assert "逾期12天" in late.what and late.tab == "registration"


def test_an_extension_replaces_the_one_month_date() -> None:
    case = facts(accepted_on=D(2026, 10, 1), mediation_extended_to=D(2026, 12, 1))
    assert case_due_items(case, D(2026, 11, 13)) == []
    item = case_due_items(case, D(2026, 11, 28))[0]
    assert item.on == D(2026, 12, 1) and "延长" in item.what


def test_the_norm_stops_counting_once_mediation_ends() -> None:
    for status in (CaseStatus.REGISTERED, CaseStatus.FAILED, CaseStatus.AGREEMENT_REACHED):
        assert case_due_items(facts(status, accepted_on=D(2026, 1, 1)), D(2026, 11, 1)) == []


def test_confirmation_window_is_open_thirty_days_for_a_written_agreement_only() -> None:
    effective = D(2026, 11, 1)
    written = facts(
        CaseStatus.PERFORMING,
        agreement_form=AgreementForm.WRITTEN,
        agreement_effective_on=effective,
    )
    assert confirmation_last_day(effective) == D(2026, 12, 1)
    assert case_due_items(written, D(2026, 10, 31)) == []
    on_last = case_due_items(written, D(2026, 12, 1))
    assert [i.kind for i in on_last] == [DueKind.CONFIRMATION_WINDOW]
    assert "今天是最后一天" in on_last[0].what and not on_last[0].overdue
    assert case_due_items(written, D(2026, 12, 2)) == []  # a chance missed, never "late"
    oral = facts(
        CaseStatus.PERFORMING, agreement_form=AgreementForm.ORAL, agreement_effective_on=effective
    )
    assert case_due_items(oral, D(2026, 11, 5)) == []
    applied = facts(
        CaseStatus.PERFORMING,
        agreement_form=AgreementForm.WRITTEN,
        agreement_effective_on=effective,
        confirmation_applied_on=D(2026, 11, 3),
    )
    assert case_due_items(applied, D(2026, 11, 5)) == []


def test_obligations_are_listed_late_or_soon_and_leave_once_paid() -> None:
    schedule = Schedule.in_instalments(
        [Instalment(D(2026, 11, 10), 50_000), Instalment(D(2026, 12, 10), 50_000)]
    )
    ob = ObligationFacts(obligation_id=7, position=2, text="张三赔偿李四修理费", schedule=schedule)
    case = facts(CaseStatus.PERFORMING, obligations=(ob,))
    late = case_due_items(case, D(2026, 11, 22))
    assert [(i.kind, i.ref, i.days_late) for i in late] == [
        (DueKind.OBLIGATION, "obligation:7", 12)
    ]
    assert late[0].what.startswith("第2项义务：") and late[0].tab == "performance"
    paid = ObligationFacts(7, 2, ob.text, schedule, (Payment(D(2026, 11, 20), 50_000),))
    assert case_due_items(facts(CaseStatus.PERFORMING, obligations=(paid,)), D(2026, 11, 22)) == []
    soon = case_due_items(facts(CaseStatus.PERFORMING, obligations=(paid,)), D(2026, 12, 5))
    assert [i.on for i in soon] == [D(2026, 12, 10)]
    # Once the committee declares the case performed the obligations leave the list.
    assert case_due_items(facts(CaseStatus.PERFORMED, obligations=(ob,)), D(2026, 11, 22)) == []


def test_follow_up_is_due_after_performance_until_a_visit_is_recorded() -> None:
    case = facts(CaseStatus.PERFORMED, performed_on=D(2026, 11, 1))
    assert case_due_items(case, D(2026, 11, 20), follow_up_days=30) == []
    item = case_due_items(case, D(2026, 11, 25), follow_up_days=30)[0]
    assert (item.kind, item.on) == (DueKind.FOLLOW_UP, D(2026, 12, 1))
    assert case_due_items(case, D(2026, 11, 25), follow_up_days=10)[0].overdue
    visited = facts(
        CaseStatus.PERFORMED, performed_on=D(2026, 11, 1), last_follow_up_on=D(2026, 11, 3)
    )
    assert case_due_items(visited, D(2026, 12, 25)) == []


def test_an_archived_case_lists_nothing() -> None:
    assert (
        case_due_items(facts(CaseStatus.ARCHIVED, accepted_on=D(2020, 1, 1)), D(2026, 1, 1)) == []
    )


def test_items_say_nothing_personal_and_sort_most_late_first() -> None:
    a = case_due_items(facts(accepted_on=D(2026, 9, 1)), D(2026, 11, 1))
    b = case_due_items(
        CaseDeadlineFacts(
            2, "（2026）飞人调字第2号", CaseStatus.ACCEPTED, accepted_on=D(2026, 10, 1)
        ),
        D(2026, 11, 1),
    )
    c = case_due_items(
        CaseDeadlineFacts(
            3, "（2026）飞人调字第3号", CaseStatus.ACCEPTED, accepted_on=D(2026, 10, 5)
        ),
        D(2026, 11, 1),
    )
    ordered = sort_due(c + b + a)
    assert [i.case_id for i in ordered] == [1, 2, 3]
    assert [i.overdue for i in ordered] == [True, False, False]
    assert all("飞人调字" not in i.what for i in ordered)


@given(
    accepted=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)),
    offset=st.integers(-60, 60),
)
def test_the_norm_is_listed_exactly_within_the_horizon_or_late(accepted: date, offset: int) -> None:
    due = one_month_after(accepted)
    today = due + timedelta(days=offset)
    items = case_due_items(facts(accepted_on=accepted), today, horizon_days=7)
    assert bool(items) == (offset >= -7)
    if items:
        assert items[0].days_late == max(0, offset)


@given(
    schedule=st.one_of(bounded_money, open_monthly()),
    payments=payment_lists,
    today=days,
    horizon=st.integers(0, 30),
)
def test_an_obligation_is_listed_exactly_when_it_is_late_or_due_soon(
    schedule: Schedule, payments: list[Payment], today: date, horizon: int
) -> None:
    """The list skips obligations whose first due is far off; that never hides a listed one."""
    status = obligation_status(schedule, payments, today, soon_days=horizon)
    case = facts(
        CaseStatus.PERFORMING,
        obligations=(ObligationFacts(7, 1, "支付赔偿款", schedule, tuple(payments)),),
    )
    items = case_due_items(case, today, horizon_days=horizon)
    listed = status.state in (ObligationState.OVERDUE, ObligationState.DUE_SOON)
    assert [i.ref for i in items] == (["obligation:7"] if listed else [])
    if listed:
        assert items[0].on == status.next_due and items[0].days_late == status.days_late
