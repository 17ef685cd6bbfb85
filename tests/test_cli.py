"""The command line end to end, in real processes, as the acceptance points of the issue read."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from tests.conftest import artifacts_dir
from tests.core.test_exchange import a_case, exchange_file

# poppler-utils (pdftotext, pdffonts, pdftoppm) is installed by scripts/debian-deps.sh; a run
# without it must fail loudly rather than skip the checks the acceptance points are about.
assert shutil.which("pdftotext"), "poppler-utils missing: run scripts/debian-deps.sh test"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdffonts(path: Path) -> list[list[str]]:
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return [line.split() for line in lines]


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for r in table.rows for cell in r.cells]
    return "\n".join(parts)


def flat(text: str) -> str:
    """Text without line breaks and spaces, so a name split over two lines still matches."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "t.db"
    ok(cli(path, "demo", "--cases", "25", "--seed", "3"))
    return path


def agreement_case(db: Path) -> dict:
    cases = json.loads(ok(cli(db, "cases", "--json")))
    assert len(cases) == 25
    assert set(cases[0]) == {"number", "uuid", "title", "status", "tier", "received_on"}
    return next(c for c in cases if c["status"] in ("performed", "followed_up", "archived"))


def test_demo_then_print_pdf_and_docx(demo: Path, tmp_path: Path) -> None:
    case = agreement_case(demo)
    exported = json.loads(
        (lambda p: (ok(cli(demo, "export", str(p))), p.read_text())[1])(tmp_path / "all.json")
    )
    data = next(c for c in exported["cases"] if c["uuid"] == case["uuid"])
    names = [p["name"] for p in data["parties"]]
    amount = data["agreement"]["terms"][-1]["amount"] or data["amount"]

    pdf = tmp_path / "a.pdf"
    ok(cli(demo, "print", "agreement", case["number"], "--format", "pdf", "-o", str(pdf)))
    fonts = pdffonts(pdf)
    assert fonts, "the PDF declares no fonts"
    for font in fonts:
        # columns: name type encoding emb sub uni object ID
        assert font[-5] == "yes", f"font not embedded: {font}"
    text = flat(pdftotext(pdf))
    for name in names:
        assert name in text
    assert amount in text  # as the exchange format writes it: "1250.50"
    assert case["number"] in text

    word = tmp_path / "a.docx"
    ok(cli(demo, "print", "agreement", case["uuid"], "--format", "docx", "-o", str(word)))
    word_text = flat(docx_text(word))
    for name in names:
        assert name in word_text
    assert amount in word_text


def test_rare_names_print_intact(tmp_path: Path) -> None:
    db = tmp_path / "rare.db"
    case = a_case(1, number="（2026）飞人调字第12号")
    case["parties"][0]["name"] = "王𠮷"
    case["parties"][1] = {"role": "respondent", "kind": "person", "name": "阿卜杜热合曼·买买提"}
    source = tmp_path / "rare.json"
    source.write_text(json.dumps(exchange_file([case]), ensure_ascii=False), encoding="utf-8")
    ok(cli(db, "import", str(source)))
    pdf = tmp_path / "rare.pdf"
    ok(cli(db, "print", "agreement", "（2026）飞人调字第12号", "-o", str(pdf)))
    text = pdftotext(pdf)
    assert "王𠮷" in flat(text)
    assert "阿卜杜热合曼·买买提" in flat(text)
    out = artifacts_dir("documents") / "cli-rare-names"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out)], check=True)


def test_bad_id_number_in_an_import_changes_nothing(demo: Path, tmp_path: Path) -> None:
    def everything() -> str:
        dump = tmp_path / f"dump-{len(list(tmp_path.iterdir()))}.json"
        ok(cli(demo, "export", str(dump)))
        return hashlib.sha256(dump.read_bytes()).hexdigest()

    before = everything()
    bad = a_case(2, title="车位占用纠纷")
    bad["parties"][0]["id_number"] = "110105194912310021"
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(exchange_file([a_case(1), bad]), ensure_ascii=False), "utf-8")
    result = cli(demo, "import", str(source))
    assert result.returncode == 1
    assert "第2个案件“车位占用纠纷”" in result.stderr and "身份证号" in result.stderr
    assert result.stdout == ""
    assert everything() == before


def test_unknown_case_writes_no_file(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "none.pdf"
    result = cli(demo, "print", "agreement", "（2026）飞人调字第999号", "-o", str(target))
    assert result.returncode == 1
    assert "找不到案件" in result.stderr
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_demo_refuses_a_database_that_has_cases(demo: Path) -> None:
    result = cli(demo, "demo")
    assert result.returncode == 1 and "已经有案件" in result.stderr


def test_a_mistyped_command_is_explained_in_chinese(demo: Path) -> None:
    result = cli(demo, "printt")
    assert result.returncode == 2 and "命令写得不对" in result.stderr


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "new.db"
    ok(cli(db, "init", "--committee", "飞机场社区人民调解委员会", "--short-name", "飞"))
    with sqlite3.connect(db) as raw:
        raw.execute("update alembic_version set version_num = 'zzzz'")
    result = cli(db, "cases")
    assert result.returncode == 1 and "更新版本" in result.stderr
