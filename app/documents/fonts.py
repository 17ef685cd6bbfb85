"""The fonts embedded in printed documents, registered with reportlab once, on first use.

Body: AR PL UMing CN (a Song/Ming face, TrueType outlines reportlab can embed). It lacks some
rare characters people have in their names — 𠮷 (U+20BB7, outside the BMP), 㵘 (U+3D58) — and
reportlab silently drops a glyph its font lacks, so every run of text is split into pieces the
body font covers and pieces set in the fallback, LXGW WenKai (which covers CJK Ext-A/Ext-B).
Parsing a font costs ~0.1 s, so each is registered on first use; most documents never need the
fallback at all.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Mapping
from importlib.resources import as_file, files
from typing import NamedTuple

#: reportlab names of the registered fonts.
BODY_FONT = "ARPLUMingCN"
FALLBACK_FONT = "LXGWWenKai"


class _FontFile(NamedTuple):
    name: str
    file: str
    index: int  # face index inside a .ttc collection


# uming.ttc holds four faces: 0 = AR PL UMing CN (simplified glyph forms), 1 = HK, 2 = TW,
# 3 = TW MBE. Index 0 is the one for mainland documents.
_FONTS = (
    _FontFile(BODY_FONT, "uming.ttc", 0),
    _FontFile(FALLBACK_FONT, "LXGWWenKai-Regular.ttf", 0),
)

_lock = threading.Lock()
_cmaps: dict[str, Mapping[int, int]] = {}

#: Characters that pass through unchanged whatever the font (line breaks, tabs, spaces).
_NEUTRAL = frozenset("\n\t \u00a0")


def _load(font: _FontFile) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from app.documents import rlfixes

    rlfixes.apply()
    with as_file(files("resources") / "fonts" / font.file) as path:
        tt = TTFont(font.name, str(path), subfontIndex=font.index)
    pdfmetrics.registerFont(tt)
    # Map <b>/<i> to the same face so stray markup never falls back to Helvetica.
    pdfmetrics.registerFontFamily(
        font.name, normal=font.name, bold=font.name, italic=font.name, boldItalic=font.name
    )
    _cmaps[font.name] = tt.face.charToGlyph


def _cmap(font: str) -> Mapping[int, int]:
    """The font's character map, registering the font with reportlab on first use.

    Each font costs ~0.1 s to parse, so the fallback is only loaded when a text needs it.
    """
    cmap = _cmaps.get(font)
    if cmap is None:
        with _lock:
            if font not in _cmaps:
                _load(next(f for f in _FONTS if f.name == font))
            cmap = _cmaps[font]
    return cmap


def register() -> None:
    """Register both fonts now (e.g. from a worker thread at start-up, to warm up printing)."""
    for font in _FONTS:
        _cmap(font.name)


def covered(char: str, font: str = BODY_FONT) -> bool:
    """Does `font` (the body font unless told) have a glyph for this character?"""
    return ord(char) in _cmap(font)


def _ignorable(char: str) -> bool:
    """Invisible format characters and variation selectors no font draws anyway."""
    return unicodedata.category(char) in ("Cf", "Mn", "Cc")


def split_runs(text: str, font: str = BODY_FONT) -> list[tuple[str, str]]:
    """Split text into (font name, text) runs: what `font` covers, the rest in the fallback.

    A character neither font has stays in the fallback run (it will be missing, see
    `missing`); invisible format characters (variation selectors, zero-width joiners) that
    neither font has are dropped, because reportlab would print them as a .notdef box.
    """
    primary = _cmap(font)
    fallback: Mapping[int, int] | None = None
    runs: list[tuple[str, str]] = []
    current = font
    buffer: list[str] = []
    for char in text:
        code = ord(char)
        if char in _NEUTRAL or code in primary:
            wanted = current if char in _NEUTRAL else font
        else:
            if fallback is None:
                fallback = _cmap(FALLBACK_FONT)
            if code not in fallback and _ignorable(char):
                continue
            wanted = FALLBACK_FONT
        if wanted != current and buffer:
            runs.append((current, "".join(buffer)))
            buffer = []
        current = wanted
        buffer.append(char)
    if buffer:
        runs.append((current, "".join(buffer)))
    return runs


def missing(text: str) -> set[str]:
    """Characters of `text` that neither embedded font can draw."""
    body, fallback = _cmap(BODY_FONT), _cmap(FALLBACK_FONT)
    return {
        c
        for c in text
        if c not in _NEUTRAL and ord(c) not in body and ord(c) not in fallback and not _ignorable(c)
    }
