"""核验: the code printed on an agreement matches the record until its stored content changes;
each print is in the case's history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.cli import EXIT_OK, EXIT_USER_ERROR, main
from app.db.models import Agreement, AuditEntry, Obligation
from app.domain.errors import UserError
from app.services.cases import list_cases
from app.services.database import Database
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


def test_an_archived_case_prints_and_is_recorded(demo_db: Database, tmp_path: Path) -> None:
    """Recording a print changes nothing of the case: an archived file prints like any other."""
    from app.db.models import PrintedDocument
    from app.domain.codes import CaseStatus
    from app.services.detail import get_case
    from app.services.printing import print_agreement, print_dossier

    case = next(
        c
        for c in (get_case(demo_db, row.id) for row in list_cases(demo_db, limit=100))
        if c.status is CaseStatus.ARCHIVED and c.agreement is not None
    )
    print_agreement(demo_db, case.id, "pdf", tmp_path / "a.pdf")
    print_dossier(demo_db, case.id, "pdf", tmp_path / "d.pdf")
    with demo_db.reading() as s:
        printed = select(PrintedDocument.code).where(PrintedDocument.case_id == case.id)
        codes = list(s.scalars(printed))
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "document.print")))
    assert len(codes) == 1 and verify(demo_db, codes[0]).matches
    assert len(entries) == 2  # the agreement alone and the dossier's agreement paper
    for entry in entries:  # the case is named, nothing of it changed
        assert entry.entity == "case" and entry.entity_uuid == case.uuid
        assert entry.before == "{}" and json.loads(entry.after) == {
            "code": codes[0],
            "form": "oral_agreement" if case.agreement.form.value == "oral" else "agreement",
        }


def test_the_code_recorded_is_the_one_on_the_paper(demo_db: Database) -> None:
    """Given the digest the paper was made from, the record states what the paper states: a
    change between making the paper and recording it shows as 与档案不一致, never as a code
    the record does not know."""
    from app.services.detail import get_case
    from app.services.verification import agreement_digest

    case_id = an_agreed_case(demo_db)
    digest = agreement_digest(get_case(demo_db, case_id))
    with demo_db.transaction() as s:
        agreement = s.scalar(select(Agreement).where(Agreement.case_id == case_id))
        assert agreement is not None
        term = agreement.obligations[0]
        s.execute(update(Obligation).where(Obligation.id == term.id).values(text=term.text + "。"))
    printed, _ = record_print(demo_db, case_id, "agreement", digest=digest)
    assert printed.code == code_of(digest) and printed.content_sha256 == digest
    assert not verify(demo_db, printed.code).matches
    with pytest.raises(UserError, match="找不到案件"):
        record_print(demo_db, "（2026）飞人调字第9999号", "agreement", digest=digest)


def test_a_preview_is_recorded_only_when_printed(demo_db: Database, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from app.db.models import PrintedDocument
    from app.services.printing import print_agreement, print_dossier, print_form, record_printed

    case_id = an_agreed_case(demo_db)
    print_agreement(demo_db, case_id, "pdf", tmp_path / "a.pdf", record=False)
    print_form(demo_db, "agreement", case_id, "pdf", tmp_path / "f.pdf", record=False)
    print_dossier(demo_db, case_id, "pdf", tmp_path / "d.pdf", record=False)
    with demo_db.reading() as s:
        assert s.scalar(select(PrintedDocument.id)) is None
    assert record_printed(demo_db, case_id, "cover") is None  # no mark, nothing to record
    printed = record_printed(demo_db, case_id, "dossier")
    assert printed is not None
    assert f"核验码 {printed.code}" in PdfReader(str(tmp_path / "a.pdf")).pages[0].extract_text()
    again = record_printed(demo_db, case_id, "agreement")
    assert again is not None and again.code == printed.code
    assert verify(demo_db, printed.code).matches
