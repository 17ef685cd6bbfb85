"""人民调解案件统计表 — the periodic statistics sheet, A4 landscape.

The committee, the period and the day it was filled in; one ruled table with a row per dispute
type and the total (forms.md: cases received, accepted and mediated, succeeded in writing or
orally, the success rate, the other outcomes, the sources, performance, prevention, persons and
amounts); then the three tiers with the rates, the mediators' and the elder categories' work,
a short note on what the figures count, and lines for who filled it in and who checked it. It
takes a plain `Statistics` value, never the database: the Excel sheet
(`app.services.statistics_sheet`) shows the same rows and columns.
"""

from __future__ import annotations

from datetime import date

from app.documents.text import cn_date
from app.documents.tree import Align, Block, Document, Paragraph, Spacer, Style, Table, Title
from app.domain.statistics import (
    RATE_NOTES,
    SHEET_COLUMNS,
    Figure,
    Rate,
    Statistics,
    percent_text,
    sheet_rows,
    sheet_value_text,
)

TITLE = "人民调解案件统计表"

#: Column widths as shares of the text width: the type, each count, the rate, the amount.
_TYPE_SHARE, _RATE_SHARE, _MONEY_SHARE = 0.065, 0.05, 0.085


def _header(short: str) -> str:
    """Four characters as two lines of two (the columns are narrow); others as they are."""
    return f"{short[:2]}\n{short[2:]}" if len(short) == 4 else short


def _main_table(stats: Statistics) -> Table:
    columns = SHEET_COLUMNS
    counts = sum(1 for c in columns if c.kind not in ("rate", "money"))
    count_share = (1 - _TYPE_SHARE - _RATE_SHARE - _MONEY_SHARE) / counts
    widths = [_TYPE_SHARE] + [
        {"rate": _RATE_SHARE, "money": _MONEY_SHARE}.get(c.kind, count_share) for c in columns
    ]
    rows = tuple(
        (row.label, *(sheet_value_text(c, row.values[c.key]) for c in columns))
        for row in sheet_rows(stats)
    )
    return Table(
        header=("纠纷类型", *(_header(c.short) for c in columns)),
        rows=rows,
        widths=tuple(widths),
        style=Style.SMALL,
        aligns=(Align.LEFT, *(Align.RIGHT for _ in columns)),
    )


def _tier_table(stats: Statistics) -> Table:
    total = stats.total
    tiers = stats.tier_picture()
    cells = (
        ("楼栋化解", f"{tiers.building}"),
        ("院落化解", f"{tiers.courtyard}"),
        ("社区化解", f"{tiers.community}"),
        ("移出社区", f"{tiers.left}"),
        (Rate.LOW_TIER.label, percent_text(tiers.low_tier_share)),
        (Figure.PERFORMED.label, f"{total.performed}"),
        (Rate.PERFORMANCE.label, percent_text(total.performance_rate)),
        (Figure.FOLLOWED_UP.label, f"{total.followed_up}"),
        (Rate.FOLLOW_UP.label, percent_text(total.follow_up_rate)),
        (Figure.CONFIRMATION_APPLIED.label, f"{total.confirmation_applied}"),
    )
    share = 1 / len(cells)
    return Table(
        header=tuple(label for label, _ in cells),
        rows=(tuple(value for _, value in cells),),
        widths=(share,) * len(cells),
        style=Style.CELL,
        aligns=(Align.CENTER,) * len(cells),
    )


_WORK_COLUMNS = (
    Figure.RECEIVED,
    Figure.MEDIATED,
    Figure.SUCCEEDED,
    Figure.FAILED,
    Figure.REFERRED,
    Figure.PERSONS,
)


def _work_table(stats: Statistics) -> Table | None:
    """Each mediator's cases (a case counts for every mediator on its panel), then each
    elder category's (a case once per category on its panel)."""
    groups = [(g.label, g.note, g.figures) for g in stats.mediators]
    groups += [(f"{g.label}（合计）", "五老类别", g.figures) for g in stats.categories]
    if not groups:
        return None
    rows = tuple(
        (
            name,
            note,
            *(str(figures.get(k)) for k in _WORK_COLUMNS),
            percent_text(figures.success_rate),
        )
        for name, note, figures in groups
    )
    share = 0.6 / (len(_WORK_COLUMNS) + 1)
    return Table(
        header=("调解员", "类别", *(k.label for k in _WORK_COLUMNS), Rate.SUCCESS.label),
        rows=rows,
        widths=(0.22, 0.18, *(share,) * (len(_WORK_COLUMNS) + 1)),
        style=Style.CELL,
        aligns=(Align.LEFT, Align.LEFT, *(Align.RIGHT,) * (len(_WORK_COLUMNS) + 1)),
    )


NOTE = (
    "说明：收案按登记日期、受理按受理日期计；调解成功按达成协议的日期计，调解不成、终止调解、"
    "撤回申请、移出社区、不予受理按结案日期计；“调解”是调解成功、调解不成和终止调解的合计，"
    f"调解成功率 = {RATE_NOTES[Rate.SUCCESS].removesuffix('。')}；案件来源按收案计；"
    "自动履行是当期调解成功、到期末履行完毕且没有申请司法确认的案件，司法确认按法院裁定确认"
    "有效的日期计；涉及人数和金额是“调解”案件的合计；一个案件有几位调解员，就计入每位调解员；"
    "金额单位为元，其余为件或人。"
)


def build_statistics_sheet(stats: Statistics, *, made_on: date | None = None) -> Document:
    """The sheet of `stats` as a document (PDF through the renderers; A4 landscape)."""
    made_on = made_on or date.today()
    period = stats.period
    span = "" if period.label == period.span_text else f"（{period.span_text}）"
    blocks: list[Block] = [
        Title(TITLE),
        Paragraph(
            f"填报单位：{stats.committee}　　统计期间：{period.label}{span}"
            f"　　填报日期：{cn_date(made_on)}",
            Style.BODY,
            Align.CENTER,
            indent=False,
        ),
        Spacer(2),
        _main_table(stats),
        Spacer(4),
        Paragraph("三级化解与履行回访", Style.HEADING, Align.LEFT, indent=False),
        _tier_table(stats),
    ]
    work = _work_table(stats)
    if work is not None:
        blocks += [
            Spacer(4),
            Paragraph("调解员工作量", Style.HEADING, Align.LEFT, indent=False),
            work,
        ]
    blocks += [
        Spacer(3),
        Paragraph(NOTE, Style.SMALL, Align.JUSTIFY, indent=False),
        Spacer(6),
        Paragraph(
            "填表人：" + "\u3000" * 10 + "审核人：" + "\u3000" * 10 + "（单位盖章）",
            Style.BODY,
            Align.LEFT,
            indent=False,
        ),
    ]
    return Document(f"{TITLE} {period.label}", tuple(blocks), layout="landscape")
