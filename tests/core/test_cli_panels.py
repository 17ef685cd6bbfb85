"""`panel draw` and `fairness` through `app.cli.main`, on a real demo database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import EXIT_OK, EXIT_USER_ERROR, main
from app.db.models import AuditEntry, PanelDraw
from app.domain.codes import CaseStatus
from app.services.cases import list_cases
from app.services.database import open_database
from app.services.demo import fill_demo
from app.services.detail import get_case
from tests.conftest import TODAY


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, str]:
    """A demo database and the number of a case still being mediated."""
    path = tmp_path / "demo.db"
    db = open_database(path)
    fill_demo(db, cases=30, seed=5, today=TODAY)
    open_ones = (CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING)
    number = next(r.number for r in list_cases(db, limit=100) if r.status in open_ones)
    db.close()
    return path, number


def test_a_dry_run_prints_the_panel_and_every_reason_and_records_nothing(capsys, demo) -> None:  # type: ignore[no-untyped-def]
    path, number = demo
    db = open_database(path)
    with db.reading() as s:
        audits = s.scalar(select(func.count()).select_from(AuditEntry))
    db.close()
    code, out, err = run(capsys, "--db", path, "panel", "draw", number, "--dry-run", "--json")
    assert code == EXIT_OK, err
    first = json.loads(out)
    assert first["recorded"] is False and first["seats"]
    assert all(s["reasons"] for s in first["seats"]) and all(o["reasons"] for o in first["others"])
    code, again, _ = run(capsys, "--db", path, "panel", "draw", number, "--dry-run", "--json")
    assert json.loads(again) == first
    code, text, _ = run(capsys, "--db", path, "panel", "draw", number, "--dry-run")
    assert "抽选结果（未记录）" in text and "主持人：" in text
    db = open_database(path)
    try:
        with db.reading() as s:
            assert s.scalar(select(func.count()).select_from(PanelDraw)) == 0
            assert s.scalar(select(func.count()).select_from(AuditEntry)) == audits
    finally:
        db.close()


def test_a_draw_is_recorded_and_a_redraw_needs_its_reason(capsys, demo) -> None:  # type: ignore[no-untyped-def]
    path, number = demo
    code, out, err = run(
        capsys,
        "--db",
        path,
        "panel",
        "draw",
        number,
        "--reason",
        "首次抽选",
        "--json",
        "--actor",
        "王主任",
    )
    assert code == EXIT_OK, err
    drawn = json.loads(out)
    db = open_database(path)
    try:
        assert [m.mediator_uuid for m in get_case(db, number).panel] == [
            s["mediator"] for s in drawn["seats"]
        ]
    finally:
        db.close()
    code, _, err = run(capsys, "--db", path, "panel", "draw", number)
    assert code == EXIT_USER_ERROR and "重新抽选要写明原因" in err
    code, _, err = run(
        capsys, "--db", path, "panel", "draw", number, "--draw", "1", "--reason", "再抽"
    )
    assert code == EXIT_USER_ERROR and "第1次抽选已经记录过" in err
    code, out, err = run(
        capsys, "--db", path, "panel", "draw", number, "--reason", "当事人申请回避"
    )
    assert code == EXIT_OK and "第2次抽选" in out and "已记录" in out


def test_fairness_as_text_and_json(capsys, demo) -> None:  # type: ignore[no-untyped-def]
    path, _ = demo
    code, out, err = run(capsys, "--db", path, "fairness", "--from", "2020-01-01", "--json")
    assert code == EXIT_OK, err
    data = json.loads(out)
    assert data["mediators"] and sum(m["cases"] for m in data["mediators"]) == data["seats"]
    code, text, _ = run(capsys, "--db", path, "fairness", "--from", "2020-01-01")
    assert "平均每人" in text and "与平均相比" in text
    code, _, err = run(
        capsys, "--db", path, "fairness", "--from", "2026-12-01", "--to", "2026-01-01"
    )
    assert code == EXIT_USER_ERROR and "结束日期不能早于开始日期" in err
