"""The committee's wording of the standard texts: each change a new version, never overwritten;
back to the standard text with an empty one; checked for what the law requires."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEntry
from app.domain.errors import ValidationError
from app.domain.wording import STANDARD, sections_of
from app.services.wordings import current_wordings, save_wording, wording_history


def audits(db) -> int:  # type: ignore[no-untyped-def]
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_each_change_is_a_version_and_the_standard_comes_back(db) -> None:  # type: ignore[no-untyped-def]
    start = current_wordings(db)
    assert start.version == 0 and start.text("effect") == STANDARD["effect"].default
    first, changed = save_wording(db, "header", "飞机场社区人民调解委员会", actor="李主任")
    assert first.text("header") == "飞机场社区人民调解委员会" and first.version == 1
    assert changed.settings
    before = audits(db)
    same, unchanged = save_wording(db, "header", "飞机场社区人民调解委员会\n")
    assert same.version == 1 and not unchanged.settings and audits(db) == before
    back, _ = save_wording(db, "header", "")
    assert back.text("header") == "" and not back.is_changed("header") and back.version == 2
    history = wording_history(db, "header")
    assert [(v, who, text) for v, _when, who, text in history] == [
        (1, "李主任", "飞机场社区人民调解委员会"),
        (2, "本机用户", ""),
    ]


def test_the_confirmation_hint_keeps_its_thirty_days(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="三十日内"):
        save_wording(db, "confirmation_hint", "可以申请司法确认。")
    with pytest.raises(ValidationError, match="没有这一项"):
        save_wording(db, "nothing", "x")


def test_a_reworded_notice_reads_as_sections() -> None:
    text = (
        "一、性质\n人民调解委员会是群众性组织。\n\n二、权利\n（一）选择调解员；\n（二）拒绝调解。"
    )
    assert sections_of(text) == (
        ("一、性质", ("人民调解委员会是群众性组织。",)),
        ("二、权利", ("（一）选择调解员；", "（二）拒绝调解。")),
    )


def test_printed_forms_use_the_committees_wording_and_record_its_version(demo_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from app.db.models import PrintedDocument
    from app.services.cases import list_cases
    from app.services.detail import get_case
    from app.services.printing import print_agreement, print_form

    case_id = next(
        r.id
        for r in list_cases(demo_db, limit=100)
        if (c := get_case(demo_db, r.id)).agreement is not None
        and c.agreement.form.value == "written"
        and c.accepted_on is not None
    )
    save_wording(demo_db, "header", "飞机场社区人民调解委员会文书")
    save_wording(demo_db, "effect", "本协议经双方签字并加盖调委会印章后生效。")
    save_wording(demo_db, "rights_notice", "一、本委员会的承诺\n调解不收费，全程保密。")
    print_agreement(demo_db, case_id, "pdf", tmp_path / "a.pdf")
    text = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "a.pdf")).pages)
    flat = text.replace("\n", "")
    assert "飞机场社区人民调解委员会文书" in flat
    assert "本协议经双方签字并加盖调委会印章后生效。" in flat
    assert STANDARD["effect"].default not in flat
    print_form(demo_db, "rights_notice", case_id, "pdf", tmp_path / "r.pdf")
    notice = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "r.pdf")).pages)
    assert "调解不收费，全程保密。" in notice.replace("\n", "")
    assert "人民调解委员会的性质" not in notice
    with demo_db.reading() as s:
        version = s.scalar(
            select(PrintedDocument.wording_version).where(PrintedDocument.case_id == case_id)
        )
    assert version == 3
