"""三级化解: only upward moves, and the tier a dispute could have been settled at."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import Tier
from app.domain.errors import UserError
from app.domain.tiers import (
    TIER_ORDER,
    TierFacts,
    check_escalation,
    lowest_feasible_tier,
    settled_at_lowest,
    tier_rank,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
B, C, M, R = Tier.BUILDING, Tier.COURTYARD, Tier.COMMUNITY, Tier.REFERRED
SMALL = TierFacts(persons_involved=2, amount_fen=80_000, parties_same_building=True)


def refusal(current: Tier, to: Tier) -> str:
    with pytest.raises(UserError) as caught:
        check_escalation(current, to)
    return caught.value.message


@st.composite
def tier_facts(draw: st.DrawFn) -> TierFacts:
    same_compound = draw(st.none() | st.booleans())
    same_building = draw(st.none() | st.booleans()) if same_compound is not False else False
    return TierFacts(
        persons_involved=draw(st.none() | st.integers(0, 20)),
        amount_fen=draw(st.none() | st.integers(0, 20_000_000)),
        group_dispute=draw(st.booleans()),
        parties_same_building=draw(st.sampled_from([same_building, None, False])),
        parties_same_compound=same_compound,
    )


def test_the_order_is_building_courtyard_community_referred() -> None:
    assert TIER_ORDER == (B, C, M, R)
    assert [tier_rank(t) for t in (R, B, M, C)] == [3, 0, 2, 1]
    assert set(TIER_ORDER) == set(Tier)


@pytest.mark.parametrize(("current", "to"), list(itertools.product(Tier, Tier)))
def test_escalation_over_all_pairs(current: Tier, to: Tier) -> None:
    upward = TIER_ORDER.index(to) > TIER_ORDER.index(current)
    if upward:
        check_escalation(current, to)
        return
    message = refusal(current, to)
    assert CJK.search(message) and (to.label in message or to == current == R)
    assert "楼栋 → 院落 → 社区 → 社区以外" in message


@given(st.sampled_from(Tier), st.sampled_from(Tier))
def test_no_move_down_or_sideways_is_ever_accepted(current: Tier, to: Tier) -> None:
    try:
        check_escalation(current, to)
    except UserError as refused:
        assert refused.message.strip() and CJK.search(refused.message)
        assert tier_rank(to) <= tier_rank(current) or current == R
    else:
        assert tier_rank(to) > tier_rank(current)


def test_skipping_a_tier_is_allowed() -> None:
    check_escalation(B, M)
    check_escalation(B, R)


def test_the_refusal_names_both_tiers() -> None:
    assert refusal(M, C) == (
        "只能向上级移交：楼栋 → 院落 → 社区 → 社区以外；案件现在已在“社区”，不能退回“院落”。"
    )
    assert "同一级" in refusal(C, C)


def test_a_referred_case_cannot_move_on() -> None:
    for to in Tier:
        assert "已经移交社区以外" in refusal(R, to)


@pytest.mark.parametrize(
    ("facts", "tier"),
    [
        (SMALL, B),
        (TierFacts(), B),
        (dataclasses.replace(SMALL, parties_same_building=None), B),
        (TierFacts(parties_same_compound=True, parties_same_building=False), C),
        (TierFacts(parties_same_building=False), C),
        (TierFacts(parties_same_compound=False, parties_same_building=False), M),
        (TierFacts(parties_same_compound=False), M),
        (dataclasses.replace(SMALL, group_dispute=True), M),
        (dataclasses.replace(SMALL, persons_involved=5), M),
        (dataclasses.replace(SMALL, persons_involved=4), B),
        (dataclasses.replace(SMALL, amount_fen=5_000_000), M),
        (dataclasses.replace(SMALL, amount_fen=4_999_999), B),
    ],
)
def test_lowest_feasible_tier_examples(facts: TierFacts, tier: Tier) -> None:
    assert lowest_feasible_tier(facts) == tier


def test_a_committee_sets_its_own_thresholds() -> None:
    facts = dataclasses.replace(SMALL, amount_fen=2_000_000, persons_involved=3)
    assert lowest_feasible_tier(facts) == B
    assert lowest_feasible_tier(facts, community_amount_fen=1_000_000) == M
    assert lowest_feasible_tier(facts, community_persons=3) == M


@given(tier_facts())
def test_a_bigger_dispute_never_lands_lower(facts: TierFacts) -> None:
    base = tier_rank(lowest_feasible_tier(facts))
    bigger = [
        dataclasses.replace(facts, group_dispute=True),
        dataclasses.replace(facts, amount_fen=(facts.amount_fen or 0) + 1_000_000),
        dataclasses.replace(facts, persons_involved=(facts.persons_involved or 0) + 3),
        dataclasses.replace(facts, parties_same_compound=False, parties_same_building=False),
    ]
    assert lowest_feasible_tier(facts) != R
    for other in bigger:
        assert tier_rank(lowest_feasible_tier(other)) >= base, other
    assert lowest_feasible_tier(bigger[0]) == M


def test_settled_at_lowest() -> None:
    courtyard_sized = TierFacts(parties_same_compound=True, parties_same_building=False)
    assert settled_at_lowest(None, courtyard_sized) is None
    assert settled_at_lowest(R, courtyard_sized) is False
    assert settled_at_lowest(C, courtyard_sized) is True
    assert settled_at_lowest(B, courtyard_sized) is True
    assert settled_at_lowest(M, courtyard_sized) is False
    assert settled_at_lowest(M, dataclasses.replace(courtyard_sized, group_dispute=True)) is True
    assert settled_at_lowest(M, SMALL, community_persons=2) is True


def test_contradictory_facts_are_a_bug() -> None:
    with pytest.raises(ValueError):
        TierFacts(parties_same_building=True, parties_same_compound=False)
    with pytest.raises(ValueError):
        TierFacts(amount_fen=-1)
