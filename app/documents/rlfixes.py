"""Fixes for reportlab (5.x) traps measured on our forms; `apply()` runs once, at font setup.

1. `ttfonts.makeToUnicodeCMap` writes each code point as `<%04X>`, so a character above U+FFFF
   (𠮷 U+20BB7 in a name) gets a five-digit entry that no PDF reader understands and the name
   copies out of the PDF as garbage. We write the UTF-16BE surrogate pair the PDF spec asks for.
2. `textsplit.ALL_CANNOT_START` lacks ，；：？！》…— so those could open a line. We extend it,
   and `CJKParagraph` below breaks lines with the full rules of `app.documents.linebreak`
   (reportlab hangs at most one mark and never keeps numbers whole).
"""

from __future__ import annotations

import threading
from typing import Any

from reportlab import rl_config
from reportlab.lib import textsplit
from reportlab.pdfbase import ttfonts
from reportlab.platypus import paragraph as rl_paragraph

# types-reportlab leaves out these module-level helpers of the CJK line breaker.
from reportlab.platypus.paragraph import (  # type: ignore[attr-defined]
    Paragraph,
    ParaLines,
    cjkU,
    makeCJKParaLine,
)

from app.documents.linebreak import CANNOT_START, break_lines

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


class CJKParagraph(Paragraph):
    """A Paragraph (wordWrap='CJK') that breaks lines by the Chinese rules of `linebreak`."""

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
        return _split_frags(self.frags, list(maxWidths), calc_bounds)


class BoldCJKParagraph(CJKParagraph):
    """A title or heading drawn fill-and-stroke: the Song font has no bold face, and a thin
    outline stroke gives the weight printed titles and headings customarily have."""

    def beginText(self, x: float, y: float) -> Any:
        # drawPara has already saved the graphics state, so the line width is restored after.
        self.canv.setLineWidth(self.style.fontSize * 0.025)
        text = super().beginText(x, y)
        text.setTextRenderMode(2)
        return text


def _split_frags(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> ParaLines:
    """Cut styled fragments into lines at the break points `break_lines` allows."""
    glyphs: list[cjkU] = []
    for frag in frags:
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode("utf8")
        if text:
            glyphs.extend(cjkU(ch, frag, "utf8") for ch in text)
        else:
            glyphs.append(cjkU(text, frag, "utf8"))  # <br/>, anchors: zero-width markers

    lines: list[Any] = []

    def width(u: cjkU) -> float:
        w = u.width
        return w.normalizedValue(max_widths[0]) if hasattr(w, "normalizedValue") else w

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
        spans = break_lines(chars, widths, max_widths[len(lines) :] or max_widths[-1:])
        for k, (a, b) in enumerate(spans):
            max_width = max_widths[min(len(lines), len(max_widths) - 1)]
            used = sum(widths[a:b])
            last = k == len(spans) - 1
            lines.append(
                makeCJKParaLine(
                    segment[a:b], max_width, used, max_width - used, forced and last, calc_bounds
                )
            )
        segment = []
    return ParaLines(kind=1, lines=lines)
