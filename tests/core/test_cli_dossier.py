"""`dossier check` through `app.cli.main`, on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import EXIT_OK, EXIT_USER_ERROR, main
from app.services.cases import register_case
from app.services.database import open_database
from tests.core.test_case_life import draft
from tests.core.test_dossier import D


def test_dossier_check_names_what_is_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "t.db"
    db = open_database(path)
    case, _ = register_case(db, draft(), today=D(2026, 10, 8))
    db.close()
    assert main(["--db", str(path), "dossier", "check", case.number]) == EXIT_OK
    out = capsys.readouterr().out
    assert "卷宗还缺4项" in out and "✗ 被申请人张伟的身份证明：" in out
    assert main(["--db", str(path), "dossier", "check", case.number, "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["complete"] is False
    assert next(i["key"] for i in data["items"] if not i["present"]) == "application"
    assert (
        main(["--db", str(path), "dossier", "check", "（2026）飞人调字第999号"]) == EXIT_USER_ERROR
    )
    assert "找不到案件" in capsys.readouterr().err
