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
