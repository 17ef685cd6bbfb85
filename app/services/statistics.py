"""Counting cases for the statistics, the dashboard and the lists behind every figure.

The rules — which day puts a case into a period for each figure, which statuses count — are
`app.domain.statistics`'; this module states them once, as SQL over one row per case
(`_facts`): the figures a case counts for become the bits of one integer, worked out once a
case in the database. The figures are then sums over rows grouped by what they are broken
down by and by those bits (GROUP BY in SQL: a few thousand groups at most, whatever the
number of cases; no case is loaded), and the list behind a figure is the rows with its bit set — the
same condition, so a list always has as many cases as its figure says.

Only the cases with a day of the period are read: each day a figure counts by has an index
(migration 0008), and cases received after the period cannot have any.

The statements are built once, with the period's first and last day as parameters: building
one is a few milliseconds of Python, as much as SQLite needs for a month's figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import CTE

from app.db.models import (
    Agreement,
    Case,
    Committee,
    ElderCategoryRow,
    FollowUp,
    Mediator,
    PanelMember,
    Party,
    StatusChange,
)
from app.domain.codes import AgreementForm, CaseStatus, Tier
from app.domain.lifecycle import CaseEvent
from app.domain.statistics import (
    MEDIATED_OUTCOMES,
    NOT_CONFIRMED_WORDS,
    OUTCOME_FIGURE,
    OUTCOME_OF_STATUS,
    SUMS,
    Cell,
    Figure,
    FigureRef,
    Figures,
    Group,
    Outcome,
    Period,
    PeriodKind,
    Statistics,
    TierPicture,
    last_months,
)
from app.services.database import Database

Condition = ColumnElement[bool]

#: The bit of each counted figure in a row's `bits`; the sums (persons, amount) are kept apart.
_BIT: Mapping[Figure, int] = MappingProxyType(
    {k: 1 << i for i, k in enumerate(k for k in Figure if k not in SUMS)}
)
#: Outcomes as small numbers inside the query (0: none yet).
_CODE: Mapping[Outcome, int] = MappingProxyType({o: i for i, o in enumerate(Outcome, start=1)})
#: The period's first and last day, the parameters of every statement here (`_days`).
_START = bindparam("start", type_=Date)
_END = bindparam("end", type_=Date)


def _days(period: Period) -> dict[str, date]:
    return {"start": period.start, "end": period.end}


# ---------------------------------------------------------------------------------------------
# One row per case: the figures it counts for


def _between(column: Any) -> Condition:
    """Whether the day in `column` lies in the period."""
    return and_(column >= _START, column <= _END)


def _bit(condition: Condition, figure: Figure) -> ColumnElement[int]:
    return case((condition, _BIT[figure]), else_=0)


def _outcome() -> ColumnElement[int]:
    """How the case's mediation ended, as `_CODE` (0: not yet, or not known).

    The status says it, except for an archived case: there it is the status it was archived
    from. What the case records says that already, without reading its history, for the
    most of them — only 履行完毕 sets the performed day, only 移交 the tier 移交社区以外, only
    不予受理 a reason for declining; the others (failed, terminated, withdrawn) are told apart
    by the history's ``archive`` step; a case imported without that step and with an agreement
    on record counts as settled.
    """
    c = Case.__table__.c
    a = Agreement.__table__.c
    codes = {s.value: _CODE[o] for s, o in OUTCOME_OF_STATUS.items()}
    archived_from = (
        select(StatusChange.from_status)
        .where(StatusChange.case_id == c.id, StatusChange.event == CaseEvent.ARCHIVE.value)
        .order_by(StatusChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    from_history = case(
        codes,
        value=archived_from,
        else_=case((a.reached_on.is_not(None), _CODE[Outcome.SUCCEEDED]), else_=0),
    )
    archived = case(
        (c.performed_on.is_not(None), _CODE[Outcome.SUCCEEDED]),
        (c.tier_resolved == Tier.REFERRED.value, _CODE[Outcome.REFERRED]),
        (c.declined_reason != "", _CODE[Outcome.DECLINED]),
        else_=from_history,
    )
    return case({**codes, CaseStatus.ARCHIVED.value: archived}, value=c.status, else_=0)


def _bits() -> ColumnElement[int]:
    """The figures of the period the case counts for, as the sum of their `_BIT`s.

    The outcome is the operand of one CASE, so it is worked out once a case; each branch adds
    the figures of that outcome when its day lies in the period.
    """
    c = Case.__table__.c
    a = Agreement.__table__.c
    prevented = case((c.escalation_prevented.is_(True), _BIT[Figure.PREVENTED]), else_=0)

    performed = and_(c.performed_on.is_not(None), c.performed_on <= _END)
    applied_by_end = and_(a.confirmation_applied_on.is_not(None), a.confirmation_applied_on <= _END)
    visited = select(FollowUp.id).where(FollowUp.case_id == c.id, FollowUp.on <= _END)
    settled = (
        prevented
        + (_BIT[Figure.SUCCEEDED] + _BIT[Figure.MEDIATED])
        + case(
            (a.form == AgreementForm.WRITTEN.value, _BIT[Figure.WRITTEN]),
            (a.form == AgreementForm.ORAL.value, _BIT[Figure.ORAL]),
            else_=0,
        )
        + case(
            (
                performed,
                _BIT[Figure.PERFORMED] + case((applied_by_end, 0), else_=_BIT[Figure.VOLUNTARY]),
            ),
            else_=0,
        )
        # The visits are looked up only for the agreements of the period.
        + _bit(visited.exists(), Figure.FOLLOWED_UP)
    )
    day_of = {Outcome.SUCCEEDED: func.coalesce(a.reached_on, c.closed_on)}
    by_outcome = case(
        {
            _CODE[o]: case(
                (
                    _between(day_of.get(o, c.closed_on)),
                    settled
                    if o is Outcome.SUCCEEDED
                    else prevented
                    + _BIT[OUTCOME_FIGURE[o]]
                    + (_BIT[Figure.MEDIATED] if o in MEDIATED_OUTCOMES else 0),
                ),
                else_=0,
            )
            for o in Outcome
        },
        value=_outcome(),
        else_=0,
    )
    confirmed = and_(
        _between(a.confirmation_decided_on),
        a.confirmation_result != "",
        *(~a.confirmation_result.contains(word) for word in NOT_CONFIRMED_WORDS),
    )
    return (
        _bit(_between(c.received_on), Figure.RECEIVED)
        + _bit(_between(c.accepted_on), Figure.ACCEPTED)
        + _bit(_between(a.confirmation_applied_on), Figure.CONFIRMATION_APPLIED)
        + _bit(confirmed, Figure.CONFIRMED)
        + by_outcome
    )


def _candidates(*, outcomes_only: bool = False) -> CompoundSelect:
    """The ids of the cases with a day of the period that some figure counts by, each day
    found through its own index: the cases of other years are never read. With
    `outcomes_only`, only the cases whose mediation ended in the period (an agreement reached,
    or a case closed): all the outcome figures need.

    UNION ALL: an id found by two days is still one case of `IN`, and SQLite need not sort
    the ids once more to drop the repeats."""
    c = Case.__table__.c
    a = Agreement.__table__.c
    outcomes = (
        select(c.id).where(_between(c.closed_on)),
        select(a.case_id).where(_between(a.reached_on)),
    )
    if outcomes_only:
        return union_all(*outcomes)
    return union_all(
        select(c.id).where(_between(c.received_on)),
        select(c.id).where(_between(c.accepted_on)),
        *outcomes,
        select(a.case_id).where(_between(a.confirmation_applied_on)),
        select(a.case_id).where(_between(a.confirmation_decided_on)),
    )


@cache
def _facts(*, outcomes_only: bool = False) -> CTE:
    """One row per case that can count in the period: its groups, its `bits`, its persons and
    amount; with `outcomes_only` only the cases whose mediation ended in the period
    (`_candidates`), enough for the outcome figures. Materialized: every grouping reads the
    rows, worked out once."""
    c = Case.__table__.c
    a = Agreement.__table__.c
    columns: list[ColumnElement[Any]] = [
        c.id.label("id"),
        c.dispute_type.label("dispute_type"),
        c.source.label("source"),
        c.tier_resolved.label("tier_resolved"),
        c.received_on.label("received_on"),
        _bits().label("bits"),
        func.coalesce(c.persons_involved, 0).label("persons"),
        func.coalesce(c.amount_fen, 0).label("amount"),
    ]
    return (
        select(*columns)
        .select_from(Case.__table__.outerjoin(Agreement.__table__, a.case_id == c.id))
        .where(c.id.in_(_candidates(outcomes_only=outcomes_only)))
        .cte("facts")
        .prefix_with("MATERIALIZED")
    )


def _is_counted(f: Any, figure: Figure) -> Condition:
    """Whether a row of `_facts` counts for `figure` (for a sum: is one of the cases it adds)."""
    bit = _BIT[Figure.MEDIATED if figure in SUMS else figure]
    counted: Condition = f.bits.op("&")(bit) != 0
    return counted


def _sums(f: Any) -> tuple[ColumnElement[Any], ...]:
    """What a group of rows with the same bits adds up: its cases, and the persons and amount
    of those that count for the sums."""
    mediated = _is_counted(f, Figure.MEDIATED)
    return (
        f.bits,
        func.count(),
        func.coalesce(func.sum(case((mediated, f.persons), else_=0)), 0),
        func.coalesce(func.sum(case((mediated, f.amount), else_=0)), 0),
    )


#: Where each figure stands in `Figures` (its fields are `Figure`'s, in order).
_AT: Mapping[Figure, int] = MappingProxyType({k: i for i, k in enumerate(Figure)})


@cache
def _places_of(bits: int) -> tuple[int, ...]:
    """Where the counted figures whose bit is set in `bits` stand (a year has a few dozen such
    values; read by position, not through the enum, which hashes slowly)."""
    return tuple(_AT[k] for k, bit in _BIT.items() if bits & bit)


class _Tally(dict[int, list[int]]):
    """Grouped rows added up by their bits — bits: [cases, persons, amount] — and read out into
    figures once, each bits value once."""

    def add(self, bits: int, cases: int, persons: int, amount: int, sign: int = 1) -> None:
        """Add a group of rows in (`sign` -1: take it out again)."""
        sums = self.get(bits)
        if sums is None:
            self[bits] = [sign * cases, sign * persons, sign * amount]
        else:
            sums[0] += sign * cases
            sums[1] += sign * persons
            sums[2] += sign * amount

    def figures(self) -> Figures:
        counts = [0] * len(_AT)
        for bits, (cases, persons, amount) in self.items():
            for place in _places_of(bits):
                counts[place] += cases
            counts[_AT[Figure.PERSONS]] += persons
            counts[_AT[Figure.AMOUNT]] += amount
        return Figures(*counts)


# ---------------------------------------------------------------------------------------------
# The statistics of a period


def _committee_name(session: Session) -> str:
    return session.scalar(select(Committee.name).limit(1)) or ""


def _category_labels(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(ElderCategoryRow.code, ElderCategoryRow.label).order_by(ElderCategoryRow.position)
    )
    return {code: label for code, label in rows}


def period_statistics(db: Database, period: Period) -> Statistics:
    """Every figure of `period` (see `app.domain.statistics` for what each counts)."""
    with db.reading() as session:
        return _statistics(session, period)


def _category(mediator: Any) -> ColumnElement[str]:
    return func.coalesce(mediator.c.elder_category, "")


@cache
def _statistics_query() -> CompoundSelect:
    """Three groupings of the period's cases in one statement, each row tagged with its kind:

    - ``cell``: by dispute type, source and tier resolved;
    - ``mediator``: by each mediator of the case's panel (a case counts for each of them);
    - ``repeat``: by elder category, the cases counted again for a category because their
      panel has two or more mediators of it — once for each mediator after the first.

    A category's figures are then its mediators' taken together less its repeats: a case
    counts once for a category however many of its mediators the panel has. The repeats are
    the pairs of mediators of one category on one panel, each counted at the later of the
    two, once however many earlier ones it has (a panel of three of a category has two). The
    groupings join the cases to their panels instead of reading a panel per case: SQLite
    sorts the rows of a grouping slower than it joins them, and the repeats are few.
    """
    facts = _facts()
    f = facts.c
    by_cell = select(
        literal("cell"), f.dispute_type, f.source, f.tier_resolved, *_sums(f)
    ).group_by(f.dispute_type, f.source, f.tier_resolved, f.bits)
    seat = PanelMember.__table__.alias("seat")
    by_mediator = (
        select(literal("mediator"), seat.c.mediator_id, null(), null(), *_sums(f))
        .select_from(facts.join(seat, seat.c.case_id == f.id))
        .group_by(seat.c.mediator_id, f.bits)
    )
    earlier, later = PanelMember.__table__.alias("earlier"), PanelMember.__table__.alias("later")
    first, second = Mediator.__table__.alias("first"), Mediator.__table__.alias("second")
    repeated = (f.id, later.c.mediator_id, _category(first).label("category"))
    repeats = (
        select(*repeated, f.bits, f.persons, f.amount)
        .distinct()
        .select_from(
            facts.join(earlier, earlier.c.case_id == f.id)
            .join(first, first.c.id == earlier.c.mediator_id)
            .join(
                later,
                and_(
                    later.c.case_id == earlier.c.case_id,
                    later.c.mediator_id > earlier.c.mediator_id,
                ),
            )
            .join(
                second,
                and_(second.c.id == later.c.mediator_id, _category(second) == _category(first)),
            )
        )
        .subquery("repeats")
    )
    r = repeats.c
    by_repeat = select(literal("repeat"), r.category, null(), null(), *_sums(r)).group_by(
        r.category, r.bits
    )
    return union_all(by_cell, by_mediator, by_repeat)


def _statistics(session: Session, period: Period) -> Statistics:
    """The cells, the mediators and the elder categories (see `_statistics_query`)."""
    labels = _category_labels(session)
    people = {
        mid: (uuid, name, cat or "")
        for mid, uuid, name, cat in session.execute(
            select(Mediator.id, Mediator.uuid, Mediator.name, Mediator.elder_category)
        )
    }
    cells: dict[tuple[str, str, str | None], _Tally] = defaultdict(_Tally)
    by_mediator: dict[int, _Tally] = defaultdict(_Tally)
    by_category: dict[str, _Tally] = defaultdict(_Tally)
    rows = session.execute(_statistics_query(), _days(period))
    for kind, key, source, tier, bits, cases, persons, amount in rows:
        if kind == "cell":
            cells[(key, source, tier)].add(bits, cases, persons, amount)
        elif kind == "mediator":
            if key in people:
                by_mediator[key].add(bits, cases, persons, amount)
                by_category[people[key][2]].add(bits, cases, persons, amount)
        else:
            by_category[key].add(bits, cases, persons, amount, sign=-1)
    mediators = sorted(
        (
            Group(
                people[mid][0],
                people[mid][1],
                tally.figures(),
                ref=mid,
                note=labels.get(people[mid][2], "未分类"),
            )
            for mid, tally in by_mediator.items()
        ),
        # The id last: two mediators of one name with the same figures keep one order.
        key=lambda g: (-g.figures.mediated, -g.figures.received, g.label, g.ref or 0),
    )
    order = {code: i for i, code in enumerate(labels)}
    categories = sorted(
        (
            Group(code, labels.get(code, "未分类"), tally.figures())
            for code, tally in by_category.items()
        ),
        key=lambda g: (order.get(g.key, len(order)), g.key),
    )
    return Statistics(
        committee=_committee_name(session),
        period=period,
        cells=tuple(
            Cell(t, s, r, tally.figures())
            for (t, s, r), tally in sorted(
                cells.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
            )
        ),
        mediators=tuple(mediators),
        categories=tuple(categories),
        category_labels=labels,
    )


# ---------------------------------------------------------------------------------------------
# The cases behind a figure


def _ref_filter(facts: CTE, ref: FigureRef) -> list[Condition]:
    f = facts.c
    where: list[Condition] = [_is_counted(f, ref.figure)]
    if ref.dispute_type is not None:
        where.append(f.dispute_type == ref.dispute_type)
    if ref.source is not None:
        where.append(f.source == ref.source)
    if ref.tier_resolved is not None:
        where.append(
            f.tier_resolved.is_(None)
            if ref.tier_resolved == ""
            else f.tier_resolved == ref.tier_resolved
        )
    if ref.mediator_id is not None:
        where.append(
            select(PanelMember.id)
            .where(PanelMember.case_id == f.id, PanelMember.mediator_id == ref.mediator_id)
            .exists()
        )
    if ref.category is not None:
        category = func.coalesce(Mediator.elder_category, "")
        where.append(
            select(PanelMember.id)
            .join(Mediator, Mediator.id == PanelMember.mediator_id)
            .where(PanelMember.case_id == f.id, category == ref.category)
            .exists()
        )
    return where


def figure_case_ids(db: Database, period: Period, ref: FigureRef) -> list[int]:
    """The ids of the cases behind one figure of `period`, in the order they were received;
    exactly as many as the figure counts (for a sum: the cases it adds up)."""
    with db.reading() as session:
        facts = _facts()
        f = facts.c
        rows = session.execute(
            select(f.id).where(*_ref_filter(facts, ref)).order_by(f.received_on, f.id),
            _days(period),
        )
        return [int(i) for (i,) in rows]


# ---------------------------------------------------------------------------------------------
# The dashboard


@dataclass(frozen=True)
class MonthCount:
    year: int
    month: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass(frozen=True)
class Dashboard:
    """What the window shows on start besides 待办: the cases by status now, this month's
    intake, and this year's tier picture."""

    today: date
    #: Every status, in life-cycle order, with how many cases are in it now (zeros too).
    by_status: tuple[tuple[CaseStatus, int], ...]
    month: Period
    month_received: int
    year: Period
    tiers: TierPicture

    @property
    def total(self) -> int:
        return sum(n for _s, n in self.by_status)

    @property
    def open_cases(self) -> int:
        """Registered, accepted or in mediation: not ended yet."""
        still = {CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING}
        return sum(n for s, n in self.by_status if s in still)


def tier_picture(db: Database, period: Period) -> TierPicture:
    """三级化解 of `period` alone: settled at each tier, and left the community."""
    with db.reading() as session:
        return _tier_picture(session, period)


@cache
def _tier_query() -> Select[Any]:
    # Settled and referred are outcomes: the cases that only came in need not be read.
    f = _facts(outcomes_only=True).c
    return select(f.tier_resolved, *_sums(f)).group_by(f.tier_resolved, f.bits)


def _tier_picture(session: Session, period: Period) -> TierPicture:
    by_tier: dict[str | None, _Tally] = defaultdict(_Tally)
    for tier, bits, cases, persons, amount in session.execute(_tier_query(), _days(period)):
        by_tier[tier].add(bits, cases, persons, amount)
    figures = {tier: tally.figures() for tier, tally in by_tier.items()}

    def settled(tier: Tier) -> int:
        return figures[tier.value].succeeded if tier.value in figures else 0

    return TierPicture(
        building=settled(Tier.BUILDING),
        courtyard=settled(Tier.COURTYARD),
        community=settled(Tier.COMMUNITY),
        left=sum(f.referred for f in figures.values()),
    )


def dashboard(db: Database, today: date | None = None) -> Dashboard:
    """The dashboard's numbers (three small queries)."""
    today = today or date.today()
    month = Period.containing(PeriodKind.MONTH, today)
    year = Period.containing(PeriodKind.YEAR, today)
    with db.reading() as session:
        counts = dict(
            session.execute(select(Case.status, func.count()).group_by(Case.status)).all()
        )
        received = session.scalar(
            select(func.count()).where(
                Case.received_on >= month.start, Case.received_on <= month.end
            )
        )
        tiers = _tier_picture(session, year)
    return Dashboard(
        today=today,
        by_status=tuple((s, int(counts.get(s.value, 0))) for s in CaseStatus),
        month=month,
        month_received=int(received or 0),
        year=year,
        tiers=tiers,
    )


def monthly_intake(db: Database, end: date, months: int = 12) -> tuple[MonthCount, ...]:
    """Cases received in each of the `months` months ending with the month of `end`."""
    span = last_months(end, months)
    # Dates are stored as YYYY-MM-DD text: the month is the first seven characters.
    month_of = func.substr(Case.received_on, 1, 7)
    with db.reading() as session:
        counts: dict[str, int] = dict(
            session.execute(
                select(month_of, func.count())
                .where(Case.received_on >= span.start, Case.received_on <= span.end)
                .group_by(month_of)
            ).all()
        )
    return tuple(MonthCount(y, m, int(counts.get(f"{y:04d}-{m:02d}", 0))) for y, m in span.months())


# ---------------------------------------------------------------------------------------------
# The register of cases (台账)


@dataclass(frozen=True)
class RegisterRow:
    """One case of the monthly register, as the register's columns show it."""

    case_id: int
    number: str
    received_on: date
    applicants: str
    respondents: str
    dispute_type: str
    title: str
    source: str
    accepted_on: date | None
    mediators: str
    tier: Tier
    status: CaseStatus
    #: How mediation ended (None: not yet).
    outcome: Outcome | None
    closed_on: date | None
    agreement_form: AgreementForm | None
    agreement_on: date | None
    persons: int | None
    amount_fen: int | None

    @property
    def outcome_on(self) -> date | None:
        """The day mediation ended: the agreement's for a settled case (结案日期)."""
        if self.outcome is Outcome.SUCCEEDED:
            return self.agreement_on or self.closed_on
        return self.closed_on if self.outcome is not None else None


def _names(role: str) -> Any:
    return (
        select(func.group_concat(Party.name, "、"))
        .where(Party.case_id == Case.id, Party.role == role)
        .scalar_subquery()
    )


def register_rows(db: Database, period: Period) -> tuple[RegisterRow, ...]:
    """The cases received in `period` (the 台账 of a month), by case number."""
    c = Case.__table__.c
    a = Agreement.__table__.c
    mediators = (
        select(func.group_concat(Mediator.name, "、"))
        .select_from(PanelMember.__table__.join(Mediator.__table__))
        .where(PanelMember.case_id == c.id)
        .scalar_subquery()
    )
    outcome_of = {_CODE[o]: o for o in Outcome}
    query = (
        select(
            c.id,
            c.number,
            c.received_on,
            _names("applicant"),
            _names("respondent"),
            c.dispute_type,
            c.title,
            c.source,
            c.accepted_on,
            mediators,
            c.tier,
            c.status,
            _outcome(),
            c.closed_on,
            a.form,
            a.reached_on,
            c.persons_involved,
            c.amount_fen,
        )
        .select_from(Case.__table__.outerjoin(Agreement.__table__, a.case_id == c.id))
        .where(_between(c.received_on))
        .order_by(c.number_year, c.number_seq, c.received_on, c.id)
    )
    with db.reading() as session:
        rows = session.execute(query, _days(period)).all()
    return tuple(
        RegisterRow(
            case_id=r[0],
            number=r[1],
            received_on=r[2],
            applicants=r[3] or "",
            respondents=r[4] or "",
            dispute_type=r[5],
            title=r[6],
            source=r[7],
            accepted_on=r[8],
            mediators=r[9] or "",
            tier=Tier(r[10]),
            status=CaseStatus(r[11]),
            outcome=outcome_of.get(r[12]),
            closed_on=r[13],
            agreement_form=AgreementForm(r[14]) if r[14] else None,
            agreement_on=r[15],
            persons=r[16],
            amount_fen=r[17],
        )
        for r in rows
    )


@dataclass(frozen=True)
class CaseBrief:
    """A line of a list of cases behind a figure."""

    case_id: int
    number: str
    received_on: date
    title: str
    status: CaseStatus


def case_briefs(db: Database, case_ids: list[int]) -> tuple[CaseBrief, ...]:
    """Number, received day, title and status of these cases, in the order given."""
    found: dict[int, CaseBrief] = {}
    with db.reading() as session:
        for start in range(0, len(case_ids), 500):  # SQLite's limit on bound parameters
            chunk = case_ids[start : start + 500]
            for case_id, number, received, title, status in session.execute(
                select(Case.id, Case.number, Case.received_on, Case.title, Case.status).where(
                    Case.id.in_(chunk)
                )
            ):
                found[case_id] = CaseBrief(case_id, number, received, title, CaseStatus(status))
    return tuple(found[i] for i in case_ids if i in found)


#: How a UI or report turns a figure into a list of cases: the figure and its groups.
CaseLister = Callable[[FigureRef], list[int]]


def case_lister(db: Database, period: Period) -> CaseLister:
    """A function listing the cases behind any figure of `period` (for clickable figures)."""
    return lambda ref: figure_case_ids(db, period, ref)


__all__ = [
    "CaseBrief",
    "CaseLister",
    "Dashboard",
    "MonthCount",
    "RegisterRow",
    "case_briefs",
    "case_lister",
    "dashboard",
    "figure_case_ids",
    "monthly_intake",
    "period_statistics",
    "register_rows",
    "tier_picture",
]
