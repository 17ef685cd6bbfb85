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


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120
    )


ARGPARSE_ENGLISH = (
    "usage",
    "required",
    "invalid",
    "choose from",
    "unrecognized",
    "positional arguments",
    "options:",
    "show this help",
    "expected one argument",
    "error:",
)


@pytest.mark.parametrize(
    ("args", "chinese"),
    [
        ((), "缺少命令"),
        (("demo", "--cases", "x"), "--cases要写整数，“x”不是整数"),
        (("printt",), "没有“printt”这一项，可以写的有：init、demo、import"),
        (("cases", "--foo"), "不认识“--foo”"),
        (("--db",), "--db后面要跟一个值"),
        (("print", "agreement", "x"), "缺少-o/--output"),
    ],
)
def test_mistyped_commands_are_explained_only_in_chinese(args, chinese: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "命令写得不对" in result.stderr and chinese in result.stderr
    assert "用法：" in result.stderr
    for english in ARGPARSE_ENGLISH:
        assert english not in result.stderr.lower(), english


@pytest.mark.parametrize("args", [("--help",), ("print", "--help"), ("demo", "-h")])
def test_help_is_chinese(args) -> None:
    result = run(*args)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("用法：") and "显示这份说明" in result.stdout
    for english in ARGPARSE_ENGLISH:
        assert english not in result.stdout.lower(), english


@pytest.mark.parametrize(
    "command", [("cases",), ("export", "out.json"), ("print", "agreement", "1", "-o", "a.pdf")]
)
def test_a_mistyped_db_creates_nothing(tmp_path: Path, command) -> None:
    missing = tmp_path / "nofolder" / "sub" / "x.db"
    result = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(missing), *command],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "找不到数据库文件" in result.stderr and "init" in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_export_from_a_mistyped_db_keeps_the_good_file(demo: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    ok(cli(demo, "export", str(good)))
    before = good.read_bytes()
    result = cli(tmp_path / "typo.db", "export", str(good))
    assert result.returncode == 1 and good.read_bytes() == before
    assert not (tmp_path / "typo.db").exists()


def test_a_newer_delete_journal_database_keeps_every_byte(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "new.db"
    ok(cli(db, "init"))
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
        raw.execute("update alembic_version set version_num = 'zzzz'")
    raw.close()
    before = db.read_bytes()
    result = cli(db, "cases")
    assert result.returncode == 1 and "更新版本" in result.stderr
    assert db.read_bytes() == before  # `cmp`: not even the journal-mode bytes of the header


def test_plain_cases_lists_the_uuid_last(demo: Path) -> None:
    rows = json.loads(ok(cli(demo, "cases", "--json")))
    lines = ok(cli(demo, "cases")).splitlines()
    assert lines[-1] == f"共{len(rows)}件"
    assert [line.split("\t")[-1] for line in lines[:-1]] == [r["uuid"] for r in rows]
    assert [line.split("\t")[0] for line in lines[:-1]] == [r["number"] for r in rows]


def test_print_takes_the_format_from_the_file_name(demo: Path, tmp_path: Path) -> None:
    case = agreement_case(demo)
    word = tmp_path / "a.docx"
    ok(cli(demo, "print", "agreement", case["number"], "-o", str(word)))
    assert word.read_bytes()[:2] == b"PK"  # a Word file is a zip
    plain = tmp_path / "协议"
    ok(cli(demo, "print", "agreement", case["number"], "-o", str(plain)))
    assert plain.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("fmt", "name", "hint"),
    [("docx", "x.pdf", "对不上"), ("pdf", "x.docx", "对不上"), (None, "x.doc", ".pdf 或 .docx")],
)
def test_print_refuses_a_format_the_name_contradicts(demo, tmp_path, fmt, name, hint) -> None:
    case = agreement_case(demo)
    target = tmp_path / name
    extra = ["--format", fmt] if fmt else []
    result = cli(demo, "print", "agreement", case["number"], *extra, "-o", str(target))
    assert result.returncode == 1 and hint in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_import_reserves_the_files_numbers_and_keeps_the_committee(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    ok(cli(db, "init", "--committee", "飞机场社区人民调解委员会", "--short-name", "飞"))
    source = tmp_path / "two.json"
    data = exchange_file([a_case(1), a_case(2, number="（2026）飞人调字第1号")])
    data["committee"] = {"name": "铁西社区人民调解委员会", "short_name": "铁"}
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    summary = ok(cli(db, "import", str(source)))
    assert "文件中的委员会是“铁西社区人民调解委员会”" in summary
    assert "本数据库保留“飞机场社区人民调解委员会”" in summary
    numbers = sorted(c["number"] for c in json.loads(ok(cli(db, "cases", "--json"))))
    assert numbers == ["（2026）飞人调字第1号", "（2026）飞人调字第2号"]


@pytest.mark.parametrize(
    ("content", "hint"),
    [(b"[" * 100000, "不是有效的交换文件"), (b"", "文件是空的")],
)
def test_odd_import_files_are_user_errors(tmp_path: Path, content: bytes, hint: str) -> None:
    source = tmp_path / "odd.json"
    source.write_bytes(content)
    result = cli(tmp_path / "t.db", "import", str(source))
    assert result.returncode == 1 and hint in result.stderr


def test_a_huge_amount_is_a_user_error(tmp_path: Path) -> None:
    source = tmp_path / "huge.json"
    case = a_case(1, amount="9" * 40)
    source.write_text(json.dumps(exchange_file([case]), ensure_ascii=False), encoding="utf-8")
    result = cli(tmp_path / "t.db", "import", str(source))
    assert result.returncode == 1 and "金额太大" in result.stderr
