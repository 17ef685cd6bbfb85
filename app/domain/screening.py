"""矛盾纠纷排查 — screening an area for disputes, and the report that goes up to the judicial
office.

Committees screen their area on a schedule (often weekly, and before holidays or sensitive
dates). A round records when, where and by whom, and what was found; each finding is
registered as a case, noted as resolved on the spot, or kept under watch. The weekly or
monthly report counts the rounds and findings; a period with rounds but nothing found is a
**zero report** (零报告), which must still be sent: a late or missing report costs the
committee points in its review. A period without any round is said so plainly, week by week.

This module holds the drafts and their checks and the report's values and words; the service
(`app.services.screening`) reads and writes the database, the form
(`app.documents.forms.screening_report`) prints the report.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.codes import FindingOutcome
from app.domain.drafts import CaseDraft
from app.domain.errors import ValidationError, ValidationErrors
from app.domain.fields import clean_text, max_length

AREA_MAX = max_length("round.area")
BY_MAX = max_length("round.screened_by")
DESCRIPTION_MAX = max_length("finding.description")
NOTE_MAX = max_length("finding.note")
MAX_FINDINGS = 200


def _text(
    errors: list[ValidationError], value: str, key: str, field: str, label: str | None = None
) -> str:
    """`value` checked as its field of `app.domain.fields` says (bounded, printable, one line
    where it is one line), or "" with the error kept: a round names every problem at once."""
    try:
        return clean_text(value, key, field=field, label=label)
    except ValidationError as error:
        errors.append(error)
        return ""


@dataclass
class FindingDraft:
    """One thing a round found, as typed.

    For `outcome` "case" either `case_ref` names a case already registered (its number, uuid
    or id) or `new_case` is registered with the round. The description may be left empty for
    a linked case: the case's title is then used.
    """

    description: str = ""
    outcome: str = FindingOutcome.RESOLVED.value
    case_ref: str = ""
    new_case: CaseDraft | None = None
    note: str = ""


@dataclass
class RoundDraft:
    """One screening round, as typed."""

    held_on: date | None = None
    area: str = ""
    screened_by: str = ""
    note: str = ""
    findings: list[FindingDraft] = field(default_factory=list)


@dataclass(frozen=True)
class CleanFinding:
    description: str
    outcome: FindingOutcome
    case_ref: str
    new_case: CaseDraft | None
    note: str


@dataclass(frozen=True)
class CleanRound:
    held_on: date
    area: str
    screened_by: str
    note: str
    findings: tuple[CleanFinding, ...]


def check_finding(draft: FindingDraft, index: int) -> CleanFinding:
    """One finding checked; `index` (0-based) names it in the messages."""
    where, name = f"findings[{index}]", f"第{index + 1}项排查发现"
    errors: list[ValidationError] = []
    try:
        outcome = FindingOutcome(draft.outcome)
    except ValueError:
        errors.append(
            ValidationError(
                f"{where}.outcome",
                f"{name}的处理结果",
                "请选择：" + "、".join(f"{o.value}（{o.label}）" for o in FindingOutcome),
            )
        )
        outcome = FindingOutcome.RESOLVED
    case_ref = draft.case_ref.strip()
    linking = outcome is FindingOutcome.CASE and bool(case_ref) and draft.new_case is None
    before = len(errors)
    description = _text(
        errors, draft.description, "finding.description", f"{where}.description", f"{name}的情况"
    )
    if not description and not linking and len(errors) == before:
        errors.append(
            ValidationError(
                f"{where}.description",
                f"{name}的情况",
                "请写明发现了什么纠纷，例如“3号楼602与502因漏水争吵”",
            )
        )
    note = _text(errors, draft.note, "finding.note", f"{where}.note", f"{name}的说明")
    if outcome is FindingOutcome.CASE:
        if not case_ref and draft.new_case is None:
            errors.append(
                ValidationError(
                    f"{where}.case",
                    f"{name}的案件",
                    "登记为案件时，请选一件已登记的案件，或者登记一件新的纠纷",
                )
            )
        if case_ref and draft.new_case is not None:
            errors.append(
                ValidationError(
                    f"{where}.case",
                    f"{name}的案件",
                    "只能选一件已登记的案件或者登记新纠纷，不能两样都写",
                )
            )
    elif case_ref or draft.new_case is not None:
        errors.append(
            ValidationError(
                f"{where}.case",
                f"{name}的案件",
                f"“{outcome.label}”的发现不登记案件；要登记案件，请把处理结果选为"
                f"“{FindingOutcome.CASE.label}”",
            )
        )
    if errors:
        raise ValidationErrors(errors)
    return CleanFinding(description, outcome, case_ref, draft.new_case, note)


def check_round(draft: RoundDraft, today: date) -> CleanRound:
    """The whole round checked; raises `ValidationErrors` naming every wrong field."""
    errors: list[ValidationError] = []
    if draft.held_on is None:
        errors.append(ValidationError("held_on", "排查日期", "请填写日期，例如 2026-11-20"))
    elif draft.held_on > today:
        errors.append(
            ValidationError(
                "held_on", "排查日期", f"{draft.held_on:%Y-%m-%d}还没到，不能晚于今天，请核对"
            )
        )
    # Kept as typed (stripped): a line break, a control character or a page of text is
    # refused, as in every field, not quietly folded into spaces.
    before = len(errors)
    area = _text(errors, draft.area, "round.area", "area")
    if not area and len(errors) == before:
        errors.append(
            ValidationError("area", "排查范围", "请写明排查了哪里，例如“幸福里小区1至6号楼”")
        )
    before = len(errors)
    by = _text(errors, draft.screened_by, "round.screened_by", "screened_by")
    if not by and len(errors) == before:
        errors.append(
            ValidationError("screened_by", "排查人", "请写明谁参加了排查，例如“王建国、李秀英”")
        )
    note = _text(errors, draft.note, "round.note", "note")
    if len(draft.findings) > MAX_FINDINGS:
        errors.append(
            ValidationError("findings", "排查发现", f"一次排查最多记{MAX_FINDINGS}项，请分几次记")
        )
    findings: list[CleanFinding] = []
    for i, finding in enumerate(draft.findings):
        try:
            findings.append(check_finding(finding, i))
        except ValidationErrors as found:
            errors += found.errors
    if errors:
        raise ValidationErrors(errors)
    assert draft.held_on is not None
    return CleanRound(draft.held_on, area, by, note, tuple(findings))


# ================================================================== what is read back


@dataclass(frozen=True)
class FindingView:
    position: int
    description: str
    outcome: FindingOutcome
    note: str = ""
    case_id: int | None = None
    case_number: str = ""
    case_title: str = ""
    #: The linked case's status label now (“调解中”, “履行完毕”…).
    case_status: str = ""

    def line(self) -> str:
        """3号楼漏水——登记为案件（2026）飞人调字第12号，现调解中"""
        text = f"{self.description}——{self.outcome.label}"
        if self.outcome is FindingOutcome.CASE:
            if self.case_number:
                text += f"{self.case_number}，现{self.case_status}"
            else:
                text += "（案件已删除）"
        return text + (f"；{self.note}" if self.note else "")


@dataclass(frozen=True)
class RoundView:
    id: int
    uuid: str
    held_on: date
    area: str
    screened_by: str
    note: str = ""
    findings: tuple[FindingView, ...] = ()

    def count(self, outcome: FindingOutcome) -> int:
        return sum(1 for f in self.findings if f.outcome is outcome)

    def headline(self) -> str:
        """2026-11-20 幸福里小区（王建国、李秀英）：发现2项"""
        found = f"发现{len(self.findings)}项" if self.findings else "未发现矛盾纠纷"
        return f"{self.held_on:%Y-%m-%d} {self.area}（{self.screened_by}）：{found}"


@dataclass(frozen=True)
class ScreeningReport:
    """矛盾纠纷排查情况报告 of a period, for the judicial office."""

    committee: str
    start: date
    end: date
    rounds: tuple[RoundView, ...]
    #: Monday of each week in the period without any round (a week cut by the period's
    #: edges counts when a day of it lies in the period).
    weeks_without_round: tuple[date, ...] = ()

    @property
    def findings(self) -> int:
        return sum(len(r.findings) for r in self.rounds)

    def count(self, outcome: FindingOutcome) -> int:
        return sum(r.count(outcome) for r in self.rounds)

    @property
    def zero_report(self) -> bool:
        """Screened, and nothing found: the 零报告."""
        return bool(self.rounds) and self.findings == 0

    @property
    def kind(self) -> str:
        """weekly, monthly or custom: what the period is."""
        return period_kind(self.start, self.end)

    @property
    def kind_label(self) -> str:
        return {"weekly": "周报", "monthly": "月报"}.get(self.kind, "")

    @property
    def title(self) -> str:
        if self.zero_report:
            return "矛盾纠纷排查零报告"
        return "矛盾纠纷排查情况报告"

    def period_text(self) -> str:
        """2026年11月（月报） / 2026年11月16日至2026年11月22日（周报）"""
        if self.kind == "monthly":
            text = f"{self.start.year}年{self.start.month}月"
        else:
            text = f"{_day(self.start)}至{_day(self.end)}"
        return f"{text}（{self.kind_label}）" if self.kind_label else text

    def summary(self) -> str:
        """The report's sentence, the zero report's included."""
        rounds = len(self.rounds)
        if rounds == 0:
            return "本期没有开展矛盾纠纷排查，也没有排查记录。请补记排查情况，或说明原因后报送。"
        head = f"本期共开展矛盾纠纷排查{rounds}次"
        areas = "、".join(dict.fromkeys(r.area for r in self.rounds))
        head += f"，排查范围：{areas}"
        if self.zero_report:
            return f"{head}。经排查，未发现矛盾纠纷，特此零报告。"
        text = (
            f"{head}。共排查发现矛盾纠纷{self.findings}件，其中当场化解"
            f"{self.count(FindingOutcome.RESOLVED)}件，登记为案件调解"
            f"{self.count(FindingOutcome.CASE)}件，继续关注{self.count(FindingOutcome.WATCH)}件。"
        )
        return text

    def gaps_text(self) -> str:
        """以下各周没有排查记录：… ("" when every week was screened)."""
        if not self.weeks_without_round or not self.rounds:
            return ""
        weeks = "、".join(
            _span(max(monday, self.start), min(monday + timedelta(days=6), self.end))
            for monday in self.weeks_without_round
        )
        return f"以下各周没有排查记录：{weeks}。"


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _short(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _span(first: date, last: date) -> str:
    """11月16日—22日; one day alone as itself."""
    if first == last:
        return _short(first)
    tail = f"{last.day}日" if last.month == first.month else _short(last)
    return f"{_short(first)}—{tail}"


def period_kind(start: date, end: date) -> str:
    """ "weekly" for Monday to Sunday, "monthly" for a whole calendar month, else "custom"."""
    if start.weekday() == 0 and end - start == timedelta(days=6):
        return "weekly"
    # The month's own length: December 9999 has no next month to count back from.
    last_day = calendar.monthrange(end.year, end.month)[1]
    if (
        start.day == 1
        and end.day == last_day
        and (start.year, start.month) == (end.year, end.month)
    ):
        return "monthly"
    return "custom"


def weeks_without(start: date, end: date, held: set[date]) -> tuple[date, ...]:
    """Monday of every week touching the period in which no day of `held` lies (in the week's
    part inside the period)."""
    monday = start - timedelta(days=start.weekday())
    out: list[date] = []
    while monday <= end:
        first, last = max(monday, start), min(monday + timedelta(days=6), end)
        if not any(first <= d <= last for d in held):
            out.append(monday)
        monday += timedelta(days=7)
    return tuple(out)
