"""The command line end to end, in real processes, as the acceptance points of the issue read."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import pytest

from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.lifecycle import CaseEvent
from app.domain.validation import resident_id_check_char
from app.domain.work import PaymentDraft
from app.services.case_life import apply_event
from app.services.case_report import case_report
from app.services.cases import register_case, save_agreement
from app.services.database import open_database
from app.services.performance import record_payment
from app.views import CaseDetail
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
        (("due", "--on", "2026-13-01"), "--on：日期“2026-13-01”不对，请写成 年-月-日"),
        (("case", "event", "1", "accepted"), "事项没有“accepted”这一项，可以写的有：accept、"),
        (("case", "event", "1", "fail", "--routes", "法院"), "没有“法院”这种途径"),
        (("case", "escalate", "1", "--to", "courtyard"), "缺少--reason"),
        (("case",), "缺少操作"),
    ],
)
def test_mistyped_commands_are_explained_only_in_chinese(args, chinese: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "命令写得不对" in result.stderr and chinese in result.stderr
    assert "用法：" in result.stderr
    for english in ARGPARSE_ENGLISH:
        assert english not in result.stderr.lower(), english


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("print", "--help"),
        ("demo", "-h"),
        ("due", "--help"),
        ("case", "--help"),
        ("case", "show", "-h"),
        ("case", "escalate", "--help"),
        ("case", "event", "--help"),
    ],
)
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


# --- A case's life on the command line ---------------------------------------------------------

ID_FIRST17 = "11010519800101002"


def id_number() -> str:
    return ID_FIRST17 + resident_id_check_char(ID_FIRST17)


def registered_case(db):  # type: ignore[no-untyped-def]
    received_on = date(2026, 10, 8)
    detail, _ = register_case(
        db,
        CaseDraft(
            title="楼上渗水纠纷",
            received_on=received_on,
            parties=[
                PartyDraft(
                    role="applicant", name="李秀英", phone="13900001111", id_number=id_number()
                ),
                PartyDraft(role="respondent", name="张伟", phone="13800002222"),
            ],
        ),
        today=received_on,
    )
    return detail


def performing_case(path: Path) -> str:
    """accept → start_mediation → a written agreement of 2026-10-20 → payments; its number.

    Term 1: 1000 yuan due 2026-11-01, 300 paid on 2026-10-25 (overdue from 2026-11-02).
    Term 2: an apology due 2026-10-25, performed on 2026-10-22. Term 3: a statement.
    """
    db = open_database(path)
    try:
        detail = registered_case(db)
        for event, day in [(CaseEvent.ACCEPT, 9), (CaseEvent.START_MEDIATION, 10)]:
            apply_event(db, detail.id, event, on=date(2026, 10, day), today=date(2026, 10, day))
        save_agreement(
            db,
            detail.id,
            AgreementDraft(
                form="written",
                reached_on=date(2026, 10, 20),
                terms=[
                    TermDraft(
                        text="张伟赔偿李秀英维修费1000元",
                        obligor=1,
                        obligee=0,
                        amount="1000",
                        due=date(2026, 11, 1),
                    ),
                    TermDraft(
                        text="张伟向李秀英赔礼道歉", obligor=1, obligee=0, due=date(2026, 10, 25)
                    ),
                    TermDraft(text="双方今后和睦相处"),
                ],
            ),
        )
        agreed, _ = apply_event(
            db,
            detail.id,
            CaseEvent.REACH_AGREEMENT,
            on=date(2026, 10, 20),
            today=date(2026, 10, 20),
        )
        money, apology, _ = agreed.agreement.terms
        for term, payment in [
            (money, PaymentDraft(on=date(2026, 10, 25), amount="300", note="现金")),
            (apology, PaymentDraft(on=date(2026, 10, 22))),
        ]:
            record_payment(db, detail.id, term.id, payment, today=date(2026, 10, 25))
        return detail.number
    finally:
        db.close()


def accepted_case(path: Path) -> str:
    db = open_database(path)
    try:
        detail = registered_case(db)
        apply_event(db, detail.id, CaseEvent.ACCEPT, on=date(2026, 10, 9), today=date(2026, 10, 9))
        return detail.number
    finally:
        db.close()


@pytest.fixture(scope="module")
def performing(tmp_path_factory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("life") / "life.db"
    return path, performing_case(path)


def test_case_show_reads_the_whole_case_with_id_numbers_masked(performing) -> None:
    db, number = performing
    text = ok(cli(db, "case", "show", number))
    assert text.startswith(f"{number}  楼上渗水纠纷")
    assert "申请人 李秀英" in text and "被申请人 张伟" in text
    assert id_number() not in text and f"{id_number()[:6]}********{id_number()[-4:]}" in text
    for section in ("当事人", "调解员", "层级与移交", "办理经过", "调解协议", "回访", "风险"):
        assert f"【{section}" in text
    assert "2026-10-09 受理：已登记 → 已受理（本机用户）" in text
    assert "于2026年11月1日前支付人民币1000.00元" in text
    assert "已付300.00元；到期未付700.00元" in text and "：逾期；" in text
    assert "履行记录 2026-10-25 300.00元  现金" in text
    history = text.split("【操作记录】")[1]
    assert "登记履行（payment.record）" in history
    assert "obligations.1.payments.1.amount_fen：（空） → 30000" in history
    assert "status：registered → accepted" in history
    # one case, four ways to name it
    by_uuid = json.loads(ok(cli(db, "case", "show", "--json", number)))["uuid"]
    assert ok(cli(db, "case", "show", by_uuid)) == text
    assert ok(cli(db, "case", "show", "1")) == text


def test_case_show_json_has_every_field_and_separates_what_an_import_changes(performing) -> None:
    db, number = performing
    report = json.loads(ok(cli(db, "case", "show", number, "--json")))
    database_fields = {"id", "created_at", "updated_at"}
    for f in dataclasses.fields(CaseDetail):
        assert f.name in database_fields or f.name in report, f.name
    assert {"case_id", "created_at", "updated_at"} <= set(report["database"])
    assert report["parties"][0]["id_number"] == id_number()
    assert report["status"] == "performing" and report["tier"] == "building"
    money, apology, statement = report["agreement"]["terms"]
    assert money["schedule"] == {"kind": "one_off", "due": "2026-11-01", "amount": "1000.00"}
    assert money["payments"] == [{"on": "2026-10-25", "amount": "300.00", "note": "现金"}]
    assert money["status"]["state"] == "overdue" and money["status"]["outstanding"] == "700.00"
    assert money["status"]["days_late"] == (date.today() - date(2026, 11, 1)).days
    assert apology["status"]["state"] == "performed" and apology["schedule"]["amount"] is None
    assert statement["schedule"] is None and statement["status"] is None
    assert [h["event"] for h in report["status_history"]] == [
        "register",
        "accept",
        "start_mediation",
        "reach_agreement",
        "start_performance",
    ]
    assert [a["action"] for a in report["audit"]] == [
        "case.register",
        "case.accept",
        "case.start_mediation",
        "agreement.save",
        "case.reach_agreement",
        "payment.record",
        "payment.record",
    ]
    assert report["audit"][1]["before"]["status"] == "registered"
    assert report["audit"][1]["after"]["status"] == "accepted"

    database = open_database(db)
    try:
        bare = case_report(database, number, date.today(), include_audit=False, include_ids=False)
    finally:
        database.close()
    assert bare == {k: v for k, v in report.items() if k not in ("audit", "database")}

    def keys(value) -> set[str]:  # type: ignore[no-untyped-def]
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert not keys(bare) & {"id", "case_id", "created_at", "updated_at", "payment_ids"}


def due_json(db: Path, on: str) -> list[dict]:
    return json.loads(ok(cli(db, "due", "--on", on, "--json")))


def test_due_lists_the_overdue_and_the_confirmation_window_never_the_performed(
    performing,
) -> None:
    db, number = performing
    early = due_json(db, "2026-11-05")
    assert [(i["case_number"], i["kind"], i["on"], i["days_late"]) for i in early] == [
        (number, "obligation", "2026-11-01", 4),
        (number, "confirmation_window", "2026-11-19", 0),
    ]
    text = ok(cli(db, "due", "--on", "2026-11-05")).splitlines()
    assert text[0].split("\t")[:4] == [number, "义务履行期限", "2026-11-01", "逾期4天"]
    assert "第1项义务" in text[0] and "司法确认" in text[1]
    assert text[-1] == "共2项，其中逾期1项（按2026-11-05计算）"
    # 31 days after the agreement the window is gone; the overdue debt is still there
    late = due_json(db, "2026-11-20")
    assert [(i["kind"], i["days_late"]) for i in late] == [("obligation", 19)]
    for items in (early, late, due_json(db, "2026-10-30")):
        assert all("第2项" not in i["what"] for i in items)  # the apology was performed
    quiet = cli(db, "due", "--on", "2026-10-01")
    assert quiet.returncode == 0 and "没有到期或逾期的事项" in quiet.stdout
    assert due_json(db, "2026-10-01") == []


def test_escalate_goes_up_and_is_refused_down(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    number = accepted_case(db)
    said = ok(
        cli(db, "case", "escalate", number, "--to", "courtyard", "--reason", "涉及两个单元",
            "--on", "2026-10-11", "--by", "刘主任")
    )  # fmt: skip
    assert "从“楼栋”移交到“院落”" in said
    report = json.loads(ok(cli(db, "case", "show", number, "--json")))
    assert report["tier"] == "courtyard"
    assert report["escalations"] == [
        {
            "from_tier": "building",
            "to_tier": "courtyard",
            "on": "2026-10-11",
            "reason": "涉及两个单元",
            "decided_by": "刘主任",
        }
    ]
    down = cli(db, "case", "escalate", number, "--to", "building", "--reason", "误操作")
    assert down.returncode == 1 and down.stdout == ""
    assert "不能退回“楼栋”" in down.stderr
    no_target = cli(db, "case", "escalate", number, "--to", "referred", "--reason", "涉及刑事")
    assert no_target.returncode == 2 and "--target" in no_target.stderr
    assert "judicial_office（司法所）" in no_target.stderr
    ok(
        cli(db, "case", "escalate", number, "--to", "referred", "--target", "police",
            "--reason", "涉及刑事", "--actor", "王建国")
    )  # fmt: skip
    report = json.loads(ok(cli(db, "case", "show", number, "--json")))
    assert (report["status"], report["tier"]) == ("referred", "referred")
    last = report["status_history"][-1]
    assert (last["event"], last["referred_to"], last["actor"]) == ("refer", "police", "王建国")
    assert report["escalations"][-1]["decided_by"] == "王建国"


def test_an_event_is_refused_with_the_reason_or_done(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    number = accepted_case(db)
    refused = cli(db, "case", "event", number, "archive")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "不能“归档”" in refused.stderr and "现在可以" in refused.stderr
    ok(cli(db, "case", "event", number, "start_mediation", "--on", "2026-10-10"))
    needs = cli(db, "case", "event", number, "fail")
    assert needs.returncode == 1 and "告知当事人" in needs.stderr
    wrong = cli(db, "case", "event", number, "withdraw", "--routes", "court")
    assert wrong.returncode == 2 and "不用写 --routes" in wrong.stderr
    said = ok(
        cli(db, "case", "event", number, "fail", "--routes", "court,arbitration",
            "--reason", "双方分歧过大", "--on", "2026-10-12", "--actor", "王建国")
    )  # fmt: skip
    assert said.strip() == f"已办理“调解不成”：案件{number}现在是“调解不成”。"
    last = json.loads(ok(cli(db, "case", "show", number, "--json")))["status_history"][-1]
    assert (last["event"], last["on"], last["actor"], last["reason"], last["routes"]) == (
        "fail",
        "2026-10-12",
        "王建国",
        "双方分歧过大",
        ["arbitration", "court"],
    )
    bad_day = cli(db, "case", "event", number, "archive", "--on", "2026-02-30")
    assert bad_day.returncode == 2 and "日期“2026-02-30”不对" in bad_day.stderr


def test_case_event_help_lists_every_event_code() -> None:

    help_text = ok(run("case", "event", "--help"))
    codes = re.findall(r"^  (\w+) +(\S+)", help_text.split("事项代码：")[1], re.MULTILINE)
    assert [(code, label) for code, label in codes] == [
        (e.value, e.label.split("  ")[0]) for e in CaseEvent
    ]
    assert "decline               不予受理  要写 --reason" in help_text


def test_init_names_a_new_committee_in_the_same_transaction_that_makes_it(tmp_path: Path) -> None:
    """No second transaction a kill could fall between: the new file's committee row is made
    with the names given, and only an existing database is renamed by an update."""
    import sqlite3

    db = tmp_path / "new.db"
    ok(cli(db, "init", "--committee", "飞机场社区人民调解委员会", "--short-name", "飞"))
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT name, short_name FROM committee").fetchall() == [
            ("飞机场社区人民调解委员会", "飞")
        ]
        actions = [a for (a,) in connection.execute("SELECT action FROM audit_log")]
    assert "committee.create" in actions and "committee.update" not in actions
    ok(cli(db, "init", "--committee", "铁西社区人民调解委员会"))  # an existing one renamed
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT name, short_name FROM committee").fetchall() == [
            ("铁西社区人民调解委员会", "飞")
        ]
    bad = cli(tmp_path / "other.db", "init", "--committee", "飞\x1b[2J")
    assert bad.returncode == 1 and "控制字符" in bad.stderr
    assert not (tmp_path / "other.db").exists()  # refused before any file is made
