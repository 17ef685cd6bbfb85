"""The roster as an Excel workbook: real files written, read back with openpyxl, imported into
real databases."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select

from app.cli_roster import mediator_json
from app.db.models import AuditEntry, Mediator
from app.domain.codes import DisputeType
from app.domain.errors import UserError
from app.domain.roster import AbsenceDraft, RelationDraft, TrainingDraft
from app.services.database import Database, open_database
from app.services.demo import fill_demo
from app.services.mediators import (
    list_mediators,
    mediator_draft,
    mediator_record,
    save_category,
    save_mediator,
)
from app.services.roster_sheet import (
    SHEET_ABSENCES,
    SHEET_RECORD,
    SHEET_RELATIONS,
    SHEET_ROSTER,
    SHEET_TRAININGS,
    RosterSheetError,
    export_roster,
    import_roster,
)
from tests.conftest import TODAY

CUSTOM_CATEGORY = "社区能人"


def _give_lists(db: Database) -> None:
    """The demo roster has no lists and only the five elders: add both to two mediators."""
    categories, _ = save_category(db, CUSTOM_CATEGORY)
    custom = next(code for code, label in categories if label == CUSTOM_CATEGORY)
    first, second = list_mediators(db)[:2]
    draft = replace(
        mediator_draft(db, first.id),
        absences=[
            AbsenceDraft(date(2026, 12, 1), date(2026, 12, 5), "探亲"),
            AbsenceDraft(date(2026, 7, 1), date(2026, 7, 3), ""),
        ],
        trainings=[
            TrainingDraft(date(2026, 3, 2), "调解技巧", "1.5"),
            # 20 minutes is no finite decimal of hours: the sheet keeps it to the minute.
            TrainingDraft(date(2026, 4, 2), "民法典婚姻家庭编", "", 20),
        ],
        relations=[
            RelationDraft("王五", "neighbour", "", "13812345678", "对门"),
            RelationDraft("赵六", "relative", "", "", ""),
        ],
        case_limit=3,
        languages="四川话、彝语",
        ethnicity="彝族",
        committee_member=True,
        notes="周三下午不在",
    )
    save_mediator(db, draft, mediator_id=first.id, today=TODAY)
    draft = replace(
        mediator_draft(db, second.id),
        elder_category=custom,
        trainings=[TrainingDraft(date(2026, 5, 6), "人民调解法", "2")],
    )
    save_mediator(db, draft, mediator_id=second.id, today=TODAY)


@pytest.fixture
def roster_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "roster.db")
    fill_demo(database, cases=20, seed=5, today=TODAY)
    _give_lists(database)
    yield database
    database.close()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "empty.db")
    yield database
    database.close()


@pytest.fixture
def sheet(roster_db: Database, tmp_path: Path) -> Path:
    path = tmp_path / "名册.xlsx"
    export_roster(roster_db, path)
    return path


def edit(
    path: Path, change: Callable[[dict[str, Worksheet]], None], to: Path | None = None
) -> Path:
    """Change a workbook as a person would in Excel, and save it (to `to`, else in place)."""
    book = load_workbook(path)
    change({ws.title: ws for ws in book.worksheets})
    target = to or path
    book.save(target)
    return target


def column(ws: Worksheet, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def mediator_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count(Mediator.id))) or 0


def audit_entries(db: Database) -> list[AuditEntry]:
    with db.reading() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def roster_state(db: Database) -> list[dict[str, object]]:
    """Every mediator's fields and lists, by uuid: what must survive a round trip."""
    state = []
    for m in sorted(list_mediators(db), key=lambda v: v.uuid):
        record = mediator_record(db, m.uuid)
        state.append(
            mediator_json(m)
            | {
                "absences": record.absences,
                "trainings": record.trainings,
                "relations": record.relations,
            }
        )
    return state


def problems_of(error: pytest.ExceptionInfo[UserError]) -> list[str]:
    assert isinstance(error.value, RosterSheetError)
    return [p.text for p in error.value.problems]


# ====================================================================== export


def test_the_export_is_a_workbook_a_person_can_read(roster_db: Database, sheet: Path) -> None:
    book = load_workbook(sheet)
    assert book.sheetnames[:5] == [
        SHEET_ROSTER,
        SHEET_ABSENCES,
        SHEET_TRAININGS,
        SHEET_RELATIONS,
        SHEET_RECORD,
    ]
    ws = book[SHEET_ROSTER]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["姓名", "性别", "民族", "出生日期"]
    assert headers[-1] == "编号"
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1 + mediator_count(roster_db)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    first = dict(zip(headers, rows[0], strict=True))
    assert first["性别"] in ("男", "女")
    assert first["在岗"] in ("是", "否") and first["调委会委员"] in ("是", "否")
    kinds = {t.label for t in DisputeType}
    assert all(set(r[headers.index("擅长的纠纷类型")].split("、")) <= kinds for r in rows)
    birth = ws.cell(2, column(ws, "出生日期"))
    assert birth.is_date and birth.number_format == "yyyy-mm-dd"
    assert {r[headers.index("类别")] for r in rows} >= {"老党员", CUSTOM_CATEGORY}
    limits = {r[headers.index("最多同时办理（件）")] for r in rows}
    assert None in limits and 3 in limits
    assert limits == {m.case_limit for m in list_mediators(roster_db)}
    assert ws.column_dimensions["A"].width >= 6
    trainings = list(book[SHEET_TRAININGS].iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in trainings if r[3] == "调解技巧"] == [1.5]
    assert book[SHEET_RECORD].protection.sheet


def _validations(ws: Worksheet) -> dict[str, str]:
    """Column letter → the list formula of its drop-down."""
    found = {}
    for validation in ws.data_validations.dataValidation:
        assert validation.type == "list"
        for cells in validation.sqref.ranges:
            found[get_column_letter(cells.min_col)] = validation.formula1
    return found


def test_the_choice_columns_have_drop_down_lists(sheet: Path) -> None:
    book = load_workbook(sheet)
    ws = book[SHEET_ROSTER]
    lists = _validations(ws)
    letter = {h: get_column_letter(column(ws, h)) for h in ("性别", "类别", "在岗", "调委会委员")}
    assert lists[letter["性别"]] == '"男,女"'
    assert lists[letter["在岗"]] == lists[letter["调委会委员"]] == '"是,否"'
    # The committee's categories come from a hidden sheet: its own labels may hold commas.
    assert "选项" in lists[letter["类别"]]
    choices = book["选项"]
    assert choices.sheet_state == "hidden"
    assert [c.value for (c,) in choices.iter_rows()][-1] == CUSTOM_CATEGORY
    relations = book[SHEET_RELATIONS]
    kind = get_column_letter(column(relations, "关系"))
    assert "亲属" in _validations(relations)[kind]


def test_export_refuses_a_name_that_is_not_xlsx(roster_db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.xlsx"):
        export_roster(roster_db, tmp_path / "名册.xls")
    assert not (tmp_path / "名册.xls").exists()


# ====================================================================== round trip


def test_export_then_import_into_an_empty_database_gives_the_same_roster(
    roster_db: Database, empty_db: Database, sheet: Path
) -> None:
    save_category(empty_db, CUSTOM_CATEGORY)  # the committee's own category, set up first
    message, changed = import_roster(empty_db, sheet, actor="李文书", today=TODAY)
    count = mediator_count(roster_db)
    assert message == f"名册导入完成：新增调解员{count}名，更新0名，0名没有变化。"
    assert changed.mediators
    assert roster_state(empty_db) == roster_state(roster_db)
    state = roster_state(empty_db)
    assert all(any(s[name] for s in state) for name in ("absences", "trainings", "relations"))


def test_importing_the_same_sheet_again_changes_nothing(roster_db: Database, sheet: Path) -> None:
    before = roster_state(roster_db)
    message, _ = import_roster(roster_db, sheet, today=TODAY)
    count = mediator_count(roster_db)
    assert message == f"名册导入完成：新增调解员0名，更新0名，{count}名没有变化。"
    assert roster_state(roster_db) == before


def test_the_import_writes_exactly_one_audit_entry(roster_db: Database, sheet: Path) -> None:
    before = len(audit_entries(roster_db))
    import_roster(roster_db, sheet, actor="李文书", today=TODAY)
    entries = audit_entries(roster_db)[before:]
    assert len(entries) == 1
    assert (entries[0].actor, entries[0].action) == ("李文书", "roster.import")
    counts = json.loads(entries[0].after)
    assert counts["added"] == 0 and counts["updated"] == 0


# ====================================================================== updating and adding


def test_a_row_with_a_known_number_updates_that_mediator(roster_db: Database, sheet: Path) -> None:
    count = mediator_count(roster_db)
    ws_values: dict[str, str] = {}

    def change(sheets: dict[str, Worksheet]) -> None:
        ws = sheets[SHEET_ROSTER]
        ws_values["uuid"] = ws.cell(3, column(ws, "编号")).value
        ws.cell(3, column(ws, "联系电话"), "13900001111")
        ws.cell(3, column(ws, "在岗"), "否")

    edit(sheet, change)
    message, _ = import_roster(roster_db, sheet, today=TODAY)
    assert "新增调解员0名，更新1名" in message
    assert mediator_count(roster_db) == count
    changed = mediator_record(roster_db, ws_values["uuid"]).mediator
    assert (changed.phone, changed.active) == ("13900001111", False)
    entry = audit_entries(roster_db)[-1]
    assert json.loads(entry.after)["updated"] == 1


def test_new_rows_are_added_and_their_lists_found_by_name(roster_db: Database, sheet: Path) -> None:
    count = mediator_count(roster_db)

    def change(sheets: dict[str, Worksheet]) -> None:
        ws = sheets[SHEET_ROSTER]
        ws.cell(20, column(ws, "姓名"), "新来的")
        ws.cell(20, column(ws, "性别"), "女")
        ws.cell(20, column(ws, "联系电话"), 13512345678)  # typed as a number in Excel
        ws.cell(20, column(ws, "擅长的纠纷类型"), "邻里，物业")
        ws.cell(21, column(ws, "姓名"), "另一位")
        ws.cell(21, column(ws, "编号"), "a0000000-0000-4000-8000-00000000000a")
        ws.cell(21, column(ws, "最多同时办理（件）"), 4)
        trainings = sheets[SHEET_TRAININGS]
        trainings.append([None, "新来的", date(2026, 10, 9), "岗前培训", "3"])
        trainings.append(["a0000000-0000-4000-8000-00000000000a", "", "2026-10-10", "岗前", 2])

    edit(sheet, change)
    message, _ = import_roster(roster_db, sheet, today=TODAY)
    assert "新增调解员2名" in message
    assert mediator_count(roster_db) == count + 2
    new = mediator_record(roster_db, "新来的")
    assert new.mediator.phone == "13512345678"
    assert [s.value for s in new.mediator.specialties] == ["neighbourhood", "property_management"]
    assert [(t.topic, t.minutes) for t in new.trainings] == [("岗前培训", 180)]
    other = mediator_record(roster_db, "a0000000-0000-4000-8000-00000000000a")
    assert other.mediator.case_limit == 4 and other.mediator.active
    assert [(t.on, t.minutes) for t in other.trainings] == [(date(2026, 10, 10), 120)]


def test_headers_in_another_order_and_extra_columns_are_fine(
    roster_db: Database, empty_db: Database, sheet: Path, tmp_path: Path
) -> None:
    def change(sheets: dict[str, Worksheet]) -> None:
        ws = sheets[SHEET_ROSTER]
        ws.move_range(f"A1:A{ws.max_row}", cols=ws.max_column + 1)  # 姓名 moved to the end
        ws.delete_cols(1)
        ws.insert_cols(3)
        for row in range(1, ws.max_row + 1):
            ws.cell(row, 3, "自己加的一列" if row == 1 else "随便写")
        ws.insert_rows(5, 2)  # two empty rows in the middle are skipped

    edit(sheet, change, tmp_path / "改过.xlsx")
    save_category(empty_db, CUSTOM_CATEGORY)
    import_roster(empty_db, tmp_path / "改过.xlsx", today=TODAY)
    assert roster_state(empty_db) == roster_state(roster_db)


def test_the_work_record_sheet_is_never_read(roster_db: Database, sheet: Path) -> None:
    before = roster_state(roster_db)

    def change(sheets: dict[str, Worksheet]) -> None:
        record = sheets[SHEET_RECORD]
        record.protection.sheet = False
        record.cell(2, 2, "改了名字")
        record.cell(2, 3, "不是数字")

    edit(sheet, change)
    import_roster(roster_db, sheet, today=TODAY)
    assert roster_state(roster_db) == before


# ====================================================================== wrong sheets


def test_a_bad_phone_on_row_7_names_the_row_and_column_and_imports_nothing(
    roster_db: Database, sheet: Path
) -> None:
    def change(sheets: dict[str, Worksheet]) -> None:
        ws = sheets[SHEET_ROSTER]
        ws.cell(7, column(ws, "联系电话"), "12345")
        ws.cell(3, column(ws, "联系电话"), "13900001111")  # a good change in the same file

    edit(sheet, change)
    count, entries, state = (
        mediator_count(roster_db),
        len(audit_entries(roster_db)),
        roster_state(roster_db),
    )
    with pytest.raises(UserError) as error:
        import_roster(roster_db, sheet, today=TODAY)
    assert problems_of(error) == [
        "第7行“联系电话”：手机号应为11位数字，现在是5位，请核对是否多打或少打了，例如 13812345678"
    ]
    assert error.value.message.startswith("名册没有导入，数据库没有任何改动。")
    assert mediator_count(roster_db) == count
    assert len(audit_entries(roster_db)) == entries
    assert roster_state(roster_db) == state


def test_every_problem_is_listed_at_once(roster_db: Database, sheet: Path) -> None:
    def change(sheets: dict[str, Worksheet]) -> None:
        ws = sheets[SHEET_ROSTER]
        ws.cell(4, column(ws, "类别"), "老工人")
        ws.cell(5, column(ws, "出生日期"), "1958-13-01")
        ws.cell(6, column(ws, "在岗"), "可能")
        ws.cell(8, column(ws, "姓名")).value = None
        twin = [None] * ws.max_column
        twin[0], twin[-1] = "重复的一行", ws.cell(2, column(ws, "编号")).value
        ws.append(twin)  # row 14: below the 12 demo mediators
        trainings = sheets[SHEET_TRAININGS]
        trainings.cell(2, column(trainings, "学时"), "半天")
        absences = sheets[SHEET_ABSENCES]
        absences.cell(2, column(absences, "结束日期"), date(2020, 1, 1))
        relations = sheets[SHEET_RELATIONS]
        relations.cell(2, column(relations, "对方身份证号"), 110101195803021234)

    edit(sheet, change)
    count = mediator_count(roster_db)
    with pytest.raises(UserError) as error:
        import_roster(roster_db, sheet, today=TODAY)
    problems = problems_of(error)
    assert [p.split("：")[0] for p in problems] == [
        "第4行“类别”",
        "第5行“出生日期”",
        "第6行“在岗”",
        "第8行“姓名”",
        "第14行“编号”",
        "“外出”表第2行“结束日期”",
        "“培训”表第2行“学时”",
        "“回避关系”表第2行“对方身份证号”",
    ]
    assert "老党员" in problems[0] and CUSTOM_CATEGORY in problems[0]
    assert "与第2行的编号相同" in problems[4]
    assert "文本" in problems[-1]
    assert mediator_count(roster_db) == count


def test_a_bad_category_says_which_categories_there_are(empty_db: Database, sheet: Path) -> None:
    # The sheet names the committee's own category, which this database does not have yet.
    with pytest.raises(UserError) as error:
        import_roster(empty_db, sheet, today=TODAY)
    problems = problems_of(error)
    assert len(problems) == 1
    assert "“类别”：“社区能人”不在可选范围内，可填：老党员、老干部" in problems[0]
    assert "设置" in problems[0]
    assert mediator_count(empty_db) == 0


def test_a_sheet_without_the_name_header_is_one_clear_message(
    roster_db: Database, sheet: Path
) -> None:
    def change(sheets: dict[str, Worksheet]) -> None:
        ws = sheets[SHEET_ROSTER]
        ws.cell(1, column(ws, "姓名"), "名字")

    edit(sheet, change)
    with pytest.raises(UserError) as error:
        import_roster(roster_db, sheet, today=TODAY)
    problems = problems_of(error)
    assert len(problems) == 1
    assert "找不到“姓名”这一列" in problems[0]
    assert "roster export" in problems[0]


def test_a_corrupt_file_is_a_clear_message(roster_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "名册.xlsx"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(UserError) as error:
        import_roster(roster_db, path, today=TODAY)
    assert "不是有效的 Excel 工作簿" in error.value.message
    assert "数据库没有任何改动" in error.value.message
    assert "损坏的数据库" not in error.value.message and "Traceback" not in error.value.message


def test_a_missing_file_and_a_wrong_kind_of_file(roster_db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"找不到文件.*请检查文件名"):
        import_roster(roster_db, tmp_path / "没有这个.xlsx", today=TODAY)
    (tmp_path / "名册.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UserError, match=r"旧版 Excel.*另存为"):
        import_roster(roster_db, tmp_path / "名册.xls", today=TODAY)
    (tmp_path / "名册.csv").write_text("姓名\n张三\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"不是 Excel 工作簿"):
        import_roster(roster_db, tmp_path / "名册.csv", today=TODAY)


def test_a_sheet_with_no_mediator_imports_nothing(roster_db: Database, sheet: Path) -> None:
    def change(sheets: dict[str, Worksheet]) -> None:
        ws = sheets[SHEET_ROSTER]
        ws.delete_rows(2, ws.max_row)

    edit(sheet, change)
    with pytest.raises(UserError, match="没有调解员"):
        import_roster(roster_db, sheet, today=TODAY)
