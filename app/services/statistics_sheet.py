"""The statistics as files: the periodic statistics sheet as Excel and as PDF, and the monthly
register of cases (台账) as Excel.

The Excel sheet has the rows and columns of the printed one (`app.domain.statistics`'s
`SHEET_COLUMNS` and `sheet_rows`): merged titles, a two-row heading with the groups, whole
numbers, rates as percentages and amounts in 元 with two decimals, widths that fit A4 landscape
on one page across, the heading repeated on every printed page. A second sheet has the
mediators' and elder categories' work, a third says what each figure counts. Every file is
written atomically: a full disk never leaves half a workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.codes import DisputeType, Labelled, Source
from app.domain.money import from_fen
from app.domain.statistics import (
    FIGURE_NOTES,
    RATE_NOTES,
    SHEET_COLUMNS,
    Figure,
    Group,
    Outcome,
    Period,
    Rate,
    SheetColumn,
    SheetValue,
    Statistics,
    sheet_rows,
)
from app.services.files import write_atomically
from app.services.statistics import RegisterRow

FONT = "宋体"
TITLE = "人民调解案件统计表"
REGISTER_TITLE = "案件登记台账"

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EDEDED")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")

#: Number formats: whole numbers, percentages with one decimal, 元 with two.
COUNT_FORMAT = "0"
RATE_FORMAT = "0.0%"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

#: Rows of the statistics sheet: title, period line, the two heading rows, then the types.
HEAD_ROW = 4
FIRST_ROW = HEAD_ROW + 2


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _font(size: float = 10.5, bold: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold)


def _print_setup(ws: Worksheet, *, title_rows: str | None = None) -> None:
    """A4 landscape, one page wide, centred, with narrow margins."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    setup = ws.sheet_properties.pageSetUpPr
    if setup is not None:
        setup.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if ws.oddFooter is not None:
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows


def _title(ws: Worksheet, row: int, text: str, columns: int, size: float = 16) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = ws.cell(row, 1, text)
    cell.font = _font(size, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[row].height = size * 2


def _line(ws: Worksheet, row: int, first: int, last: int, text: str, align: str) -> None:
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = ws.cell(row, first, text)
    cell.font = _font(10.5)
    cell.alignment = Alignment(horizontal=align, vertical="center")


def _head(ws: Worksheet, row: int, column: int, text: str, **span: int) -> None:
    """A heading cell (merged over `rows` × `columns` when given), boxed and shaded."""
    rows, columns = span.get("rows", 1), span.get("columns", 1)
    if rows > 1 or columns > 1:
        ws.merge_cells(
            start_row=row,
            start_column=column,
            end_row=row + rows - 1,
            end_column=column + columns - 1,
        )
    for r in range(row, row + rows):
        for c in range(column, column + columns):
            box = ws.cell(r, c)
            box.border = _BOX
            box.fill = _HEAD_FILL
    cell = ws.cell(row, column, text)
    cell.font = _font(10, bold=True)
    cell.alignment = _CENTRE


def _value(column: SheetColumn, value: SheetValue) -> tuple[Any, str]:
    """What a cell holds and its number format: rates as fractions shown as percentages,
    amounts in 元 (exact, as Decimal), counts as whole numbers."""
    if column.kind == "rate":
        if not isinstance(value, Decimal):
            return "—", COUNT_FORMAT
        return value / 100, RATE_FORMAT
    if column.kind == "money":
        return from_fen(int(value or 0)), MONEY_FORMAT
    return int(value or 0), COUNT_FORMAT


def _data(ws: Worksheet, row: int, column: int, value: Any, fmt: str, bold: bool = False) -> None:
    cell = ws.cell(row, column, value)
    cell.number_format = fmt
    cell.font = _font(10.5, bold=bold)
    cell.border = _BOX
    cell.alignment = _CENTRE if isinstance(value, str) else _RIGHT


def _statistics_sheet(ws: Worksheet, stats: Statistics, made_on: date) -> None:
    columns = len(SHEET_COLUMNS) + 1
    period = stats.period
    span = "" if period.label == period.span_text else f"（{period.span_text}）"
    _title(ws, 1, TITLE, columns)
    _line(ws, 2, 1, 13, f"填报单位：{stats.committee}　统计期间：{period.label}{span}", "left")
    _line(ws, 2, 14, columns, f"填报日期：{_day(made_on)}　单位：件、人、元", "right")
    _head(ws, HEAD_ROW, 1, "纠纷类型", rows=2)
    c = 2
    while c <= columns:
        column = SHEET_COLUMNS[c - 2]
        if not column.group:
            _head(ws, HEAD_ROW, c, column.label, rows=2)
            c += 1
            continue
        width = sum(1 for k in SHEET_COLUMNS if k.group == column.group)
        _head(ws, HEAD_ROW, c, column.group, columns=width)
        for k in range(width):
            _head(ws, HEAD_ROW + 1, c + k, SHEET_COLUMNS[c - 2 + k].label)
        c += width
    ws.row_dimensions[HEAD_ROW].height = 22
    ws.row_dimensions[HEAD_ROW + 1].height = 30
    rows = sheet_rows(stats)
    for r, row in enumerate(rows, FIRST_ROW):
        is_total = not row.key
        name = ws.cell(r, 1, row.label)
        name.font = _font(10.5, bold=is_total)
        name.border = _BOX
        name.alignment = _CENTRE if is_total else _LEFT
        for k, column in enumerate(SHEET_COLUMNS, 2):
            _data(ws, r, k, *_value(column, row.values[column.key]), bold=is_total)
        ws.row_dimensions[r].height = 18
    ws.column_dimensions["A"].width = 13
    for k, column in enumerate(SHEET_COLUMNS, 2):
        wide = {"money": 15, "rate": 9}.get(column.kind, 7.5)
        ws.column_dimensions[get_column_letter(k)].width = wide
    ws.freeze_panes = f"B{FIRST_ROW}"

    below = FIRST_ROW + len(rows) + 1
    _title(ws, below, "三级化解与履行回访", columns, size=12)
    total = stats.total
    tiers = stats.tier_picture()
    picture: Sequence[tuple[str, Any, str]] = (
        ("楼栋化解", tiers.building, COUNT_FORMAT),
        ("院落化解", tiers.courtyard, COUNT_FORMAT),
        ("社区化解", tiers.community, COUNT_FORMAT),
        ("移出社区", tiers.left, COUNT_FORMAT),
        (Rate.LOW_TIER.label, tiers.low_tier_share, RATE_FORMAT),
        (Figure.PERFORMED.label, total.performed, COUNT_FORMAT),
        (Rate.PERFORMANCE.label, total.performance_rate, RATE_FORMAT),
        (Figure.FOLLOWED_UP.label, total.followed_up, COUNT_FORMAT),
        (Rate.FOLLOW_UP.label, total.follow_up_rate, RATE_FORMAT),
        (Figure.CONFIRMATION_APPLIED.label, total.confirmation_applied, COUNT_FORMAT),
    )
    for k, (label, value, fmt) in enumerate(picture):
        first = 1 + 2 * k
        _head(ws, below + 1, first, label, columns=2)
        if fmt == RATE_FORMAT:
            value = "—" if value is None else value / 100
        ws.merge_cells(
            start_row=below + 2, start_column=first, end_row=below + 2, end_column=first + 1
        )
        _data(ws, below + 2, first, value, fmt)
        ws.cell(below + 2, first + 1).border = _BOX
        ws.cell(below + 2, first).alignment = _CENTRE
    ws.row_dimensions[below + 1].height = 30
    sign = below + 4
    _line(ws, sign, 1, 8, "填表人：", "left")
    _line(ws, sign, 9, 15, "审核人：", "left")
    _line(ws, sign, 16, columns, "（单位盖章）", "left")
    _print_setup(ws, title_rows=f"{HEAD_ROW}:{HEAD_ROW + 1}")


_WORK = (
    Figure.RECEIVED,
    Figure.ACCEPTED,
    Figure.MEDIATED,
    Figure.SUCCEEDED,
    Figure.WRITTEN,
    Figure.ORAL,
    Figure.FAILED,
    Figure.REFERRED,
    Figure.PERSONS,
)


def _work_rows(ws: Worksheet, row: int, groups: Sequence[Group], first: str, second: str) -> int:
    headings = (first, second, *(k.label for k in _WORK), Rate.SUCCESS.label)
    for c, text in enumerate(headings, 1):
        _head(ws, row, c, text)
    for r, g in enumerate(groups, row + 1):
        for c, text in enumerate((g.label, g.note), 1):
            cell = ws.cell(r, c, text)
            cell.font = _font()
            cell.border = _BOX
            cell.alignment = _LEFT
        for c, k in enumerate(_WORK, 3):
            _data(ws, r, c, g.figures.get(k), COUNT_FORMAT)
        rate = g.figures.success_rate
        _data(ws, r, len(headings), "—" if rate is None else rate / 100, RATE_FORMAT)
    return row + len(groups) + 1


def _work_sheet(ws: Worksheet, stats: Statistics) -> None:
    columns = len(_WORK) + 3
    _title(ws, 1, f"{stats.committee}调解员工作量（{stats.period.label}）", columns, size=14)
    _line(
        ws,
        2,
        1,
        columns,
        "一个案件有几位调解员，就计入每位调解员；五老类别中，一个案件只计一次。",
        "left",
    )
    row = _work_rows(ws, 4, stats.mediators, "调解员", "五老类别")
    categories = [Group(g.key, g.label, g.figures, note="") for g in stats.categories]
    _work_rows(ws, row + 1, categories, "五老类别", "")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 12
    for c in range(3, columns + 1):
        ws.column_dimensions[get_column_letter(c)].width = 10
    _print_setup(ws)


def _notes_sheet(ws: Worksheet, stats: Statistics) -> None:
    _title(ws, 1, "统计口径说明", 2, size=14)
    row = 3
    for figure in Figure:
        ws.cell(row, 1, figure.label).font = _font(bold=True)
        note = ws.cell(row, 2, FIGURE_NOTES[figure])
        note.font = _font()
        note.alignment = _LEFT
        row += 1
    for rate in Rate:
        ws.cell(row, 1, rate.label).font = _font(bold=True)
        note = ws.cell(row, 2, RATE_NOTES[rate])
        note.font = _font()
        note.alignment = _LEFT
        row += 1
    sources = "、".join(s.label for s in Source)
    ws.cell(row + 1, 1, "案件来源").font = _font(bold=True)
    ws.cell(row + 1, 2, f"按收案计；来源有{sources}，“移交委托”是法院、公安、政府部门移交的合计。")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 110
    _print_setup(ws)


def statistics_workbook(stats: Statistics, made_on: date | None = None) -> Workbook:
    """The sheet of `stats` as a workbook: 统计表, 调解员, 说明."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "统计表"
    _statistics_sheet(sheet, stats, made_on or date.today())
    _work_sheet(book.create_sheet("调解员"), stats)
    _notes_sheet(book.create_sheet("说明"), stats)
    book.properties.title = f"{TITLE} {stats.period.label}"
    book.properties.creator = "老娘舅"
    return book


def write_statistics_xlsx(stats: Statistics, target: Path, made_on: date | None = None) -> Path:
    """Write the statistics sheet of `stats` to `target` (.xlsx), atomically."""
    book = statistics_workbook(stats, made_on)
    return write_atomically(Path(target), book.save)


def write_statistics_pdf(stats: Statistics, target: Path, made_on: date | None = None) -> Path:
    """Write the printed statistics sheet (A4 landscape) to `target` (.pdf), atomically."""
    from app.documents import render
    from app.documents.forms.statistics_sheet import build_statistics_sheet

    document = build_statistics_sheet(stats, made_on=made_on)
    return write_atomically(Path(target), lambda out: render(document, "pdf", out))


# ---------------------------------------------------------------------------------------------
# The register


def _label(enum: type[Labelled], code: str) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


#: (heading, width, value of a row): the register's columns.
_REGISTER: tuple[tuple[str, float], ...] = (
    ("序号", 6),
    ("案件编号", 24),
    ("收案日期", 12),
    ("申请人", 16),
    ("被申请人", 16),
    ("纠纷类型", 13),
    ("案由", 26),
    ("来源", 14),
    ("受理日期", 12),
    ("调解员", 16),
    ("层级", 13),
    ("办理状态", 10),
    ("调解结果", 10),
    ("结案日期", 12),
    ("协议形式", 10),
    ("涉及人数", 9),
    ("涉及金额（元）", 14),
)


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide (Chinese counts two)."""
    units = sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)
    return max(1, -(-units // max(1, int(width) - 1)))


def _register_values(index: int, row: RegisterRow) -> tuple[Any, ...]:
    return (
        index,
        row.number,
        row.received_on,
        row.applicants,
        row.respondents,
        _label(DisputeType, row.dispute_type),
        row.title,
        _label(Source, row.source),
        row.accepted_on,
        row.mediators,
        row.tier.label,
        row.status.label,
        row.outcome.label if row.outcome else "",
        row.outcome_on,
        row.agreement_form.label if row.agreement_form and row.outcome is Outcome.SUCCEEDED else "",
        row.persons,
        from_fen(row.amount_fen) if row.amount_fen is not None else None,
    )


def register_workbook(
    rows: Sequence[RegisterRow], period: Period, committee: str, made_on: date | None = None
) -> Workbook:
    """The register of `rows` (the cases received in `period`)."""
    made_on = made_on or date.today()
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "台账"
    columns = len(_REGISTER)
    _title(ws, 1, f"{committee}{REGISTER_TITLE}（{period.label}）", columns)
    _line(ws, 2, 1, 9, f"收案日期：{period.span_text}　共{len(rows)}件", "left")
    _line(ws, 2, 10, columns, f"制表日期：{_day(made_on)}", "right")
    for c, (heading, width) in enumerate(_REGISTER, 1):
        _head(ws, 3, c, heading)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[3].height = 30
    for r, row in enumerate(rows, 4):
        values = _register_values(r - 3, row)
        lines = max(
            _lines(v, width)
            for v, (_h, width) in zip(values, _REGISTER, strict=True)
            if isinstance(v, str)
        )
        ws.row_dimensions[r].height = 15 * lines + 3
        for c, value in enumerate(values, 1):
            cell = ws.cell(r, c, value)
            cell.font = _font(10)
            cell.border = _BOX
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
                cell.alignment = _CENTRE
            elif isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
                cell.alignment = _RIGHT
            elif isinstance(value, int):
                cell.number_format = COUNT_FORMAT
                cell.alignment = _RIGHT
            else:
                cell.alignment = _LEFT
    if not rows:
        _line(ws, 4, 1, columns, "本月没有收案。", "center")
    ws.freeze_panes = "C4"
    ws.auto_filter.ref = f"A3:{get_column_letter(columns)}{max(3, 3 + len(rows))}"
    _print_setup(ws, title_rows="3:3")
    book.properties.title = f"{committee}{REGISTER_TITLE} {period.label}"
    book.properties.creator = "老娘舅"
    return book


def write_register_xlsx(
    rows: Sequence[RegisterRow],
    period: Period,
    committee: str,
    target: Path,
    made_on: date | None = None,
) -> Path:
    """Write the register to `target` (.xlsx), atomically."""
    book = register_workbook(rows, period, committee, made_on)
    return write_atomically(Path(target), book.save)
