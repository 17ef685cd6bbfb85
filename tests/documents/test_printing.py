"""Printing a case's agreement through the service and the command line: what is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.errors import UserError
from app.services.exchange import import_data
from app.services.printing import ORAL_AGREEMENT, print_agreement
from tests.core.test_exchange import a_case, exchange_file

RARE = "\U0002a6a5"  # 𪚥, in neither bundled font
NUMBER = "（2026）飞人调字第7号"


def oral_case() -> dict:
    case = a_case(1, number=NUMBER)
    case["agreement"]["form"] = "oral"
    return case


def rare_name_case() -> dict:
    case = a_case(2, number="（2026）飞人调字第8号")
    case["parties"][0]["name"] = f"张{RARE}"
    return case


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_an_oral_agreement_is_not_printed_as_a_written_one(db, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    import_data(db, exchange_file([oral_case()]))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError) as refused:
        print_agreement(db, NUMBER, fmt, out / f"oral.{fmt}")
    assert refused.value.message == ORAL_AGREEMENT
    assert "口头协议" in ORAL_AGREEMENT and "口头协议登记表" in ORAL_AGREEMENT
    assert "录入/修改协议" in ORAL_AGREEMENT and "书面协议" in ORAL_AGREEMENT
    assert list(out.iterdir()) == []  # no file, no temporary file


def test_a_missing_character_is_refused_before_a_file_is_made(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_data(db, exchange_file([rare_name_case()]))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError, match=f"申请人姓名“张{RARE}”中的“{RARE}”字无法打印"):
        print_agreement(db, "（2026）飞人调字第8号", "docx", out / "rare.docx")
    assert list(out.iterdir()) == []


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_says_why_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    source = tmp_path / "cases.json"
    data = exchange_file([oral_case(), rare_name_case()])
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli(db, "import", str(source)).returncode == 0
    out = tmp_path / "out"
    out.mkdir()

    oral = cli(db, "print", "agreement", NUMBER, "--format", "pdf", "-o", str(out / "a.pdf"))
    assert oral.returncode == 1
    assert ORAL_AGREEMENT in oral.stderr

    rare = cli(db, "print", "agreement", "（2026）飞人调字第8号", "-o", str(out / "b.pdf"))
    assert rare.returncode == 1
    assert f"“{RARE}”字无法打印" in rare.stderr
    assert list(out.iterdir()) == []
