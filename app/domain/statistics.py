"""统计 — the figures the judicial administration asks of a committee for a period, and what
each of them counts. Pure: the service (`app.services.statistics`) counts in the database by
exactly these rules; reports, the window and the street view read the values defined here.

Which day puts a case into a period (both ends of the period included):

========================  =======================================================================
figure                    counted when
========================  =======================================================================
收案 received              ``received_on`` lies in the period — every case, whatever its status.
受理 accepted              ``accepted_on`` lies in the period (the day of the ``accept`` event).
不予受理 declined          outcome *declined*, ``closed_on`` in the period.
调解 mediated              outcome *succeeded*, *failed* or *terminated* on its outcome day in the
                          period: mediations the committee carried to an end. Withdrawn and
                          referred cases are counted apart, not here.
调解成功 succeeded          outcome *succeeded*; its day is the agreement's ``reached_on`` (the day
                          the agreement was reached and took effect), not ``closed_on``, which for
                          an agreement is the day performance was completed. Split by the
                          agreement's form: 书面协议 written / 口头协议 oral.
调解不成 failed            outcome *failed*, ``closed_on`` in the period.
终止调解 terminated        outcome *terminated* (a party refused to go on), ``closed_on``.
撤回申请 withdrawn         outcome *withdrawn*, ``closed_on`` in the period.
移出社区 referred          outcome *referred* (handed to the street office, judicial office,
                          court, police…: the case left the community), ``closed_on``.
防止激化 prevented         any outcome on its day in the period, with ``escalation_prevented``.
涉及人数 persons           the sum of ``persons_involved`` over the *mediated* cases.
涉及金额 amount            the sum of ``amount_fen`` over the *mediated* cases.
申请司法确认 applied        the agreement's ``confirmation_applied_on`` in the period.
司法确认有效 confirmed      ``confirmation_decided_on`` in the period, with a result that does not
                          say 不予 / 驳回 / 无效 (the result is the court's words, kept as text).
履行完毕 performed         of the *succeeded* cases: ``performed_on`` on or before the period's
                          end.
自动履行 voluntary         of the *performed*: no judicial confirmation applied for by the
                          period's end.
已回访 followed up         of the *succeeded* cases: a follow-up visit on or before the
                          period's end.
========================  =======================================================================

A case's *outcome* follows from its status: 达成协议 and what follows it (履行中, 履行完毕, 已回访)
are *succeeded*; 调解不成 *failed*; 终止调解 *terminated*; 撤回申请 *withdrawn*; 已移交 *referred*;
不予受理 *declined*; 已登记, 已受理 and 调解中 have none yet. An archived case has the outcome of
the status it was archived from. What the case records says so without its history: only
履行完毕 sets ``performed_on`` (*succeeded*), only 移交 the tier 移交社区以外 (*referred*), only
不予受理 a ``declined_reason`` (*declined*); the others — failed, terminated, withdrawn — are told
apart by the ``archive`` step of its history. An archived case with none of these (imported
without its history) is *succeeded* when it has an agreement with its date, else it has no
outcome and counts only where its dates say (received, accepted). A closed case whose closing
day (``closed_on``, or for an agreement ``reached_on``) is not recorded has no outcome day and
is in no outcome figure.

Rates are percentages with one decimal, rounded half up, and None when there is nothing to
divide by: 调解成功率 = succeeded ÷ mediated; 履行率 = performed ÷ succeeded; 回访率 = followed up ÷
succeeded; 楼栋、院落化解占比 = settled at the building or the courtyard ÷ succeeded.

Breakdowns: 纠纷类型 and 案件来源 are the case's own; 化解层级 is ``tier_resolved`` (the tier the
case was at when it was settled, failed or terminated; 移交社区以外 when referred; none while open);
the tier picture (楼栋 / 院落 / 社区化解 and 移出社区) counts *succeeded* cases by it and the
*referred* ones. 调解员: a case counts for every mediator on its panel (so the mediators' rows
add up to more than the total); 五老类别: a case counts once for each category that has a
mediator on its panel.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from types import MappingProxyType

from app.domain.codes import CaseStatus, DisputeType, Labelled, Source, Tier
from app.domain.errors import UserError
from app.domain.money import from_fen


class PeriodKind(Labelled):
    MONTH = "month", "月"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年"
    CUSTOM = "custom", "自定义"


_QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")


def _day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included: a month, a quarter, a year, or any two dates."""

    start: date
    end: date
    kind: PeriodKind = PeriodKind.CUSTOM

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError(
                f"结束日期（{self.end:%Y-%m-%d}）不能早于开始日期（{self.start:%Y-%m-%d}），请核对。"
            )

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), PeriodKind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise UserError(f"季度应是 1 到 4，现在是 {quarter}。")
        first = (quarter - 1) * 3 + 1
        end = cls.month(year, first + 2).end
        return cls(date(year, first, 1), end, PeriodKind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR)

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        return cls(start, end, PeriodKind.CUSTOM)

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        """本月 / 本季度 / 本年 of `day` (a custom period is the day itself)."""
        if kind is PeriodKind.MONTH:
            return cls.month(day.year, day.month)
        if kind is PeriodKind.QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind is PeriodKind.YEAR:
            return cls.year(day.year)
        return cls.custom(day, day)

    @property
    def label(self) -> str:
        """2026年3月, 2026年第一季度, 2026年, or 2026年3月5日至2026年4月2日."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}年{_QUARTER_NAMES[(self.start.month - 1) // 3]}"
        if self.kind is PeriodKind.YEAR:
            return f"{self.start.year}年"
        return self.span_text

    @property
    def span_text(self) -> str:
        """2026年1月1日至2026年3月31日."""
        return f"{_day_text(self.start)}至{_day_text(self.end)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) of every month the period touches, in order."""
        out: list[tuple[int, int]] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def file_stem(self) -> str:
        """A name for files of this period: 2026年第一季度, or 2026-03-05至2026-04-02."""
        if self.kind is PeriodKind.CUSTOM:
            return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}"
        return self.label


def last_months(end: date, count: int) -> Period:
    """The `count` whole months ending with the month of `end` (a chart's span)."""
    year, month = end.year, end.month - (count - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), Period.month(end.year, end.month).end, PeriodKind.CUSTOM)


_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?[Qq]?([1-4])")
_YEAR = re.compile(r"\d{4}")


def parse_month(text: str) -> Period:
    """2026-03 → March 2026 (full-width digits are read too)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _MONTH.fullmatch(cleaned)
    if not match or not 1 <= int(match[2]) <= 12:
        raise UserError(f"月份“{text}”不对，请写成 年-月，例如 2026-03")
    return Period.month(int(match[1]), int(match[2]))


def parse_quarter(text: str) -> Period:
    """2026-Q1, 2026Q1 or 2026-1 → the first quarter of 2026."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _QUARTER.fullmatch(cleaned)
    if not match:
        raise UserError(f"季度“{text}”不对，请写成 年-Q季度，例如 2026-Q1（第一季度）")
    return Period.quarter(int(match[1]), int(match[2]))


def parse_year(text: str) -> Period:
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not _YEAR.fullmatch(cleaned):
        raise UserError(f"年份“{text}”不对，请写四位数字，例如 2026")
    return Period.year(int(cleaned))


class Outcome(Labelled):
    """How mediation of a case ended (see the module's docstring)."""

    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解不成"
    TERMINATED = "terminated", "终止调解"
    WITHDRAWN = "withdrawn", "撤回申请"
    REFERRED = "referred", "移出社区"
    DECLINED = "declined", "不予受理"


#: The outcome each status stands for; the open statuses and 已归档 (which has the outcome of the
#: status it was archived from) are not in it.
OUTCOME_OF_STATUS: Mapping[CaseStatus, Outcome] = MappingProxyType(
    {
        CaseStatus.AGREEMENT_REACHED: Outcome.SUCCEEDED,
        CaseStatus.PERFORMING: Outcome.SUCCEEDED,
        CaseStatus.PERFORMED: Outcome.SUCCEEDED,
        CaseStatus.FOLLOWED_UP: Outcome.SUCCEEDED,
        CaseStatus.FAILED: Outcome.FAILED,
        CaseStatus.TERMINATED: Outcome.TERMINATED,
        CaseStatus.WITHDRAWN: Outcome.WITHDRAWN,
        CaseStatus.REFERRED: Outcome.REFERRED,
        CaseStatus.DECLINED: Outcome.DECLINED,
    }
)
#: The outcomes of a mediation carried to its end (调解): the denominator of the success rate.
MEDIATED_OUTCOMES: frozenset[Outcome] = frozenset(
    {Outcome.SUCCEEDED, Outcome.FAILED, Outcome.TERMINATED}
)
#: Words in a court's result that mean the agreement was not confirmed.
NOT_CONFIRMED_WORDS: tuple[str, ...] = ("不予", "驳回", "无效")


def is_confirmed(result: str) -> bool:
    """Whether a judicial-confirmation result, as recorded, confirms the agreement."""
    return bool(result.strip()) and not any(w in result for w in NOT_CONFIRMED_WORDS)


class Figure(Labelled):
    """One count of the statistics; `Figures` holds one value for each."""

    RECEIVED = "received", "收案"
    ACCEPTED = "accepted", "受理"
    DECLINED = "declined", "不予受理"
    MEDIATED = "mediated", "调解"
    SUCCEEDED = "succeeded", "调解成功"
    WRITTEN = "written", "书面协议"
    ORAL = "oral", "口头协议"
    FAILED = "failed", "调解不成"
    TERMINATED = "terminated", "终止调解"
    WITHDRAWN = "withdrawn", "撤回申请"
    REFERRED = "referred", "移出社区"
    PREVENTED = "prevented", "防止激化"
    PERSONS = "persons", "涉及人数"
    AMOUNT = "amount", "涉及金额"
    CONFIRMATION_APPLIED = "confirmation_applied", "申请司法确认"
    CONFIRMED = "confirmed", "司法确认有效"
    PERFORMED = "performed", "履行完毕"
    VOLUNTARY = "voluntary", "自动履行"
    FOLLOWED_UP = "followed_up", "已回访"


#: The figure each outcome is counted in (they share their codes).
OUTCOME_FIGURE: Mapping[Outcome, Figure] = MappingProxyType({o: Figure(o.value) for o in Outcome})

#: Figures that add up a quantity of the cases behind them rather than count them.
SUMS: frozenset[Figure] = frozenset({Figure.PERSONS, Figure.AMOUNT})
#: What a figure is counted in (the rest are 件).
UNITS: Mapping[Figure, str] = MappingProxyType({Figure.PERSONS: "人", Figure.AMOUNT: "元"})


#: What each figure counts, in the director's words (the sheet's 说明, the window's hints).
FIGURE_NOTES: Mapping[Figure, str] = MappingProxyType(
    {
        Figure.RECEIVED: "登记日期在统计期间内的案件，不论现在办到哪一步。",
        Figure.ACCEPTED: "决定受理的日期在统计期间内的案件。",
        Figure.DECLINED: "统计期间内决定不予受理的案件（按结案日期）。",
        Figure.MEDIATED: "统计期间内调解有了结果的案件：调解成功、调解不成和终止调解的合计"
        "（撤回申请、移出社区的不算在内）。",
        Figure.SUCCEEDED: "达成调解协议的日期在统计期间内的案件，含书面协议和口头协议。",
        Figure.WRITTEN: "调解成功中达成书面调解协议的。",
        Figure.ORAL: "调解成功中达成口头协议的。",
        Figure.FAILED: "统计期间内调解不成、告知当事人其他途径的案件（按结案日期）。",
        Figure.TERMINATED: "统计期间内因当事人拒绝继续调解而终止的案件（按结案日期）。",
        Figure.WITHDRAWN: "统计期间内当事人撤回申请的案件（按结案日期）。",
        Figure.REFERRED: "统计期间内移交街道、司法所、法院、公安等社区以外部门的案件"
        "（按移交日期）。",
        Figure.PREVENTED: "统计期间内有了结果、登记为“已防止纠纷激化”的案件。",
        Figure.PERSONS: "“调解”案件登记的涉及人数之和。",
        Figure.AMOUNT: "“调解”案件登记的涉及金额之和（元）。",
        Figure.CONFIRMATION_APPLIED: "申请司法确认的日期在统计期间内的协议。",
        Figure.CONFIRMED: "法院裁定确认有效的日期在统计期间内的协议。",
        Figure.PERFORMED: "调解成功的案件中，到统计期末已经履行完毕的。",
        Figure.VOLUNTARY: "履行完毕的案件中，到统计期末没有申请司法确认、由当事人自动履行的。",
        Figure.FOLLOWED_UP: "调解成功的案件中，到统计期末已经回访过的。",
    }
)


class Rate(Labelled):
    SUCCESS = "success_rate", "调解成功率"
    PERFORMANCE = "performance_rate", "履行率"
    FOLLOW_UP = "follow_up_rate", "回访率"
    LOW_TIER = "low_tier_share", "楼栋、院落化解占比"


#: How each rate is worked out, in the director's words.
RATE_NOTES: Mapping[Rate, str] = MappingProxyType(
    {
        Rate.SUCCESS: "调解成功 ÷ 调解。",
        Rate.PERFORMANCE: "履行完毕 ÷ 调解成功。",
        Rate.FOLLOW_UP: "已回访 ÷ 调解成功。",
        Rate.LOW_TIER: "在楼栋和院落化解的 ÷ 调解成功（琐事不出楼，小事不出院）。",
    }
)


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent with one decimal, rounded half up; None when whole is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    """83.3% — or “—” when there was nothing to divide by."""
    return "—" if value is None else f"{value}%"


@dataclass(frozen=True)
class Figures:
    """Every figure of one group of cases (a committee, a dispute type, a mediator…).

    `amount` is in fen (money is exact); the attributes are named as `Figure`'s codes.
    """

    received: int = 0
    accepted: int = 0
    declined: int = 0
    mediated: int = 0
    succeeded: int = 0
    written: int = 0
    oral: int = 0
    failed: int = 0
    terminated: int = 0
    withdrawn: int = 0
    referred: int = 0
    prevented: int = 0
    persons: int = 0
    amount: int = 0
    confirmation_applied: int = 0
    confirmed: int = 0
    performed: int = 0
    voluntary: int = 0
    followed_up: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in _FIELDS})

    def get(self, figure: Figure) -> int:
        return int(getattr(self, figure.value))

    @classmethod
    def of(cls, values: Mapping[Figure, int]) -> Figures:
        return cls(**{f.value: int(v or 0) for f, v in values.items()})

    @property
    def success_rate(self) -> Decimal | None:
        return percent(self.succeeded, self.mediated)

    @property
    def performance_rate(self) -> Decimal | None:
        return percent(self.performed, self.succeeded)

    @property
    def follow_up_rate(self) -> Decimal | None:
        return percent(self.followed_up, self.succeeded)

    def rate(self, rate: Rate) -> Decimal | None:
        if rate is Rate.LOW_TIER:
            raise ValueError("the low-tier share needs the tiers: TierPicture.low_tier_share")
        value: Decimal | None = getattr(self, rate.value)
        return value

    def is_empty(self) -> bool:
        return self == EMPTY


_FIELDS = fields(Figures)
EMPTY = Figures()
assert [f.name for f in _FIELDS] == [f.value for f in Figure], "Figures and Figure must agree"


def total(figures: Iterable[Figures]) -> Figures:
    """The sum of `figures` (added field by field, one object made)."""
    names = [f.name for f in _FIELDS]
    sums = dict.fromkeys(names, 0)
    for f in figures:
        for name in names:
            sums[name] += getattr(f, name)
    return Figures(**sums)


@dataclass(frozen=True)
class Cell:
    """The figures of the cases of one dispute type, source and tier resolved (None: open)."""

    dispute_type: str
    source: str
    tier_resolved: str | None
    figures: Figures


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: a key (a code, or a mediator's uuid), its label, its figures.

    `ref` is the mediator's id in the database the figures came from (None for other groups),
    for listing the cases behind a mediator's figures.
    """

    key: str
    label: str
    figures: Figures
    ref: int | None = None
    #: For a mediator: the label of their elder category.
    note: str = ""


@dataclass(frozen=True)
class TierPicture:
    """三级化解: cases settled at each tier, and those that left the community."""

    building: int
    courtyard: int
    community: int
    left: int

    @property
    def settled(self) -> int:
        return self.building + self.courtyard + self.community

    @property
    def low_tier_share(self) -> Decimal | None:
        """The headline measure: settled at the building or the courtyard, of all settled."""
        return percent(self.building + self.courtyard, self.settled)

    def count(self, tier: Tier) -> int:
        return {
            Tier.BUILDING: self.building,
            Tier.COURTYARD: self.courtyard,
            Tier.COMMUNITY: self.community,
            Tier.REFERRED: self.left,
        }[tier]


@dataclass(frozen=True)
class FigureRef:
    """Which cases stand behind a figure: the figure, within the groups named (None: all)."""

    figure: Figure
    dispute_type: str | None = None
    source: str | None = None
    #: A `Tier` code; "" for the cases without a tier resolved (still open).
    tier_resolved: str | None = None
    mediator_id: int | None = None
    #: An elder category's code; "" for mediators without a category.
    category: str | None = None

    def describe(self, categories: Mapping[str, str] | None = None) -> str:
        """收案 · 邻里 · 当事人申请 — what the list of cases is, in words."""
        parts = [self.figure.label]
        if self.dispute_type is not None:
            parts.append(_label(DisputeType, self.dispute_type))
        if self.source is not None:
            parts.append(_label(Source, self.source))
        if self.tier_resolved is not None:
            tier = _label(Tier, self.tier_resolved) if self.tier_resolved else "尚未化解"
            parts.append(f"化解层级：{tier}")
        if self.category is not None:
            parts.append((categories or {}).get(self.category, self.category or "未分类"))
        return " · ".join(parts)


def _label(enum: type[Labelled], code: str) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


@dataclass(frozen=True)
class Statistics:
    """The statistics of one committee for one period.

    `cells` hold the figures of every combination of dispute type, source and tier resolved
    that has cases; every breakdown by those three is a sum of cells. `mediators` and
    `categories` are counted apart (a case counts for each of its panel's mediators).
    """

    committee: str
    period: Period
    cells: tuple[Cell, ...] = ()
    mediators: tuple[Group, ...] = ()
    categories: tuple[Group, ...] = ()
    #: The elder categories' labels by code (a committee may name its own).
    category_labels: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def total(self) -> Figures:
        return total(c.figures for c in self.cells)

    def figures(
        self,
        *,
        dispute_type: str | None = None,
        source: str | None = None,
        tier_resolved: str | None = None,
    ) -> Figures:
        """The sum of the cells matching every group given ("" tier: the open cases)."""
        return total(
            c.figures
            for c in self.cells
            if (dispute_type is None or c.dispute_type == dispute_type)
            and (source is None or c.source == source)
            and (tier_resolved is None or (c.tier_resolved or "") == tier_resolved)
        )

    def by_type(self) -> tuple[Group, ...]:
        """One row per dispute type, in the order of the statistics sheet, empty ones too."""
        return _breakdown(self.cells, "dispute_type", DisputeType)

    def by_source(self) -> tuple[Group, ...]:
        return _breakdown(self.cells, "source", Source)

    def by_tier(self) -> tuple[Group, ...]:
        """One row per tier resolved, and one for the cases not resolved yet (key "")."""
        rows = _breakdown(self.cells, "tier_resolved", Tier)
        open_cases = total(c.figures for c in self.cells if c.tier_resolved is None)
        return (*rows, Group("", "尚未化解", open_cases))

    def tier_picture(self) -> TierPicture:
        return TierPicture(
            building=self.figures(tier_resolved=Tier.BUILDING.value).succeeded,
            courtyard=self.figures(tier_resolved=Tier.COURTYARD.value).succeeded,
            community=self.figures(tier_resolved=Tier.COMMUNITY.value).succeeded,
            left=self.total.referred,
        )


def _breakdown(cells: Sequence[Cell], attribute: str, enum: type[Labelled]) -> tuple[Group, ...]:
    sums: dict[str, Figures] = {}
    for c in cells:
        key = getattr(c, attribute)
        if key is not None:
            sums[key] = sums.get(key, EMPTY) + c.figures
    known = [Group(m.value, m.label, sums.pop(m.value, EMPTY)) for m in enum]
    # A code this version does not know (a newer file) is still counted, under its code.
    return (*known, *(Group(k, k, v) for k, v in sorted(sums.items())))


def combine(many: Sequence[Statistics], committee: str = "合计") -> Statistics:
    """The statistics of several committees together (the street view's total row).

    Cells and categories add up; mediators are people of one committee each and are kept
    apart, each under their committee's name.
    """
    if not many:
        raise ValueError("nothing to combine")
    period = many[0].period
    cells: dict[tuple[str, str, str | None], Figures] = {}
    categories: dict[str, Group] = {}
    labels: dict[str, str] = {}
    mediators: list[Group] = []
    for s in many:
        for c in s.cells:
            key = (c.dispute_type, c.source, c.tier_resolved)
            cells[key] = cells.get(key, EMPTY) + c.figures
        for g in s.categories:
            was = categories.get(g.key)
            categories[g.key] = (
                g if was is None else replace(was, figures=was.figures + g.figures, ref=None)
            )
        labels.update(s.category_labels)
        mediators += [
            replace(m, note=f"{s.committee}·{m.note}" if m.note else s.committee, ref=None)
            for m in s.mediators
        ]
    return Statistics(
        committee=committee,
        period=period,
        cells=tuple(Cell(t, s, r, f) for (t, s, r), f in cells.items()),
        mediators=tuple(mediators),
        categories=tuple(categories.values()),
        category_labels=labels,
    )


def month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


# ---------------------------------------------------------------------------------------------
# The periodic statistics sheet (forms.md): one row per dispute type and the total


@dataclass(frozen=True)
class SheetColumn:
    """A column of the statistics sheet; `group` heads several columns ("" stands alone).

    `short` is its heading where the column is narrow (the printed sheet): four characters,
    two lines of two.
    """

    key: str
    group: str
    label: str
    short: str
    #: "count" (件), "rate" (%), "persons" (人) or "money" (fen, shown in 元).
    kind: str = "count"


#: The sources as the sheet groups them: on application, on the committee's own initiative,
#: referred or entrusted by a court, the police or a government office, and other.
SOURCE_COLUMNS: tuple[tuple[str, str, tuple[Source, ...]], ...] = (
    ("依申请", "依申请", (Source.APPLICATION,)),
    ("主动调解", "主动调解", (Source.OWN_INITIATIVE,)),
    ("移交委托", "移交委托", (Source.COURT, Source.POLICE, Source.GOVERNMENT)),
    ("其他", "其他来源", (Source.OTHER,)),
)

SHEET_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("received", "", "收案", "收案"),
    SheetColumn("accepted", "", "受理", "受理"),
    SheetColumn("mediated", "", "调解", "调解"),
    SheetColumn("succeeded", "调解成功", "小计", "调解成功"),
    SheetColumn("written", "调解成功", "书面协议", "其中书面"),
    SheetColumn("oral", "调解成功", "口头协议", "其中口头"),
    SheetColumn("success_rate", "", "调解成功率", "成功率", "rate"),
    SheetColumn("failed", "其他结果", "调解不成", "调解不成"),
    SheetColumn("terminated", "其他结果", "终止调解", "终止调解"),
    SheetColumn("withdrawn", "其他结果", "撤回申请", "撤回申请"),
    SheetColumn("referred", "其他结果", "移出社区", "移出社区"),
    SheetColumn("declined", "其他结果", "不予受理", "不予受理"),
    *(
        SheetColumn(f"source_{i}", "案件来源（收案）", label, short)
        for i, (label, short, _) in enumerate(SOURCE_COLUMNS)
    ),
    SheetColumn("voluntary", "履行情况", "自动履行", "自动履行"),
    SheetColumn("confirmed", "履行情况", "司法确认", "司法确认"),
    SheetColumn("prevented", "", "防止激化", "防止激化"),
    SheetColumn("persons", "", "涉及人数", "涉及人数", "persons"),
    SheetColumn("amount", "", "涉及金额（元）", "涉及金额（元）", "money"),
)

SheetValue = int | Decimal | None


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet: a dispute type's (or the total's) value in every column."""

    key: str
    label: str
    values: Mapping[str, SheetValue]


def _sheet_values(stats: Statistics, dispute_type: str | None) -> dict[str, SheetValue]:
    figures = stats.figures(dispute_type=dispute_type)
    values: dict[str, SheetValue] = {
        c.key: figures.get(Figure(c.key))
        for c in SHEET_COLUMNS
        if c.key in Figure._value2member_map_
    }
    values["success_rate"] = figures.success_rate
    for i, (_label, _short, sources) in enumerate(SOURCE_COLUMNS):
        values[f"source_{i}"] = sum(
            stats.figures(dispute_type=dispute_type, source=s.value).received for s in sources
        )
    return values


def sheet_rows(stats: Statistics) -> tuple[SheetRow, ...]:
    """Every dispute type of the sheet in its order (empty ones too), then 合计."""
    rows = [SheetRow(g.key, g.label, _sheet_values(stats, g.key)) for g in stats.by_type()]
    return (*rows, SheetRow("", "合计", _sheet_values(stats, None)))


def sheet_value_text(column: SheetColumn, value: SheetValue) -> str:
    """How a value shows in a printed cell: 12, 71.4%, 26300.00 (元), “—” for no rate."""
    if column.kind == "rate":
        return percent_text(value if isinstance(value, Decimal) else None)
    if column.kind == "money":
        return str(from_fen(int(value or 0)))
    return str(int(value or 0))
