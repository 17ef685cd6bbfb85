"""三级化解 — the three tiers: 琐事不出楼，小事不出院，大事不出社区.

A dispute is settled where it arises and is only ever handed upward: building (楼栋) →
courtyard (院落) → community (社区) → referred out of the community (移交社区以外). This module
says which moves are allowed and, for the headline measure "resolved at the lowest level it
could have been", which tier a dispute could have been settled at.

Moving a case to `Tier.REFERRED` goes together with the case event ``refer`` (see
`app.domain.lifecycle`); pairing the two is the service's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.codes import Tier
from app.domain.errors import UserError
from app.domain.fields import clean_text
from app.domain.rules import CLOCK_SLACK, check_case_day

TIER_ORDER: tuple[Tier, ...] = (Tier.BUILDING, Tier.COURTYARD, Tier.COMMUNITY, Tier.REFERRED)
#: 5 万元 in fen and five persons: the customary line above which a dispute is for the community.
COMMUNITY_AMOUNT_FEN = 5_000_000
COMMUNITY_PERSONS = 5

#: How the chain reads in messages; "移交社区以外" is a status-like label, the chain wants a place.
_PLACE = {Tier.REFERRED: "社区以外"}
_CHAIN = " → ".join(_PLACE.get(t, t.label) for t in TIER_ORDER)


def tier_rank(tier: Tier) -> int:
    """0 for the building, up to 3 for referred out: higher means further from the parties."""
    return TIER_ORDER.index(tier)


def check_escalation(current: Tier, to: Tier) -> None:
    """Refuse any move that is not upward; skipping tiers (building → community) is allowed.

    A dispute is never pushed back down or sideways: the lower tier has already tried, and a
    move to the same tier records nothing. A case referred out has left the community.
    """
    if current == Tier.REFERRED:
        back = "" if to == Tier.REFERRED else f"，也不能退回“{to.label}”"
        raise UserError(f"只能向上级移交：{_CHAIN}；案件已经移交社区以外，不能再移交{back}。")
    if to == current:
        raise UserError(
            f"只能向上级移交：{_CHAIN}；案件现在已在“{current.label}”，"
            f"不能再移交到同一级“{to.label}”。"
        )
    if tier_rank(to) < tier_rank(current):
        raise UserError(
            f"只能向上级移交：{_CHAIN}；案件现在已在“{current.label}”，不能退回“{to.label}”。"
        )


def check_escalation_reason(reason: str, *, required: bool = True) -> str:
    """Why the dispute goes up a tier, bounded and printable as every text (`required`: a
    move typed in the window needs a reason; one read from an older file may have none)."""
    return clean_text(reason, "escalation.reason", field="reason", required=required)


def check_escalation_decided_by(name: str) -> str:
    return clean_text(name, "escalation.decided_by", field="decided_by")


def check_escalation_day(
    on: date, *, received_on: date, today: date, slack: timedelta = CLOCK_SLACK
) -> date:
    """A dispute is handed up after it was received, never on a day still to come (a file
    from a computer whose clock runs ahead may be `slack` days over)."""
    return check_case_day(on, "on", "移交日期", received_on=received_on, today=today, slack=slack)


@dataclass(frozen=True)
class TierFacts:
    """What the case says about its size and where its parties live; None means not known."""

    persons_involved: int | None = None
    amount_fen: int | None = None
    group_dispute: bool = False
    parties_same_building: bool | None = None
    parties_same_compound: bool | None = None

    def __post_init__(self) -> None:
        """A building lies inside one compound; facts saying otherwise are a bug upstream."""
        if self.parties_same_building and self.parties_same_compound is False:
            raise ValueError(f"same building but different compounds in {self!r}")
        for count in (self.persons_involved, self.amount_fen):
            if count is not None and count < 0:
                raise ValueError(f"negative count in {self!r}")


def lowest_feasible_tier(
    facts: TierFacts,
    *,
    community_amount_fen: int = COMMUNITY_AMOUNT_FEN,
    community_persons: int = COMMUNITY_PERSONS,
) -> Tier:
    """The lowest tier at which, by the customary rule, the dispute could have been settled.

    The rule, first match wins:

    1. a group dispute, ``community_persons`` or more persons involved, or an amount of
       ``community_amount_fen`` or more (5 万元 by default) → community: 大事不出社区;
    2. parties living in different compounds → community: no one compound's group can host both;
    3. parties in the same compound but different buildings → courtyard: 小事不出院;
    4. otherwise (same building, or not known) → building: 琐事不出楼.

    Unknown facts never raise the tier, so a case with missing addresses is not counted against
    the building. The thresholds are parameters because a committee may set its own. Never
    `Tier.REFERRED`: whether a dispute belongs outside the community is not decided by size.
    """
    big = (
        facts.group_dispute
        or (facts.persons_involved is not None and facts.persons_involved >= community_persons)
        or (facts.amount_fen is not None and facts.amount_fen >= community_amount_fen)
    )
    if big or facts.parties_same_compound is False:
        return Tier.COMMUNITY
    if facts.parties_same_building is False:
        return Tier.COURTYARD
    return Tier.BUILDING


def settled_at_lowest(
    resolved: Tier | None,
    facts: TierFacts,
    *,
    community_amount_fen: int = COMMUNITY_AMOUNT_FEN,
    community_persons: int = COMMUNITY_PERSONS,
) -> bool | None:
    """Whether the case was resolved no higher than it could have been; None while unresolved.

    Settling below the customary tier (a large sum agreed in the building) counts as lowest; a
    case referred out was not settled in the community at all, so it is False.
    """
    if resolved is None:
        return None
    if resolved == Tier.REFERRED:
        return False
    lowest = lowest_feasible_tier(
        facts, community_amount_fen=community_amount_fen, community_persons=community_persons
    )
    return tier_rank(resolved) <= tier_rank(lowest)
