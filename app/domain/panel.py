"""Forming a case's panel from the roster: fair, reproducible and explained in plain Chinese.

A draw is a pure function of the case, the roster as it stands and a draw number:

1. **Never** — a mediator who is not active, away on the day, at their limit of open cases, or
   in a conflict of interest (a recorded relation to a party, living in the same building and
   unit as a party or the place of the dispute, a party's namesake, a party's recusal request)
   is excluded, with the reason.
2. **Prefer** — the others get points, each with its reason: the dispute type among their
   specialties, a light workload, a category not yet on the panel, a woman where a woman is a
   party to a family dispute, living near for the building and courtyard tiers, and a lottery
   number from the case's uuid, the draw number and the mediator's uuid (SHA-256), so the same
   inputs always give the same panel and a redraw gives another.
3. Seats are filled one at a time, highest points first (ties by uuid): the lead, the members,
   then the recorder. Mediators the parties chose take their seats first (art. 19).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from app.domain.codes import (
    DisputeType,
    PanelChoice,
    PanelMode,
    PanelRole,
    RelationKind,
    Sex,
    Tier,
)
from app.domain.errors import UserError
from app.domain.values import Place, same_building_and_unit

#: Points of each preference; `Points` lines show them beside their reason.
SPECIALTY_POINTS = 30
WOMAN_POINTS = 25
SAME_CATEGORY_POINTS = -15
OPEN_CASE_POINTS = -10
RECENT_CASE_POINTS = -2
SAME_COMPOUND_POINTS = 10
SAME_BUILDING_POINTS = 5
#: The lottery adds 0 … LOTTERY_SPAN - 1: it breaks ties and varies close calls, no more.
LOTTERY_SPAN = 10
#: Disputes where a woman on the panel is preferred when a party is a woman.
FAMILY_DISPUTES = frozenset({DisputeType.MARRIAGE_FAMILY})
#: Tiers where living near the dispute helps (the building captain, the courtyard elders).
NEAR_TIERS = frozenset({Tier.BUILDING, Tier.COURTYARD})


@dataclass(frozen=True)
class TierSeats:
    """The seats one tier's panel has besides its lead."""

    members: int = 0
    recorder: bool = False


DEFAULT_SEATS: dict[Tier, TierSeats] = {
    Tier.BUILDING: TierSeats(0, False),
    Tier.COURTYARD: TierSeats(1, False),
    Tier.COMMUNITY: TierSeats(1, True),
    Tier.REFERRED: TierSeats(1, True),
}
MAX_MEMBERS = 6


@dataclass(frozen=True)
class PanelSizes:
    """How big each tier's panel is; the committee may change it (stored as JSON)."""

    seats: dict[Tier, TierSeats] = field(default_factory=lambda: dict(DEFAULT_SEATS))

    def roles(self, tier: Tier) -> list[PanelRole]:
        seats = self.seats.get(tier, DEFAULT_SEATS[tier])
        roles = [PanelRole.LEAD] + [PanelRole.MEMBER] * seats.members
        return roles + ([PanelRole.RECORDER] if seats.recorder else [])

    def to_json(self) -> str:
        data = {
            t.value: {"members": s.members, "recorder": s.recorder} for t, s in self.seats.items()
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PanelSizes:
        """The committee's setting; "" or anything unreadable gives the defaults."""
        seats = dict(DEFAULT_SEATS)
        try:
            data = json.loads(text) if text.strip() else {}
        except ValueError:
            data = {}
        if isinstance(data, dict):
            for tier in Tier:
                entry = data.get(tier.value)
                if isinstance(entry, dict):
                    members = entry.get("members", 0)
                    if isinstance(members, int) and 0 <= members <= MAX_MEMBERS:
                        seats[tier] = TierSeats(members, bool(entry.get("recorder", False)))
        return cls(seats)

    def describe(self, tier: Tier) -> str:
        """主持人1人、调解员1人、记录人1人"""
        seats = self.seats.get(tier, DEFAULT_SEATS[tier])
        text = "主持人1人"
        if seats.members:
            text += f"、调解员{seats.members}人"
        if seats.recorder:
            text += "、记录人1人"
        return text


@dataclass(frozen=True)
class Relation:
    """A person the mediator is close to."""

    person_name: str
    kind: RelationKind
    id_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Candidate:
    """A mediator on the roster, with what a draw needs to know about them."""

    id: int
    uuid: str
    name: str
    sex: Sex | None = None
    category: str | None = None
    category_label: str = ""
    place: Place = field(default_factory=Place)
    specialties: frozenset[DisputeType] = frozenset()
    active: bool = True
    absences: tuple[tuple[date, date], ...] = ()
    #: Cases still open (registered, accepted, mediating) on whose panel they sit.
    open_cases: int = 0
    limit: int = 5
    #: Cases they sat on over the last year: the workload that a fair draw evens out.
    recent_cases: int = 0
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True)
class PartyFacts:
    id: int
    name: str
    sex: Sex | None = None
    id_number: str = ""
    phone: str = ""
    place: Place = field(default_factory=Place)


@dataclass(frozen=True)
class RecusalFacts:
    mediator_id: int
    party_name: str
    reason: str


@dataclass(frozen=True)
class PartyPick:
    """A party chose this mediator (art. 19)."""

    party_id: int
    mediator_id: int


@dataclass(frozen=True)
class DrawCase:
    uuid: str
    number: str
    tier: Tier
    dispute_type: DisputeType
    place: Place
    parties: tuple[PartyFacts, ...]
    on: date
    recusals: tuple[RecusalFacts, ...] = ()
    picks: tuple[PartyPick, ...] = ()


@dataclass(frozen=True)
class Seat:
    """A chosen mediator, their role and why."""

    mediator_id: int
    uuid: str
    name: str
    role: PanelRole
    chosen_by: PanelChoice
    chosen_by_party_id: int | None
    points: int
    reasons: tuple[str, ...]

    def reason_text(self) -> str:
        return "；".join(self.reasons)


@dataclass(frozen=True)
class Verdict:
    """A mediator not chosen: excluded (never eligible for this case) or outscored."""

    mediator_id: int
    uuid: str
    name: str
    excluded: bool
    points: int | None
    reasons: tuple[str, ...]

    def reason_text(self) -> str:
        return "；".join(self.reasons)


@dataclass(frozen=True)
class Proposal:
    """A proposed panel with the reasons for everyone on the roster."""

    case_uuid: str
    case_number: str
    draw_no: int
    mode: PanelMode
    seats: tuple[Seat, ...]
    others: tuple[Verdict, ...]
    warnings: tuple[str, ...] = ()

    def to_json(self) -> str:
        """What the record keeps: canonical (sorted keys, no floats), ready for the audit."""
        data = {
            "case": self.case_uuid,
            "draw_no": self.draw_no,
            "mode": self.mode.value,
            "seats": [
                {
                    "mediator": s.uuid,
                    "name": s.name,
                    "role": s.role.value,
                    "chosen_by": s.chosen_by.value,
                    "party": s.chosen_by_party_id,
                    "points": s.points,
                    "reasons": list(s.reasons),
                }
                for s in self.seats
            ],
            "others": [
                {
                    "mediator": v.uuid,
                    "name": v.name,
                    "excluded": v.excluded,
                    "points": v.points,
                    "reasons": list(v.reasons),
                }
                for v in self.others
            ],
            "warnings": list(self.warnings),
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# --- Never ------------------------------------------------------------------------------------


def _md(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _is_related(rel: Relation, party: PartyFacts) -> bool:
    """The same person as the relation: by ID number, else phone, else exact name."""
    if rel.id_number and party.id_number:
        return rel.id_number.upper() == party.id_number.upper()
    if rel.phone and party.phone:
        return rel.phone == party.phone
    return rel.person_name.strip() == party.name.strip()


def exclusions(m: Candidate, case: DrawCase) -> list[str]:
    """Why `m` may never sit on this case's panel; empty when they may."""
    why: list[str] = []
    if not m.active:
        why.append("已不在岗")
    for start, end in m.absences:
        if start <= case.on <= end:
            why.append(f"{_md(start)}至{_md(end)}外出，不在本地")
            break
    if m.open_cases >= m.limit:
        why.append(f"已有{m.open_cases}件在办，达到上限{m.limit}件")
    for party in case.parties:
        if party.name.strip() == m.name.strip():
            why.append(f"与当事人{party.name}同名，为免误会需回避")
        for rel in m.relations:
            if _is_related(rel, party):
                why.append(f"与当事人{party.name}是{rel.kind.label}，需回避")
                break
        if same_building_and_unit(m.place, party.place):
            where = f"{m.place.building}{m.place.unit}"
            why.append(f"与当事人{party.name}同住{where}，是邻居，需回避")
    if same_building_and_unit(m.place, case.place):
        why.append(f"住在纠纷发生地{case.place.building}{case.place.unit}，需回避")
    for r in case.recusals:
        if r.mediator_id == m.id:
            who = f"当事人{r.party_name}" if r.party_name else "当事人"
            why.append(f"{who}申请回避（{r.reason}）")
    return why


# --- Prefer -----------------------------------------------------------------------------------


def lottery(case_uuid: str, draw_no: int, mediator_uuid: str) -> int:
    """A number 0 … LOTTERY_SPAN - 1 fixed by the case, the draw and the mediator."""
    digest = hashlib.sha256(f"{case_uuid}|{draw_no}|{mediator_uuid}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % LOTTERY_SPAN


def _women_party_in_family_dispute(case: DrawCase) -> bool:
    return case.dispute_type in FAMILY_DISPUTES and any(p.sex is Sex.FEMALE for p in case.parties)


def preferences(
    m: Candidate, case: DrawCase, chosen: Sequence[Candidate], draw_no: int
) -> list[tuple[str, int]]:
    """The reasons for and against `m` for the next seat, each with its points."""
    lines: list[tuple[str, int]] = []
    if case.dispute_type in m.specialties:
        lines.append((f"擅长{case.dispute_type.label}纠纷", SPECIALTY_POINTS))
    if m.open_cases:
        lines.append((f"在办{m.open_cases}件", OPEN_CASE_POINTS * m.open_cases))
    else:
        lines.append(("目前没有在办案件", 0))
    if m.recent_cases:
        lines.append((f"近一年参与{m.recent_cases}件", RECENT_CASE_POINTS * m.recent_cases))
    if m.category and any(c.category == m.category for c in chosen):
        label = m.category_label or "同一类别"
        lines.append((f"已选的调解员中已有{label}", SAME_CATEGORY_POINTS))
    if (
        m.sex is Sex.FEMALE
        and _women_party_in_family_dispute(case)
        and not any(c.sex is Sex.FEMALE for c in chosen)
    ):
        lines.append(("家事纠纷当事人有女性，优先安排女调解员", WOMAN_POINTS))
    if case.tier in NEAR_TIERS and case.place.compound and m.place.compound == case.place.compound:
        if case.place.building and m.place.building == case.place.building:
            lines.append(
                (
                    f"同住{case.place.compound}{case.place.building}，就近调解",
                    SAME_COMPOUND_POINTS + SAME_BUILDING_POINTS,
                )
            )
        else:
            lines.append((f"同在{case.place.compound}，就近调解", SAME_COMPOUND_POINTS))
    lines.append((f"抽签号{lottery(case.uuid, draw_no, m.uuid)}", 0))
    return lines


def _points(lines: Iterable[tuple[str, int]], m: Candidate, case: DrawCase, draw_no: int) -> int:
    return sum(p for _, p in lines) + lottery(case.uuid, draw_no, m.uuid)


def _texts(lines: Iterable[tuple[str, int]]) -> tuple[str, ...]:
    return tuple(text for text, _ in lines)


# --- The draw ---------------------------------------------------------------------------------


def draw_panel(
    case: DrawCase,
    roster: Sequence[Candidate],
    sizes: PanelSizes,
    *,
    draw_no: int = 1,
    mode: PanelMode = PanelMode.COMMITTEE,
) -> Proposal:
    """Propose the panel for `case`; the same inputs always give the same proposal."""
    if draw_no < 1:
        raise UserError("抽选次数从1开始。")
    roles = sizes.roles(case.tier)
    ordered = sorted(roster, key=lambda m: m.uuid)  # the roster's own order plays no part
    barred = {m.id: exclusions(m, case) for m in ordered}
    by_id = {m.id: m for m in ordered}
    warnings: list[str] = []
    seats: list[Seat] = []
    chosen: list[Candidate] = []

    picks = case.picks if mode is not PanelMode.COMMITTEE else ()
    if mode is not PanelMode.COMMITTEE and not picks:
        warnings.append("还没有记录当事人选定的调解员。")
    party_names = {p.id: p.name for p in case.parties}
    for pick in picks:
        m = by_id.get(pick.mediator_id)
        if m is None or m in chosen or len(seats) >= len(roles):
            continue
        who = party_names.get(pick.party_id, "当事人")
        if barred[m.id]:
            warnings.append(f"{who}选定的{m.name}不能参加：{'；'.join(barred[m.id])}。请另选。")
            continue
        lines = preferences(m, case, chosen, draw_no)
        reasons = (f"由{who}选定", *_texts(lines))
        role = roles[len(seats)]
        seats.append(
            Seat(
                m.id,
                m.uuid,
                m.name,
                role,
                PanelChoice.PARTIES,
                pick.party_id,
                _points(lines, m, case, draw_no),
                reasons,
            )
        )
        chosen.append(m)

    if mode is not PanelMode.PARTIES:
        while len(seats) < len(roles):
            best: tuple[int, str, Candidate, list[tuple[str, int]]] | None = None
            for m in ordered:
                if barred[m.id] or m in chosen:
                    continue
                lines = preferences(m, case, chosen, draw_no)
                points = _points(lines, m, case, draw_no)
                # Highest points first; equal points by uuid, so no order of the roster matters.
                key = (-points, m.uuid)
                if best is None or key < (-best[0], best[1]):
                    best = (points, m.uuid, m, lines)
            if best is None:
                break
            points, _uuid, m, lines = best
            role = roles[len(seats)]
            seats.append(
                Seat(
                    m.id,
                    m.uuid,
                    m.name,
                    role,
                    PanelChoice.COMMITTEE,
                    None,
                    points,
                    ("在可参加的调解员中综合排序最前", *_texts(lines)),
                )
            )
            chosen.append(m)

    if not seats:
        warnings.append("名册中没有可以参加本案的调解员：请看下面每位调解员的原因。")
    elif len(seats) < len(roles):
        missing = "、".join(r.label for r in roles[len(seats) :])
        warnings.append(
            f"{case.tier.label}调解需要{sizes.describe(case.tier)}，"
            f"可参加的调解员不够，还缺{missing}。"
        )
    others: list[Verdict] = []
    for m in ordered:
        if m in chosen:
            continue
        if barred[m.id]:
            others.append(Verdict(m.id, m.uuid, m.name, True, None, tuple(barred[m.id])))
        else:
            lines = preferences(m, case, chosen, draw_no)
            points = _points(lines, m, case, draw_no)
            lead = "可以参加，本次排序靠后" if mode is not PanelMode.PARTIES else "可以参加"
            others.append(Verdict(m.id, m.uuid, m.name, False, points, (lead, *_texts(lines))))
    # Those who could sit first (best points first), then those excluded, by name.
    others.sort(key=lambda v: (v.excluded, -(v.points or 0), v.name, v.uuid))
    return Proposal(
        case.uuid, case.number, draw_no, mode, tuple(seats), tuple(others), tuple(warnings)
    )


def check_override(case: DrawCase, roster: Sequence[Candidate], chosen_ids: Sequence[int]) -> None:
    """A panel set by hand may differ from the draw, but never seat an excluded mediator."""
    by_id = {m.id: m for m in roster}
    problems: list[str] = []
    for mid in chosen_ids:
        m = by_id.get(mid)
        if m is None:
            raise UserError("找不到这位调解员，可能已从名册中删除。")
        why = exclusions(m, case)
        if why:
            problems.append(f"{m.name}：{'；'.join(why)}")
    if problems:
        raise UserError("下列调解员不能参加本案：\n" + "\n".join(problems))
