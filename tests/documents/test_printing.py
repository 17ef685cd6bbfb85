"""Printing a case's agreement through the service and the command line: which form is made
for a written and an oral agreement, and what is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from app.domain.errors import UserError
from app.services.exchange import import_data
from app.services.printing import Saved, print_agreement
from tests.core.test_exchange import a_case, exchange_file

from .conftest import APPLICANT, RESPONDENT, pdftotext, pypdf_text

RARE = "\U0002a6a5"  # 𪚥, in neither bundled font
NUMBER = "（2026）飞人调字第7号"
WRITTEN_NUMBER = "（2026）飞人调字第9号"
ORAL_TITLE = "人民调解口头协议登记表"
EFFECT = "本口头协议自各方当事人达成协议之日起生效。"


def oral_case() -> dict:
    """Agreed orally, with names as real rolls have them (a middle dot, 𠮷 beyond the BMP)."""
    case = a_case(1, number=NUMBER)
    case["agreement"]["form"] = "oral"
    case["parties"][0]["name"] = APPLICANT
    case["parties"].append(
        {"role": "respondent", "kind": "person", "name": RESPONDENT, "sex": "female"}
    )
    return case


def rare_name_case() -> dict:
    case = a_case(2, number="（2026）飞人调字第8号")
    case["parties"][0]["name"] = f"张{RARE}"
    return case


def saved_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return "".join(pypdf_text(path).split())
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "".join("".join([p.text for p in document.paragraphs] + cells).split())


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_an_oral_agreement_prints_as_its_register(db, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    import_data(db, exchange_file([oral_case(), a_case(3, number=WRITTEN_NUMBER)]))
    saved = print_agreement(db, NUMBER, fmt, tmp_path / f"oral.{fmt}")
    assert saved == Saved(tmp_path / f"oral.{fmt}", ORAL_TITLE)
    assert saved.message == f"已保存人民调解口头协议登记表：{tmp_path / f'oral.{fmt}'}"
    text = saved_text(saved.path)
    for expected in (ORAL_TITLE, NUMBER, APPLICANT, RESPONDENT, "赔偿维修费", "1250.50", EFFECT):
        assert expected in text, expected
    assert "壹仟贰佰伍拾元伍角" in text
    assert "人民调解协议书" not in text and "一式" not in text

    written = print_agreement(db, WRITTEN_NUMBER, fmt, tmp_path / f"written.{fmt}")
    assert written.title == "人民调解协议书"
    assert written.message.startswith("已保存人民调解协议书：")
    text = saved_text(written.path)
    assert "人民调解协议书" in text and "一式" in text and ORAL_TITLE not in text


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


def test_the_command_line_prints_an_oral_agreement_as_its_register(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    source = tmp_path / "cases.json"
    data = exchange_file([oral_case(), rare_name_case()])
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli(db, "import", str(source)).returncode == 0
    out = tmp_path / "out"
    out.mkdir()

    for name in ("a.pdf", "a.docx"):
        oral = cli(db, "print", "agreement", NUMBER, "-o", str(out / name))
        assert oral.returncode == 0, oral.stderr
        assert oral.stdout.strip() == f"已保存人民调解口头协议登记表：{out / name}"
        text = saved_text(out / name)
        assert ORAL_TITLE in text and NUMBER in text and RESPONDENT in text and EFFECT in text
    assert ORAL_TITLE in pdftotext(out / "a.pdf")  # the form a person reads, not just its text


def test_the_command_line_says_why_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    source = tmp_path / "cases.json"
    source.write_text(
        json.dumps(exchange_file([rare_name_case()]), ensure_ascii=False), encoding="utf-8"
    )
    assert cli(db, "import", str(source)).returncode == 0
    out = tmp_path / "out"
    out.mkdir()

    rare = cli(db, "print", "agreement", "（2026）飞人调字第8号", "-o", str(out / "b.pdf"))
    assert rare.returncode == 1
    assert f"“{RARE}”字无法打印" in rare.stderr
    assert list(out.iterdir()) == []
