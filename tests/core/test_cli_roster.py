"""`roster import|export|list` and `mediator show` through `app.cli.main`, on real databases."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.cli import EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, main
from app.domain.codes import ElderCategory
from app.domain.roster import RelationDraft, TrainingDraft
from app.domain.validation import resident_id_check_char
from app.services.database import open_database
from app.services.demo import fill_demo
from app.services.mediators import list_mediators, mediator_draft, save_mediator
from tests.conftest import TODAY

#: What `roster list --json` tells of today's workload rather than of the roster itself.
WORKLOAD = ("open_cases", "limit", "available", "unavailable")
ID_BODY = "11010119580302123"
ID_NUMBER = ID_BODY + resident_id_check_char(ID_BODY)


@pytest.fixture
def demo_and_edited(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A demo database, and the uuid of a mediator given one training and one relation."""
    path = tmp_path / "demo.db"
    db = open_database(path)
    fill_demo(db, cases=20, seed=7, today=TODAY)
    first = list_mediators(db)[0]
    draft = replace(
        mediator_draft(db, first.id),
        trainings=[TrainingDraft(date(2026, 3, 2), "调解技巧", "1.5")],
        relations=[RelationDraft("王五", "neighbour", ID_NUMBER, "", "")],
    )
    save_mediator(db, draft, mediator_id=first.id, today=TODAY)
    db.close()
    yield path, first.uuid


@pytest.fixture
def demo(demo_and_edited: tuple[Path, str]) -> Path:
    return demo_and_edited[0]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], db: Path, *options: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "--db", db, "roster", "list", "--json", *options)
    assert code == EXIT_OK, err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_export_then_import_gives_the_same_roster_list(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "名册.xlsx"
    code, out, err = run(capsys, "--db", demo, "roster", "export", sheet)
    assert (code, err) == (EXIT_OK, "")
    written = re.fullmatch(
        rf"已导出调解员(\d+)名到“{re.escape(str(sheet))}”"
        r"（外出(\d+)条、培训(\d+)条、回避关系(\d+)条）。",
        out.strip(),
    )
    assert written is not None
    count, *lists = (int(n) for n in written.groups())
    assert count == len(listed(capsys, demo)) and all(lists)
    assert load_workbook(sheet).sheetnames[0] == "调解员名册"

    fresh = tmp_path / "新的.db"
    code, out, err = run(capsys, "--db", fresh, "roster", "import", sheet, "--actor", "李文书")
    assert (code, err) == (EXIT_OK, "")
    assert out.strip() == f"名册导入完成：新增调解员{count}名，更新0名，0名没有变化。"

    def roster(db: Path) -> list[dict[str, Any]]:
        return [{k: v for k, v in row.items() if k not in WORKLOAD} for row in listed(capsys, db)]

    assert roster(fresh) == roster(demo)


def test_import_of_a_wrong_sheet_says_where_and_exits_1(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "名册.xlsx"
    run(capsys, "--db", demo, "roster", "export", sheet)
    book = load_workbook(sheet)
    ws = book["调解员名册"]
    phone = [c.value for c in ws[1]].index("联系电话") + 1
    ws.cell(7, phone, "12345")
    book.save(sheet)
    before = listed(capsys, demo)

    code, out, err = run(capsys, "--db", demo, "roster", "import", sheet)
    assert (code, out) == (EXIT_USER_ERROR, "")
    assert err.startswith("错误：名册没有导入，数据库没有任何改动。")
    assert "第7行“联系电话”：" in err
    assert "Traceback" not in err
    assert listed(capsys, demo) == before

    code, _, err = run(capsys, "--db", demo, "roster", "import", tmp_path / "没有.xlsx")
    assert code == EXIT_USER_ERROR and "找不到文件" in err
    (tmp_path / "坏的.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = run(capsys, "--db", demo, "roster", "import", tmp_path / "坏的.xlsx")
    assert code == EXIT_USER_ERROR and "不是有效的 Excel 工作簿" in err


def test_export_to_a_name_that_is_not_xlsx_exits_1(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--db", demo, "roster", "export", tmp_path / "名册.csv")
    assert code == EXIT_USER_ERROR and ".xlsx" in err
    code, _, err = run(capsys, "--db", tmp_path / "没有.db", "roster", "export", "x.xlsx")
    assert code == EXIT_USER_ERROR and "找不到数据库文件" in err


def test_roster_list_as_text_and_json(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "--db", demo, "roster", "list")
    lines = out.strip().splitlines()
    assert code == EXIT_OK
    rows = listed(capsys, demo)
    free = sum(1 for r in rows if r["available"])
    assert lines[-1] == f"共{len(rows)}名，今天可以指派{free}名"
    assert [line.split("\t")[-1] for line in lines[:-1]] == [r["uuid"] for r in rows]
    assert all(len(line.split("\t")) == 7 for line in lines[:-1])
    assert {r["elder_category"] for r in rows} <= {c.value for c in ElderCategory}
    assert all(r["unavailable"] == "不在岗" for r in rows if not r["active"])
    assert all(isinstance(r["specialties"], list) and r["uuid"] for r in rows)


def test_roster_list_filters_by_category_and_availability(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    by_code = listed(capsys, demo, "--category", "party_member")
    by_label = listed(capsys, demo, "--category", "老党员")
    assert by_code == by_label
    assert by_code and {r["elder_category"] for r in by_code} == {"party_member"}
    available = listed(capsys, demo, "--available")
    assert available and all(r["available"] and r["active"] for r in available)
    assert available == [r for r in listed(capsys, demo) if r["available"]]

    code, out, err = run(capsys, "--db", demo, "roster", "list", "--category", "老工人")
    assert (code, out) == (EXIT_USER_ERROR, "")
    assert err.startswith("错误：没有“老工人”这个类别。可以写的有：party_member（老党员）")


def test_mediator_show_gives_the_record(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    busy = max(listed(capsys, demo), key=lambda r: r["open_cases"])
    assert busy["open_cases"] > 0
    code, out, err = run(capsys, "--db", demo, "mediator", "show", busy["uuid"], "--json")
    assert (code, err) == (EXIT_OK, "")
    record = json.loads(out)
    assert record["mediator"]["uuid"] == busy["uuid"]
    assert record["open_cases"] == busy["open_cases"] == len(record["open_case_numbers"])
    assert all(n["number"].startswith("（20") for n in record["open_case_numbers"])
    assert record["cases"] == sum(c["cases"] for c in record["by_role_and_tier"])
    assert {"sessions_attended", "agreements_reached", "trainings", "absences"} <= set(record)

    code, text, _ = run(capsys, "--db", demo, "mediator", "show", busy["name"])
    assert code == EXIT_OK
    assert text.startswith(busy["name"])
    assert "【工作记录】" in text and f"在办案件{busy['open_cases']}件" in text
    assert record["open_case_numbers"][0]["number"] in text


def test_mediator_show_counts_relations_without_their_id_numbers(
    capsys: pytest.CaptureFixture[str], demo_and_edited: tuple[Path, str]
) -> None:
    demo, uuid = demo_and_edited
    code, out, _ = run(capsys, "--db", demo, "mediator", "show", uuid, "--json")
    assert code == EXIT_OK
    record = json.loads(out)
    assert record["relation_count"] == 1
    assert record["trainings"] == [
        {"on": "2026-03-02", "topic": "调解技巧", "minutes": 90, "hours": "1.5"}
    ]
    assert record["training_hours"] == "1.5"
    code, text, _ = run(capsys, "--db", demo, "mediator", "show", uuid)
    assert "调解技巧  1.5小时" in text and "1条" in text
    assert ID_NUMBER not in text and ID_NUMBER not in out
    for row in listed(capsys, demo):  # nobody's relations show an ID number
        code, text, _ = run(capsys, "--db", demo, "mediator", "show", row["uuid"])
        assert code == EXIT_OK and not re.search(r"\d{17}[\dX]", text)


def test_mediator_show_of_no_such_mediator_exits_1(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    code, out, err = run(capsys, "--db", demo, "mediator", "show", "没有这个人")
    assert (code, out) == (EXIT_USER_ERROR, "")
    assert err.startswith("错误：名册中找不到调解员“没有这个人”")


def test_mistyped_roster_commands_exit_2_in_chinese(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    for args in (["roster"], ["roster", "lst"], ["mediator", "show"], ["roster", "import"]):
        with pytest.raises(SystemExit) as stop:
            main(["--db", str(demo), *args])
        assert stop.value.code == EXIT_USAGE
        err = capsys.readouterr().err
        assert "命令写得不对：" in err and "usage" not in err.lower()
    with pytest.raises(SystemExit) as stop:
        main(["roster", "import", "--help"])
    assert stop.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("用法：") and "roster import 名册.xlsx" in help_text
