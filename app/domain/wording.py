"""The standard texts a committee may reword: each a key, its Chinese name and the wording the
program prints until the committee changes it. Every change is a new version; a printed
document records the version it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.errors import ValidationError

#: The most a committee's text may hold (the rights notice is the longest, ~1,000 characters).
MAX_CHARS = 5000


@dataclass(frozen=True)
class StandardText:
    key: str
    name: str
    default: str
    hint: str = ""


STANDARD_TEXTS: tuple[StandardText, ...] = (
    StandardText(
        "header",
        "文书抬头",
        "",
        "印在每份文书标题上方的一行字，例如“飞机场社区人民调解委员会”；不填就不印。",
    ),
    StandardText(
        "effect",
        "协议生效的说明",
        "本协议自各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。",
        "印在人民调解协议书的末尾。",
    ),
    StandardText(
        "confirmation_hint",
        "司法确认的提示",
        "{当事人}认为有必要的，可以自本协议生效之日起三十日内，"
        "共同向人民调解委员会所在地基层人民法院申请司法确认。",
        "印在协议书末尾；{当事人}处会印成“双方当事人”或“各方当事人”。",
    ),
    StandardText(
        "rights_notice",
        "权利义务告知书的正文",
        "",
        "不填就印法定的标准正文。改写时每一段空一行，段首写“一、”“二、”等作小标题。",
    ),
)
STANDARD = {t.key: t for t in STANDARD_TEXTS}


@dataclass(frozen=True)
class Wordings:
    """The texts in force: the committee's where it changed them, else the standard ones.

    `version` counts every change the committee ever made (0: all standard); a printed
    document records it, so the words on an old paper can be found again.
    """

    version: int = 0
    texts: dict[str, str] = field(default_factory=dict)

    def text(self, key: str) -> str:
        if key in self.texts:
            return self.texts[key]
        return STANDARD[key].default

    def is_changed(self, key: str) -> bool:
        return key in self.texts


def check_wording(key: str, text: str) -> str:
    if key not in STANDARD:
        raise ValidationError("key", "文书用语", "没有这一项可以改")
    cleaned = "\n".join(line.rstrip() for line in text.strip().splitlines())
    if len(cleaned) > MAX_CHARS:
        raise ValidationError(
            "text", STANDARD[key].name, f"最多{MAX_CHARS}个字，现在有{len(cleaned)}个字"
        )
    if key == "confirmation_hint" and cleaned and "三十日" not in cleaned and "30日" not in cleaned:
        raise ValidationError(
            "text",
            STANDARD[key].name,
            "要写明申请司法确认的期限（自协议生效之日起三十日内，人民调解法第三十三条）",
        )
    return cleaned


def sections_of(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A reworded notice as (heading, paragraphs): blocks apart by blank lines, first line the
    heading."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    out = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        out.append((lines[0], tuple(lines[1:])))
    return tuple(out)
