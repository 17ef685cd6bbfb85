"""卷宗完整性: each missing item of a case's dossier is named with what to do; a complete file
has none; archiving an incomplete file needs a reason, kept in the file's note."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from app.domain.codes import AttachmentKind
from app.domain.dossier import missing_items
from app.domain.drafts import AgreementDraft, TermDraft
from app.domain.errors import UserError, ValidationError
from app.domain.lifecycle import CaseEvent, EventInput
from app.domain.work import SessionDraft
from app.services.case_life import apply_event
from app.services.cases import register_case, save_agreement
from app.services.dossier import dossier_check, record_rights_notice
from app.services.sittings import add_attachment, save_session
from tests.core.test_case_life import draft, mediating_case

D = date


def names(db, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    _case, items = dossier_check(db, case_id)
    return [i.name for i in missing_items(items)]


def test_a_sparse_case_names_each_missing_item_with_what_to_do(db) -> None:  # type: ignore[no-untyped-def]
    detail, _ = register_case(db, draft(), today=D(2026, 10, 8))
    _case, items = dossier_check(db, detail.id)
    missing = missing_items(items)
    assert [i.name for i in missing] == [
        "人民调解申请书或受理登记表",
        "申请人李秀英的身份证明",
        "被申请人张伟的身份证明",
        "封底（结案日期）",
    ]
    assert all(i.what_to_do for i in missing)
    assert "类别选“身份证明”、当事人选张伟" in missing[2].what_to_do
    assert missing[0].line().startswith("✗ 人民调解申请书或受理登记表：")


def test_a_complete_file_has_nothing_missing(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    detail = mediating_case(db)
    assert "人民调解当事人权利义务告知书" in names(db, detail.id)
    assert "人民调解记录" in names(db, detail.id)
    record_rights_notice(db, detail.id, D(2026, 10, 9), today=D(2026, 10, 12))
    scan = tmp_path / "身份证.jpg"
    for party in detail.parties:
        scan.write_bytes(f"身份证 {party.id}".encode())
        add_attachment(db, detail.id, scan, kind=AttachmentKind.IDENTITY, party_id=party.id)
    save_session(
        db,
        detail.id,
        SessionDraft(
            held_at=datetime(2026, 10, 11, 9, 30),
            place="调解室",
            mediators_present="王建国",
            parties_present="李秀英\n张伟",
            statements="双方陈述。",
        ),
        now=datetime(2026, 10, 11, 12, 0),
    )
    save_agreement(
        db,
        detail.id,
        AgreementDraft(reached_on=D(2026, 10, 12), terms=[TermDraft(text="张伟修好防水")]),
    )
    apply_event(db, detail.id, CaseEvent.REACH_AGREEMENT, on=D(2026, 10, 12), today=D(2026, 10, 12))
    assert names(db, detail.id) == ["封底（结案日期）"]  # the file closes when the case ends
    apply_event(
        db, detail.id, CaseEvent.COMPLETE_PERFORMANCE, on=D(2026, 10, 12), today=D(2026, 10, 12)
    )
    assert names(db, detail.id) == []
    archived, _ = apply_event(
        db, detail.id, CaseEvent.ARCHIVE, on=D(2026, 10, 12), today=D(2026, 10, 12)
    )
    assert archived.dossier_note == ""  # nothing was missing: no note


def test_an_identity_proof_must_name_its_party_and_dates_are_checked(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    detail = mediating_case(db)
    scan = tmp_path / "id.jpg"
    scan.write_bytes(b"x")
    with pytest.raises(ValidationError, match="身份证明要选是哪一位当事人的"):
        add_attachment(db, detail.id, scan, kind=AttachmentKind.IDENTITY)
    with pytest.raises(UserError, match="不在这个案件中"):
        add_attachment(db, detail.id, scan, kind=AttachmentKind.IDENTITY, party_id=99_999)
    with pytest.raises(ValidationError, match="不能早于案件的登记日期"):
        record_rights_notice(db, detail.id, D(2020, 1, 1), today=D(2026, 10, 12))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        record_rights_notice(db, detail.id, D(2026, 12, 1), today=D(2026, 10, 12))


def test_archiving_an_incomplete_file_needs_a_reason_kept_in_the_note(db) -> None:  # type: ignore[no-untyped-def]
    detail = mediating_case(db)
    apply_event(
        db,
        detail.id,
        CaseEvent.WITHDRAW,
        EventInput(withdrawn_by="李秀英"),
        on=D(2026, 10, 11),
        today=D(2026, 10, 11),
    )
    with pytest.raises(UserError, match="请写明原因"):
        apply_event(db, detail.id, CaseEvent.ARCHIVE, on=D(2026, 10, 12), today=D(2026, 10, 12))
    archived, _ = apply_event(
        db,
        detail.id,
        CaseEvent.ARCHIVE,
        EventInput(reason="当事人撤回，未作调解"),
        on=D(2026, 10, 12),
        today=D(2026, 10, 12),
    )
    assert "2026年10月12日归档时卷宗缺" in archived.dossier_note
    assert (
        "人民调解记录" in archived.dossier_note
        and "原因：当事人撤回，未作调解" in archived.dossier_note
    )
