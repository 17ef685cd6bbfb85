"""The mediator roster as an Excel workbook: exported to keep and correct, read back all or
nothing.

The workbook has one sheet per list of the roster form: 调解员名册 (one mediator a row, its last
column 编号 their uuid), 外出, 培训 and 回避关系 (one entry a row, tied to a mediator by 编号, or
by 姓名 when the 编号 is empty), and a 工作记录 sheet that is only to read. Columns are found by
their Chinese header, so a committee may reorder them or add columns of its own.

The import checks every row with the roster form's own checks (`check_mediator`) and reports
every problem at once, each by its row and column as Excel shows them; with any problem
nothing is written. Values from the sheet are never logged: it holds names, ID numbers and
phone numbers.
"""

from __future__ import annotations

import re
import unicodedata
import uuid as uuidlib
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Mediator
from app.domain.codes import DisputeType, PanelRole, RelationKind, Sex, Tier
from app.domain.errors import ImportFileError, UserError, ValidationError, ValidationErrors
from app.domain.roster import (
    FIELDS,
    MAX_CASE_LIMIT,
    MAX_TRAINING_HOURS,
    AbsenceDraft,
    MediatorDraft,
    RelationDraft,
    TrainingDraft,
    check_mediator,
)
from app.services.database import Database
from app.services.files import os_problem, write_atomically
from app.services.mediators import (
    category_pairs,
    draft_of,
    fill_mediator,
    mediator_record,
    snapshot_mediator,
)
from app.services.operations import DEFAULT_ACTOR, canonical_fields
from app.views import Changed, MediatorRecord

SHEET_ROSTER = "调解员名册"
SHEET_ABSENCES = "外出"
SHEET_TRAININGS = "培训"
SHEET_RELATIONS = "回避关系"
SHEET_RECORD = "工作记录"
#: Hidden: the committee's category labels, which the 类别 column's drop-down list points at.
SHEET_CHOICES = "选项"

ID_HEADER = "编号"
NAME_HEADER = FIELDS["name"].label
YES, NO = "是", "否"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
#: Rows below the last mediator that still get the drop-down lists, for mediators typed in.
ROWS_TO_ADD = 500
#: The header is looked for in the first rows, in case a title line was put above it.
HEADER_SEARCH_ROWS = 10
SUFFIXES = (".xlsx", ".xlsm")
NOTHING_CHANGED = "名册没有导入，数据库没有任何改动。"

#: The list sheets' own columns (after 编号 and 姓名): draft field → header.
ABSENCE_COLUMNS = {"from_on": "开始日期", "to_on": "结束日期", "reason": "原因"}
TRAINING_COLUMNS = {"on": "日期", "topic": "培训内容", "hours": "学时"}
RELATION_COLUMNS = {
    "person_name": "对方姓名",
    "kind": "关系",
    "id_number": "对方身份证号",
    "phone": "对方电话",
    "notes": "说明",
}
#: Draft list → its sheet and columns.
LIST_SHEETS = {
    "absences": (SHEET_ABSENCES, ABSENCE_COLUMNS),
    "trainings": (SHEET_TRAININGS, TRAINING_COLUMNS),
    "relations": (SHEET_RELATIONS, RELATION_COLUMNS),
}
#: Columns kept as text in Excel: a phone or ID number typed into a number cell loses digits.
TEXT_FIELDS = {"phone", "building", "unit", "room", "id_number"}

_HINTS = {
    "sex": "填写“男”或“女”，可以不填。",
    "birth_date": "写成 年-月-日，例如 1958-03-02。",
    "elder_category": "从下拉列表中选择本委员会的类别，可以不填。",
    "specialties": "可填："
    + "、".join(t.label for t in DisputeType)
    + "。几种之间用顿号“、”分开。",
    "active": "填写“是”或“否”；不填时新增的调解员为“是”，已有的保持不变。",
    "committee_member": "填写“是”或“否”；不填时新增的调解员为“否”，已有的保持不变。",
    "case_limit": f"1到{MAX_CASE_LIMIT}之间的整数；不填表示按委员会的规定。",
}
_ID_HINT = (
    "由程序填写，用来认出已有的调解员：请不要修改。新增调解员时留空；"
    "导入时编号相同的一行会更新这位调解员。"
)

CellValue = Any
Row = tuple[CellValue, ...]


# ====================================================================== problems


@dataclass(frozen=True)
class SheetProblem:
    """One wrong cell (or a wrong row or sheet) of a roster workbook."""

    sheet: str
    row: int
    column: str
    problem: str

    @property
    def text(self) -> str:
        where = f"第{self.row}行“{self.column}”" if self.column else f"第{self.row}行"
        if self.sheet != SHEET_ROSTER:
            where = f"“{self.sheet}”表{where}"
        return f"{where}：{self.problem}"


class RosterSheetError(ImportFileError):
    """The workbook has wrong cells; `problems` lists every one. Nothing was imported."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        self.problems = problems
        lines = [f"{NOTHING_CHANGED}表格中有{len(problems)}处需要改正，改好后请重新导入："]
        lines += [p.text for p in problems]
        super().__init__("\n".join(lines))


class _CellProblem(Exception):
    """Raised by a cell reader: the problem, in Chinese, with how to fix it."""


def _refuse(problem: str) -> ImportFileError:
    return ImportFileError(f"{problem}{NOTHING_CHANGED}")


# ====================================================================== export


def export_roster(db: Database, path: Path | str) -> str:
    """Write the roster to an .xlsx workbook at `path`; returns what was written, in Chinese."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError(
            f"名册要保存为 Excel 工作簿，文件名应以 .xlsx 结尾，例如 {target.stem or '名册'}.xlsx。"
        )
    book, counts = roster_workbook(db)
    write_atomically(target, book.save)
    mediators, absences, trainings, relations = counts
    return (
        f"已导出调解员{mediators}名到“{target}”"
        f"（外出{absences}条、培训{trainings}条、回避关系{relations}条）。"
    )


def roster_workbook(db: Database) -> tuple[Workbook, tuple[int, int, int, int]]:
    """The workbook and (mediators, absences, trainings, relations) written into it."""
    with db.reading() as session:
        pairs = category_pairs(session)
        mediators = _all_mediators(session)
        book = Workbook()
        roster = book.active
        assert isinstance(roster, Worksheet)
        roster.title = SHEET_ROSTER
        _write_roster(roster, mediators, dict(pairs))
        absences, trainings, relations = (_write_list(book, n, mediators) for n in LIST_SHEETS)
        uuids = [m.uuid for m in mediators]
    _write_record(book, [mediator_record(db, u) for u in uuids])
    _write_choices(book, roster, [label for _, label in pairs])
    return book, (len(mediators), absences, trainings, relations)


def _all_mediators(session: Session) -> list[Mediator]:
    query = (
        select(Mediator)
        .options(
            selectinload(Mediator.specialties),
            selectinload(Mediator.absences),
            selectinload(Mediator.trainings),
            selectinload(Mediator.relations),
        )
        .order_by(Mediator.active.desc(), Mediator.name, Mediator.id)
    )
    return list(session.scalars(query))


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _roster_values(m: Mediator, labels: dict[str, str]) -> list[CellValue]:
    values: dict[str, CellValue] = {
        "name": m.name,
        "sex": Sex(m.sex).label if m.sex else None,
        "ethnicity": m.ethnicity,
        "birth_date": m.birth_date,
        "elder_category": labels.get(m.elder_category, m.elder_category)
        if m.elder_category
        else None,
        "compound": m.compound,
        "building": m.building,
        "unit": m.unit,
        "room": m.room,
        "phone": m.phone,
        "specialties": "、".join(DisputeType(s.dispute_type).label for s in m.specialties),
        "languages": m.languages,
        "active": _yes_no(m.active),
        "committee_member": _yes_no(m.committee_member),
        "case_limit": m.case_limit,
        "notes": m.notes,
    }
    # An empty text is an empty cell, not a cell holding "".
    return [values[name] if values[name] != "" else None for name in FIELDS] + [m.uuid]


def _write_roster(sheet: Worksheet, mediators: list[Mediator], labels: dict[str, str]) -> None:
    headers = [info.label for info in FIELDS.values()] + [ID_HEADER]
    rows = [_roster_values(m, labels) for m in mediators]
    _write_table(sheet, headers, rows)
    names = list(FIELDS)
    for name, hint in _HINTS.items():
        sheet.cell(1, names.index(name) + 1).comment = Comment(hint, "老娘舅")
    sheet.cell(1, len(headers)).comment = Comment(_ID_HINT, "老娘舅")
    _format_columns(sheet, [names.index(n) + 1 for n in TEXT_FIELDS if n in FIELDS], TEXT_FORMAT)
    _format_columns(sheet, [names.index("birth_date") + 1], DATE_FORMAT)
    last = len(rows) + 1 + ROWS_TO_ADD
    _choice_list(sheet, names.index("sex") + 1, last, [s.label for s in Sex])
    _choice_list(sheet, names.index("active") + 1, last, [YES, NO])
    _choice_list(sheet, names.index("committee_member") + 1, last, [YES, NO])


def _list_rows(name: str, m: Mediator) -> list[list[CellValue]]:
    head: list[CellValue] = [m.uuid, m.name]
    if name == "absences":
        return [[*head, a.from_on, a.to_on, a.reason or None] for a in m.absences]
    if name == "trainings":
        # The hours as a number (90 minutes → 1.5), so the sheet can add them up.
        return [[*head, t.on, t.topic, t.minutes / 60] for t in m.trainings]
    return [
        [
            *head,
            r.person_name,
            RelationKind(r.kind).label,
            r.id_number or None,
            r.phone or None,
            r.notes or None,
        ]
        for r in m.relations
    ]


def _write_list(book: Workbook, name: str, mediators: list[Mediator]) -> int:
    """One list sheet (外出, 培训 or 回避关系); returns its number of entries."""
    title, columns = LIST_SHEETS[name]
    sheet = book.create_sheet(title)
    headers = [ID_HEADER, NAME_HEADER, *columns.values()]
    rows = [row for m in mediators for row in _list_rows(name, m)]
    _write_table(sheet, headers, rows)
    sheet.cell(1, 1).comment = Comment(
        "调解员在“调解员名册”表中的编号；新增的调解员还没有编号时留空，只写姓名。", "老娘舅"
    )
    keys = list(columns)
    dates = [keys.index(k) + 3 for k in ("from_on", "to_on", "on") if k in columns]
    _format_columns(sheet, dates, DATE_FORMAT)
    texts = [keys.index(k) + 3 for k in TEXT_FIELDS if k in columns]
    _format_columns(sheet, texts, TEXT_FORMAT)
    if name == "trainings":
        sheet.cell(1, keys.index("hours") + 3).comment = Comment(
            "小时数，例如 2 或 1.5（一个半小时）。", "老娘舅"
        )
    if name == "relations":
        last = len(rows) + 1 + ROWS_TO_ADD
        _choice_list(sheet, keys.index("kind") + 3, last, [k.label for k in RelationKind])
    return len(rows)


def _record_headers() -> list[str]:
    combos = [f"{role.label}·{tier.label}（件）" for role in PanelRole for tier in Tier]
    return [
        ID_HEADER,
        NAME_HEADER,
        "办理案件合计（件）",
        *combos,
        "参加调解（次）",
        "达成协议（件）",
        "在办案件（件）",
        "在办案件编号",
        "培训学时",
    ]


def _record_values(r: MediatorRecord) -> list[CellValue]:
    by = {(c.role, c.tier): c.cases for c in r.by_role_and_tier}
    combos = [by.get((role, tier), 0) for role in PanelRole for tier in Tier]
    minutes = sum(t.minutes for t in r.trainings)
    return [
        r.mediator.uuid,
        r.mediator.name,
        r.cases,
        *combos,
        r.sessions_attended,
        r.agreements_reached,
        r.open_cases,
        "、".join(number for number, _ in r.open_case_numbers) or None,
        minutes / 60,
    ]


def _write_record(book: Workbook, records: list[MediatorRecord]) -> None:
    """The work of each mediator, for the yearly review; protected, and never read back."""
    sheet = book.create_sheet(SHEET_RECORD)
    _write_table(sheet, _record_headers(), [_record_values(r) for r in records])
    sheet.cell(1, 1).comment = Comment(
        "本表由程序按案件记录生成，只供查看和打印；导入名册时不读这张表。", "老娘舅"
    )
    sheet.protection.sheet = True


def _write_choices(book: Workbook, roster: Worksheet, labels: list[str]) -> None:
    """The 类别 drop-down from a hidden sheet: a committee's own labels may hold commas,
    which an inline list cannot."""
    if not labels:
        return
    sheet = book.create_sheet(SHEET_CHOICES)
    sheet.sheet_state = "hidden"
    for i, text in enumerate(labels, 1):
        sheet.cell(i, 1, text)
    column = list(FIELDS).index("elder_category") + 1
    last = roster.max_row + ROWS_TO_ADD
    _choice_list(roster, column, last, formula=f"'{SHEET_CHOICES}'!$A$1:$A${len(labels)}")


def _write_table(sheet: Worksheet, headers: list[str], rows: list[list[CellValue]]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for i, header in enumerate(headers, 1):
        values = [row[i - 1] for row in rows]
        sheet.column_dimensions[get_column_letter(i)].width = _width(header, values)


def _width(header: str, values: Iterable[CellValue]) -> float:
    """Wide enough for the header and most values; a long note wraps in Excel instead."""
    widest = _display_width(header)
    for value in values:
        if isinstance(value, date):
            widest = max(widest, 10)
        elif value is not None:
            widest = max(widest, _display_width(str(value)))
    return min(widest + 2, 40)


def _display_width(text: str) -> int:
    """Chinese characters take two columns of a fixed-width font."""
    return sum(2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1 for ch in text)


def _format_columns(sheet: Worksheet, columns: Iterable[int], number_format: str) -> None:
    """The format of the written cells and of the whole column, so new typing keeps it."""
    for column in columns:
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].number_format = number_format
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format


def _choice_list(
    sheet: Worksheet,
    column: int,
    last_row: int,
    choices: Sequence[str] = (),
    *,
    formula: str = "",
) -> None:
    """A drop-down list that Excel and WPS enforce on the column's cells below the header."""
    validation = DataValidation(
        type="list",
        formula1=formula or '"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="请从列表中选择",
        error="这一格只能填写下拉列表中的一项。",
    )
    sheet.add_data_validation(validation)
    letter = get_column_letter(column)
    validation.add(f"{letter}2:{letter}{last_row}")


# ====================================================================== reading the file


def read_workbook(path: Path) -> dict[str, list[Row]]:
    """Every sheet's rows as values (row 1 first); a Chinese refusal for a file that is no
    readable workbook."""
    _check_file(path)
    try:
        # openpyxl warns about parts of a file it does not keep (an extension list, a style
        # it does not know): they do not change a cell's value, and English must not reach
        # the user.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                return {
                    sheet.title: list(sheet.iter_rows(values_only=True))
                    for sheet in book.worksheets
                }
            finally:
                book.close()
    except OSError as error:
        if error.errno is None:  # openpyxl's own "no valid workbook part" is an OSError
            raise _refuse(_not_a_workbook(path)) from error
        raise _refuse(f"无法读取文件“{path}”：{os_problem(error)}。") from error
    except Exception as error:
        # The file is anything a person picked: a damaged or foreign file makes the reader
        # raise whatever its zip, XML or cell parsing meets, and the answer is the same.
        raise _refuse(_not_a_workbook(path)) from error


def _not_a_workbook(path: Path) -> str:
    return (
        f"文件“{path.name}”打不开：它不是有效的 Excel 工作簿，可能没有保存完整或已损坏。"
        "请在 Excel 或 WPS 表格中打开它，另存为“Excel 工作簿（.xlsx）”后再导入；"
        "如果文件设置了打开密码，请先取消密码。"
    )


def _check_file(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _refuse(
            f"“{path.name}”是旧版 Excel（97-2003）格式，本程序只能读 .xlsx。请在 Excel 或 "
            "WPS 表格中打开它，另存为“Excel 工作簿（.xlsx）”后再导入。"
        )
    if suffix not in SUFFIXES:
        raise _refuse(
            f"“{path.name}”不是 Excel 工作簿（.xlsx）。名册请用 roster export 导出的 .xlsx "
            "表格填写后导入；交换文件（.json）请用 import 命令导入。"
        )
    if path.is_dir():
        raise _refuse(f"“{path}”是一个文件夹，不是文件，请给出名册表格的文件名，例如 名册.xlsx。")
    if not path.exists():
        raise _refuse(f"找不到文件“{path}”，请检查文件名和所在的文件夹。")


# ====================================================================== tables and cells


def _header_key(text: CellValue) -> str:
    """A header as matched: full-width and half-width alike, no spaces, no “（件）” unit."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    return re.sub(r"\(.*\)$", "", key)


def _is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class _Table:
    """A sheet read as a table: where each known header is, and the rows under it."""

    sheet: str
    #: Header key (see `_header_key`) → index of its column.
    columns: dict[str, int]
    #: (row number as Excel shows it, values) of the rows below the header, blank ones left out.
    rows: list[tuple[int, Row]]

    def has(self, header: str) -> bool:
        return _header_key(header) in self.columns

    def value(self, row: Row, header: str) -> CellValue:
        index = self.columns.get(_header_key(header))
        if index is None or index >= len(row):
            return None
        return row[index]


def _table(
    sheet: str, rows: list[Row], known: Sequence[str], needs: Sequence[str]
) -> _Table | None:
    """The table of a sheet whose header row names one of `needs`; None for a blank sheet."""
    wanted = {_header_key(h) for h in known}
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], 1):
        keys = [_header_key(v) for v in row]
        if not any(_header_key(n) in keys for n in needs):
            continue
        _refuse_doubled(sheet, number, row, keys, wanted)
        columns = {k: i for i, k in enumerate(keys) if k in wanted}
        indexes = sorted(columns.values())
        body = [
            (n, r)
            for n, r in enumerate(rows[number:], number + 1)
            if any(not _is_blank(r[i]) for i in indexes if i < len(r))
        ]
        return _Table(sheet, columns, body)
    if all(_is_blank(v) for row in rows for v in row):
        return None
    names = "、".join(needs)
    raise RosterSheetError(
        [
            SheetProblem(
                sheet,
                1,
                "",
                f"找不到“{names}”这一列。第1行应是各列的名称：{'、'.join(known)}。"
                "请用 roster export 导出的表格作为模板，把第1行的列名改回原样。",
            )
        ]
    )


def _refuse_doubled(sheet: str, number: int, row: Row, keys: list[str], wanted: set[str]) -> None:
    seen: set[str] = set()
    for value, key in zip(row, keys, strict=True):
        if key in wanted and key in seen:
            raise RosterSheetError(
                [
                    SheetProblem(
                        sheet,
                        number,
                        str(value).strip(),
                        "有两列都是这个列名，程序不知道该读哪一列。请删去或改名其中一列。",
                    )
                ]
            )
        seen.add(key)


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _day(value: CellValue, example: str = "2026-03-02") -> date | None:
    if _is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DAY.fullmatch(unicodedata.normalize("NFKC", str(value)).strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise _CellProblem(f"“{_text(value)}”不是日期，请写成 年-月-日，例如 {example}")


def _yes_no_cell(value: CellValue) -> bool | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in (YES, "1", "√"):
        return True
    if text in (NO, "0", "×"):
        return False
    raise _CellProblem(f"“{text}”不对，请填写“{YES}”或“{NO}”")


def _whole_number(value: CellValue) -> int | None:
    if _is_blank(value):
        return None
    text = _text(value).removesuffix("件").strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d+", text):
        raise _CellProblem(
            f"“{_text(value)}”不是整数，请填写1到{MAX_CASE_LIMIT}之间的整数，或者不填"
        )
    return int(text)


def _choice(value: CellValue, choices: Sequence[tuple[str, str]], fix: str) -> str:
    """The code of a label (or of the code itself) from `choices`; "" for a blank cell."""
    text = _text(value)
    if not text:
        return ""
    for code, label in choices:
        if text in (label, code):
            return code
    allowed = "、".join(label for _, label in choices)
    raise _CellProblem(f"“{text}”不在可选范围内，可填：{allowed}{fix}")


def _specialties(value: CellValue) -> list[str]:
    parts = [p for p in re.split(r"[、,，;；/\s]+", _text(value)) if p]
    return [_choice(part, DisputeType.choices(), "，几种之间用顿号“、”分开") for part in parts]


def _id_text(value: CellValue) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel keeps 15 digits of a number: the last digits of an 18-digit ID are gone.
        raise _CellProblem(
            "身份证号被 Excel 当成了数字，后几位可能已经变成0。请把这一列设为“文本”格式，"
            "再重新输入完整的身份证号"
        )
    return _text(value)


def _hours(value: CellValue) -> tuple[str, int]:
    """(hours as typed, minutes): a number cell is taken to the minute, text as the form does."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        minutes = round(value * 60)
        if abs(value * 60 - minutes) < 1e-6 and 0 < minutes <= MAX_TRAINING_HOURS * 60:
            return "", minutes
    return _text(value), 0


# ====================================================================== rows → drafts


@dataclass
class _Entry:
    """One mediator row of the roster sheet and what it becomes."""

    row: int
    ref: str
    uuid: str
    existing: Mediator | None
    draft: MediatorDraft
    #: The sheet row of each list item, for the messages: list name → rows.
    item_rows: dict[str, list[int]] = field(default_factory=dict)


#: What `_Problems.read` gives for a cell it could not read (its problem is kept).
WRONG: Any = object()


def _column_group(sheet: str, column: str) -> str:
    """The cells one checked error may be about: an absence's two dates are checked as one."""
    if sheet == SHEET_ABSENCES and column in (ABSENCE_COLUMNS["from_on"], ABSENCE_COLUMNS["to_on"]):
        return "外出时间"
    return column


class _Problems:
    def __init__(self) -> None:
        self.items: list[SheetProblem] = []
        self._unread: set[tuple[str, int, str]] = set()

    def add(self, sheet: str, row: int, column: str, problem: str) -> None:
        self.items.append(SheetProblem(sheet, row, column, problem))

    def read(
        self, table: _Table, number: int, header: str, reader: Callable[[CellValue], Any], row: Row
    ) -> Any:
        """The cell read by `reader`, or `WRONG` with its problem kept."""
        try:
            return reader(table.value(row, header))
        except _CellProblem as problem:
            self.add(table.sheet, number, header, str(problem))
            self._unread.add((table.sheet, number, _column_group(table.sheet, header)))
            return WRONG

    def add_checked(self, sheet: str, row: int, column: str, problem: str) -> None:
        """A check's error, unless it is about a cell already reported as unreadable
        (a date that is no date is then also a missing date: one message is enough)."""
        if (sheet, row, _column_group(sheet, column)) not in self._unread:
            self.add(sheet, row, column, problem)


def _valid_uuid(text: str) -> str | None:
    try:
        return str(uuidlib.UUID(text))
    except ValueError:
        return None


def _readers(pairs: list[tuple[str, str]]) -> dict[str, Callable[[CellValue], Any]]:
    """How each roster column is read into its draft field."""
    texts = {name: _text for name in FIELDS}
    category_fix = "，或者不填；需要新的类别时，请先在程序的“名册设置”中添加"
    return texts | {
        "sex": lambda v: _choice(v, Sex.choices(), "，或者不填"),
        "birth_date": lambda v: _day(v, "1958-03-02"),
        "elder_category": lambda v: _choice(v, pairs, category_fix),
        "specialties": _specialties,
        "active": _yes_no_cell,
        "committee_member": _yes_no_cell,
        "case_limit": _whole_number,
    }


_YES_NO_FIELDS = {"active", "committee_member"}


def _roster_entries(
    table: _Table, existing: dict[str, Mediator], pairs: list[tuple[str, str]], problems: _Problems
) -> list[_Entry]:
    readers = _readers(pairs)
    entries: list[_Entry] = []
    first_row_of: dict[str, int] = {}
    for number, row in table.rows:
        ref = _text(table.value(row, ID_HEADER))
        known = _valid_uuid(ref) if ref else None
        if ref and ref.lower() in first_row_of:
            problems.add(
                table.sheet,
                number,
                ID_HEADER,
                f"与第{first_row_of[ref.lower()]}行的编号相同。每位调解员只占一行："
                "请删去重复的一行；如果这是另一位调解员，请清空这一格的编号",
            )
            continue
        if ref:
            first_row_of[ref.lower()] = number
        mediator = existing.get(known) if known else None
        draft = draft_of(mediator) if mediator else MediatorDraft()
        for name, info in FIELDS.items():
            if not table.has(info.label):
                continue  # a column left out of the sheet keeps what the mediator has
            value = problems.read(table, number, info.label, readers[name], row)
            # A blank 是/否 cell states nothing: the draft keeps its value (the default for
            # a new mediator). Any other blank cell clears the field.
            if value is not WRONG and not (value is None and name in _YES_NO_FIELDS):
                setattr(draft, name, value)
        entries.append(_Entry(number, ref, known or str(uuidlib.uuid4()), mediator, draft, {}))
    return entries


def _owner(
    table: _Table,
    number: int,
    row: Row,
    by_ref: dict[str, _Entry],
    by_name: dict[str, list[_Entry]],
    problems: _Problems,
) -> _Entry | None:
    """The mediator a list row belongs to: by 编号, else by a name only one mediator has."""
    ref = _text(table.value(row, ID_HEADER))
    if ref:
        found = by_ref.get(ref.lower())
        if found is None:
            problems.add(
                table.sheet,
                number,
                ID_HEADER,
                f"“{SHEET_ROSTER}”表中没有这个编号。请核对编号；"
                "新增的调解员还没有编号时，清空编号、只写姓名",
            )
        return found
    name = _text(table.value(row, NAME_HEADER))
    same = by_name.get(name, [])
    if len(same) == 1:
        return same[0]
    if not name:
        problem = "请填写编号或姓名，指明这是哪一位调解员的记录"
    elif not same:
        problem = f"“{SHEET_ROSTER}”表中没有叫这个名字的调解员，请核对姓名或填写编号"
    else:
        problem = (
            f"“{SHEET_ROSTER}”表中有{len(same)}位同名的调解员，请填写编号"
            f"（在“{SHEET_ROSTER}”表的最后一列）指明是哪一位"
        )
    problems.add(table.sheet, number, NAME_HEADER if name else ID_HEADER, problem)
    return None


def _list_item(name: str, table: _Table, number: int, row: Row, problems: _Problems) -> Any:
    def cell(key: str, reader: Callable[[CellValue], Any] = _text, empty: Any = "") -> Any:
        value = problems.read(table, number, LIST_SHEETS[name][1][key], reader, row)
        return empty if value is WRONG else value

    if name == "absences":
        return AbsenceDraft(cell("from_on", _day, None), cell("to_on", _day, None), cell("reason"))
    if name == "trainings":
        hours, minutes = cell("hours", _hours, ("", 0))
        return TrainingDraft(cell("on", _day, None), cell("topic"), hours, minutes)
    kinds = [(k.value, k.label) for k in RelationKind]
    return RelationDraft(
        person_name=cell("person_name"),
        kind=cell("kind", lambda v: _choice(v, kinds, "")),
        id_number=cell("id_number", _id_text),
        phone=cell("phone"),
        notes=cell("notes"),
    )


def _read_lists(name: str, table: _Table, entries: list[_Entry], problems: _Problems) -> None:
    """Replace each mediator's list `name` by the rows of its sheet that name them."""
    by_ref = {e.ref.lower(): e for e in entries if e.ref}
    by_name: dict[str, list[_Entry]] = {}
    for e in entries:
        by_name.setdefault(e.draft.name.strip(), []).append(e)
    items: dict[int, list[Any]] = {id(e): [] for e in entries}
    for e in entries:
        e.item_rows[name] = []
    for number, row in table.rows:
        owner = _owner(table, number, row, by_ref, by_name, problems)
        item = _list_item(name, table, number, row, problems)
        if owner is not None:
            items[id(owner)].append(item)
            owner.item_rows[name].append(number)
    for e in entries:
        setattr(e.draft, name, items[id(e)])


_LIST_FIELD = re.compile(r"(?P<list>absences|trainings|relations)\[(?P<i>\d+)\]\.(?P<key>\w+)")


def _place(error: ValidationError, entry: _Entry) -> tuple[str, int, str]:
    """Where a checked field's error is in the workbook: (sheet, row, column)."""
    match = _LIST_FIELD.fullmatch(error.field)
    if match:
        name, index = match["list"], int(match["i"])
        rows = entry.item_rows.get(name)
        if rows is not None and index < len(rows):
            title, columns = LIST_SHEETS[name]
            return title, rows[index], columns.get(match["key"], error.label)
    info = FIELDS.get(error.field)
    return SHEET_ROSTER, entry.row, info.label if info else error.label


def _checked(
    entry: _Entry, categories: set[str], today: date, problems: _Problems
) -> MediatorDraft | None:
    try:
        return check_mediator(entry.draft, categories=categories, today=today)
    except ValidationErrors as errors:
        for error in errors.errors:
            problems.add_checked(*_place(error, entry), error.problem)
        return None


# ====================================================================== import


@dataclass
class _Plan:
    entries: list[_Entry]
    clean: list[MediatorDraft]


def _plan(session: Session, book: dict[str, list[Row]], today: date) -> _Plan:
    """Every row read and checked; `RosterSheetError` with all problems if any is wrong."""
    main_rows = book.get(SHEET_ROSTER)
    if main_rows is None:
        # A renamed roster sheet is still the first one; the list sheets keep their names.
        main_rows = next(iter(book.values()), [])
    known = [info.label for info in FIELDS.values()] + [ID_HEADER]
    table = _table(SHEET_ROSTER, main_rows, known, [NAME_HEADER])
    if table is None or not table.rows:
        raise _refuse(
            f"“{SHEET_ROSTER}”表中没有调解员：除了第1行的列名以外都是空行。"
            "请确认选对了文件，每位调解员填写一行。"
        )
    pairs = category_pairs(session)
    existing = {m.uuid: m for m in _all_mediators(session)}
    problems = _Problems()
    entries = _roster_entries(table, existing, pairs, problems)
    for name, (title, columns) in LIST_SHEETS.items():
        rows = book.get(title)
        headers = [ID_HEADER, NAME_HEADER, *columns.values()]
        listed = _table(title, rows, headers, [ID_HEADER, NAME_HEADER]) if rows else None
        if listed is not None:  # a sheet left out keeps every mediator's list as it is
            _read_lists(name, listed, entries, problems)
    categories = {code for code, _ in pairs}
    clean = [_checked(e, categories, today, problems) for e in entries]
    if problems.items:
        raise RosterSheetError(sorted(problems.items, key=_problem_order))
    return _Plan(entries, [c for c in clean if c is not None])


def _problem_order(p: SheetProblem) -> tuple[int, int]:
    sheets = [SHEET_ROSTER, *(title for title, _ in LIST_SHEETS.values())]
    return (sheets.index(p.sheet) if p.sheet in sheets else len(sheets), p.row)


def _in_stored_order(clean: MediatorDraft) -> MediatorDraft:
    """The lists in the order the database gives them back (by date; sheet order otherwise)."""
    return replace(
        clean,
        absences=sorted(clean.absences, key=lambda a: a.from_on or date.min),
        trainings=sorted(clean.trainings, key=lambda t: t.on or date.min),
    )


def _apply(session: Session, plan: _Plan) -> tuple[int, int, int]:
    """Write the checked rows; returns (added, updated, unchanged)."""
    added = updated = unchanged = 0
    for entry, clean in zip(plan.entries, plan.clean, strict=True):
        m = entry.existing
        if m is None:
            m = Mediator(uuid=entry.uuid)
            session.add(m)
            fill_mediator(m, _in_stored_order(clean))
            added += 1
            continue
        before = canonical_fields(snapshot_mediator(m))
        fill_mediator(m, _in_stored_order(clean))
        session.flush()
        if canonical_fields(snapshot_mediator(m)) == before:
            unchanged += 1
        else:
            updated += 1
    session.flush()
    return added, updated, unchanged


def import_roster(
    db: Database,
    path: Path | str,
    *,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[str, Changed]:
    """Read a roster workbook into the database in one operation: all rows, or none.

    A row whose 编号 is a mediator's uuid corrects that mediator; any other row adds one
    (keeping its 编号 as uuid when it is one). Returns a Chinese summary and what changed.
    """
    book = read_workbook(Path(path))
    with db.operation(actor, "roster.import") as op:
        plan = _plan(op.session, book, today or date.today())
        added, updated, unchanged = _apply(op.session, plan)
        op.note = {"added": added, "updated": updated, "unchanged": unchanged}
        op.result = f"名册导入完成：新增调解员{added}名，更新{updated}名，{unchanged}名没有变化。"
        op.refresh(Changed(mediators=True))
    message, changed = op.outcome
    return str(message), changed


__all__ = [
    "RosterSheetError",
    "SheetProblem",
    "export_roster",
    "import_roster",
    "read_workbook",
    "roster_workbook",
]
