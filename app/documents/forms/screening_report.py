"""矛盾纠纷排查情况报告 (or 零报告) — the weekly or monthly screening report to the judicial office.

Who reports and for which period, one paragraph of counts (or the zero report's sentence:
screened, nothing found, 特此零报告), the weeks without any round, then the rounds (date, area,
who screened, how many findings) and every finding with what became of it — the case number
and its status for those registered as cases. The person who filled it in and the one in
charge sign, the committee seals. It takes plain values (`app.domain.screening`).
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import form_document
from app.documents.text import cn_date
from app.documents.tree import (
    Align,
    Block,
    Document,
    Paragraph,
    SignatureBlock,
    Style,
    Table,
    Title,
)
from app.domain.codes import FindingOutcome
from app.domain.screening import ScreeningReport
from app.views import CommitteeInfo


def build_screening_report(
    report: ScreeningReport, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    today = today or date.today()
    blocks: list[Block] = [
        Title(report.title),
        Paragraph(
            f"报送单位：{committee.name}　　报送：司法所　　期间：{report.period_text()}",
            Style.SMALL,
            Align.CENTER,
            indent=False,
        ),
        Paragraph(report.summary()),
    ]
    if report.gaps_text():
        blocks.append(Paragraph(report.gaps_text(), Style.SMALL))
    blocks.append(_heading("一、排查情况"))
    if report.rounds:
        blocks.append(
            Table(
                ("序号", "排查日期", "排查范围", "排查人", "发现"),
                tuple(
                    (
                        str(i),
                        cn_date(r.held_on),
                        r.area + (f"\n{r.note}" if r.note else ""),
                        r.screened_by,
                        f"{len(r.findings)}项" if r.findings else "无",
                    )
                    for i, r in enumerate(report.rounds, 1)
                ),
                (0.1, 0.23, 0.31, 0.24, 0.12),
                style=Style.SMALL,
            )
        )
    else:
        blocks.append(Paragraph("本期没有排查记录。", Style.SMALL))
    blocks.append(_heading("二、排查发现的矛盾纠纷"))
    findings = [(r, f) for r in report.rounds for f in r.findings]
    if findings:
        blocks.append(
            Table(
                ("序号", "排查日期", "纠纷情况", "处理结果"),
                tuple(
                    (
                        str(i),
                        cn_date(r.held_on),
                        f.description + (f"\n{f.note}" if f.note else ""),
                        _outcome(f.outcome, f.case_number, f.case_status),
                    )
                    for i, (r, f) in enumerate(findings, 1)
                ),
                (0.1, 0.23, 0.39, 0.28),
                style=Style.SMALL,
            )
        )
    else:
        blocks.append(Paragraph("未发现矛盾纠纷。", Style.SMALL))
    blocks.append(
        SignatureBlock(
            left=("填报人（签名）：",),
            right=("负责人（签名）：",),
            seal_label="（人民调解委员会印）",
            issuer=committee.name,
            date_text=cn_date(today),
            space_mm=12,
        )
    )
    return form_document(report.title, None, blocks, committee)


def _outcome(outcome: FindingOutcome, number: str, status: str) -> str:
    if outcome is not FindingOutcome.CASE:
        return outcome.label
    if not number:
        return f"{outcome.label}（案件已删除）"
    return f"{outcome.label}\n{number}\n现{status}"


def _heading(text: str) -> Paragraph:
    return Paragraph(text, Style.HEADING, Align.LEFT, indent=False, keep_with_next=True)
