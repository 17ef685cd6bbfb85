"""Chinese line breaking (禁则): where a line of CJK text may end.

reportlab cuts CJK text "like a knife" between any two characters and only knows a short list
of marks that must not start a line (it lacks ，；：？！》… —), so a comma could open a line.
This module decides the break points; `app.documents.rlfixes` feeds it reportlab's glyphs.
Pure Python, so the rules are easy to test without rendering.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Marks that never start a line (GB/T 15834 点号, closing brackets and quotes, the second half
#: of ……/——, the middle dot of a transliterated name) in full-width and ASCII forms.
CANNOT_START = frozenset(
    "，。、；：？！）》」』〕】〉｝］”’…—·・～％‰℃°′″"
    "!),.:;?]}%"
    "\u3005\u309d\u309e\u30fc\u30fd\u30fe\uff0e\ufe50\ufe51\ufe52\ufe54\ufe55\ufe56\ufe57"
)

#: Marks that never end a line: opening brackets and quotes, currency signs.
CANNOT_END = frozenset("（《「『〔【〈｛［“‘([{￥$£")

#: Units that stay on the line of the number before them (45岁, 1,250.50元, 2026年).
UNITS = frozenset("岁元角分年月日时号室楼层栋幢单元户份项条次天个%")

#: The no-break space a form row puts between two labelled fields (see `_gap_before`).
GAP = "\u00a0"

#: Tolerance for width comparisons (reportlab works in floating-point points).
_FUZZ = 1e-6


def _wordish(char: str) -> bool:
    """Part of a Latin word or a number (ID numbers, phones, 1,250.50) that must not be split."""
    return len(char) == 1 and char.isascii() and (char.isalnum() or char in ".,-_/@#%+'&")


def bad_break(chars: Sequence[str], at: int) -> bool:
    """True if a line must not end just before `chars[at]`."""
    before, after = chars[at - 1], chars[at]
    return (
        after in CANNOT_START
        or before in CANNOT_END
        or (_wordish(before) and _wordish(after))
        or (before.isascii() and before.isdigit() and after in UNITS)
    )


def break_lines(
    chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float]
) -> list[tuple[int, int]]:
    """Split a run of characters into lines; returns (start, end) index pairs.

    `max_widths[k]` is the width of line k (the last one repeats). A line is filled as far as
    it goes; then, if the next character may not start a line, a single mark hangs into the
    margin (as Word's "allow punctuation to overflow" does), otherwise the break moves back until
    neither side breaks a rule. A run that cannot be broken anywhere is cut where it overflows,
    so text is never lost.
    """
    n = len(chars)
    lines: list[tuple[int, int]] = []
    start = 0
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = widths[start]
        i = start + 1
        while i < n and used + widths[i] <= max_width + _FUZZ:
            used += widths[i]
            i += 1
        if i >= n:
            lines.append((start, n))
            break
        end = i
        if chars[i] in CANNOT_START and (i + 1 >= n or not bad_break(chars, i + 1)):
            end = i + 1  # hang this one mark
        else:
            end = _gap_before(chars, start, i) or i
            while end > start + 1 and bad_break(chars, end):
                end -= 1
            if bad_break(chars, end):
                end = i  # nowhere better: cut where it overflows
        lines.append((start, end))
        start = end
        while start < n and chars[start] == " ":
            start += 1  # a space at a line break is not printed
    if len(lines) >= 2:
        _avoid_lone_character(chars, lines)
    return lines


def _gap_before(chars: Sequence[str], start: int, i: int) -> int:
    """A break just after a run of no-break spaces (the gap between two labelled fields of a
    form row) in the second half of the line, so a field moves down whole; 0 if none."""
    for j in range(i, start + (i - start) // 2, -1):
        if chars[j - 1] == GAP and chars[j] != GAP:
            return j
    return 0


def _avoid_lone_character(chars: Sequence[str], lines: list[tuple[int, int]]) -> None:
    """Chinese typesetting avoids a last line of one character (孤字), e.g. "份。" alone:
    take one more character down from the line above when the rules allow it."""
    (a, b), (c, d) = lines[-2], lines[-1]
    # Empty strings are zero-width markers (a forced line break ends the run with one).
    if sum(1 for ch in chars[c:d] if ch and ch not in CANNOT_START) != 1 or b - a < 4 or b != c:
        return
    if not bad_break(chars, b - 1):
        lines[-2:] = [(a, b - 1), (b - 1, d)]


def wrap(text: str, width_of: dict[str, float] | None, max_width: float) -> list[str]:
    """Convenience for checks: break `text` with per-character widths (default 1 each)."""
    chars = list(text)
    widths = [(width_of or {}).get(c, 1.0) for c in chars]
    return [text[a:b] for a, b in break_lines(chars, widths, [max_width])]
