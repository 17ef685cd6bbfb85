"""矛盾纠纷排查: recording screening rounds and their findings, and the weekly or monthly report
to the judicial office (the zero report included). The rules and the report's words are
`app.domain.screening`; the printed report is `app.documents.forms.screening_report`.

A finding registered as a new case is registered through the usual path
(`app.services.cases.register_case`: its number, its own audit entry) before the round is
recorded; everything is checked first, so a mistake in the round registers nothing.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Case, Committee, ScreeningFinding, ScreeningRound
from app.domain.codes import CaseStatus, FindingOutcome
from app.domain.errors import NotFoundError, UserError, ValidationError, ValidationErrors
from app.domain.rules import check_case
from app.domain.screening import (
    CleanFinding,
    FindingDraft,
    FindingView,
    RoundDraft,
    RoundView,
    ScreeningReport,
    check_finding,
    check_round,
    weeks_without,
)
from app.domain.validation import shown_value
from app.services.database import Database
from app.services.files import write_atomically
from app.services.operations import DEFAULT_ACTOR
from app.services.records import row_fields, row_id
from app.views import Changed

__all__ = [
    "get_round",
    "list_rounds",
    "record_round",
    "remove_round",
    "report_data",
    "save_report",
    "screening_report",
    "update_finding",
]


# ================================================================== reading


def _case_row(session: Session, ref: str) -> tuple[int, str] | None:
    """(id, title) of the case with this number, uuid or id; None if there is none."""
    text = ref.strip()
    query = select(Case.id, Case.title)
    by_id = row_id(text)
    if by_id is not None:
        query = query.where(Case.id == by_id)
    else:
        query = query.where(or_(Case.number == text, Case.uuid == text.lower()))
    row = session.execute(query).first()
    return (row.id, row.title) if row else None


def _find_round(session: Session, ref: str | int) -> ScreeningRound:
    text = str(ref).strip()
    query = select(ScreeningRound).options(selectinload(ScreeningRound.findings))
    by_id = row_id(ref)
    if by_id is not None:
        query = query.where(ScreeningRound.id == by_id)
    else:
        query = query.where(ScreeningRound.uuid == text.lower())
    found = session.scalar(query)
    if found is None:
        raise NotFoundError(
            f"找不到排查记录“{shown_value(text, 40)}”。请用 screening list 查看各次排查的序号。"
        )
    return found


def _views(session: Session, rounds: list[ScreeningRound]) -> list[RoundView]:
    ids = {f.case_id for r in rounds for f in r.findings if f.case_id is not None}
    cases: dict[int, tuple[str, str, str]] = {}
    if ids:
        for row in session.execute(
            select(Case.id, Case.number, Case.title, Case.status).where(Case.id.in_(sorted(ids)))
        ):
            cases[row.id] = (row.number, row.title, CaseStatus(row.status).label)
    return [
        RoundView(
            id=r.id,
            uuid=r.uuid,
            held_on=r.held_on,
            area=r.area,
            screened_by=r.screened_by,
            note=r.note,
            findings=tuple(
                FindingView(
                    position=f.position,
                    description=f.description,
                    outcome=FindingOutcome(f.outcome),
                    note=f.note,
                    case_id=f.case_id,
                    case_number=cases.get(f.case_id, ("", "", ""))[0] if f.case_id else "",
                    case_title=cases.get(f.case_id, ("", "", ""))[1] if f.case_id else "",
                    case_status=cases.get(f.case_id, ("", "", ""))[2] if f.case_id else "",
                )
                for f in sorted(r.findings, key=lambda f: f.position)
            ),
        )
        for r in rounds
    ]


def list_rounds(
    db: Database, start: date | None = None, end: date | None = None
) -> list[RoundView]:
    """The rounds held between `start` and `end` (both included; None: no limit), latest first."""
    query = select(ScreeningRound).options(selectinload(ScreeningRound.findings))
    if start is not None:
        query = query.where(ScreeningRound.held_on >= start)
    if end is not None:
        query = query.where(ScreeningRound.held_on <= end)
    query = query.order_by(ScreeningRound.held_on.desc(), ScreeningRound.id.desc())
    with db.reading() as session:
        return _views(session, list(session.scalars(query)))


def get_round(db: Database, ref: str | int) -> RoundView:
    with db.reading() as session:
        return _views(session, [_find_round(session, ref)])[0]


# ================================================================== writing


def snapshot_round(r: ScreeningRound) -> dict[str, Any]:
    """Every field of a round and its findings, for the audit entry."""
    fields = row_fields(r)
    for f in r.findings:
        for key, value in row_fields(f, f"findings.{f.position}.").items():
            if not key.endswith(".round_id"):
                fields[key] = value
        fields[f"findings.{f.position}.case_id"] = f.case_id  # row_fields drops it as a link
    return fields


def record_round(
    db: Database,
    draft: RoundDraft,
    *,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[RoundView, Changed]:
    """Record a screening round with its findings; new cases among them are registered first."""
    today = today or date.today()
    errors: list[ValidationError] = []
    try:
        clean = check_round(draft, today)
        findings = clean.findings
    except ValidationErrors as wrong:  # the cases named are checked all the same
        errors += wrong.errors
        findings = tuple(
            CleanFinding(f.description, FindingOutcome.CASE, f.case_ref.strip(), f.new_case, "")
            for f in draft.findings
        )
    for i, finding in enumerate(findings):
        if finding.new_case is None:
            continue
        try:
            checked = check_case(finding.new_case, today)
        except ValidationErrors as wrong:
            errors += [
                e.within(f"findings[{i}].new_case", f"第{i + 1}项排查发现登记的纠纷的")
                for e in wrong.errors
            ]
            continue
        if checked.status is not CaseStatus.REGISTERED:
            errors.append(
                ValidationError(
                    f"findings[{i}].new_case.status",
                    f"第{i + 1}项排查发现登记的纠纷的办理状态",
                    f"新登记的纠纷只能是“{CaseStatus.REGISTERED.label}”",
                )
            )
    linked: dict[int, tuple[int, str]] = {}
    with db.reading() as session:
        for i, finding in enumerate(findings):
            if finding.case_ref:
                row = _case_row(session, finding.case_ref)
                if row is None:
                    errors.append(_no_case(i, finding.case_ref))
                else:
                    linked[i] = row
    if errors:
        raise ValidationErrors(errors)

    from app.services.cases import register_case

    registered: dict[int, int] = {}
    for i, finding in enumerate(clean.findings):
        if finding.new_case is not None:
            detail, _ = register_case(db, finding.new_case, today=today, actor=actor)
            registered[i] = detail.id
    with db.operation(actor, "screening.add") as op:
        made = ScreeningRound(
            uuid=str(uuidlib.uuid4()),
            held_on=clean.held_on,
            area=clean.area,
            screened_by=clean.screened_by,
            note=clean.note,
            findings=[
                ScreeningFinding(
                    position=i + 1,
                    description=f.description or (linked[i][1] if i in linked else ""),
                    outcome=f.outcome.value,
                    case_id=registered.get(i) or (linked[i][0] if i in linked else None),
                    note=f.note,
                )
                for i, f in enumerate(clean.findings)
            ],
        )
        op.session.add(made)
        op.session.flush()
        op.track("screening_round", made.uuid, lambda: snapshot_round(made), new=True)
        op.result = _views(op.session, [made])[0]
        touched = frozenset(registered.values()) | frozenset(c for c, _ in linked.values())
        op.refresh(Changed(cases=touched, case_list=bool(registered), due=bool(registered)))
    return op.outcome


def _no_case(index: int, ref: str) -> ValidationError:
    return ValidationError(
        f"findings[{index}].case",
        f"第{index + 1}项排查发现的案件",
        f"找不到案件“{shown_value(ref, 40)}”，请核对案件编号，例如（2026）飞人调字第12号",
    )


def update_finding(
    db: Database,
    round_ref: str | int,
    position: int,
    outcome: str,
    *,
    case_ref: str = "",
    note: str | None = None,
    actor: str = DEFAULT_ACTOR,
) -> tuple[RoundView, Changed]:
    """Change what became of finding `position` (1-based) of a round: a dispute watched that
    became a case is linked to it, one later resolved is marked so."""
    with db.operation(actor, "screening.finding") as op:
        r = _find_round(op.session, round_ref)
        op.track("screening_round", r.uuid, lambda: snapshot_round(r))
        finding = next((f for f in r.findings if f.position == position), None)
        if finding is None:
            raise UserError(
                f"这次排查没有第{position}项发现（共{len(r.findings)}项），请核对序号。"
            )
        clean = check_finding(
            FindingDraft(
                description=finding.description,
                outcome=outcome,
                case_ref=case_ref,
                note=finding.note if note is None else note,
            ),
            position - 1,
        )
        case_id: int | None = None
        if clean.case_ref:
            found = _case_row(op.session, clean.case_ref)
            if found is None:
                raise _no_case(position - 1, clean.case_ref)
            case_id = found[0]
        finding.outcome = clean.outcome.value
        finding.case_id = case_id
        finding.note = clean.note
        op.session.flush()
        op.result = _views(op.session, [r])[0]
        if case_id is not None:
            op.refresh(Changed(cases=frozenset({case_id})))
    return op.outcome


def remove_round(
    db: Database, round_ref: str | int, *, actor: str = DEFAULT_ACTOR
) -> tuple[None, Changed]:
    """Delete a round recorded by mistake (its findings with it; cases stay as they are)."""
    with db.operation(actor, "screening.remove") as op:
        r = _find_round(op.session, round_ref)
        gone: list[bool] = []
        op.track("screening_round", r.uuid, lambda: {} if gone else snapshot_round(r))
        op.session.delete(r)
        op.session.flush()
        gone.append(True)
    return op.outcome


# ================================================================== the report


def screening_report(
    db: Database, start: date, end: date, *, today: date | None = None
) -> ScreeningReport:
    """The screening report of the period (both days included), the zero report included;
    weeks after `today` are not yet counted as weeks without screening."""
    if start > end:
        raise UserError(f"开始日期{start:%Y-%m-%d}晚于结束日期{end:%Y-%m-%d}，请把两个日期对调。")
    rounds = sorted(list_rounds(db, start, end), key=lambda r: (r.held_on, r.id))
    with db.reading() as session:
        name = session.scalar(select(Committee.name).limit(1)) or ""
    until = min(end, today or date.today())
    gaps = weeks_without(start, until, {r.held_on for r in rounds}) if start <= until else ()
    return ScreeningReport(name, start, end, tuple(rounds), gaps)


def report_data(report: ScreeningReport) -> dict[str, Any]:
    """The report as JSON data: the counts, then every round with its findings."""
    return {
        "committee": report.committee,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "kind": report.kind,
        "title": report.title,
        "zero_report": report.zero_report,
        "rounds": len(report.rounds),
        "findings": report.findings,
        "registered_as_cases": report.count(FindingOutcome.CASE),
        "resolved_on_the_spot": report.count(FindingOutcome.RESOLVED),
        "watched": report.count(FindingOutcome.WATCH),
        "weeks_without_screening": [d.isoformat() for d in report.weeks_without_round],
        "summary": report.summary(),
        "screening_rounds": [
            {
                "id": r.id,
                "uuid": r.uuid,
                "held_on": r.held_on.isoformat(),
                "area": r.area,
                "screened_by": r.screened_by,
                "note": r.note,
                "findings": [
                    {
                        "position": f.position,
                        "description": f.description,
                        "outcome": f.outcome.value,
                        "case_number": f.case_number or None,
                        "case_status": f.case_status or None,
                        "note": f.note,
                    }
                    for f in r.findings
                ],
            }
            for r in report.rounds
        ],
    }


def save_report(
    db: Database,
    start: date,
    end: date,
    fmt: str,
    target: Path | str,
    *,
    today: date | None = None,
) -> Path:
    """The report written to `target` as PDF or Word (docx)."""
    from app.documents import check_printable, render
    from app.documents.forms.screening_report import build_screening_report
    from app.services.database import get_committee

    kind = fmt.lower().lstrip(".")
    if kind not in ("pdf", "docx"):
        raise UserError(f"不支持的格式“{fmt}”，排查报告只能保存为 pdf 或 docx（Word）。")
    chosen: Literal["pdf", "docx"] = "pdf" if kind == "pdf" else "docx"
    report = screening_report(db, start, end, today=today)
    document = build_screening_report(report, get_committee(db), today=today or date.today())
    check_printable(document)
    return write_atomically(Path(target), lambda handle: render(document, chosen, handle))
