"""Dates nobody can mean are refused with the reason: a case received in year 1, a mediator
born in 1800, an escalation before the case was received, an event a year ahead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import ImportFileError, ValidationError, ValidationErrors
from app.domain.roster import MediatorDraft, TrainingDraft, check_mediator
from app.domain.rules import check_case, check_mediator_birth_date
from app.domain.work import AgentDraft, ConfirmationDraft, check_agent, check_confirmation
from app.services.exchange import import_data
from tests.core.test_exchange import a_case, exchange_file

TODAY = date(2026, 11, 25)
RECEIVED = date(2026, 3, 2)


def a_draft(received_on: date = RECEIVED, born: date | None = None) -> CaseDraft:
    return CaseDraft(
        title="楼上渗水纠纷",
        received_on=received_on,
        parties=[
            PartyDraft(role="applicant", name="李秀英", birth_date=born),
            PartyDraft(role="respondent", name="王建国"),
        ],
    )


def problems(draft: CaseDraft) -> dict[str, str]:
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    return {e.field: e.message for e in caught.value.errors}


# --- The day a case was received --------------------------------------------------------------


@pytest.mark.parametrize("received_on", [date(1, 1, 1), date(1926, 3, 2), date(1989, 12, 31)])
def test_a_case_received_before_1990_is_refused(received_on: date) -> None:
    message = problems(a_draft(received_on))["received_on"]
    assert "受理日期" in message and "早于1990年" in message and "请核对" in message


def test_the_first_and_last_possible_days_of_receiving_are_accepted() -> None:
    assert check_case(a_draft(date(1990, 1, 1)), TODAY).received_on == date(1990, 1, 1)
    assert check_case(a_draft(TODAY), TODAY).received_on == TODAY
    assert "还没到" in problems(a_draft(TODAY + timedelta(days=1)))["received_on"]


def test_an_import_of_a_case_received_in_year_one_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    case = a_case(1)
    case["received_on"] = "0001-01-01"
    with pytest.raises(ImportFileError) as caught:
        import_data(db, exchange_file([case]))
    assert "受理日期" in caught.value.message and "早于1990年" in caught.value.message


# --- Birth dates ------------------------------------------------------------------------------


def test_a_party_born_before_1900_or_after_today_is_refused() -> None:
    assert "早于1900年" in problems(a_draft(born=date(1800, 5, 1)))["parties[0].birth_date"]
    assert "还没到" in problems(a_draft(born=TODAY + timedelta(days=1)))["parties[0].birth_date"]
    born = date(1900, 1, 1)
    assert check_case(a_draft(born=born), TODAY).parties[0].birth_date == born


def test_a_mediator_born_in_1800_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        check_mediator_birth_date(date(1800, 4, 2), TODAY)
    assert "早于1900年" in caught.value.message
    with pytest.raises(ValidationErrors) as many:
        check_mediator(
            MediatorDraft(name="王建国", birth_date=date(1800, 4, 2)), categories=set(), today=TODAY
        )
    assert [e.field for e in many.value.errors] == ["birth_date"]


def test_an_import_of_a_mediator_born_in_1800_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    data = exchange_file([a_case(1)])
    data["mediators"][0]["birth_date"] = "1800-04-02"
    with pytest.raises(ImportFileError) as caught:
        import_data(db, data)
    assert "出生日期" in caught.value.message and "早于1900年" in caught.value.message


# --- Days of a case's life --------------------------------------------------------------------


def test_an_escalation_before_the_case_was_received_is_refused() -> None:
    from app.domain.tiers import check_escalation_day

    with pytest.raises(ValidationError) as caught:
        check_escalation_day(RECEIVED - timedelta(days=1), received_on=RECEIVED, today=TODAY)
    assert "早于这件纠纷的受理日期2026-03-02" in caught.value.message
    assert check_escalation_day(RECEIVED, received_on=RECEIVED, today=TODAY) == RECEIVED


def test_an_event_is_believed_a_day_ahead_of_the_clock_but_not_more() -> None:
    from app.domain.rules import check_case_day

    def day(value: date) -> date:
        return check_case_day(value, "on", "日期", received_on=RECEIVED, today=TODAY)

    assert day(TODAY + timedelta(days=1)) == TODAY + timedelta(days=1)
    for wrong, said in (
        (TODAY + timedelta(days=2), "还没到"),
        (date(9999, 12, 31), "还没到"),
        (RECEIVED - timedelta(days=1), "早于这件纠纷的受理日期"),
        (date(1, 1, 1), "早于这件纠纷的受理日期"),
    ):
        with pytest.raises(ValidationError) as caught:
            day(wrong)
        assert said in caught.value.message


def test_records_without_a_case_day_to_compare_still_refuse_year_one() -> None:
    with pytest.raises(ValidationErrors) as caught:
        check_agent(
            AgentDraft(name="李明", authorised_on=date(1, 1, 1)), since=RECEIVED, today=TODAY
        )
    assert "早于1990年" in caught.value.errors[0].message
    with pytest.raises(ValidationErrors) as caught:
        check_confirmation(
            ConfirmationDraft(applied_on=date(1, 1, 1), court="飞云区人民法院"),
            effective_on=None,
            today=TODAY,
        )
    assert [e.field for e in caught.value.errors] == ["applied_on"]
    training = TrainingDraft(on=date(1, 1, 1), topic="调解技巧", hours="2")
    with pytest.raises(ValidationErrors) as caught:
        check_mediator(
            MediatorDraft(name="王建国", trainings=[training]), categories=set(), today=TODAY
        )
    assert [e.field for e in caught.value.errors] == ["trainings[0].on"]
