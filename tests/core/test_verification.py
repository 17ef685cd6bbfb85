"""核验: the code printed on an agreement matches the record until its stored content changes;
each print is in the case's history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.cli import EXIT_OK, EXIT_USER_ERROR, main
from app.db.models import Agreement, AuditEntry, Obligation
from app.domain.errors import UserError
from app.services.cases import list_cases
from app.services.verification import code_of, normal_code, record_print, verify


def an_agreed_case(db) -> int:  # type: ignore[no-untyped-def]
    from app.services.detail import get_case

    for row in list_cases(db, limit=100):
        case = get_case(db, row.id)
        if case.agreement is not None and case.agreement.terms:
            return case.id
    raise AssertionError("the demo has agreements")


def test_a_printed_code_verifies_until_a_byte_of_the_terms_changes(demo_db) -> None:  # type: ignore[no-untyped-def]
    case_id = an_agreed_case(demo_db)
    printed, _ = record_print(demo_db, case_id, "agreement", actor="李文书")
    assert len(printed.code) == 11 and printed.code[5] == "-"
    verdict = verify(demo_db, printed.code.lower().replace("-", " "))
    assert verdict.matches and "与档案一致" in verdict.message()
    again, _ = record_print(demo_db, case_id, "agreement")
    assert again.code == printed.code  # the same content, the same code
    with demo_db.reading() as s:
        actions = list(
            s.scalars(select(AuditEntry.action).where(AuditEntry.action == "document.print"))
        )
    assert len(actions) == 2  # both prints are in the history
    # Change one character of one stored term of this case, behind the program's back.
    with demo_db.transaction() as s:
        agreement = s.scalar(select(Agreement).where(Agreement.case_id == case_id))
        assert agreement is not None
        term = agreement.obligations[0]
        s.execute(update(Obligation).where(Obligation.id == term.id).values(text=term.text + "。"))
    changed = verify(demo_db, printed.code)
    assert not changed.matches and "与档案不一致" in changed.message()


def test_codes_are_read_leniently_and_unknown_ones_said_plainly(demo_db) -> None:  # type: ignore[no-untyped-def]
    code = code_of("f" * 64)
    assert normal_code(code.lower().replace("0", "o")) == code
    with pytest.raises(UserError, match="没有找到核验码"):
        verify(demo_db, "00000-00000")
    with pytest.raises(UserError, match="10位字母和数字"):
        verify(demo_db, "123")


def test_verify_on_the_command_line(demo_db, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    case_id = an_agreed_case(demo_db)
    printed, _ = record_print(demo_db, case_id, "agreement")
    path = str(Path(demo_db.path))
    assert main(["--db", path, "verify", printed.code]) == EXIT_OK
    assert "与档案一致" in capsys.readouterr().out
    assert main(["--db", path, "verify", "ZZZZZ-ZZZZZ"]) == EXIT_USER_ERROR
    assert "没有找到核验码" in capsys.readouterr().err


def test_a_printed_agreement_carries_its_code_in_pdf_and_word(demo_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document as WordDocument
    from pypdf import PdfReader

    from app.db.models import PrintedDocument
    from app.services.printing import print_agreement

    case_id = an_agreed_case(demo_db)
    print_agreement(demo_db, case_id, "pdf", tmp_path / "a.pdf")
    with demo_db.reading() as s:
        code = s.scalar(select(PrintedDocument.code).where(PrintedDocument.case_id == case_id))
    assert code is not None
    first = PdfReader(str(tmp_path / "a.pdf")).pages[0].extract_text()
    assert f"核验码 {code}" in first
    print_agreement(demo_db, case_id, "docx", tmp_path / "a.docx")
    header = WordDocument(str(tmp_path / "a.docx")).sections[0].first_page_header
    assert any(code in p.text for p in header.paragraphs)
    assert verify(demo_db, code).matches
