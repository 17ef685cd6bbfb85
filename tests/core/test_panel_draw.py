"""Drawing panels from the roster: never an excluded mediator, always the same for the same
inputs, even over many cases, and explained in Chinese."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.codes import DisputeType, PanelMode, PanelRole, RelationKind, Sex, Tier
from app.domain.panel import (
    Candidate,
    DrawCase,
    PanelSizes,
    PartyFacts,
    PartyPick,
    RecusalFacts,
    Relation,
    TierSeats,
    draw_panel,
    exclusions,
)
from app.domain.values import Place, place_from_address

D = date
TODAY = D(2026, 11, 25)
CATEGORIES = ["party_member", "cadre", "teacher", "model_worker", "police"]


def elder(i: int, **kw: object) -> Candidate:
    base: dict[str, object] = {
        "id": i,
        "uuid": f"00000000-0000-4000-8000-{i:012d}",
        "name": f"调解员{i}",
        "sex": Sex.FEMALE if i % 2 else Sex.MALE,
        "category": CATEGORIES[i % len(CATEGORIES)],
        "category_label": "老党员",
        "place": Place("平原小区", f"{i}号楼", "1单元", "101"),
    }
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


def a_case(i: int = 1, tier: Tier = Tier.COMMUNITY, **kw: object) -> DrawCase:
    base: dict[str, object] = {
        "uuid": f"11111111-0000-4000-8000-{i:012d}",
        "number": f"（2026）飞人调字第{i}号",
        "tier": tier,
        "dispute_type": DisputeType.NEIGHBOURHOOD,
        "place": Place("铁西小区", "5号楼", "4单元", "102"),
        "parties": (
            PartyFacts(
                1, "李秀英", Sex.FEMALE, place=place_from_address("铁西小区5号楼4单元102室")
            ),
            PartyFacts(2, "张伟", Sex.MALE, place=place_from_address("铁西小区5号楼3单元301室")),
        ),
        "on": TODAY,
    }
    base.update(kw)
    return DrawCase(**base)  # type: ignore[arg-type]


# --- Hypothesis: a random roster, a random case ---------------------------------------------

places = st.builds(
    Place,
    st.sampled_from(["铁西小区", "平原小区", ""]),
    st.sampled_from(["5号楼", "6号楼", ""]),
    st.sampled_from(["4单元", "3单元", ""]),
    st.just(""),
)


@st.composite
def rosters(draw: st.DrawFn) -> list[Candidate]:
    size = draw(st.integers(1, 14))
    out = []
    for i in range(1, size + 1):
        limit = draw(st.integers(1, 5))
        absent = draw(st.booleans())
        start = TODAY - timedelta(days=draw(st.integers(-5, 5)))
        out.append(
            elder(
                i,
                name=draw(st.sampled_from([f"调解员{i}", "李秀英", "张伟"])),
                active=draw(st.booleans()) or draw(st.booleans()),
                place=draw(places),
                absences=((start, start + timedelta(days=3)),) if absent else (),
                open_cases=draw(st.integers(0, 6)),
                limit=limit,
                recent_cases=draw(st.integers(0, 30)),
                specialties=frozenset(
                    draw(st.sets(st.sampled_from(list(DisputeType)), max_size=3))
                ),
                relations=(
                    (Relation("张伟", RelationKind.RELATIVE),) if draw(st.booleans()) else ()
                ),
            )
        )
    return out


cases = st.builds(
    a_case,
    i=st.integers(1, 10_000),
    tier=st.sampled_from(list(Tier)),
    dispute_type=st.sampled_from(list(DisputeType)),
    place=places,
)


@settings(max_examples=300, deadline=None)
@given(roster=rosters(), case=cases, draw_no=st.integers(1, 5), recused=st.integers(1, 14))
def test_a_draw_never_picks_an_excluded_mediator_and_repeats_itself(
    roster: list[Candidate], case: DrawCase, draw_no: int, recused: int
) -> None:
    case = DrawCase(**{**case.__dict__, "recusals": (RecusalFacts(recused, "张伟", "是亲戚"),)})
    proposal = draw_panel(case, roster, PanelSizes(), draw_no=draw_no)
    by_id = {m.id: m for m in roster}
    for seat in proposal.seats:
        m = by_id[seat.mediator_id]
        assert exclusions(m, case) == []
        assert m.active and m.open_cases < m.limit and m.id != recused
        assert not any(a <= TODAY <= b for a, b in m.absences)
        assert m.name not in {"李秀英", "张伟"}
        assert seat.reasons
    # Every mediator is either seated or explained; the excluded carry their reasons.
    assert {s.mediator_id for s in proposal.seats} | {
        v.mediator_id for v in proposal.others
    } == set(by_id)
    for verdict in proposal.others:
        assert verdict.reasons
        assert verdict.excluded == bool(exclusions(by_id[verdict.mediator_id], case))
    # The same case, roster and draw number: the same panel, whatever order the roster is in.
    again = draw_panel(case, list(reversed(roster)), PanelSizes(), draw_no=draw_no)
    assert again == proposal
    assert again.to_json() == proposal.to_json()


def test_roles_follow_the_tier_sizes() -> None:
    roster = [elder(i) for i in range(1, 10)]
    roles = lambda tier: [s.role for s in draw_panel(a_case(tier=tier), roster, PanelSizes()).seats]  # noqa: E731
    assert roles(Tier.BUILDING) == [PanelRole.LEAD]
    assert roles(Tier.COURTYARD) == [PanelRole.LEAD, PanelRole.MEMBER]
    assert roles(Tier.COMMUNITY) == [PanelRole.LEAD, PanelRole.MEMBER, PanelRole.RECORDER]
    wide = PanelSizes({**PanelSizes().seats, Tier.COMMUNITY: TierSeats(3, True)})
    assert PanelSizes.from_json(wide.to_json()) == wide
    assert roles_of(draw_panel(a_case(), roster, wide)) == [PanelRole.LEAD] + [
        PanelRole.MEMBER
    ] * 3 + [PanelRole.RECORDER]
    assert PanelSizes.from_json("not json") == PanelSizes()


def roles_of(proposal: object) -> list[PanelRole]:
    return [s.role for s in proposal.seats]  # type: ignore[attr-defined]


def test_a_neighbour_in_the_same_building_and_unit_is_never_drawn_and_told_why() -> None:
    neighbour = elder(
        1,
        place=Place("铁西小区", "5号楼", "4单元", "301"),
        specialties=frozenset({DisputeType.NEIGHBOURHOOD}),
    )
    others = [elder(i) for i in range(2, 6)]
    for draw_no in range(1, 30):
        proposal = draw_panel(a_case(), [neighbour, *others], PanelSizes(), draw_no=draw_no)
        assert 1 not in {s.mediator_id for s in proposal.seats}
        verdict = next(v for v in proposal.others if v.mediator_id == 1)
        assert verdict.excluded
        assert "与当事人李秀英同住5号楼4单元，是邻居，需回避" in verdict.reasons
    # Another unit of the same building is not a conflict; it is near, which helps.
    near = elder(1, place=Place("铁西小区", "5号楼", "2单元", "301"))
    seats = draw_panel(a_case(tier=Tier.BUILDING), [near, *others], PanelSizes()).seats
    assert seats[0].mediator_id == 1
    assert any("就近调解" in r for r in seats[0].reasons)


def test_each_rule_of_never_has_its_plain_reason() -> None:
    case = a_case(recusals=(RecusalFacts(6, "张伟", "曾有过节"),))
    roster = [
        elder(1, active=False),
        elder(2, absences=((D(2026, 11, 20), D(2026, 12, 5)),)),
        elder(3, open_cases=5, limit=5),
        elder(4, relations=(Relation("张伟", RelationKind.LANDLORD, phone="13800002222"),)),
        elder(5, name="李秀英"),
        elder(6),
        elder(7, place=Place("铁西小区", "5号楼", "4单元", "")),
    ]
    why = {v.mediator_id: v.reason_text() for v in draw_panel(case, roster, PanelSizes()).others}
    assert why[1] == "已不在岗"
    assert why[2] == "2026年11月20日至2026年12月5日外出，不在本地"
    assert why[3] == "已有5件在办，达到上限5件"
    assert why[4] == "与当事人张伟是房东或租户，需回避"
    assert why[5] == "与当事人李秀英同名，为免误会需回避"
    assert why[6] == "当事人张伟申请回避（曾有过节）"
    assert "是邻居，需回避" in why[7] and "住在纠纷发生地5号楼4单元，需回避" in why[7]


def test_a_relation_matches_by_id_number_before_the_name() -> None:
    party = PartyFacts(1, "王芳", Sex.FEMALE, id_number="410702195305120025")
    namesake = Relation("王芳", RelationKind.RELATIVE, id_number="410702196001010018")
    same = Relation("王小芳", RelationKind.RELATIVE, id_number="410702195305120025")
    case = a_case(parties=(party,))
    assert exclusions(elder(1, relations=(namesake,)), case) == []
    assert exclusions(elder(1, relations=(same,)), case) == ["与当事人王芳是亲属，需回避"]


def test_preferences_specialty_woman_and_category_mix() -> None:
    family = a_case(dispute_type=DisputeType.MARRIAGE_FAMILY, tier=Tier.COMMUNITY)
    men = [elder(i, sex=Sex.MALE, category="cadre") for i in range(2, 8, 2)]
    woman = elder(9, sex=Sex.FEMALE, category="cadre")
    proposal = draw_panel(family, [*men, woman], PanelSizes())
    assert woman.id in {s.mediator_id for s in proposal.seats}
    seat = next(s for s in proposal.seats if s.mediator_id == woman.id)
    assert "家事纠纷当事人有女性，优先安排女调解员" in seat.reasons
    specialist = elder(2, specialties=frozenset({DisputeType.NEIGHBOURHOOD}), recent_cases=3)
    plain = [elder(i) for i in range(3, 8)]
    lead = draw_panel(a_case(), [specialist, *plain], PanelSizes()).seats[0]
    assert lead.mediator_id == 2 and "擅长邻里纠纷" in lead.reasons
    # A mix of categories: the second seat avoids the first one's category when it can.
    same = [elder(i, category="teacher") for i in (11, 13)]
    other = elder(12, category="police", recent_cases=2)
    seats = draw_panel(a_case(tier=Tier.COURTYARD), [*same, other], PanelSizes()).seats
    assert {seats[0].mediator_id, seats[1].mediator_id} & {12}


def test_parties_choose_first_and_the_committee_fills_the_rest() -> None:
    roster = [elder(i) for i in range(1, 8)]
    case = a_case(picks=(PartyPick(2, 5),))
    mixed = draw_panel(case, roster, PanelSizes(), mode=PanelMode.MIXED)
    assert mixed.seats[0].mediator_id == 5 and mixed.seats[0].chosen_by_party_id == 2
    assert "由张伟选定" in mixed.seats[0].reasons
    assert len(mixed.seats) == 3
    only = draw_panel(case, roster, PanelSizes(), mode=PanelMode.PARTIES)
    assert [s.mediator_id for s in only.seats] == [5]
    barred = draw_panel(
        a_case(picks=(PartyPick(2, 1),)),
        [elder(1, active=False), *roster[1:]],
        PanelSizes(),
        mode=PanelMode.PARTIES,
    )
    assert barred.seats == () and "张伟选定的调解员1不能参加：已不在岗。请另选。" in barred.warnings


def test_too_few_eligible_is_said_plainly() -> None:
    proposal = draw_panel(a_case(), [elder(1), elder(2, active=False)], PanelSizes())
    assert [s.mediator_id for s in proposal.seats] == [1]
    assert any("还缺调解员、记录人" in w for w in proposal.warnings)
    nobody = draw_panel(a_case(), [elder(2, active=False)], PanelSizes())
    assert nobody.seats == () and "没有可以参加本案的调解员" in nobody.warnings[0]


def test_a_redraw_number_gives_another_panel_sometimes_and_the_same_number_never_does() -> None:
    roster = [elder(i) for i in range(1, 16)]
    panels = {
        tuple(s.mediator_id for s in draw_panel(a_case(), roster, PanelSizes(), draw_no=n).seats)
        for n in range(1, 8)
    }
    assert len(panels) > 1


def simulate(cases: int, elders: int, seed_tier: Tier = Tier.BUILDING) -> list[int]:
    """Cases drawn one after another; each stays open 20 days, workload over the last year."""
    roster = [
        elder(i, place=Place("平原小区", f"{i}号楼", "1单元", "")) for i in range(1, elders + 1)
    ]
    seats: list[tuple[date, int]] = []
    start = D(2025, 1, 1)
    for n in range(cases):
        on = start + timedelta(days=n // 3)
        open_counts = {
            m.id: sum(1 for d, mid in seats if mid == m.id and on - d < timedelta(days=20))
            for m in roster
        }
        recent = {
            m.id: sum(1 for d, mid in seats if mid == m.id and on - d < timedelta(days=365))
            for m in roster
        }
        current = [
            Candidate(
                **{
                    **m.__dict__,
                    "open_cases": open_counts[m.id],
                    "recent_cases": recent[m.id],
                    "limit": 99,
                }
            )
            for m in roster
        ]
        case = a_case(n + 1, tier=seed_tier, place=Place("铁西小区", "", "", ""), on=on)
        for seat in draw_panel(case, current, PanelSizes()).seats:
            seats.append((on, seat.mediator_id))
    counts = [sum(1 for _, mid in seats if mid == m.id) for m in roster]
    return counts


def test_a_thousand_cases_over_fifteen_equal_elders_spread_evenly() -> None:
    counts = simulate(1000, 15)
    mean = statistics.fmean(counts)
    spread = max(abs(c - mean) / mean for c in counts)
    print(
        f"\n1000 cases over 15 elders: mean {mean:.1f}, min {min(counts)}, max {max(counts)}, "
        f"largest deviation {spread:.1%}"
    )
    assert all(abs(c - mean) <= 0.25 * mean for c in counts), counts
