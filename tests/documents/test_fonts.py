"""Font coverage and the reportlab fixes installed with the fonts."""

from __future__ import annotations

from app.documents import fonts, rlfixes
from app.documents.fonts import BODY_FONT, FALLBACK_FONT


def test_body_font_is_the_simplified_face() -> None:
    from reportlab.pdfbase import pdfmetrics

    fonts.register()
    face = pdfmetrics.getFont(BODY_FONT).face
    assert face.familyName == b"AR PL UMing CN"


def test_coverage_of_the_body_font() -> None:
    assert fonts.covered("中")
    assert fonts.covered("·")
    assert fonts.covered("，")
    assert not fonts.covered("𠮷")  # U+20BB7, CJK Ext-B
    assert not fonts.covered("㵘")  # U+3D58, CJK Ext-A
    assert fonts.covered("𠮷", FALLBACK_FONT)
    assert fonts.covered("㵘", FALLBACK_FONT)


def test_runs_the_body_font_lacks_go_to_the_fallback() -> None:
    assert fonts.split_runs("王𠮷与㵘泉") == [
        (BODY_FONT, "王"),
        (FALLBACK_FONT, "𠮷"),
        (BODY_FONT, "与"),
        (FALLBACK_FONT, "㵘"),
        (BODY_FONT, "泉"),
    ]
    assert fonts.split_runs("阿卜杜热合曼·买买提") == [(BODY_FONT, "阿卜杜热合曼·买买提")]
    assert fonts.split_runs("") == []


def test_invisible_characters_no_font_has_are_dropped() -> None:
    runs = fonts.split_runs("葛\U000e0100亮")  # an ideographic variation selector
    assert "".join(text for _, text in runs) in ("葛亮", "葛\U000e0100亮")
    assert not fonts.missing("王𠮷㵘阿卜杜热合曼·买买提")


def test_to_unicode_cmap_writes_surrogate_pairs() -> None:
    subset = [0, ord("王"), 0x20BB7, ord("A")]
    ours = rlfixes.to_unicode_cmap("F", subset)
    assert "<01> <738B>" in ours
    assert "<02> <D842DFB7>" in ours  # 𠮷 as UTF-16BE
    assert "<03> <0041>" in ours
    assert "3 beginbfchar" in ours  # .notdef (code 0) maps to nothing
    # reportlab's own version writes a five-digit code no reader understands
    assert "<02> <20BB7>" in rlfixes.REPORTLAB_TO_UNICODE_CMAP("F", subset)


def test_fixes_are_installed_once() -> None:
    from reportlab.lib import textsplit
    from reportlab.pdfbase import ttfonts
    from reportlab.platypus import paragraph

    fonts.register()
    rlfixes.apply()
    assert ttfonts.makeToUnicodeCMap is rlfixes.to_unicode_cmap
    for mark in "，。、；：？！）》」…—":
        assert mark in textsplit.ALL_CANNOT_START
        assert mark in paragraph.ALL_CANNOT_START
    assert textsplit.ALL_CANNOT_START.count("，") == 1
