"""What a person (or an import file) hands to a service: values as typed, not yet checked.

`app.domain.rules` checks a draft and either returns clean values or raises
`ValidationErrors` naming every wrong field; the draft itself is never changed, so a form can
keep showing what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain.values import Place


@dataclass
class PartyDraft:
    role: str = "applicant"
    kind: str = "person"
    name: str = ""
    sex: str | None = None
    ethnicity: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    address: str = ""
    occupation: str = ""
    credit_code: str = ""
    legal_representative: str = ""
    #: The party's id when an existing party is edited (it keeps its id); None for a new one.
    id: int | None = None


@dataclass
class CaseDraft:
    title: str = ""
    dispute_type: str = "neighbourhood"
    source: str = "application"
    received_on: date | None = None
    tier: str = "building"
    status: str = "registered"
    place: Place = field(default_factory=Place)
    amount: str = ""
    persons_involved: int | None = None
    risk_flags: list[str] = field(default_factory=list)
    facts: str = ""
    requests: list[str] = field(default_factory=list)
    parties: list[PartyDraft] = field(default_factory=list)


@dataclass
class TermDraft:
    text: str = ""
    obligor: int | None = None
    obligee: int | None = None
    amount: str = ""
    due: date | None = None
    performed_on: date | None = None
    #: The obligation's id when an existing term is edited (payments refer to it).
    id: int | None = None


@dataclass
class AgreementDraft:
    form: str = "written"
    reached_on: date | None = None
    facts: str = ""
    issues: str = ""
    responsibility: str = ""
    terms: list[TermDraft] = field(default_factory=list)
