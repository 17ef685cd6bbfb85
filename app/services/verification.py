"""核验: every printed agreement carries a short code derived from the stored content it prints;
`verify` tells whether a paper in front of someone still matches the record, and when it was
printed. Each print is recorded in the case's history.

Recording a print changes nothing of the case, so the agreement of an archived case prints
(and is recorded) like any other.

The code is the first 50 bits of the SHA-256 of the content, written in ten characters of
Crockford's base 32 (no I, L, O, U: nothing to misread on paper) as two groups of five. The same
content always gives the same code, so a reprint of an unchanged agreement carries the same code
and a changed one another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from app.db.models import Case, PrintedDocument
from app.domain.errors import NotFoundError, UserError
from app.domain.validation import shown_value
from app.services.database import Database
from app.services.detail import case_detail, case_for_paper
from app.services.operations import DEFAULT_ACTOR
from app.services.records import row_id
from app.views import CaseDetail, Changed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 10
#: What the QR code says: the program, the case number and the code, so a phone shows them.
QR_PREFIX = "老娘舅核验"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def agreement_content(case: CaseDetail) -> dict[str, Any]:
    """What an agreement paper states: the parties, the facts and every term as stored."""
    agreement = case.agreement
    return {
        "case": case.uuid,
        "number": case.number,
        "parties": [
            [_plain(p.role), _plain(p.kind), p.name, p.id_number, p.credit_code, p.address]
            for p in case.parties
        ],
        "agreement": None
        if agreement is None
        else {
            "form": _plain(agreement.form),
            "reached_on": _plain(agreement.reached_on),
            "facts": agreement.facts,
            "issues": agreement.issues,
            "responsibility": agreement.responsibility,
            "terms": [
                [
                    t.position,
                    t.text,
                    t.obligor,
                    t.obligee,
                    _plain(t.amount),
                    _plain(t.due),
                    repr(t.schedule) if t.schedule is not None else None,
                ]
                for t in sorted(agreement.terms, key=lambda t: t.position)
            ],
        },
    }


def content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def agreement_digest(case: CaseDetail) -> str:
    """The SHA-256 of what the agreement paper of `case` states: its code is made from it."""
    return content_hash(agreement_content(case))


def code_of(digest: str) -> str:
    """'7M2QK-9XD4A': 50 bits of the digest in Crockford's base 32."""
    bits = int(digest[:13], 16) >> 2  # 52 bits → 50
    chars = []
    for _ in range(CODE_CHARS):
        chars.append(_ALPHABET[bits & 31])
        bits >>= 5
    text = "".join(reversed(chars))
    return f"{text[:5]}-{text[5:]}"


def normal_code(typed: str) -> str:
    """What a person typed, as stored: capitals, no spaces or dashes, O→0, I/L→1."""
    text = "".join(typed.split()).upper().replace("-", "")
    text = text.translate(str.maketrans("OIL", "011"))
    return f"{text[:5]}-{text[5:]}" if len(text) == CODE_CHARS else text


def qr_text(case_number: str, code: str) -> str:
    return f"{QR_PREFIX} {case_number} {code}"


@dataclass(frozen=True)
class Printed:
    code: str
    content_sha256: str
    first_printed_at: datetime


def record_print(
    db: Database,
    case_ref: str | int,
    form: str,
    *,
    actor: str = DEFAULT_ACTOR,
    digest: str | None = None,
) -> tuple[Printed, Changed]:
    """Record that `form` of the case is printed now; returns the code to print on it.

    `digest` is the `agreement_digest` of the case as the paper was made from it (the code on
    the paper is its code): the record then states exactly what the paper states, even if the
    case changed in between. Without it the case is read again to compute it.
    """
    with db.operation(actor, "document.print") as op:
        case_id, uuid = _case_key(op.session, case_ref)
        if digest is None:
            digest = agreement_digest(case_detail(op.session, case_id))
        # A print changes no field of the case: its audit entry names the case, the form and
        # the code (the operation is not opened on the case, which would load all of it).
        op.track("case", uuid, dict)
        op.refresh(Changed(cases=frozenset({case_id})))
        code = code_of(digest)
        row = op.session.scalar(select(PrintedDocument).where(PrintedDocument.code == code))
        if row is None:
            from app.services.wordings import wordings_in

            row = PrintedDocument(
                case_id=case_id,
                form=form,
                code=code,
                content_sha256=digest,
                actor=op.actor,
                wording_version=wordings_in(op.session).version,
            )
            op.session.add(row)
            op.session.flush()
        op.note.update({"form": form, "code": code})
        op.result = Printed(code, digest, row.printed_at)
    return op.outcome


def _case_key(session: Session, ref: str | int) -> tuple[int, str]:
    """The id and uuid of the case `ref` names (an id, uuid or case number), as `find_case`
    finds it, without loading its children."""
    text = str(ref).strip()
    by_id = row_id(ref)
    if by_id is not None:
        where = Case.id == by_id
    else:
        where = or_(Case.uuid == text.lower(), Case.number == text)
    found = session.execute(select(Case.id, Case.uuid).where(where)).first()
    if found is None:
        raise NotFoundError(
            f"找不到案件“{shown_value(text, 40)}”。请核对案件编号，例如（2026）飞人调字第12号。"
        )
    return found[0], found[1]


@dataclass(frozen=True)
class Verdict:
    code: str
    matches: bool
    case_number: str
    form: str
    printed_at: datetime

    def message(self) -> str:
        when = f"{self.printed_at.astimezone():%Y年%m月%d日 %H:%M}"
        if self.matches:
            return (
                f"核验码{self.code}：与档案一致。这是案件{self.case_number}的文书，"
                f"首次打印于{when}。"
            )
        return (
            f"核验码{self.code}：与档案不一致！案件{self.case_number}的这份文书打印于{when}，"
            "打印以后档案中的内容改动过（或纸上的文书被改过）。请以档案为准，重新打印后再签。"
        )


def verify(db: Database, typed_code: str) -> Verdict:
    """Whether the paper carrying `typed_code` states what the record holds now."""
    code = normal_code(typed_code)
    if len(code.replace("-", "")) != CODE_CHARS:
        typed = shown_value(typed_code.strip(), 30)
        raise UserError(f"核验码应是10位字母和数字（例如 7M2QK-9XD4A），现在是“{typed}”。")
    with db.reading() as session:
        row = session.scalar(select(PrintedDocument).where(PrintedDocument.code == code))
        if row is None:
            raise UserError(
                f"没有找到核验码{code}：这份文书不是从本数据库打印的，或者核验码抄错了，请再核对一遍。"
            )
        case_id, form, digest, printed_at = (
            row.case_id,
            row.form,
            row.content_sha256,
            row.printed_at,
        )
    case = case_for_paper(db, case_id)
    now = agreement_digest(case)
    return Verdict(code, now == digest, case.number, form, printed_at)
