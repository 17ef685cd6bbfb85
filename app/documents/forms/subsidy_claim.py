"""以案定补补贴申报表 — the period's subsidy claim as it goes up to the judicial office.

The committee and the period, one sentence of totals, then four ruled tables: each mediator's
cases and amount with the total; each claimed case with its class, what it is paid for, its
amount and every panel member's share; the cases held back with every reason and what to do;
the cases the scheme does not pay, with why. The scheme's rules close it, then the preparer and
the committee's director sign and the committee seals. It takes plain values: the sheet that
`app.domain.subsidy.claim` computed and the committee's settings.
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
from app.domain.codes import PanelRole
from app.domain.money import format_yuan, from_fen
from app.domain.subsidy import DOSSIER_GAP, ClaimSheet, HeldCase, fraction_text
from app.views import CommitteeInfo

TITLE = "以案定补补贴申报表"


def money(fen: int | None) -> str:
    return "" if fen is None else format_yuan(from_fen(fen))


def build_subsidy_claim(
    sheet: ClaimSheet, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The claim of `sheet` as a document (PDF or Word through the renderers)."""
    today = today or date.today()
    period = f"{cn_date(sheet.start)}至{cn_date(sheet.end)}"
    blocks: list[Block] = [
        Title(TITLE),
        Paragraph(
            f"申报单位：{committee.name}　　期间：{period}（按调解结束的日期）",
            Style.SMALL,
            Align.CENTER,
            indent=False,
        ),
        Paragraph(sheet.summary()),
        _heading("一、调解员补贴汇总"),
        Table(
            ("序号", "调解员", "案件数", "主持人", "调解员", "记录人", "补贴金额（元）"),
            (
                *(
                    (
                        str(i),
                        m.name,
                        str(m.cases),
                        str(m.as_lead),
                        str(m.as_member),
                        str(m.as_recorder),
                        money(m.amount_fen),
                    )
                    for i, m in enumerate(sheet.mediators, 1)
                ),
                ("合计", "", str(len(sheet.lines)), "", "", "", money(sheet.total_fen)),
            ),
            (0.1, 0.2, 0.12, 0.12, 0.12, 0.12, 0.22),
            style=Style.SMALL,
        ),
        _heading("二、申报案件明细"),
        Table(
            ("序号", "案件编号与案由", "类别与计补依据", "案件补贴（元）", "调解员分得（元）"),
            tuple(
                (
                    str(i),
                    f"{line.case.number}\n{line.case.title}\n{cn_date(line.case.ended_on)}结束",
                    f"{line.case_class.label}\n{line.basis_text}",
                    money(line.amount_fen),
                    "\n".join(
                        f"{s.name}（{s.role.label}）{money(s.amount_fen)}" for s in line.shares
                    ),
                )
                for i, line in enumerate(sheet.lines, 1)
            )
            or (("", "本期没有申报的案件", "", "", ""),),
            (0.1, 0.31, 0.19, 0.14, 0.26),
            style=Style.SMALL,
        ),
        _heading("三、暂缓申报的案件（补齐后再申报）"),
    ]
    if sheet.held:
        blocks.append(
            Table(
                ("序号", "案件编号与案由", "暂缓原因和怎样补齐", "补齐后可得（元）"),
                tuple(
                    (
                        str(i),
                        f"{h.case.number}\n{h.case.title}",
                        "\n".join([*h.problems, *(f"{m.name}：{m.what_to_do}" for m in h.missing)]),
                        money(h.amount_fen),
                    )
                    for i, h in enumerate(sheet.held, 1)
                ),
                (0.1, 0.28, 0.47, 0.15),
                style=Style.SMALL,
            )
        )
    else:
        blocks.append(Paragraph("没有暂缓申报的案件。", Style.SMALL))
    blocks.append(_heading("四、不计补贴的案件"))
    if sheet.unpaid:
        blocks.append(
            Table(
                ("序号", "案件编号与案由", "原因"),
                tuple(
                    (str(i), f"{u.case.number}\n{u.case.title}", u.reason)
                    for i, u in enumerate(sheet.unpaid, 1)
                ),
                (0.1, 0.36, 0.54),
                style=Style.SMALL,
            )
        )
    else:
        blocks.append(Paragraph("没有不计补贴的案件。", Style.SMALL))
    blocks += [
        _heading("五、补贴办法"),
        *(Paragraph(text, Style.SMALL) for text in scheme_lines(sheet)),
        SignatureBlock(
            left=("制表人（签名）：",),
            right=("调解委员会主任（签名）：",),
            seal_label="（人民调解委员会印）",
            issuer=committee.name,
            date_text=cn_date(today),
            space_mm=12,
        ),
    ]
    return form_document(TITLE, None, blocks, committee)


def held_lines(held: HeldCase) -> list[str]:
    """Why a case is held back, and for its dossier each missing item with what to do (the
    summary line of the dossier is then not repeated)."""
    problems = [p for p in held.problems if not (held.missing and p.startswith(DOSSIER_GAP))]
    return problems + [f"缺{m.name}：{m.what_to_do}" for m in held.missing]


def scheme_lines(sheet: ClaimSheet) -> list[str]:
    """The scheme's rules in sentences, as the sheet was computed by them."""
    scheme = sheet.scheme
    return [
        "类别和金额：" + "；".join(c.describe() for c in scheme.classes) + "。",
        f"口头协议有证明的，按类别金额的{fraction_text(scheme.oral_share)}计补，没有证明的不计；"
        f"调解不成但有成效的，按类别金额的{fraction_text(scheme.useful_share)}计补。",
        "一件案件的补贴按角色分配："
        f"{PanelRole.LEAD.label}{fraction_text(scheme.lead_share)}，"
        f"{PanelRole.MEMBER.label}{fraction_text(scheme.member_share)}（几位平分），"
        f"{PanelRole.RECORDER.label}{fraction_text(scheme.recorder_share)}；"
        "没有的角色，其份额按比例分给其他角色。金额四舍五入到分；各人的份额先舍去分以下，"
        "余下的分按尾数大小依次补给各人，一件案件各人分得之和正好等于案件补贴。",
    ]


def _heading(text: str) -> Paragraph:
    return Paragraph(text, Style.HEADING, Align.LEFT, indent=False, keep_with_next=True)
