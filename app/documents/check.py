"""Refuse a document that would print with a character missing.

A character neither bundled font has (张𪚥: U+2A6A5) would print as an empty box, and copy out of
the PDF as nothing: a name on an agreement would be wrong without anyone noticing. So before
rendering, every text of the document is looked up (`fonts.missing`: set lookups on the fonts'
character maps, read once) and the person at the keyboard is told which character, where.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.documents import fonts, tree
from app.documents.text import cn_number
from app.domain.errors import UserError

#: Longer texts are quoted around the first missing character only.
_EXCERPT = 8


def check_printable(document: tree.Document) -> None:
    """Raise a `UserError` naming each character no bundled font can draw and where it is."""
    found: list[str] = []
    reported: set[str] = set()
    for place, text in _texts(document):
        lacking = fonts.missing(text)
        if not lacking - reported:
            continue
        new = sorted(lacking - reported, key=text.index)
        reported.update(new)
        chars = "、".join(f"“{c}”" for c in new)
        found.append(f"{place}“{_excerpt(text, new[0])}”中的{chars}字")
    if not found:
        return
    several = len(reported) > 1
    raise UserError(
        f"{'；'.join(found)}无法打印：本程序的字体里没有{'这些' if several else '这个'}字。"
        "请改用常用字或同音字，打印后在旁边手写说明。"
    )


def _excerpt(text: str, char: str) -> str:
    text = text.replace("\n", " ")
    if len(text) <= 2 * _EXCERPT + 4:
        return text
    at = text.index(char)
    start, end = max(0, at - _EXCERPT), min(len(text), at + _EXCERPT + 1)
    return f"{'……' if start else ''}{text[start:end]}{'……' if end < len(text) else ''}"


def _texts(document: tree.Document) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the document prints, in reading order."""
    section = "正文"
    for block in document.blocks:
        match block:
            case tree.Title(text):
                yield "标题", text
            case tree.Paragraph(text, tree.Style.HEADING):
                section = f"“{text.rstrip('：:')}”部分"
                yield "小标题", text
            case tree.Paragraph(text):
                yield section, text
            case tree.FieldLine(label, value):
                yield label, f"{label}：{value}"
            case tree.PartyBlock(role, rows):
                yield "当事人", role
                for row in rows:
                    for field in row:
                        yield f"{role}{field.label}", field.value
                        yield f"{role}{field.label}", field.label
            case tree.NumberedTerms(items, _, start):
                for k, item in enumerate(items, start):
                    yield f"协议第{cn_number(k)}项", item
            case tree.Table(header, rows):
                yield "表头", "".join(header)
                for r, cells in enumerate(rows, 1):
                    # A table without a header is a register: its rows are named by their labels.
                    label = cells[0].replace("\n", "")
                    where = f"表格第{r}行" if header else f"“{label}”一栏"
                    for cell in cells:
                        yield where, cell
            case tree.SignatureBlock(left, right, seal_label, issuer, date_text):
                for text in (*left, *right, seal_label, date_text):
                    yield "签名栏", text
                yield "调解委员会名称", issuer
