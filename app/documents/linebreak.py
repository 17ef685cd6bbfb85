"""Chinese line breaking (禁则) and punctuation spacing (标点挤压): where a line of CJK text may
end, and how much of a full-width mark's blank half is taken out beside another mark.

reportlab cuts CJK text "like a knife" between any two characters and only knows a short list
of marks that must not start a line (it lacks ，；：？！》… —), so a comma could open a line.
This module decides the break points; `app.documents.rlfixes` feeds it reportlab's glyphs.
Pure Python, so the rules are easy to test without rendering.
"""

from __future__ import annotations

import re
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

#: Full-width marks whose ink sits in the left half of the character's square, the right half
#: blank: 点号 and closing brackets and quotes (as the bundled body font, AR PL UMing CN,
#: draws them; measured).
CLOSING = frozenset("，；：？！）》」』〕】〉｝］”’")
#: Marks the body font draws in the middle of the square, a quarter blank on either side
#: (GB/T 15834 puts them at the left, but AR PL UMing CN centres them).
CENTRED = frozenset("。、")
#: Full-width opening brackets and quotes: the ink in the right half, the left half blank.
OPENING = frozenset("（《「『〔【〈｛［“‘")

#: The marks that may hang into the margin at the end of a full line: those of `CLOSING`, whose
#: ink then stays within half a character of the margin, and the narrow ASCII ones. A mark
#: inked further across (。 、 centred, …… ——, ％ ℃) never hangs: a character goes down with
#: it instead.
HANGABLE = CLOSING | frozenset("!),.:;?]}")

#: Units that stay on the line of the number before them (45岁, 1,250.50元, 2026年).
UNITS = frozenset("岁元角分年月日时号室楼层栋幢单元户份项条次天个%")

#: The no-break space a form row puts between two labelled fields (see `_gap_before`).
GAP = "\u00a0"

#: Spans never broken over two lines, as Chinese documents set them: an amount and its
#: currency (人民币1250.50元), the amount in capitals (（大写：壹仟贰佰伍拾元伍角）), and a date
#: (2026年3月20日, 3月20日, or the blank date "　　年　　月　　日" to fill in by hand; the PDF
#: writes each ideographic space as two no-break spaces).
_KEEP_TOGETHER = re.compile(
    r"人民币\s?[0-9][0-9,.]*\s?元"
    r"|（大写：[^（）\n]*）"
    r"|(?:[0-9]{2,4}|[\u3000\u00a0]{2,8})年(?:[0-9]{1,2}|[\u3000\u00a0]{1,4})月"
    r"(?:(?:[0-9]{1,2}|[\u3000\u00a0]{1,4})日)?"
    r"|[0-9]{1,2}月[0-9]{1,2}日"
    r"|[0-9]{1,2}:[0-9]{2}"  # a time of day, 8:00
)

#: Tolerance for width comparisons (reportlab works in floating-point points).
_FUZZ = 1e-6


def glued(chars: Sequence[str]) -> list[bool]:
    """For each index k: True if a line must not break just before `chars[k]`, because it lies
    inside a span of `_KEEP_TOGETHER`. Zero-width markers (empty strings) count as a line
    break, which no span crosses."""
    text = "".join(c if len(c) == 1 else "\n" for c in chars)
    flags = [False] * len(chars)
    if len(text) != len(chars):
        return flags  # never so for reportlab's glyphs (one character each); be safe
    for match in _KEEP_TOGETHER.finditer(text):
        for k in range(match.start() + 1, match.end()):
            flags[k] = True
    return flags


def compressions(
    chars: Sequence[str], widths: Sequence[float], sizes: Sequence[float]
) -> list[float]:
    """How much of each character's advance to take out (标点挤压, CLREQ/JLREQ): where two
    full-width marks meet, the blank halves between them would make a gap of one or one and
    a half characters ("编号：（2026）"), so half a character is taken out between them:

    - after a closing mark or 点号 before an opening bracket: ：（ ，“ 。《
    - after a closing mark before another mark: ）。 ”， ）、
    - after an opening bracket before another: （“ 《「

    and a quarter after a centred mark (。 、) before a closing one (。” 。）), whose ink would
    otherwise touch it. `sizes` are the font sizes; a mark counts as full-width when its glyph
    is (a proportional curly quote in a Latin font is not compressed).
    """
    out = [0.0] * len(chars)
    for k in range(len(chars) - 1):
        a, b = chars[k], chars[k + 1]
        if not (_full(widths[k], sizes[k]) and _full(widths[k + 1], sizes[k + 1])):
            continue
        if (
            (a in CLOSING and (b in OPENING or b in CLOSING or b in CENTRED))
            or (a in CENTRED and b in OPENING)
            or (a in OPENING and b in OPENING)
        ):
            out[k] = widths[k] / 2
        elif a in CENTRED and b in CLOSING:
            out[k] = widths[k] / 4
    return out


def _full(width: float, size: float) -> bool:
    return width >= 0.9 * size


def bad_break(chars: Sequence[str], at: int, glue: Sequence[bool] | None = None) -> bool:
    """True if a line must not end just before `chars[at]`."""
    before, after = chars[at - 1], chars[at]
    return (
        after in CANNOT_START
        or before in CANNOT_END
        or (glue is not None and glue[at])
        or (_wordish(before) and _wordish(after))
        or (before.isascii() and before.isdigit() and after in UNITS)
    )


def _wordish(char: str) -> bool:
    """Part of a Latin word or a number (ID numbers, phones, 1,250.50) that must not be split."""
    return len(char) == 1 and char.isascii() and (char.isalnum() or char in ".,-_/@#%+'&")


def break_lines(
    chars: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    glue: Sequence[bool] | None = None,
) -> list[tuple[int, int]]:
    """Split a run of characters into lines; returns (start, end) index pairs.

    `max_widths[k]` is the width of line k (the last one repeats); `glue` (see `glued`) marks
    where a span must not be broken. A line is filled as far as it goes; then, if the next
    character may not start a line and is one of `HANGABLE`, it hangs into the margin (as
    Word's "allow punctuation to overflow" does), otherwise the break moves back until neither
    side breaks a rule. A run that cannot be broken anywhere is cut where it overflows, so text
    is never lost.
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
        # A form row breaks between its fields, so that a field moves down whole (rather than
        # leave "年龄：" at the end of the line with a hanging colon).
        gap = _gap_before(chars, start, i, glue)
        if gap:
            end = gap
        # (Every mark of HANGABLE is one a line may not start with.)
        elif chars[i] in HANGABLE and (i + 1 >= n or not bad_break(chars, i + 1, glue)):
            end = i + 1  # hang this one mark
        else:
            end = i
            while end > start + 1 and bad_break(chars, end, glue):
                end -= 1
            if bad_break(chars, end, glue):
                end = i  # nowhere better: cut where it overflows
        while end < n and not chars[end] and not widths[end]:
            end += 1  # a zero-width marker (a forced break) ends this line, not one of its own
        lines.append((start, end))
        start = end
        while start < n and chars[start] == " ":
            start += 1  # a space at a line break is not printed
    if len(lines) >= 2:
        _avoid_lone_character(chars, lines, glue)
    return lines


def _gap_before(chars: Sequence[str], start: int, i: int, glue: Sequence[bool] | None) -> int:
    """A break just after a run of no-break spaces (the gap between two labelled fields of a
    form row) in the second half of the line, so a field moves down whole; 0 if none."""
    for j in range(i, start + (i - start) // 2, -1):
        if chars[j - 1] == GAP and chars[j] != GAP and not (glue is not None and glue[j]):
            return j
    return 0


def _avoid_lone_character(
    chars: Sequence[str], lines: list[tuple[int, int]], glue: Sequence[bool] | None
) -> None:
    """Chinese typesetting avoids a last line of one character (孤字), e.g. "份。" alone:
    take one more character down from the line above when the rules allow it."""
    (a, b), (c, d) = lines[-2], lines[-1]
    # Empty strings are zero-width markers (a forced line break ends the run with one).
    if sum(1 for ch in chars[c:d] if ch and ch not in CANNOT_START) != 1 or b - a < 4 or b != c:
        return
    if not bad_break(chars, b - 1, glue):
        lines[-2:] = [(a, b - 1), (b - 1, d)]


def wrap(text: str, width_of: dict[str, float] | None, max_width: float) -> list[str]:
    """Convenience for checks: break `text` with per-character widths (default 1 each),
    keeping amounts and dates together as `glued` says."""
    chars = list(text)
    widths = [(width_of or {}).get(c, 1.0) for c in chars]
    return [text[a:b] for a, b in break_lines(chars, widths, [max_width], glued(chars))]
