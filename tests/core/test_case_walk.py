"""Random walks through a case's life: whatever a person clicks, the case never reaches a state
the table forbids, every move is in its history with its actor, and an archived case refuses
every write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.codes import CaseStatus, FailureRoute, ReferralTarget, Tier
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import UserError
from app.domain.lifecycle import CaseEvent, EventInput, next_status, reachable_statuses
from app.domain.work import PaymentDraft, RiskDraft
from app.services.case_life import apply_event, escalate
from app.services.cases import get_case, register_case, save_agreement
from app.services.database import Database, open_database
from app.services.performance import record_payment, save_risk

TODAY = date(2026, 11, 30)
_DATABASES: dict[str, Database] = {}


def shared_db(tmp_path_factory) -> Database:
    """One database for all examples (a migration per example would take minutes)."""
    if "walk" not in _DATABASES:
        path = Path(tmp_path_factory.mktemp("walk")) / "walk.db"
        _DATABASES["walk"] = open_database(path)
    return _DATABASES["walk"]


inputs = st.builds(
    EventInput,
    reason=st.sampled_from(["", "  ", "当事人拒绝继续调解"]),
    withdrawn_by=st.sampled_from(["", "李秀英"]),
    referred_to=st.one_of(st.none(), st.sampled_from(ReferralTarget)),
    routes=st.frozensets(st.sampled_from(FailureRoute), max_size=2),
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("event"), st.sampled_from(CaseEvent), inputs),
        st.tuples(st.just("agreement"), st.booleans(), st.none()),
        st.tuples(st.just("pay"), st.sampled_from(["400", "1000"]), st.none()),
        st.tuples(st.just("escalate"), st.sampled_from(Tier), st.none()),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(walk=steps, actor=st.sampled_from(["王建国", "刘芳"]))
def test_random_walks_stay_inside_the_table(tmp_path_factory, walk, actor: str) -> None:
    db = shared_db(tmp_path_factory)
    case = register_case(
        db,
        CaseDraft(
            title="噪音纠纷",
            received_on=date(2026, 11, 1),
            parties=[
                PartyDraft(role="applicant", name="甲"),
                PartyDraft(role="respondent", name="乙"),
            ],
        ),
        today=TODAY,
    )[0]
    reachable = reachable_statuses()
    for kind, value, given_input in walk:
        before = get_case(db, case.id)
        try:
            if kind == "event":
                after, _ = apply_event(db, case.id, value, given_input, actor=actor, today=TODAY)
                expected = next_status(before.status, value)
                assert expected is not None, f"{value} allowed from {before.status}"
                assert after.status is expected
                last = after.status_history[-1]
                assert (last.event, last.actor, last.to_status) == (value.value, actor, expected)
            elif kind == "agreement":
                terms = [TermDraft(text="乙赔偿甲1000元", obligor=1, obligee=0, amount="1000")]
                save_agreement(
                    db,
                    case.id,
                    AgreementDraft(reached_on=date(2026, 11, 20), terms=terms if value else []),
                    actor=actor,
                )
            elif kind == "pay":
                agreement = before.agreement
                if agreement is None or not agreement.terms:
                    continue
                record_payment(
                    db,
                    case.id,
                    agreement.terms[0].id,
                    PaymentDraft(on=TODAY, amount=value),
                    actor=actor,
                    today=TODAY,
                )
            else:
                escalate(db, case.id, value, "需要上级协调", actor=actor, today=TODAY)
        except UserError:
            refused = get_case(db, case.id)
            assert refused.status is before.status
            assert len(refused.status_history) == len(before.status_history)
            assert refused.tier is before.tier
        now = get_case(db, case.id)
        assert now.status in reachable
        # Every move is recorded: the history's last status is the case's status.
        assert now.status_history[-1].to_status is now.status
        assert all(h.actor for h in now.status_history)
        for earlier, later in zip(now.status_history, now.status_history[1:], strict=False):
            assert later.from_status is earlier.to_status
            assert next_status(earlier.to_status, CaseEvent(later.event)) is later.to_status
    final = get_case(db, case.id)
    if final.status is CaseStatus.ARCHIVED:
        _every_write_is_refused(db, case.id)


def _every_write_is_refused(db: Database, case_id: int) -> None:
    writes = [
        lambda: apply_event(db, case_id, CaseEvent.ACCEPT, today=TODAY),
        lambda: escalate(db, case_id, Tier.COMMUNITY, "x", today=TODAY),
        lambda: save_agreement(db, case_id, AgreementDraft(reached_on=TODAY)),
        lambda: save_risk(db, case_id, RiskDraft(), today=TODAY),
    ]
    before = get_case(db, case_id)
    for write in writes:
        try:
            write()
        except UserError as error:
            assert "已归档" in error.message
        else:  # pragma: no cover - the assertion explains the failure
            raise AssertionError("an archived case accepted a write")
    assert get_case(db, case_id) == before


def test_walks_reach_the_archive_sometimes(tmp_path_factory) -> None:
    """The straight path works end to end, so the walk above is not vacuous."""
    db = shared_db(tmp_path_factory)
    case = register_case(
        db,
        CaseDraft(
            title="停车纠纷",
            received_on=date(2026, 11, 1),
            parties=[
                PartyDraft(role="applicant", name="甲"),
                PartyDraft(role="respondent", name="乙"),
            ],
        ),
        today=TODAY,
    )[0]
    for event, given_input in [
        (CaseEvent.ACCEPT, EventInput()),
        (CaseEvent.START_MEDIATION, EventInput()),
        (CaseEvent.WITHDRAW, EventInput(withdrawn_by="甲")),
        (CaseEvent.ARCHIVE, EventInput(reason="撤回申请，未作调解记录")),
    ]:
        apply_event(db, case.id, event, given_input, today=TODAY)
    _every_write_is_refused(db, case.id)
