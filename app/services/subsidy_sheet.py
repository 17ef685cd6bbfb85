"""The 以案定补 claim sheet as an Excel workbook (openpyxl): what goes up to the judicial office.

Sheets, each under a merged title with the committee, the period and the day it was made:

- 补贴汇总 — one mediator a row: cases, as lead / member / recorder, amount; the total below;
- 案件明细 — one panel member of one claimed case a row (the case's columns repeated, so the
  sheet can be filtered and sorted): number, cause, day it ended, class, what it is paid for,
  the case's amount, the mediator, the role and their share; the total below;
- 暂缓申报 — the cases held back, with every reason and, for the dossier, what to do;
- 不计补贴 — the cases the scheme does not pay, with why;
- 补贴办法 — the scheme the sheet was computed by.

Amounts are numbers of yuan with two decimals (format ``#,##0.00``), dates real dates: the
figures are values, not formulas, so any program that reopens the file reads them as written.
openpyxl is imported here only, when a sheet is written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.codes import PanelRole
from app.domain.money import from_fen
from app.domain.subsidy import ClaimCase, ClaimSheet, fraction_text

YUAN = "#,##0.00"
DAY = "yyyy-mm-dd"
COUNT = "0"
SHEET_TOTALS = "补贴汇总"
SHEET_LINES = "案件明细"
SHEET_HELD = "暂缓申报"
SHEET_UNPAID = "不计补贴"
SHEET_SCHEME = "补贴办法"
#: The row the table's header is on (title, period and summary above it, one empty row).
HEADER_ROW = 5
TITLE = "以案定补补贴申报表"

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str = ""
    #: Long text wraps in its cell instead of widening the column past `max_width`.
    wrap: bool = False
    max_width: int = 40


def yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else from_fen(fen)


def period_text(sheet: ClaimSheet) -> str:
    return f"{_day(sheet.start)}至{_day(sheet.end)}"


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_claim_workbook(sheet: ClaimSheet, target: BinaryIO, *, today: date) -> None:
    """Write the workbook of `sheet` to a binary stream."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    heading = (
        f"{sheet.committee}　{TITLE}" if sheet.committee else TITLE,
        f"期间：{period_text(sheet)}（按调解结束的日期）　　制表日期：{today:%Y-%m-%d}",
        sheet.summary(),
    )
    _totals(book, sheet, heading)
    _lines(book, sheet, heading)
    _held(book, sheet, heading)
    _unpaid(book, sheet, heading)
    _scheme(book, sheet, heading)
    book.properties.title = heading[0]
    book.properties.creator = "老娘舅"
    book.save(target)


def _totals(book: Workbook, sheet: ClaimSheet, heading: tuple[str, str, str]) -> None:
    columns = [
        Column("序号", COUNT),
        Column("调解员"),
        Column("案件数", COUNT),
        Column("任主持人", COUNT),
        Column("任调解员", COUNT),
        Column("任记录人", COUNT),
        Column("补贴金额（元）", YUAN),
    ]
    rows: list[list[Any]] = [
        [i, m.name, m.cases, m.as_lead, m.as_member, m.as_recorder, yuan(m.amount_fen)]
        for i, m in enumerate(sheet.mediators, 1)
    ]
    total = ["合计", "", len(sheet.lines), None, None, None, yuan(sheet.total_fen)]
    ws = _table(book, SHEET_TOTALS, heading, columns, rows, total)
    ws.cell(HEADER_ROW + len(rows) + 2, 1, "注：案件数为申报的案件件数；一件案件由几位调解员分得。")


def _case_columns(title_width: int) -> list[Column]:
    """The columns that say which case a row is of, first on the sheets of cases."""
    return [
        Column("序号", COUNT),
        Column("案件编号"),
        Column("案由", wrap=True, max_width=title_width),
        Column("调解结束日期", DAY),
    ]


def _case_cells(i: int, case: ClaimCase) -> list[Any]:
    return [i, case.number, case.title, case.ended_on]


def _case_total(cases: int) -> list[Any]:
    """The total row's cells under `_case_columns`."""
    return ["合计", f"{cases}件", "", None]


def _lines(book: Workbook, sheet: ClaimSheet, heading: tuple[str, str, str]) -> None:
    columns = [
        *_case_columns(30),
        Column("补贴类别"),
        Column("计补依据", wrap=True, max_width=24),
        Column("案件补贴（元）", YUAN),
        Column("调解员"),
        Column("角色"),
        Column("分得金额（元）", YUAN),
    ]
    rows: list[list[Any]] = []
    for i, line in enumerate(sheet.lines, 1):
        for share in line.shares:
            rows.append(
                [
                    *_case_cells(i, line.case),
                    line.case_class.label,
                    line.basis_text,
                    yuan(line.amount_fen),
                    share.name,
                    share.role.label,
                    yuan(share.amount_fen),
                ]
            )
    shared = sum(s.amount_fen for line in sheet.lines for s in line.shares)
    total = [*_case_total(len(sheet.lines)), "", "", yuan(sheet.total_fen), "", "", yuan(shared)]
    _table(book, SHEET_LINES, heading, columns, rows, total)


def _held(book: Workbook, sheet: ClaimSheet, heading: tuple[str, str, str]) -> None:
    columns = [
        *_case_columns(24),
        Column("补贴类别"),
        Column("补齐后可得（元）", YUAN),
        Column("暂缓原因", wrap=True, max_width=40),
        Column("怎样补齐", wrap=True, max_width=60),
    ]
    rows: list[list[Any]] = []
    for i, held in enumerate(sheet.held, 1):
        case = held.case
        label = (
            sheet.scheme.label_of(case.class_code)
            if case.class_code
            else f"未定（建议{case.suggested.label}）"
        )
        rows.append(
            [
                *_case_cells(i, case),
                label,
                yuan(held.amount_fen),
                "\n".join(held.problems),
                "\n".join(f"{m.name}：{m.what_to_do}" for m in held.missing),
            ]
        )
    total = [*_case_total(len(sheet.held)), "", yuan(sheet.held_fen), "", ""]
    ws = _table(book, SHEET_HELD, heading, columns, rows, total)
    if not rows:
        ws.cell(HEADER_ROW + 1, 2, "没有暂缓申报的案件")


def _unpaid(book: Workbook, sheet: ClaimSheet, heading: tuple[str, str, str]) -> None:
    columns = [
        *_case_columns(30),
        Column("结果", wrap=True, max_width=24),
        Column("不计补贴的原因", wrap=True, max_width=50),
    ]
    rows: list[list[Any]] = [
        [*_case_cells(i, u.case), u.case.ending.label, u.reason]
        for i, u in enumerate(sheet.unpaid, 1)
    ]
    ws = _table(book, SHEET_UNPAID, heading, columns, rows, None)
    if not rows:
        ws.cell(HEADER_ROW + 1, 2, "没有不计补贴的案件")


def _scheme(book: Workbook, sheet: ClaimSheet, heading: tuple[str, str, str]) -> None:
    scheme = sheet.scheme
    columns = [
        Column("类别"),
        Column("补贴金额（元）", YUAN),
        Column("建议条件（满足任一项）", wrap=True, max_width=60),
    ]
    rows: list[list[Any]] = [
        [c.label, yuan(c.amount_fen), "，或".join(c.conditions()) or "其他案件"]
        for c in scheme.classes
    ]
    ws = _table(book, SHEET_SCHEME, heading, columns, rows, None)
    notes = (
        f"口头协议有证明的，按类别金额的{fraction_text(scheme.oral_share)}计补；没有证明的不计。",
        f"调解不成但有成效的，按类别金额的{fraction_text(scheme.useful_share)}计补。",
        "一件案件的补贴按角色分配："
        f"{PanelRole.LEAD.label}{fraction_text(scheme.lead_share)}，"
        f"{PanelRole.MEMBER.label}{fraction_text(scheme.member_share)}（几位平分），"
        f"{PanelRole.RECORDER.label}{fraction_text(scheme.recorder_share)}；"
        "没有的角色，其份额按比例分给其他角色。",
        "金额先按四舍五入到分；各人的份额先舍去分以下，余下的分按尾数大小依次补给各人，"
        "一件案件各人分得之和正好等于案件补贴。",
    )
    row = HEADER_ROW + len(rows) + 2
    for text in notes:
        ws.cell(row, 1, text)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
        row += 1


def _table(
    book: Workbook,
    name: str,
    heading: tuple[str, str, str],
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    total: Sequence[Any] | None,
) -> Worksheet:
    """A sheet: the merged title lines, the header on `HEADER_ROW`, the rows, the total row."""
    ws = book.create_sheet(name)
    width = len(columns)
    for line, (text, size, bold) in enumerate(
        ((heading[0], 16, True), (heading[1], 11, False), (heading[2], 11, False)), 1
    ):
        cell = ws.cell(line, 1, text)
        cell.font = Font(size=size, bold=bold)
        cell.alignment = Alignment(
            horizontal="center" if line == 1 else "left", vertical="center", wrap_text=True
        )
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
    ws.row_dimensions[1].height = 28
    ws.row_dimensions[3].height = 32
    for col, column in enumerate(columns, 1):
        cell = ws.cell(HEADER_ROW, col, column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body = list(rows) + ([list(total)] if total is not None else [])
    for r, values in enumerate(body, HEADER_ROW + 1):
        is_total = total is not None and r == HEADER_ROW + len(body)
        for col, (column, value) in enumerate(zip(columns, values, strict=True), 1):
            cell = ws.cell(r, col, value)
            cell.border = _BOX
            if column.number_format and not isinstance(value, str):
                cell.number_format = column.number_format
            cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = _TOTAL_FILL
    for col, column in enumerate(columns, 1):
        values = [row[col - 1] for row in body]
        ws.column_dimensions[get_column_letter(col)].width = _width(column, values)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return ws


def _width(column: Column, values: Sequence[Any]) -> float:
    widest = _display_width(column.header) if not column.wrap else 8
    for value in values:
        if isinstance(value, date):
            widest = max(widest, 11)
        elif isinstance(value, Decimal):
            widest = max(widest, len(f"{value:,.2f}") + 1)
        elif value is not None:
            for line in str(value).splitlines() or [""]:
                widest = max(widest, _display_width(line))
    if column.wrap:
        widest = max(widest, min(_display_width(column.header), column.max_width))
    return float(min(widest + 2, column.max_width))


def _display_width(text: str) -> int:
    """Chinese characters take two columns of a fixed-width font."""
    return sum(2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1 for ch in text)
