"""Printing any form through the service and the command line: every key, the blank forms,
the sitting or agent chosen, and what is refused (with nothing written)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.documents.forms.registry import FORMS, form_names, items
from app.domain.codes import SessionKind
from app.domain.errors import UserError
from app.services.cases import count_cases, get_case, list_cases
from app.services.database import Database, get_committee
from app.services.printing import Saved, agreement_title, print_blank, print_form
from app.views import CaseDetail

from .test_forms import read_back, squeezed


def demo_cases(db: Database) -> list[CaseDetail]:
    return [get_case(db, row.id) for row in list_cases(db, limit=count_cases(db))]


def first(db: Database, wanted) -> CaseDetail:  # type: ignore[no-untyped-def]
    return next(c for c in demo_cases(db) if wanted(c))


def fullest(c: CaseDetail) -> bool:
    return (
        len({s.kind for s in c.sessions}) == 2
        and bool(c.follow_ups)
        and any(p.agents for p in c.parties)
    )


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_every_form_prints_for_a_case_and_blank(
    demo_db: Database, tmp_path: Path, fmt: str
) -> None:
    case = first(demo_db, fullest)
    committee = get_committee(demo_db)
    for key, name in form_names():
        saved = print_form(demo_db, key, case.number, fmt, tmp_path / f"{key}.{fmt}")
        title = agreement_title(case) if key == "agreement" else name  # the oral register
        assert saved == Saved(tmp_path / f"{key}.{fmt}", title)
        assert case.number in squeezed(read_back(saved.path)) or key in (
            "application",
            "rights_notice",
            "power_of_attorney",
            "confirmation",
        )
        blank = print_blank(key, fmt, tmp_path / f"blank-{key}.{fmt}", committee)
        assert blank.title == f"空白{name}" and blank.message.startswith(f"已保存空白{name}：")
        assert case.number not in read_back(blank.path)


def test_the_item_picks_the_sitting(demo_db: Database, tmp_path: Path) -> None:
    case = first(demo_db, lambda c: sum(s.kind is SessionKind.MEDIATION for s in c.sessions) > 1)
    sittings = items(FORMS["mediation_record"], case)
    for item_id, when in sittings:
        saved = print_form(
            demo_db,
            "mediation_record",
            case.uuid,
            "pdf",
            tmp_path / f"{item_id}.pdf",
            item_id=item_id,
        )
        assert squeezed(when) in squeezed(read_back(saved.path))


def test_what_is_refused_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    without = first(demo_db, lambda c: not c.sessions and not any(p.agents for p in c.parties))
    with pytest.raises(UserError, match="print --list"):
        print_form(demo_db, "minutes", without.number, "pdf", out / "x.pdf")
    with pytest.raises(UserError, match="print --list"):
        print_blank("minutes", "pdf", out / "x.pdf", get_committee(demo_db))
    with pytest.raises(
        UserError,
        match="这个案件还没有调查记录，可以打印空白表：print blank investigation -o ",
    ):
        print_form(demo_db, "investigation", without.number, "pdf", out / "x.pdf")
    with pytest.raises(UserError, match=r"没有委托代理人.*print blank power_of_attorney"):
        print_form(demo_db, "power_of_attorney", without.number, "pdf", out / "x.pdf")
    with pytest.raises(UserError, match="不用写 --item"):
        print_form(demo_db, "cover", without.number, "pdf", out / "x.pdf", item_id=1)
    case = first(demo_db, lambda c: bool(c.follow_ups))
    visit = items(FORMS["follow_up"], case)[0][0]
    with pytest.raises(
        UserError, match=f"没有序号为 999 的回访记录。可以写的 --item 有：{visit}（"
    ):
        print_form(demo_db, "follow_up", case.number, "pdf", out / "x.pdf", item_id=999)
    with pytest.raises(UserError, match="不支持的格式"):
        print_form(demo_db, "cover", case.number, "odt", out / "x.odt")
    assert list(out.iterdir()) == []


# --- the command line ------------------------------------------------------------------------


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def demo_file(demo_db: Database) -> Path:
    return demo_db.path


def test_print_list_names_every_form(tmp_path: Path) -> None:
    result = cli(tmp_path / "none.db", "print", "--list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{key}\t{name}" for key, name in form_names()]
    assert not (tmp_path / "none.db").exists()


def test_print_a_form_of_a_case_and_a_blank_one(
    demo_db: Database, demo_file: Path, tmp_path: Path
) -> None:
    case = first(demo_db, lambda c: bool(c.follow_ups))
    visit = items(FORMS["follow_up"], case)[0][0]
    target = tmp_path / "回访.docx"
    result = cli(
        demo_file, "print", "follow_up", case.number, "--item", str(visit), "-o", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"已保存人民调解回访记录：{target}"
    assert target.read_bytes()[:2] == b"PK"

    blank = tmp_path / "申请书"
    result = cli(demo_file, "print", "blank", "application", "-o", str(blank))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"已保存空白人民调解申请书：{blank}"
    assert blank.read_bytes()[:5] == b"%PDF-"


def test_print_explains_what_is_missing(demo_db: Database, demo_file: Path, tmp_path: Path) -> None:
    without = first(demo_db, lambda c: not c.sessions)
    result = cli(demo_file, "print", "investigation", without.number, "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert "print blank investigation -o" in result.stderr
    result = cli(demo_file, "print", "blank", "minutes", "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 1 and "print --list" in result.stderr
    for args, said in (
        (("print",), "缺少文书和案件"),
        (("print", "blank"), "缺少要打印的空白文书代码"),
        (("print", "cover", without.number), "缺少-o/--output"),
        (("print", "--list", "cover"), "--list 只列出文书"),
        (
            ("print", "blank", "cover", "--item", "3", "-o", str(tmp_path / "x.pdf")),
            "不用写 --item",
        ),
    ):
        result = cli(demo_file, *args)
        assert result.returncode == 2 and said in result.stderr, (args, result.stderr)
    assert not (tmp_path / "x.pdf").exists()
