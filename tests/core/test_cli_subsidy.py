"""`subsidy` and `screening` through `app.cli.main`, on a real database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cli import EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, main
from app.services.database import open_database
from tests.core import subsidy_cases as fixture


@pytest.fixture
def period_db(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "t.db"
    db = open_database(path)
    ids = fixture.build(db)
    db.close()
    return path, ids


def run(path: Path, *args: str) -> int:
    """The exit status, also of a mistyped command (argparse leaves through SystemExit)."""
    try:
        return main(["--db", str(path), *args])
    except SystemExit as stop:
        return int(stop.code or 0)


def test_the_claim_sheet_on_the_command_line(
    period_db: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, _ = period_db
    span = ["--from", "2026-10-01", "--to", "2026-12-31"]
    assert run(path, "subsidy", *span) == EXIT_OK
    out = capsys.readouterr().out
    assert "本期申报案件4件，补贴合计650.00元" in out
    assert "王建国\t3件（主持1、调解2、记录0）\t285.00元" in out
    assert "✗ 被申请人张伟的身份证明：" in out
    assert run(path, "subsidy", *span, "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "650.00" and data["cases_claimed"] == 4
    assert {m["name"]: m["amount"] for m in data["mediators"]} == {
        name: str(amount) for name, (_, amount) in fixture.EXPECTED_TOTALS.items()
    }
    held = {h["title"]: h for h in data["held"]}
    assert [m["name"] for m in held["停车位纠纷"]["missing"]] == [
        "人民调解当事人权利义务告知书",
        "被申请人张伟的身份证明",
    ]
    xlsx, pdf = tmp_path / "申报表.xlsx", tmp_path / "申报表.pdf"
    assert run(path, "subsidy", *span, "--xlsx", str(xlsx), "--pdf", str(pdf)) == EXIT_OK
    assert f"已保存补贴申报表：{xlsx}" in capsys.readouterr().out
    assert load_workbook(xlsx)["补贴汇总"]["B6"].value == "王建国" and pdf.stat().st_size
    assert run(path, "subsidy", *span, "--xlsx", str(tmp_path / "a.pdf")) == EXIT_USER_ERROR
    assert "应以 .xlsx 结尾" in capsys.readouterr().err
    assert run(path, "subsidy") == EXIT_USAGE
    assert "缺少--from和--to" in capsys.readouterr().err
    assert run(path, "subsidy", "--from", "2026-12-31", "--to", "2026-10-01") == EXIT_USER_ERROR
    assert "请把两个日期对调" in capsys.readouterr().err


def test_a_case_class_on_the_command_line(
    period_db: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, ids = period_db
    case = str(ids["G"])
    assert run(path, "subsidy", "class", case) == EXIT_OK
    assert "补贴类别还没有确定。建议“一般”：涉及3人" in capsys.readouterr().out
    assert run(path, "subsidy", "class", case, "重大") == EXIT_USER_ERROR
    assert "请写明理由" in capsys.readouterr().err
    assert run(path, "subsidy", "class", case, "重大", "--reason", "群体性纠纷，三十户") == EXIT_OK
    assert "补贴类别：“重大”" in capsys.readouterr().out
    assert run(path, "subsidy", "class", case, "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["class"] == "major" and data["suggested"] == "general"
    assert run(path, "subsidy", "class", case, "--clear") == EXIT_OK
    assert "还没有确定" in capsys.readouterr().out
    assert run(path, "subsidy", "class", str(ids["L"]), "一般") == EXIT_USER_ERROR
    assert "还在办理中" in capsys.readouterr().err
    assert run(path, "subsidy", "class", str(ids["D"]), "--not-useful") == EXIT_OK
    capsys.readouterr()
    assert run(path, "subsidy", "class", case, "--useful", "--not-useful") == EXIT_USAGE


def test_the_scheme_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.db"
    open_database(path).close()
    assert run(path, "subsidy", "scheme", "--show") == EXIT_OK
    shown = json.loads(capsys.readouterr().out)
    shown["classes"][0]["amount"] = "80"
    file = tmp_path / "办法.json"
    file.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
    assert run(path, "subsidy", "scheme", "--set", str(file), "--actor", "李文书") == EXIT_OK
    assert "“简易”80.00元" in capsys.readouterr().out
    file.write_text('{"classes": [], "roles": {"lead": "2"}}', encoding="utf-8")
    assert run(path, "subsidy", "scheme", "--set", str(file)) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "案件类别（classes）：要列出至少一个类别" in err and "主持人的分配比例" in err
    assert run(path, "subsidy", "scheme", "--set", str(tmp_path / "无.json")) == EXIT_USER_ERROR
    assert "找不到文件" in capsys.readouterr().err
    assert run(path, "subsidy", "scheme", "--reset") == EXIT_OK
    assert "“简易”100.00元" in capsys.readouterr().out


def test_screening_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.services.cases import register_case
    from tests.core.test_case_life import draft

    path = tmp_path / "t.db"
    db = open_database(path)
    case, _ = register_case(db, draft(), today=date(2026, 10, 8))
    db.close()
    added = [
        "screening", "add", "--on", "2026-10-20", "--area", "幸福里小区1至6号楼",
        "--by", "王建国、李秀英", "--resolved", "3号楼漏水争吵，已说和",
        "--case", f"{case.number}=5号楼渗水", "--watch", "6号楼邻里不和",
    ]  # fmt: skip
    assert run(path, *added) == EXIT_OK
    out = capsys.readouterr().out
    assert "发现3项" in out and f"2. 5号楼渗水——登记为案件{case.number}，现已登记" in out
    assert (
        run(path, "screening", "add", "--on", "2026-10-27", "--area", "幸福里", "--by", "王建国")
        == 0
    )
    capsys.readouterr()
    assert run(path, "screening", "list", "--json") == EXIT_OK
    rounds = json.loads(capsys.readouterr().out)
    assert [len(r["findings"]) for r in rounds] == [0, 3]
    first = str(rounds[1]["id"])
    assert run(path, "screening", "finding", first, "3", "resolved", "--note", "已化解") == 0
    assert "6号楼邻里不和——当场化解；已化解" in capsys.readouterr().out
    assert run(path, "screening", "report", "--from", "2026-10-26", "--to", "2026-11-01") == 0
    out = capsys.readouterr().out
    assert out.startswith("矛盾纠纷排查零报告　2026年10月26日至2026年11月1日（周报）")
    pdf = tmp_path / "月报.pdf"
    assert run(path, "screening", "report", "--month", "2026-10", "--json", "--pdf", str(pdf)) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["rounds"], data["findings"], data["resolved_on_the_spot"]) == (2, 3, 2)
    assert pdf.stat().st_size > 0
    assert run(path, "screening", "add", "--area", "", "--by", "x", "--case", "无此案") == 1
    err = capsys.readouterr().err
    assert "排查范围：请写明排查了哪里" in err and "找不到案件“无此案”" in err
    assert run(path, "screening", "report") == EXIT_USAGE
    assert run(path, "screening", "report", "--month", "2026-13") == EXIT_USAGE
    capsys.readouterr()
    assert run(path, "screening", "remove", first) == EXIT_OK
    assert run(path, "screening", "show", first) == EXIT_USER_ERROR
    assert "找不到排查记录" in capsys.readouterr().err
