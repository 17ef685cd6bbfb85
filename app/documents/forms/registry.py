"""Every printable form, by key, in the customary order of the dossier (forms.md).

A form prints once per case, or once per sitting, follow-up or agent (`per`): `items` lists
what it can be printed for, `FormSpec.make` builds one. Every form prints blank with
`case=None`, for a party to fill in by hand.

The dossier's contents list comes first after the cover; 人民调解申请书 and 受理登记表 share
row 1; "agreement" is the row-8 paper (the written agreement, or the oral agreement's register
for an oral agreement), "oral_agreement" the register on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from app.documents.forms import (
    acceptance,
    application,
    back_cover,
    closing_report,
    confirmation,
    contents,
    cover,
    file_note,
    follow_up,
    investigation,
    mediation_record,
    power_of_attorney,
    rights_notice,
)
from app.documents.forms import agreement as written
from app.documents.forms import oral_agreement as oral
from app.documents.forms.investigation import held_text, sessions_of
from app.documents.text import cn_date
from app.documents.tree import Document
from app.domain.codes import AgreementForm, CaseStatus, DisputeType, SessionKind, Source, Tier
from app.views import CaseDetail, CommitteeInfo

Per = Literal["case", "session", "follow_up", "agent"]
#: The keyword each kind of form takes to say which item it prints.
_ITEM_KEYWORD: dict[Per, str] = {
    "session": "session_id",
    "follow_up": "follow_up_id",
    "agent": "agent_id",
}


@dataclass(frozen=True)
class FormSpec:
    """A printable form: `build(case | None, committee, *, today, [item keyword])`."""

    key: str
    name: str
    build: Callable[..., Document]
    per: Per = "case"
    dossier_order: int = 0
    #: For a form printed per sitting: which kind of sitting.
    session_kind: SessionKind | None = None

    def make(
        self,
        case: CaseDetail | None,
        committee: CommitteeInfo,
        *,
        item_id: int | None = None,
        today: date | None = None,
    ) -> Document:
        """The form for `case` (None: blank); `item_id` picks the sitting, follow-up or agent
        (None: the latest sitting or follow-up, the first agent)."""
        keyword = _ITEM_KEYWORD.get(self.per)
        if keyword is None:
            return self.build(case, committee, today=today)
        return self.build(case, committee, today=today, **{keyword: item_id})


def items(spec: FormSpec, case: CaseDetail) -> list[tuple[int, str]]:
    """What a per-item form can be printed for in `case`: (id, how a person recognises it)."""
    if spec.per == "session" and spec.session_kind is not None:
        return [(s.id, held_text(s.held_at)) for s in sessions_of(case, spec.session_kind)]
    if spec.per == "follow_up":
        return [
            (f.id, f"{cn_date(f.on)} {f.by_name}".strip())
            for f in follow_up.follow_ups_of(case)
            if f.id is not None
        ]
    if spec.per == "agent":
        return [
            (agent.id, f"{party.role.label}{party.name}的委托代理人{agent.name}")
            for party, agent in power_of_attorney.agents_of(case)
        ]
    return []


def documents(
    spec: FormSpec, case: CaseDetail, committee: CommitteeInfo, *, today: date | None = None
) -> list[Document]:
    """The form for everything in `case` it prints for: one per sitting, follow-up or agent
    (none when the case has none), or the one document of a per-case form."""
    if spec.per == "case":
        return [spec.make(case, committee, today=today)]
    return [spec.make(case, committee, item_id=k, today=today) for k, _ in items(spec, case)]


def is_oral(case: CaseDetail | None) -> bool:
    """An oral agreement prints as its register (arts. 28, 30), as `printing.is_oral` says."""
    return (
        case is not None
        and case.agreement is not None
        and case.agreement.form is AgreementForm.ORAL
    )


def build_agreement(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The row-8 paper: the written agreement, or the register of an oral one."""
    build = oral.build_oral_agreement if is_oral(case) else written.build_agreement
    return build(case or blank_case(today), committee, today=today)


def build_oral_agreement(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    return oral.build_oral_agreement(case or blank_case(today), committee, today=today)


def blank_case(today: date | None = None) -> CaseDetail:
    """A case with nothing recorded, for the agreement forms (which need a case) to print
    blank: no number, no parties, no agreement."""
    return CaseDetail(
        id=0,
        uuid="",
        number="",
        title="",
        dispute_type=DisputeType.OTHER,
        source=Source.OTHER,
        received_on=today or date.today(),
        tier=Tier.COMMUNITY,
        status=CaseStatus.REGISTERED,
    )


_SPECS = (
    FormSpec("cover", cover.TITLE, cover.build_cover, dossier_order=0),
    FormSpec("contents", contents.TITLE, contents.build_standard_contents, dossier_order=5),
    FormSpec("application", application.TITLE, application.build_application, dossier_order=10),
    FormSpec("acceptance", acceptance.TITLE, acceptance.build_acceptance, dossier_order=11),
    FormSpec(
        "rights_notice", rights_notice.TITLE, rights_notice.build_rights_notice, dossier_order=20
    ),
    FormSpec(
        "power_of_attorney",
        power_of_attorney.TITLE,
        power_of_attorney.build_power_of_attorney,
        per="agent",
        dossier_order=40,
    ),
    FormSpec(
        "investigation",
        investigation.TITLE,
        investigation.build_investigation,
        per="session",
        dossier_order=50,
        session_kind=SessionKind.INVESTIGATION,
    ),
    FormSpec(
        "mediation_record",
        mediation_record.TITLE,
        mediation_record.build_mediation_record,
        per="session",
        dossier_order=70,
        session_kind=SessionKind.MEDIATION,
    ),
    FormSpec("agreement", written.TITLE, build_agreement, dossier_order=80),
    FormSpec("oral_agreement", oral.TITLE, build_oral_agreement, dossier_order=81),
    FormSpec(
        "follow_up", follow_up.TITLE, follow_up.build_follow_up, per="follow_up", dossier_order=100
    ),
    FormSpec(
        "confirmation", confirmation.TITLE, confirmation.build_confirmation, dossier_order=110
    ),
    FormSpec(
        "closing_report",
        closing_report.TITLE,
        closing_report.build_closing_report,
        dossier_order=115,
    ),
    FormSpec("file_note", file_note.TITLE, file_note.build_file_note, dossier_order=120),
    FormSpec("back_cover", back_cover.TITLE, back_cover.build_back_cover, dossier_order=130),
)

#: Every form by key, in dossier order.
FORMS: dict[str, FormSpec] = {
    spec.key: spec for spec in sorted(_SPECS, key=lambda s: s.dossier_order)
}


def form_names() -> list[tuple[str, str]]:
    """(key, Chinese name) of every form, in dossier order."""
    return [(spec.key, spec.name) for spec in FORMS.values()]
