"""人民调解受理登记表 — the committee's record that it took a dispute on (arts. 17, 18).

An opening sentence (on [date] this committee, on a party's application or on its own
initiative and with the parties' consent, mediates the dispute between [A] and [B]), then a
ruled table: dispute type, source (the national form's ① application ② own initiative, and the
referrals local forms add), the dispute in brief. Below it the parties and the registrar sign
and the committee seals; a footnote says the committee fills the form in.

The helpers here serve the other forms too: the register's cells with room to write and its
tick boxes, the parties "between" whom a dispute is, blanks inside a sentence, the parties'
signature lines, and the document titled and laid out as the committee prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TypeVar

from app.documents.forms.common import REPRESENTATIVE, headed, page_layout, signing_parties
from app.documents.text import cn_date, paragraphs
from app.documents.tree import (
    Align,
    Block,
    Document,
    FieldLine,
    Paragraph,
    SignatureBlock,
    Spacer,
    Style,
    Table,
    Title,
)
from app.domain.codes import DisputeType, PartyKind, PartyRole, Source
from app.views import CaseDetail, CommitteeInfo, PartyView

TITLE = "人民调解受理登记表"
#: Share of the text width for a register's labels (as on the oral agreement register).
LABEL_SHARE = 0.25
#: What a name nobody has written in yet looks like inside a sentence.
NAME_BLANK = "＿＿＿＿＿＿"
#: A date nobody has written in yet, inside a sentence: a blank of spaces (`BLANK_DATE`) would
#: be stretched or broken where the line is justified.
DATE_BLANK = "＿＿＿＿年＿＿月＿＿日"

#: How each source is ticked on the forms, in the national form's order, then the referrals.
SOURCE_CHOICES: tuple[tuple[Source, str], ...] = (
    (Source.APPLICATION, "当事人申请"),
    (Source.OWN_INITIATIVE, "人民调解委员会主动调解"),
    (Source.POLICE, "公安机关移交"),
    (Source.COURT, "人民法院委托"),
    (Source.GOVERNMENT, "政府部门移交"),
    (Source.OTHER, "其他"),
)
#: How the opening sentence says the committee came to mediate.
_HOW = {
    Source.APPLICATION: "根据当事人申请",
    Source.OWN_INITIATIVE: "主动",
    Source.POLICE: "受公安机关移交",
    Source.COURT: "受人民法院委托",
    Source.GOVERNMENT: "受政府有关部门移交",
    Source.OTHER: "",
}

Row = tuple[str, str]
T = TypeVar("T")


def build_acceptance(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The acceptance registration of `case`, or the blank form."""
    accepted = case.accepted_on if case else None
    rows: list[Row] = [
        ("纠纷类型", case.dispute_type.label if case else ""),
        ("案件来源", choices(SOURCE_CHOICES, case.source if case else None, per_line=2)),
        ("纠纷简要情况", cell_lines(paragraphs(case.facts) if case else [], lines=6)),
    ]
    labels, representatives = party_lines(signers(case), "签名")
    blocks = (
        Title(TITLE),
        FieldLine("编号", case.number if case else ""),
        Paragraph(_opening(case)),
        register(rows),
        SignatureBlock(
            left=labels,
            right=("登记人（签名）：",),
            representatives=representatives,
            seal_label="（人民调解委员会印章）",
            issuer=committee.name,
            date_text=cn_date(accepted),
            space_mm=12,  # a name, not a signature with a fingerprint beside it
        ),
        Spacer(2.5),
        Paragraph("注：本表由人民调解委员会填写。", Style.SMALL, Align.LEFT, indent=False),
    )
    return form_document(TITLE, case, blocks, committee)


def _opening(case: CaseDetail | None) -> str:
    if case is None:
        return (
            f"{DATE_BLANK}，本委员会根据当事人申请（主动）并经当事人同意，"
            f"调解{NAME_BLANK}与{NAME_BLANK}之间的{NAME_BLANK}纠纷。"
        )
    how = _HOW[case.source]
    return (
        f"{inline_date(case.accepted_on)}，本委员会{how}并经当事人同意，"
        f"调解{between(case)}之间的{dispute_name(case.dispute_type)}。"
    )


def between(case: CaseDetail) -> str:
    """申请人张三、李四与被申请人王五（及第三人赵六） — a blank where a side is not recorded."""

    def side(role: PartyRole) -> str:
        names = "、".join(p.name for p in case.parties_in(role))
        return f"{role.label}{names}" if names else NAME_BLANK

    text = f"{side(PartyRole.APPLICANT)}与{side(PartyRole.RESPONDENT)}"
    third = "、".join(p.name for p in case.parties_in(PartyRole.THIRD_PARTY))
    return f"{text}及第三人{third}" if third else text


def inline_date(day: date | None) -> str:
    """A date as written in running text, or the blank to write it in."""
    return cn_date(day) if day else DATE_BLANK


def dispute_name(dispute_type: DisputeType) -> str:
    """邻里纠纷; 'other' is just 纠纷."""
    return "纠纷" if dispute_type is DisputeType.OTHER else f"{dispute_type.label}纠纷"


def form_document(
    name: str, case: CaseDetail | None, blocks: Iterable[Block], committee: CommitteeInfo
) -> Document:
    """A form's document: titled after the form and the case, in the committee's page layout
    (as the agreement is)."""
    number = case.number if case else ""
    return Document(
        f"{name} {number}".strip(), headed(tuple(blocks), committee), layout=page_layout(committee)
    )


def party_lines(
    parties: Iterable[PartyView], person: str, *, role: str | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Signature labels of these parties and the line each one's representative signs on
    (`SignatureBlock.left`, `.representatives`), worded as `common.party_signatures` words a
    whole case's: a person does `person` (签名或按指印), an organisation is sealed and its legal
    representative signs. `role` names them all alike (a joint application's 申请人)."""
    labels: list[str] = []
    representatives: list[str] = []
    for party in parties:
        label = f"{role or party.role.label}{party.name}"
        if party.kind is PartyKind.ORGANIZATION:
            labels.append(f"{label}（单位盖章）：")
            representatives.append(REPRESENTATIVE)
        else:
            labels.append(f"{label}（{person}）：")
            representatives.append("")
    return tuple(labels), tuple(representatives)


def signers(case: CaseDetail | None) -> tuple[PartyView, ...]:
    """Who signs: the parties, or an unnamed applicant and respondent (as on the agreement)."""
    return signing_parties(case) if case else _UNNAMED


_UNNAMED = (
    PartyView(0, 0, PartyRole.APPLICANT, PartyKind.PERSON, ""),
    PartyView(0, 1, PartyRole.RESPONDENT, PartyKind.PERSON, ""),
)


# ---------------------------------------------------------------------------------------------
# Register cells


def register(
    rows: Iterable[Row], label_share: float = LABEL_SHARE, style: Style = Style.CELL
) -> Table:
    """A ruled table of labelled cells: label on the left, what was recorded beside it."""
    return Table((), tuple(rows), (label_share, 1 - label_share), style=style)


def room(chars: int) -> str:
    """Room to write by hand inside a ruled cell (ideographic spaces: the cell is the rule)."""
    return "\u3000" * chars


def cell_lines(texts: Sequence[str], *, lines: int) -> str:
    """Texts one to a line, or `lines` lines to write on (each holding a blank: empty lines
    would close up)."""
    return "\n".join(texts or [room(1)] * lines)


def choices(options: Sequence[tuple[T, str]], chosen: T | None, *, per_line: int) -> str:
    """Tick boxes: ■ before the one recorded, □ before the others (and before all of them
    when nothing is recorded), `per_line` to a line so that no choice breaks in two."""
    marks = [("■" if value == chosen else "□") + label for value, label in options]
    lines = ["\u3000".join(marks[k : k + per_line]) for k in range(0, len(marks), per_line)]
    return "\n".join(lines)
