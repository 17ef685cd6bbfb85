"""The case status machine: the table as specified, random walks through it, Chinese refusals."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import CaseStatus, FailureRoute, ReferralTarget
from app.domain.errors import UserError
from app.domain.lifecycle import (
    CLOSED_STATUSES,
    FINAL_STATUS,
    INITIAL_STATUS,
    INPUT_NEEDS,
    TRANSITION_INDEX,
    TRANSITIONS,
    CaseEvent,
    CaseFacts,
    EventInput,
    Need,
    Transition,
    check_event,
    events_from,
    next_status,
    reachable_statuses,
    unmet_needs,
)

S = CaseStatus
E = CaseEvent
N = Need
CJK = re.compile(r"[\u4e00-\u9fff]")
NONE = EventInput()
NO_FACTS = CaseFacts()

#: The life cycle written out independently of the module, row by row:
#: (status, event) -> (next, needs).
SPEC: dict[tuple[CaseStatus, CaseEvent], tuple[CaseStatus, frozenset[Need]]] = {
    (S.REGISTERED, E.ACCEPT): (S.ACCEPTED, frozenset()),
    (S.REGISTERED, E.DECLINE): (S.DECLINED, frozenset({N.REASON})),
    (S.REGISTERED, E.WITHDRAW): (S.WITHDRAWN, frozenset({N.WITHDRAWN_BY})),
    (S.ACCEPTED, E.WITHDRAW): (S.WITHDRAWN, frozenset({N.WITHDRAWN_BY})),
    (S.MEDIATING, E.WITHDRAW): (S.WITHDRAWN, frozenset({N.WITHDRAWN_BY})),
    (S.ACCEPTED, E.START_MEDIATION): (S.MEDIATING, frozenset()),
    (S.ACCEPTED, E.REFER): (S.REFERRED, frozenset({N.REFERRED_TO})),
    (S.MEDIATING, E.REFER): (S.REFERRED, frozenset({N.REFERRED_TO})),
    (S.MEDIATING, E.REACH_AGREEMENT): (S.AGREEMENT_REACHED, frozenset({N.AGREEMENT_TERMS})),
    (S.MEDIATING, E.FAIL): (S.FAILED, frozenset({N.ROUTES})),
    (S.MEDIATING, E.TERMINATE): (S.TERMINATED, frozenset({N.REASON})),
    # Decided in the module: a party may refuse (art. 17) before the first session.
    (S.ACCEPTED, E.TERMINATE): (S.TERMINATED, frozenset({N.REASON})),
    (S.AGREEMENT_REACHED, E.START_PERFORMANCE): (S.PERFORMING, frozenset({N.OPEN_OBLIGATIONS})),
    (S.AGREEMENT_REACHED, E.COMPLETE_PERFORMANCE): (S.PERFORMED, frozenset({N.ALL_PERFORMED})),
    (S.PERFORMING, E.COMPLETE_PERFORMANCE): (S.PERFORMED, frozenset({N.ALL_PERFORMED})),
    (S.PERFORMED, E.FOLLOW_UP): (S.FOLLOWED_UP, frozenset({N.FOLLOW_UP_RECORDED})),
    **{
        (s, E.ARCHIVE): (S.ARCHIVED, frozenset())
        for s in (
            S.DECLINED,
            S.FAILED,
            S.WITHDRAWN,
            S.TERMINATED,
            S.REFERRED,
            S.PERFORMED,
            S.FOLLOWED_UP,
        )
    },
}


def needs_hold(needs: frozenset[Need], facts: CaseFacts, typed: EventInput) -> bool:
    """The needs restated here, so the walk checks the module against the brief, not itself."""
    ok = {
        N.REASON: typed.reason.strip() != "",
        N.WITHDRAWN_BY: typed.withdrawn_by.strip() != "",
        N.REFERRED_TO: typed.referred_to is not None,
        N.ROUTES: len(typed.routes) > 0,
        N.AGREEMENT_TERMS: facts.agreement_terms > 0,
        N.OPEN_OBLIGATIONS: facts.obligations - facts.obligations_performed > 0,
        N.ALL_PERFORMED: facts.obligations == facts.obligations_performed,
        N.FOLLOW_UP_RECORDED: facts.follow_ups > 0,
    }
    return all(ok[n] for n in needs)


@st.composite
def case_facts(draw: st.DrawFn) -> CaseFacts:
    obligations = draw(st.integers(0, 3))
    return CaseFacts(
        agreement_terms=draw(st.integers(0, 2)),
        obligations=obligations,
        obligations_performed=draw(st.integers(0, obligations)),
        follow_ups=draw(st.integers(0, 2)),
    )


texts = st.sampled_from(["", "  ", "\u3000", "李秀英", "被申请人明确拒绝调解"]) | st.text(
    max_size=4
)
event_inputs = st.builds(
    EventInput,
    reason=texts,
    withdrawn_by=texts,
    referred_to=st.none() | st.sampled_from(ReferralTarget),
    routes=st.frozensets(st.sampled_from(FailureRoute)),
)
steps = st.lists(st.tuples(st.sampled_from(CaseEvent), case_facts(), event_inputs), max_size=40)


def refusal(status: CaseStatus, event: CaseEvent, facts: CaseFacts, typed: EventInput) -> str:
    with pytest.raises(UserError) as caught:
        check_event(status, event, facts, typed)
    return caught.value.message


# --- the table -----------------------------------------------------------------------------


def test_the_table_is_the_specified_life_cycle() -> None:
    built = {(t.status, t.event): (t.next, t.needs) for t in TRANSITIONS}
    assert built == SPEC
    assert len(TRANSITIONS) == len(SPEC), "a (status, event) pair appears twice"
    assert dict(TRANSITION_INDEX) == {(t.status, t.event): t for t in TRANSITIONS}


def test_events_are_offered_in_table_order_usual_step_first() -> None:
    assert events_from(S.REGISTERED) == [E.ACCEPT, E.DECLINE, E.WITHDRAW]
    assert events_from(S.MEDIATING)[0] == E.REACH_AGREEMENT
    assert events_from(S.PERFORMED) == [E.FOLLOW_UP, E.ARCHIVE]
    assert events_from(S.ARCHIVED) == []


def test_next_status_reads_the_table() -> None:
    assert next_status(S.MEDIATING, E.FAIL) == S.FAILED
    assert next_status(S.REGISTERED, E.FAIL) is None
    assert next_status(S.ARCHIVED, E.ARCHIVE) is None


def test_every_status_but_the_first_is_reached_and_nothing_leads_back() -> None:
    assert INITIAL_STATUS == S.REGISTERED and FINAL_STATUS == S.ARCHIVED
    assert reachable_statuses() == frozenset(CaseStatus)
    assert all(t.next != INITIAL_STATUS for t in TRANSITIONS)


@pytest.mark.parametrize("status", [s for s in CaseStatus if s != S.ARCHIVED])
def test_every_case_can_still_be_archived(status: CaseStatus) -> None:
    assert FINAL_STATUS in reachable_statuses(status)
    assert events_from(status), f"{status} is a dead end"


def test_archived_has_no_way_out() -> None:
    assert reachable_statuses(S.ARCHIVED) == {S.ARCHIVED}


def test_closed_means_mediation_has_ended_and_never_reopens() -> None:
    assert frozenset(CaseStatus) - CLOSED_STATUSES == {S.REGISTERED, S.ACCEPTED, S.MEDIATING}
    for status in CLOSED_STATUSES:
        assert reachable_statuses(status) <= CLOSED_STATUSES, status


def test_input_needs_are_the_fields_of_the_event_dialog() -> None:
    assert {n.value for n in INPUT_NEEDS} == {"reason", "withdrawn_by", "referred_to", "routes"}
    assert set(EventInput.__dataclass_fields__) == {n.value for n in INPUT_NEEDS}


def test_new_codes_and_labels() -> None:
    assert S.WITHDRAWN.label == "撤回申请"
    assert S.TERMINATED.label == "终止调解"
    statuses = list(CaseStatus)
    assert statuses.index(S.TERMINATED) == statuses.index(S.WITHDRAWN) + 1
    assert ReferralTarget("judicial_office").label == "司法所"
    assert FailureRoute("court").label == "向人民法院起诉"


# --- random walks --------------------------------------------------------------------------


@given(steps)
def test_a_random_walk_only_moves_along_the_table(
    walk: list[tuple[CaseEvent, CaseFacts, EventInput]],
) -> None:
    status = INITIAL_STATUS
    for event, facts, typed in walk:
        row = SPEC.get((status, event))
        allowed = row is not None and needs_hold(row[1], facts, typed)
        try:
            moved = check_event(status, event, facts, typed)
        except UserError as refused:
            assert not allowed, f"{status} --{event}--> refused: {refused.message}"
            assert refused.message.strip() and CJK.search(refused.message)
            continue
        assert allowed, f"{status} --{event}--> accepted against the table"
        assert moved in TRANSITIONS
        assert (moved.status, moved.event, moved.next) == (status, event, row[0])
        assert unmet_needs(moved, facts, typed) == []
        status = moved.next
        assert status in reachable_statuses()


@given(st.sampled_from(CaseEvent), case_facts(), event_inputs)
def test_archived_refuses_every_event(
    event: CaseEvent, facts: CaseFacts, typed: EventInput
) -> None:
    assert refusal(S.ARCHIVED, event, facts, typed) == "已归档的案件不能再更改。"


@given(st.sampled_from(CaseStatus), st.sampled_from(CaseEvent), case_facts(), event_inputs)
def test_unmet_needs_are_exactly_the_needs_that_do_not_hold(
    status: CaseStatus, event: CaseEvent, facts: CaseFacts, typed: EventInput
) -> None:
    row = TRANSITION_INDEX.get((status, event))
    if row is None:
        return
    unmet = unmet_needs(row, facts, typed)
    assert set(unmet) <= row.needs
    for need in row.needs:
        assert (need in unmet) != needs_hold(frozenset({need}), facts, typed), need


# --- messages ------------------------------------------------------------------------------


def test_a_forbidden_event_says_what_is_possible_now() -> None:
    message = refusal(S.REGISTERED, E.REACH_AGREEMENT, NO_FACTS, NONE)
    assert message == (
        "案件当前状态为“已登记”，不能“达成协议”。现在可以：“受理”、“不予受理”、“撤回申请”。"
    )


def test_a_missing_reason_names_the_event() -> None:
    message = refusal(S.REGISTERED, E.DECLINE, NO_FACTS, EventInput(reason=" \u3000 "))
    assert message == "还不能“不予受理”（条件：需要填写原因）。请写明“不予受理”的原因。"


def test_a_failure_lists_the_routes_to_tell() -> None:
    message = refusal(S.MEDIATING, E.FAIL, NO_FACTS, NONE)
    assert "需要选择告知当事人的途径" in message
    assert all(route.label in message for route in FailureRoute)


def test_a_referral_lists_the_offices() -> None:
    message = refusal(S.ACCEPTED, E.REFER, NO_FACTS, NONE)
    assert "需要选择移交给哪个部门" in message
    assert all(target.label in message for target in ReferralTarget)


def test_performance_counts_what_is_left() -> None:
    facts = CaseFacts(agreement_terms=2, obligations=3, obligations_performed=1)
    message = refusal(S.PERFORMING, E.COMPLETE_PERFORMANCE, facts, NONE)
    assert "所有义务都已履行" in message and "还有 2 项义务没有履行" in message


def test_no_open_obligation_points_to_completion() -> None:
    facts = CaseFacts(agreement_terms=1, obligations=1, obligations_performed=1)
    message = refusal(S.AGREEMENT_REACHED, E.START_PERFORMANCE, facts, NONE)
    assert "协议中还有未履行的义务" in message and "“履行完毕”" in message


def test_an_agreement_performed_on_the_spot_goes_straight_to_performed() -> None:
    facts = CaseFacts(agreement_terms=1)
    assert check_event(S.AGREEMENT_REACHED, E.COMPLETE_PERFORMANCE, facts, NONE).next == (
        S.PERFORMED
    )


def test_needs_are_checked_before_a_move() -> None:
    assert "需要先录入至少一项协议条款" in refusal(S.MEDIATING, E.REACH_AGREEMENT, NO_FACTS, NONE)
    assert "需要先登记一次回访" in refusal(S.PERFORMED, E.FOLLOW_UP, NO_FACTS, NONE)
    assert "需要写明由谁撤回" in refusal(S.MEDIATING, E.WITHDRAW, NO_FACTS, NONE)
    row = check_event(S.MEDIATING, E.WITHDRAW, NO_FACTS, EventInput(withdrawn_by="李秀英"))
    assert row == Transition(S.MEDIATING, E.WITHDRAW, S.WITHDRAWN, frozenset({N.WITHDRAWN_BY}))


def test_a_whole_case_from_registration_to_archive() -> None:
    signed = CaseFacts(agreement_terms=2, obligations=2)
    paid = CaseFacts(agreement_terms=2, obligations=2, obligations_performed=2)
    visited = CaseFacts(agreement_terms=2, obligations=2, obligations_performed=2, follow_ups=1)
    path = [
        (E.ACCEPT, NO_FACTS),
        (E.START_MEDIATION, NO_FACTS),
        (E.REACH_AGREEMENT, signed),
        (E.START_PERFORMANCE, signed),
        (E.COMPLETE_PERFORMANCE, paid),
        (E.FOLLOW_UP, visited),
        (E.ARCHIVE, visited),
    ]
    status = INITIAL_STATUS
    for event, facts in path:
        status = check_event(status, event, facts, NONE).next
    assert status == S.ARCHIVED


def test_impossible_facts_are_a_bug() -> None:
    with pytest.raises(ValueError):
        CaseFacts(obligations=1, obligations_performed=2)
    with pytest.raises(ValueError):
        CaseFacts(follow_ups=-1)
