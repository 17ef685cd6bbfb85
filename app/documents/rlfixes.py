"""Fixes for reportlab (5.x) traps measured on our forms; `apply()` runs once, at font setup.

1. `ttfonts.makeToUnicodeCMap` writes each code point as `<%04X>`, so a character above U+FFFF
   (𠮷 U+20BB7 in a name) gets a five-digit entry that no PDF reader understands and the name
   copies out of the PDF as garbage. We write the UTF-16BE surrogate pair the PDF spec asks for.
2. `textsplit.ALL_CANNOT_START` lacks ，；：？！》…— so those could open a line. We extend it,
   and `CJKParagraph` below breaks lines with the full rules of `app.documents.linebreak`
   (reportlab hangs at most one mark and never keeps numbers whole), keeps amounts and dates
   on one line, and takes the blank half out between two full-width marks (标点挤压): the
   paragraph engine has no kerning, so a zero-width marker after such a mark moves the text
   position back when the line is drawn (`_shift`).
3. Paragraphs know no character spacing; GB/T 9704's 28 characters of 16 pt to a 156 mm line
   need it, so `CJKParagraph` sets the PDF's Tc from its style's `charSpace` and counts it in
   every character's width.
"""

from __future__ import annotations

import threading
from typing import Any

from reportlab import rl_config
from reportlab.lib import textsplit
from reportlab.lib.abag import ABag
from reportlab.pdfbase import ttfonts
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import paragraph as rl_paragraph

# types-reportlab leaves out these module-level helpers of the CJK line breaker.
from reportlab.platypus.paragraph import (  # type: ignore[attr-defined]
    Paragraph,
    ParaLines,
    cjkU,
    makeCJKParaLine,
)

from app.documents.linebreak import CANNOT_START, break_lines, compressions, glued

_lock = threading.Lock()
_applied = False
#: reportlab's own function, kept so a test can show the trap it had.
REPORTLAB_TO_UNICODE_CMAP = ttfonts.makeToUnicodeCMap


def _utf16_hex(code: int) -> str:
    """A code point as the hex of its UTF-16BE form: D842DFB7 for U+20BB7."""
    return chr(code).encode("utf-16-be").hex().upper()


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """Replacement for `reportlab.pdfbase.ttfonts.makeToUnicodeCMap` (same output for the BMP).

    Code 0 of each subset is .notdef and maps to no character, so it is left out rather than
    mapped to U+0000.
    """
    entries = [f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset) if v]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(entries)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def apply() -> None:
    """Install the fixes (idempotent, thread-safe)."""
    global _applied
    with _lock:
        if _applied:
            return
        # addObjects looks the function up in the module at call time, so replacing it works.
        ttfonts.makeToUnicodeCMap = to_unicode_cmap
        missing = "".join(sorted(CANNOT_START - set(textsplit.ALL_CANNOT_START)))
        # The stubs declare the constant Final; extending it is the point of this fix.
        textsplit.ALL_CANNOT_START += missing  # type: ignore[misc]
        # paragraph.py imported the string by value: update its copy too.
        rl_paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START  # type: ignore[attr-defined]
        # Not a trap, a default: ASCII85 on top of zlib makes every stream a quarter larger
        # and costs encoding time; a PDF of binary streams is just as valid.
        rl_config.useA85 = 0
        _applied = True


#: The canvas callback a shift marker calls (see `_shift`).
SHIFT_CALLBACK = "lnj-shift"


class CJKParagraph(Paragraph):
    """A Paragraph (wordWrap='CJK') that breaks lines by the Chinese rules of `linebreak`,
    compresses adjacent full-width punctuation and draws with its style's `charSpace`."""

    def beginText(self, x: float, y: float) -> Any:
        canvas = self.canv
        if canvas.getNamedCB(SHIFT_CALLBACK) is None:
            canvas.setNamedCB(SHIFT_CALLBACK, _shift)
        text = super().beginText(x, y)
        space = getattr(self.style, "charSpace", 0.0)
        if space:
            text.setCharSpace(space)
        return text

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara  # the second half of a split paragraph keeps its lines
        if not self.frags:
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        calc_bounds = auto_leading not in ("", "off")
        space = getattr(style, "charSpace", 0.0)
        return _split_frags(self.frags, list(maxWidths), calc_bounds, space)


class BoldCJKParagraph(CJKParagraph):
    """A title or heading drawn fill-and-stroke: the Song font has no bold face, and a thin
    outline stroke gives the weight printed titles and headings customarily have."""

    def beginText(self, x: float, y: float) -> Any:
        # drawPara has already saved the graphics state, so the line width is restored after.
        self.canv.setLineWidth(self.style.fontSize * 0.025)
        text = super().beginText(x, y)
        text.setTextRenderMode(2)
        return text


def _split_frags(
    frags: list[Any], max_widths: list[float], calc_bounds: bool, char_space: float = 0.0
) -> ParaLines:
    """Cut styled fragments into lines at the break points `break_lines` allows."""
    glyphs: list[cjkU] = []
    underlined = False
    for frag in frags:
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode("utf8")
        underlined = underlined or bool(getattr(frag, "us_lines", None))
        if text:
            glyphs.extend(cjkU(ch, frag, "utf8") for ch in text)
        else:
            glyphs.append(cjkU(text, frag, "utf8"))  # <br/>, anchors: zero-width markers

    lines: list[Any] = []

    def width(u: cjkU) -> float:
        w = u.width
        w = w.normalizedValue(max_widths[0]) if hasattr(w, "normalizedValue") else w
        return w + char_space if str(u) else w

    # Forced breaks (<br/>) end a segment; each segment is broken on its own.
    segment: list[cjkU] = []
    for u in [*glyphs, None]:
        if u is not None:
            segment.append(u)
            if not hasattr(u.frag, "lineBreak"):
                continue
        if not segment:
            continue
        forced = u is not None
        chars = [str(g) for g in segment]
        widths = [width(g) for g in segment]
        # The markers that move the pen back cannot also move an underline reportlab draws
        # from its own count of widths: a paragraph with an underlined blank is not
        # compressed (the blanks of a form follow a label, never a bracket).
        taken = (
            [0.0] * len(chars)
            if underlined
            else compressions(chars, widths, [g.frag.fontSize for g in segment])
        )
        fitted = [w - t for w, t in zip(widths, taken, strict=True)]
        spans = break_lines(
            chars, fitted, max_widths[len(lines) :] or max_widths[-1:], glued(chars)
        )
        for k, (a, b) in enumerate(spans):
            max_width = max_widths[min(len(lines), len(max_widths) - 1)]
            # The last character of a line is drawn at its full width: nothing follows it.
            used = sum(fitted[a : b - 1]) + widths[b - 1]
            last = k == len(spans) - 1
            line = _with_shifts(segment[a:b], taken[a : b - 1])
            lines.append(
                makeCJKParaLine(
                    line, max_width, used, max_width - used, forced and last, calc_bounds
                )
            )
        segment = []
    return ParaLines(kind=1, lines=lines)


def _with_shifts(glyphs: list[cjkU], taken: list[float]) -> list[cjkU]:
    """The glyphs of a line with a shift marker after each one that gives up some of its
    advance (`taken`, for all glyphs but the last), and a last marker that puts the start of
    the line back where reportlab expects it before the next line."""
    if not any(taken):
        return glyphs
    out: list[cjkU] = []
    total = 0.0
    for glyph, amount in zip(glyphs, [*taken, 0.0], strict=True):
        out.append(glyph)
        if amount:
            total += amount
            out.append(_marker(glyph.frag, f"{total!r}"))
    out.append(_marker(glyphs[-1].frag, "end"))
    return out


def _marker(frag: Any, label: str) -> cjkU:
    """A zero-width fragment that makes reportlab call `_shift` where it is drawn."""
    marker = frag.clone()
    marker.cbDefn = ABag(kind="onDraw", name=SHIFT_CALLBACK, label=label, width=0)
    return cjkU("", marker, "utf8")


def _shift(canvas: Canvas, kind: str | None, label: str) -> None:
    """Move the pen back by the advance the line's compressed marks gave up so far (`label`
    is that total), or at the line's end ("end") put the start of the line back.

    reportlab's `_putFragLine` hands the text object and its own x position (where the pen
    would be without compression) in `_curr_tx_info`; `setXPos` moves the start of the line,
    which the next glyphs are drawn from.
    """
    info = canvas._curr_tx_info  # type: ignore[attr-defined]  # set by _putFragLine
    tx = info["tx"]
    if label == "end":
        home = getattr(tx, "_lnj_home", None)
        if home is not None:
            tx.setXPos(home - tx._x0)
            tx._lnj_home = None
        return
    if getattr(tx, "_lnj_home", None) is None:
        tx._lnj_home = tx._x0
    tx.setXPos(info["cur_x"] - float(label) - tx._x0)
