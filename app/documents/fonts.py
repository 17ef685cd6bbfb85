"""The fonts embedded in printed documents, registered with reportlab once, on first use.

Body: AR PL UMing CN (a Song/Ming face, TrueType outlines reportlab can embed). It lacks some
rare characters people have in their names — 𠮷 (U+20BB7, outside the BMP), 㵘 (U+3D58) — and
reportlab silently drops a glyph its font lacks, so every run of text is split into pieces the
body font covers and pieces set in the fallback, LXGW WenKai (which covers CJK Ext-A/Ext-B).
Parsing a font costs ~0.1 s, so each is registered on first use; most documents never need the
fallback at all.

Before anything is rendered, `missing` tells which characters neither font can draw, so a
document is refused rather than printed with a box (or, in reportlab, nothing) where a character
of a name should be. It reads only the fonts' character maps (`coverage`, a few milliseconds,
cached), not the whole font: the Word renderer checks against the same fonts without loading
reportlab.
"""

from __future__ import annotations

import functools
import struct
import threading
import unicodedata
from collections.abc import Mapping
from importlib.resources import as_file, files
from typing import BinaryIO, NamedTuple

#: reportlab names of the registered fonts.
BODY_FONT = "ARPLUMingCN"
FALLBACK_FONT = "LXGWWenKai"


class _FontFile(NamedTuple):
    name: str
    file: str
    face: int  # face index inside a .ttc collection


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
        tt = TTFont(font.name, str(path), subfontIndex=font.face)
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
    """Characters of `text` that neither embedded font can draw (set lookups, no font loading)."""
    printable = _printable()
    return {
        c for c in set(text) if ord(c) not in printable and c not in _NEUTRAL and not _ignorable(c)
    }


@functools.cache
def _printable() -> frozenset[int]:
    return coverage(BODY_FONT) | coverage(FALLBACK_FONT)


@functools.cache
def coverage(font: str) -> frozenset[int]:
    """Code points `font` maps to a real glyph, read from the font file's character map.

    The same subtable reportlab reads (`TTFontFile.extractInfo`: the last Unicode one listed),
    so the answer agrees with what the PDF can draw; a test compares the two.
    """
    spec = next(f for f in _FONTS if f.name == font)
    with as_file(files("resources") / "fonts" / spec.file) as path, open(path, "rb") as handle:
        return frozenset(_read_cmap(handle, spec.face))


def _read_cmap(handle: BinaryIO, index: int) -> set[int]:
    def read(offset: int, size: int) -> bytes:
        handle.seek(offset)
        return handle.read(size)

    start = 0
    if read(0, 4) == b"ttcf":
        (start,) = struct.unpack(">I", read(12 + 4 * index, 4))
    (tables,) = struct.unpack(">H", read(start + 4, 2))
    directory = read(start + 12, 16 * tables)
    cmap = next(
        offset
        for k in range(tables)
        for tag, _, offset, _ in [struct.unpack_from(">4sIII", directory, 16 * k)]
        if tag == b"cmap"
    )
    _, count = struct.unpack(">HH", read(cmap, 4))
    chosen = None
    for k in range(count):
        platform, encoding, offset = struct.unpack(">HHI", read(cmap + 4 + 8 * k, 8))
        if platform == 3 or (platform == 0 and encoding != 5) or (platform, encoding) == (1, 1):
            chosen = cmap + offset
    if chosen is None:
        raise ValueError("no Unicode character map in the font")
    (fmt,) = struct.unpack(">H", read(chosen, 2))
    codes: set[int] = set()
    if fmt == 12:
        (groups,) = struct.unpack(">I", read(chosen + 12, 4))
        data = read(chosen + 16, 12 * groups)
        for first, last, glyph in struct.iter_unpack(">III", data):
            codes.update(range(first + (glyph == 0), last + 1))
    elif fmt == 4:
        length, _, seg2 = struct.unpack(">HHH", read(chosen + 2, 6))
        table = read(chosen, length)
        seg = seg2 // 2
        ends = struct.unpack_from(f">{seg}H", table, 14)
        starts = struct.unpack_from(f">{seg}H", table, 16 + seg2)
        deltas = struct.unpack_from(f">{seg}h", table, 16 + 2 * seg2)
        range_at = 16 + 3 * seg2
        ranges = struct.unpack_from(f">{seg}H", table, range_at)
        for n in range(seg):
            for code in range(starts[n], ends[n] + 1):
                if ranges[n] == 0:
                    glyph = (code + deltas[n]) & 0xFFFF
                else:
                    at = range_at + 2 * n + ranges[n] + 2 * (code - starts[n])
                    glyph = struct.unpack_from(">H", table, at)[0] if at + 2 <= length else 0
                    glyph = (glyph + deltas[n]) & 0xFFFF if glyph else 0
                if glyph:
                    codes.add(code)
    else:
        raise ValueError(f"unsupported character map format {fmt}")
    return codes
