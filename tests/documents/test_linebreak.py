"""Chinese line-breaking rules (禁则), checked on the pure algorithm."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.documents.linebreak import CANNOT_END, CANNOT_START, break_lines, wrap

#: The marks the rules are mainly about.
NEVER_FIRST = "，。、；：？！）》」』〕】…—”"


def test_reportlab_gaps_are_covered() -> None:
    # reportlab's own list lacks these (measured on 5.x); ours must have them all.
    assert set(NEVER_FIRST) <= CANNOT_START
    assert set("（《「『〔【“") <= CANNOT_END


def test_comma_never_starts_a_line_it_hangs_instead() -> None:
    lines = wrap("一二三四五，六七", None, 5)
    assert lines == ["一二三四五，", "六七"]


def test_two_closing_marks_move_a_character_down_rather_than_start_a_line() -> None:
    lines = wrap("一二三四“好。”六七", None, 7)
    assert all(line[0] not in CANNOT_START for line in lines)
    assert "".join(lines) == "一二三四“好。”六七"


def test_opening_mark_never_ends_a_line() -> None:
    lines = wrap("一二三四（五六）", None, 5)
    assert lines[0] == "一二三四"
    assert lines[1].startswith("（")


def test_numbers_and_units_are_kept_whole() -> None:
    text = "金额为人民币1,250.50元整"
    for width in range(8, 16):
        lines = wrap(text, {c: 0.5 for c in "0123456789,."}, width)
        assert any("1,250.50元" in line for line in lines), lines


def test_form_rows_break_between_fields() -> None:
    gap = "\u00a0" * 3
    row = f"姓名：阿卜杜热合曼·买买提{gap}性别：男{gap}民族：维吾尔族"
    lines = wrap(row, {"\u00a0": 0.5}, 24)
    assert lines[1] == "民族：维吾尔族"


def test_no_lone_last_character() -> None:
    lines = wrap("本协议一式三份，当事人各执一份，人民调解委员会留存一份。", None, 26)
    assert lines[-1] == "一份。"


def test_no_lone_last_character_before_a_forced_break() -> None:
    """A run ended by a line break (<br/>) carries a zero-width marker: it is not a character."""
    chars = [*"被申请人新乡市安居物业服务有限公司", ""]
    spans = break_lines(chars, [1.0] * (len(chars) - 1) + [0.0], [16.0])
    assert ["".join(chars[a:b]) for a, b in spans] == ["被申请人新乡市安居物业服务有限", "公司"]


def test_unbreakable_text_is_cut_not_lost() -> None:
    text = "，，，，，，，，，，"
    assert "".join(wrap(text, None, 3)) == text


_CJK = st.sampled_from("调解协议书申请人被当事人赔偿维修费用楼上渗水双方自愿达成如下")
_WORD = st.one_of(
    st.tuples(_CJK, st.sampled_from(["", *NEVER_FIRST, "。”", "……", "——"])).map("".join),
    st.tuples(st.sampled_from(sorted(CANNOT_END)), _CJK, _CJK).map("".join),
    st.sampled_from(["2026年", "1,250.50元", "45岁"]),
)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(_WORD, min_size=1, max_size=60), width=st.integers(6, 31))
def test_no_line_starts_with_a_closing_mark(words: list[str], width: int) -> None:
    text = "".join(words)
    chars = list(text)
    spans = break_lines(chars, [1.0] * len(chars), [float(width)])
    assert "".join(text[a:b] for a, b in spans) == text  # nothing lost or repeated
    for a, _ in spans[1:]:
        assert text[a] not in CANNOT_START, (text, [text[x:y] for x, y in spans])
    for a, b in spans[:-1]:
        assert text[b - 1] not in CANNOT_END
        # a line overflows by at most one hanging mark
        assert b - a <= width + 1
