"""Forming a case's panel from the roster: the facts a draw needs, recording draws, redraws,
changes by hand and recusals, and the fairness report over a period.

The draw itself is `app.domain.panel.draw_panel`, a pure function; this module reads its inputs
and writes what was decided through one operation each.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Case, Mediator, PanelDraw, PanelMember, Recusal
from app.domain.codes import (
    DisputeType,
    DrawKind,
    PanelChoice,
    PanelMode,
    PanelRole,
    RelationKind,
    Sex,
    Tier,
)
from app.domain.errors import NotFoundError, UserError, clipped
from app.domain.fields import clean_text
from app.domain.panel import (
    Candidate,
    DrawCase,
    PanelSizes,
    PartyFacts,
    PartyPick,
    Proposal,
    RecusalFacts,
    Relation,
    Verdict,
    check_override,
    draw_panel,
    exclusions,
)
from app.domain.values import Place, place_from_address
from app.services.database import Database
from app.services.detail import fresh_detail
from app.services.mediators import OPEN_STATUSES, category_pairs, committee_limit
from app.services.operations import DEFAULT_ACTOR
from app.services.records import find_case
from app.views import CaseDetail, Changed

#: The period whose cases count as a mediator's recent workload.
RECENT_DAYS = 365
#: How much of a reason each seat of the panel repeats; the draw's record keeps it whole.
REASON_LIMIT = 500
#: The highest draw number: more is a number typed wrong (and past what SQLite can store).
MAX_DRAW_NO = 9999


@dataclass(frozen=True)
class ManualSeat:
    """A seat set by hand: who, in which role, and the party who chose them (if one did)."""

    mediator_id: int
    role: PanelRole
    party_id: int | None = None


# --- Reading the inputs -----------------------------------------------------------------------


def _sizes(session: Session) -> PanelSizes:
    from app.db.models import Committee

    text = session.scalar(select(Committee.panel_sizes).limit(1))
    return PanelSizes.from_json(text or "")


def draw_case(case: Case, on: date, picks: Sequence[PartyPick] = ()) -> DrawCase:
    """The facts of a case that a draw looks at."""
    parties = tuple(
        PartyFacts(
            id=p.id,
            name=p.name,
            sex=Sex(p.sex) if p.sex else None,
            id_number=p.id_number,
            phone=p.phone,
            place=place_from_address(p.address),
        )
        for p in case.parties
    )
    names = {p.id: p.name for p in case.parties}
    recusals = tuple(
        RecusalFacts(r.mediator_id, names.get(r.party_id or -1, ""), r.reason)
        for r in case.recusals
    )
    return DrawCase(
        uuid=case.uuid,
        number=case.number,
        tier=Tier(case.tier),
        dispute_type=DisputeType(case.dispute_type),
        place=Place(case.compound, case.building, case.unit, case.room),
        parties=parties,
        on=on,
        recusals=recusals,
        picks=tuple(picks),
    )


def candidates(
    session: Session, on: date, *, leaving_out_case: int | None = None
) -> list[Candidate]:
    """Every mediator on the roster with their workload on `on`.

    The case being drawn is left out of the counts: sitting on its current panel must not
    count against a mediator when the same case is drawn again.
    """
    labels = dict(category_pairs(session))
    default_limit = committee_limit(session)
    open_query = (
        select(PanelMember.mediator_id, func.count())
        .join(Case, PanelMember.case_id == Case.id)
        .where(Case.status.in_(OPEN_STATUSES))
        .group_by(PanelMember.mediator_id)
    )
    recent_query = (
        select(PanelMember.mediator_id, func.count())
        .join(Case, PanelMember.case_id == Case.id)
        .where(Case.received_on > on - timedelta(days=RECENT_DAYS), Case.received_on <= on)
        .group_by(PanelMember.mediator_id)
    )
    if leaving_out_case is not None:
        open_query = open_query.where(Case.id != leaving_out_case)
        recent_query = recent_query.where(Case.id != leaving_out_case)
    open_counts = Counter({m: n for m, n in session.execute(open_query)})
    recent = Counter({m: n for m, n in session.execute(recent_query)})
    mediators = session.scalars(
        select(Mediator).options(
            selectinload(Mediator.specialties),
            selectinload(Mediator.absences),
            selectinload(Mediator.relations),
        )
    )
    return [
        Candidate(
            id=m.id,
            uuid=m.uuid,
            name=m.name,
            sex=Sex(m.sex) if m.sex else None,
            category=m.elder_category,
            category_label=labels.get(m.elder_category or "", ""),
            place=Place(m.compound, m.building, m.unit, m.room),
            specialties=frozenset(DisputeType(s.dispute_type) for s in m.specialties),
            active=m.active,
            absences=tuple((a.from_on, a.to_on) for a in m.absences),
            open_cases=open_counts[m.id],
            limit=m.case_limit or default_limit,
            recent_cases=recent[m.id],
            relations=tuple(
                Relation(r.person_name, RelationKind(r.kind), r.id_number, r.phone)
                for r in m.relations
            ),
        )
        for m in mediators
    ]


def _last_draw_no(case: Case) -> int:
    return max((d.draw_no for d in case.panel_draws), default=0)


def _check_picks(case: Case, picks: Sequence[PartyPick]) -> None:
    party_ids = {p.id for p in case.parties}
    for pick in picks:
        if pick.party_id not in party_ids:
            raise UserError("选定调解员的当事人不在这个案件中，请重新选择。")


# --- Proposing and recording ------------------------------------------------------------------


def propose_panel(
    db: Database,
    case_ref: str | int,
    *,
    draw_no: int | None = None,
    mode: PanelMode = PanelMode.COMMITTEE,
    picks: Sequence[PartyPick] = (),
    on: date | None = None,
) -> Proposal:
    """The panel a draw would give, recording nothing (the dry run).

    Without `draw_no` it is the case's next draw: 1 for a case never drawn.
    """
    on = on or date.today()
    with db.reading() as session:
        case = find_case(session, case_ref)
        _check_picks(case, picks)
        number = draw_no if draw_no is not None else _last_draw_no(case) + 1
        return draw_panel(
            draw_case(case, on, picks),
            candidates(session, on, leaving_out_case=case.id),
            _sizes(session),
            draw_no=number,
            mode=mode,
        )


def _seat_rows(
    case: Case, seats: Sequence[tuple[int, PanelRole, PanelChoice, int | None, str]]
) -> None:
    """Replace the panel by these seats, keeping the rows of mediators who stay."""
    keep = {m.mediator_id: m for m in case.panel}
    rows: list[PanelMember] = []
    for mediator_id, role, chosen_by, party_id, reason in seats:
        row = keep.get(mediator_id) or PanelMember(mediator_id=mediator_id)
        row.role = role.value
        row.chosen_by = chosen_by.value
        row.chosen_by_party_id = party_id
        row.reason = reason
        rows.append(row)
    case.panel = rows


def record_draw(
    db: Database,
    case_ref: str | int,
    *,
    draw_no: int | None = None,
    mode: PanelMode = PanelMode.COMMITTEE,
    picks: Sequence[PartyPick] = (),
    reason: str = "",
    on: date | None = None,
    actor: str = DEFAULT_ACTOR,
) -> tuple[tuple[Proposal, CaseDetail], Changed]:
    """Draw the panel and put it on the case; a second draw (a redraw) needs a reason.

    `draw_no` must be the next number (the one the dry run showed); an earlier number would
    give a panel already drawn and is refused; a later one is the panel the dialog showed after
    drawing again without saving.
    """
    on = on or date.today()
    reason = clean_text(reason, "draw.reason", field="reason", label="重新抽选的原因")
    with db.operation(actor, "panel.draw", case=case_ref) as op:
        case = op.the_case
        _check_picks(case, picks)
        last = _last_draw_no(case)
        number = draw_no if draw_no is not None else last + 1
        if number <= last:
            raise UserError(f"第{number}次抽选已经记录过；重新抽选请用第{last + 1}次，并写明原因。")
        if number > MAX_DRAW_NO:  # a number typed wrong: nobody draws a panel so many times
            raise UserError(
                f"抽选次数最多{MAX_DRAW_NO}，现在是{clipped(str(number), 12)}；"
                f"这个案件下一次抽选是第{last + 1}次。"
            )
        redraw = last > 0 or bool(case.panel)
        if redraw and not reason:
            raise UserError("这个案件已经有调解员了。重新抽选要写明原因，例如“当事人申请回避”。")
        proposal = draw_panel(
            draw_case(case, on, picks),
            candidates(op.session, on, leaving_out_case=case.id),
            _sizes(op.session),
            draw_no=number,
            mode=mode,
        )
        if not proposal.seats:
            raise UserError("没有可以参加的调解员，没有抽选。" + "".join(proposal.warnings))
        _seat_rows(
            case,
            [
                (
                    s.mediator_id,
                    s.role,
                    s.chosen_by,
                    s.chosen_by_party_id,
                    clipped(s.reason_text(), REASON_LIMIT),
                )
                for s in proposal.seats
            ],
        )
        case.panel_draws.append(
            PanelDraw(
                draw_no=number,
                kind=(DrawKind.REDRAW if redraw else DrawKind.DRAW).value,
                mode=mode.value,
                actor=op.actor,
                reason=reason,
                explanation=proposal.to_json(),
            )
        )
        op.session.flush()
        op.result = (proposal, fresh_detail(op.session, case))
        op.refresh(Changed(case_list=True, mediators=True))
    return op.outcome


def override_panel(
    db: Database,
    case_ref: str | int,
    seats: Sequence[ManualSeat],
    reason: str,
    *,
    mode: PanelMode = PanelMode.COMMITTEE,
    on: date | None = None,
    actor: str = DEFAULT_ACTOR,
) -> tuple[CaseDetail, Changed]:
    """Set the panel by hand, departing from the draw; needs a reason and is recorded.

    An excluded mediator (off duty, away, at the limit, in a conflict of interest) is refused
    here as in a draw.
    """
    on = on or date.today()
    reason = clean_text(reason, "draw.reason", field="reason", label="人工调整的原因")
    if not reason:
        raise UserError("人工调整调解员要写明原因，例如“当事人共同选定”。")
    if not seats:
        raise UserError("请至少选一位调解员。")
    if sum(1 for s in seats if s.role is PanelRole.LEAD) != 1:
        raise UserError("请指定一位、且只指定一位主持调解的调解员（主持人）。")
    ids = [s.mediator_id for s in seats]
    if len(set(ids)) != len(ids):
        raise UserError("同一位调解员只能担任一个角色。")
    with db.operation(actor, "panel.override", case=case_ref) as op:
        case = op.the_case
        party_ids = {p.id for p in case.parties}
        if any(s.party_id is not None and s.party_id not in party_ids for s in seats):
            raise UserError("选定调解员的当事人不在这个案件中，请重新选择。")
        facts = draw_case(case, on)
        roster = candidates(op.session, on, leaving_out_case=case.id)
        check_override(facts, roster, ids)
        by_id = {m.id: m for m in roster}
        _seat_rows(
            case,
            [
                (
                    s.mediator_id,
                    s.role,
                    PanelChoice.PARTIES if s.party_id is not None else PanelChoice.COMMITTEE,
                    s.party_id,
                    clipped(f"人工调整：{reason}", REASON_LIMIT),
                )
                for s in seats
            ],
        )
        manual = {
            "seats": [
                {
                    "mediator": by_id[s.mediator_id].uuid,
                    "name": by_id[s.mediator_id].name,
                    "role": s.role.value,
                    "party": s.party_id,
                }
                for s in seats
            ]
        }
        case.panel_draws.append(
            PanelDraw(
                draw_no=_last_draw_no(case),
                kind=DrawKind.OVERRIDE.value,
                mode=mode.value,
                actor=op.actor,
                reason=reason,
                explanation=json.dumps(manual, ensure_ascii=False, sort_keys=True),
            )
        )
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True, mediators=True))
    return op.outcome


def record_recusal(
    db: Database,
    case_ref: str | int,
    mediator_id: int,
    reason: str,
    *,
    party_id: int | None = None,
    on: date | None = None,
    actor: str = DEFAULT_ACTOR,
) -> tuple[CaseDetail, Changed]:
    """A party asks that a mediator step aside (回避): recorded, and always honoured.

    A mediator already on the panel leaves it; the next draw never picks them.
    """
    on = on or date.today()
    reason = clean_text(reason, "recusal.reason", field="reason")
    if not reason:
        raise UserError("请写明申请回避的理由，例如“调解员是对方的亲戚”。")
    with db.operation(actor, "panel.recusal", case=case_ref) as op:
        case = op.the_case
        if op.session.get(Mediator, mediator_id) is None:
            raise NotFoundError("找不到这位调解员，可能已从名册中删除。")
        if party_id is not None and party_id not in {p.id for p in case.parties}:
            raise UserError("申请回避的当事人不在这个案件中，请重新选择。")
        if any(r.mediator_id == mediator_id for r in case.recusals):
            raise UserError("这位调解员已经记录过回避申请了。")
        case.recusals.append(
            Recusal(mediator_id=mediator_id, party_id=party_id, on=on, reason=reason)
        )
        case.panel = [m for m in case.panel if m.mediator_id != mediator_id]
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True, mediators=True))
    return op.outcome


def exclusion_of(session: Session, case: Case, mediator_id: int, on: date) -> list[str]:
    """Why this mediator may not sit on this case (empty: they may)."""
    roster = candidates(session, on, leaving_out_case=case.id)
    found = next((m for m in roster if m.id == mediator_id), None)
    if found is None:
        raise NotFoundError("找不到这位调解员，可能已从名册中删除。")
    return exclusions(found, draw_case(case, on))


def stored_draws(db: Database, case_ref: str | int) -> list[dict[str, object]]:
    """The case's draws as recorded, oldest first, each with its explanation parsed."""
    with db.reading() as session:
        case = find_case(session, case_ref)
        out: list[dict[str, object]] = []
        for d in case.panel_draws:
            try:
                explanation = json.loads(d.explanation) if d.explanation else {}
            except ValueError:
                explanation = {}
            out.append(
                {
                    "draw_no": d.draw_no,
                    "kind": d.kind,
                    "mode": d.mode,
                    "at": d.at.isoformat(),
                    "actor": d.actor,
                    "reason": d.reason,
                    "explanation": explanation,
                }
            )
        return out


# --- Fairness ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One mediator's (or one category's) cases in the period."""

    key: str
    name: str
    cases: int
    #: Percent above (+) or below (−) the mean; 0 when the mean is 0.
    from_mean_pct: int


@dataclass(frozen=True)
class FairnessReport:
    start: date
    end: date
    total_seats: int
    cases: int
    mediators: tuple[Share, ...]
    categories: tuple[Share, ...]
    mean: float
    lowest: int
    highest: int
    #: The standard deviation over the mean, in percent: 0 is a perfectly even spread.
    variation_pct: int

    def summary(self) -> str:
        if not self.mediators:
            return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}没有在岗调解员或没有案件。"
        return (
            f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}：{self.cases}件案件，"
            f"{len(self.mediators)}位调解员平均每人{self.mean:.1f}件，最少{self.lowest}件，"
            f"最多{self.highest}件，离散程度{self.variation_pct}%（越小越均衡）。"
        )


def _shares(counts: dict[str, tuple[str, int]]) -> tuple[tuple[Share, ...], float]:
    values = [n for _, n in counts.values()]
    mean = statistics.fmean(values) if values else 0.0
    shares = tuple(
        Share(key, name, n, round((n - mean) / mean * 100) if mean else 0)
        for key, (name, n) in sorted(counts.items(), key=lambda kv: (-kv[1][1], kv[1][0]))
    )
    return shares, mean


def fairness_report(db: Database, start: date, end: date) -> FairnessReport:
    """Cases per mediator and per category among cases received from `start` to `end`.

    Every active mediator is counted, those with no case too: a mediator never drawn is
    exactly what an uneven spread looks like.
    """
    if end < start:
        raise UserError("结束日期不能早于开始日期，请核对。")
    with db.reading() as session:
        labels = dict(category_pairs(session))
        seats = Counter(
            {
                mid: n
                for mid, n in session.execute(
                    select(PanelMember.mediator_id, func.count())
                    .join(Case, PanelMember.case_id == Case.id)
                    .where(Case.received_on >= start, Case.received_on <= end)
                    .group_by(PanelMember.mediator_id)
                )
            }
        )
        cases = (
            session.scalar(
                select(func.count(func.distinct(PanelMember.case_id)))
                .join(Case, PanelMember.case_id == Case.id)
                .where(Case.received_on >= start, Case.received_on <= end)
            )
            or 0
        )
        people = list(
            session.execute(
                select(
                    Mediator.id,
                    Mediator.uuid,
                    Mediator.name,
                    Mediator.elder_category,
                    Mediator.active,
                )
            )
        )
    counted = {
        uuid: (name, seats[mid]) for mid, uuid, name, _cat, active in people if active or seats[mid]
    }
    by_category: dict[str, tuple[str, int]] = {}
    for mid, _uuid, _name, cat, active in people:
        if not (active or seats[mid]):
            continue
        code = cat or ""
        label, n = by_category.get(code, (labels.get(code, "未分类"), 0))
        by_category[code] = (label, n + seats[mid])
    mediators, mean = _shares(counted)
    categories, _ = _shares(by_category)
    values = [s.cases for s in mediators]
    variation = round(statistics.pstdev(values) / mean * 100) if len(values) > 1 and mean else 0
    return FairnessReport(
        start=start,
        end=end,
        total_seats=sum(values),
        cases=cases,
        mediators=mediators,
        categories=categories,
        mean=mean,
        lowest=min(values, default=0),
        highest=max(values, default=0),
        variation_pct=variation,
    )


def verdict_line(v: Verdict) -> str:
    head = "不能参加" if v.excluded else "未选中"
    return f"{v.name}：{head}——{v.reason_text()}"


@dataclass(frozen=True)
class PanelHistory:
    """What the 调解员 tab shows below the panel: every forming and every recusal."""

    draws: tuple[str, ...]
    recusals: tuple[str, ...]


def panel_history(db: Database, case_ref: str | int) -> PanelHistory:
    with db.reading() as session:
        case = find_case(session, case_ref)
        names = {mid: name for mid, name in session.execute(select(Mediator.id, Mediator.name))}
        parties = {p.id: p.name for p in case.parties}
        draws = tuple(
            f"{d.at.astimezone():%Y-%m-%d %H:%M}　{DrawKind(d.kind).label}"
            f"{f'（第{d.draw_no}次）' if d.kind != DrawKind.OVERRIDE.value else ''}"
            f"　{PanelMode(d.mode).label}　经办：{d.actor}"
            + (f"　原因：{d.reason}" if d.reason else "")
            for d in case.panel_draws
        )
        recusals = tuple(
            f"{r.on:%Y-%m-%d}　{parties.get(r.party_id or -1, '当事人')}申请"
            f"{names.get(r.mediator_id, '调解员')}回避：{r.reason}"
            for r in case.recusals
        )
        return PanelHistory(draws, recusals)
