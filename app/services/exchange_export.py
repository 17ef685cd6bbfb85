"""Writing the case exchange format (docs/exchange-format.md): the committee, the roster, every
case and every screening round, as version 4.

The cases are read with Core selects, a batch of case ids at a time: the cases' own rows, then
each table of their records for the same ids, grouped by case in Python. Loading them as ORM
objects with their twenty collections took 200–350 s and 11 GB for 100,000 cases, nearly all of
it building and tracking objects that are read once; read this way it takes under a minute and
270 MB. The columns are the models' own, each value typed by its column's own result processor
(dates, UTC moments, booleans), so the file is the same to the byte (a test compares it with the
ORM's reading). Each batch is written before the next is read.

The file is laid out as `json.dumps(data, ensure_ascii=False, indent=2)` lays it out: the import
reads a large file by that layout (`exchange._split_export`). `dumps` writes it without the
standard library's pure-Python indenting encoder, which was a third of a large export's time:
the runs of plain values of each object and list go through the C encoder whole.

`mask=True` (`export --mask`) writes every ID number and phone masked as lists show them
(`110105********002X`, `139****1111`) and says so at the top (`"identity_masked": true`): a file
for someone who needs the cases, not the numbers (the street office's statistics). With accounts
on, a person whose role may not see ID numbers and phones in full (app.domain.roles) gets the
masked file whatever they ask: an export must not show what the case page hides from them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import BindParameter, Select, bindparam, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import (
    Agent,
    Agreement,
    Attachment,
    Case,
    CaseRequest,
    CaseRiskFlag,
    Committee,
    Escalation,
    FollowUp,
    Instalment,
    MediationSession,
    Mediator,
    Obligation,
    PanelDraw,
    PanelMember,
    Participant,
    Party,
    Payment,
    Recusal,
    ScreeningRound,
    StatusChange,
)
from app.domain.money import from_fen
from app.domain.schedule import ScheduleKind
from app.domain.values import mask_id_number, mask_phone
from app.services.bulk import paused_gc
from app.services.database import Database
from app.services.files import write_atomically
from app.services.subsidy import stored_scheme

#: The C encoder of the standard library's json (None where a Python has none: the pure
#: `json.dumps` then lays the file out, the same but slower).
_C_ENCODER: Callable[..., Callable[[Any, int], list[str]]] | None = getattr(
    json.encoder, "c_make_encoder", None
)

FORMAT = "laoniangjiu-exchange"
#: The version export writes.
VERSION = 4
#: The top-level key a masked file carries (true), right after the version.
MASKED_KEY = "identity_masked"
#: Cases read and written together: what an export holds at once (270 MB at its peak), in
#: 19 queries a batch.
EXPORT_BATCH = 2_000

Data = dict[str, Any]


# ====================================================================== values


def _place(compound: str, building: str, unit: str, room: str) -> dict[str, str] | None:
    place = {"compound": compound, "building": building, "unit": unit, "room": room}
    return place if any(place.values()) else None


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _stamp(value: datetime | None) -> str | None:
    """A moment as ISO 8601 in UTC with its offset: 2026-03-10T06:30:00+00:00."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def _money(fen: int | None) -> str | None:
    return str(from_fen(fen)) if fen is not None else None


def _index(index_of: dict[int, int], party_id: int | None) -> int | None:
    """A party by its place in the case's list: the database's own ids mean nothing elsewhere."""
    return index_of.get(party_id) if party_id is not None else None


def _lines(text: str) -> list[str]:
    """Names kept one per line, as a list."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# ====================================================================== committee, roster, rounds


def _export_scheme(text: str) -> Data | None:
    """The committee's subsidy scheme as its own JSON document; None: the program's default.

    "" and a scheme written out in full stay apart: the committee that set one keeps it
    even when a later program changes its defaults (`app.services.subsidy.update_scheme`).
    """
    return stored_scheme(text).to_data() if text.strip() else None


def _export_committee(c: Committee) -> Data:
    return {
        "name": c.name,
        "short_name": c.short_name,
        "case_limit": c.case_limit,
        "panel_sizes": c.panel_sizes or None,
        "area_has_minorities": c.area_has_minorities,
        "page_layout": c.page_layout,
        "subsidy_scheme": _export_scheme(c.subsidy_scheme),
    }


def _export_mediator(m: Mediator) -> Data:
    return {
        "uuid": m.uuid,
        "name": m.name,
        "sex": m.sex,
        "ethnicity": m.ethnicity or None,
        "birth_date": _date(m.birth_date),
        "elder_category": m.elder_category,
        "phone": m.phone or None,
        "address": _place(m.compound, m.building, m.unit, m.room),
        "specialties": [s.dispute_type for s in m.specialties],
        "languages": m.languages or None,
        "active": m.active,
        "committee_member": m.committee_member,
        "case_limit": m.case_limit,
        "notes": m.notes or None,
        "absences": [
            {"from": _date(a.from_on), "to": _date(a.to_on), "reason": a.reason or None}
            for a in sorted(m.absences, key=lambda a: (a.from_on, a.id))
        ],
        "trainings": [
            {"on": _date(t.on), "topic": t.topic, "minutes": t.minutes}
            for t in sorted(m.trainings, key=lambda t: (t.on, t.id))
        ],
        "relations": [
            {
                "person_name": r.person_name,
                "kind": r.kind,
                "id_number": r.id_number or None,
                "phone": r.phone or None,
                "notes": r.notes or None,
            }
            for r in sorted(m.relations, key=lambda r: r.id)
        ],
    }


def _mediators(session: Session) -> list[Mediator]:
    """The roster, a few hundred at most: loaded whole, as objects."""
    return list(
        session.scalars(
            select(Mediator)
            .options(
                selectinload(Mediator.specialties),
                selectinload(Mediator.absences),
                selectinload(Mediator.trainings),
                selectinload(Mediator.relations),
            )
            .order_by(Mediator.id)
        )
    )


def _export_rounds(session: Session) -> list[Data]:
    """Every screening round, oldest first, each finding naming its case by uuid."""
    rounds = list(
        session.scalars(
            select(ScreeningRound)
            .options(selectinload(ScreeningRound.findings))
            .order_by(ScreeningRound.held_on, ScreeningRound.id)
        )
    )
    linked = sorted({f.case_id for r in rounds for f in r.findings if f.case_id is not None})
    uuid_of: dict[int, str] = {}
    for start in range(0, len(linked), 900):  # within SQLite's limit of bound parameters
        chunk = linked[start : start + 900]
        found = session.execute(select(Case.id, Case.uuid).where(Case.id.in_(chunk)))
        uuid_of.update((case_id, case_uuid) for case_id, case_uuid in found)
    return [
        {
            "uuid": r.uuid,
            "held_on": _date(r.held_on),
            "area": r.area,
            "screened_by": r.screened_by,
            "note": r.note or None,
            "findings": [
                {
                    "description": f.description,
                    "outcome": f.outcome,
                    "case": uuid_of.get(f.case_id) if f.case_id is not None else None,
                    "note": f.note or None,
                }
                for f in sorted(r.findings, key=lambda f: (f.position, f.id))
            ],
        }
        for r in rounds
    ]


# ====================================================================== cases

#: A row of a select: its values by position, each typed as the model types it.
_Row = Sequence[Any]
#: A batch's records: table by table, each table's rows by case.
Records = Mapping[str, Mapping[int, list[_Row]]]

_NONE: list[_Row] = []
_FIRST: BindParameter[int] = bindparam("first")
_LAST: BindParameter[int] = bindparam("last")


def _of(*columns: Any) -> Select[Any]:
    """The rows of a case's own table for the batch: its case first, in the order of ids."""
    table = columns[0].class_
    return (
        select(table.case_id, *columns)
        .where(table.case_id.between(_FIRST, _LAST))
        .order_by(table.case_id, table.id)
    )


def _record_queries() -> dict[str, Select[Any]]:
    """Each table of a batch's records: its case first, then the columns `_export_case` and
    the functions it calls unpack, in their order. The rows come in the order of their ids;
    the sorts the format asks for are made in Python, as they were of the ORM's objects."""
    to_party = (Party, Party.id == Agent.party_id)
    to_agreement = (Agreement, Agreement.id == Obligation.agreement_id)
    return {
        "case": select(
            Case.id, Case.uuid, Case.number, Case.title, Case.dispute_type, Case.source,
            Case.received_on, Case.accepted_on, Case.declined_reason, Case.tier,
            Case.tier_resolved, Case.status, Case.compound, Case.building, Case.unit, Case.room,
            Case.amount_fen, Case.persons_involved, Case.risk_level, Case.risk_measures,
            Case.police_reported_on, Case.escalation_prevented, Case.facts,
            Case.mediation_extended_to, Case.extension_reason, Case.performed_on,
            Case.outcome_note, Case.closed_on, Case.archived_at, Case.rights_notified_on,
            Case.dossier_note, Case.subsidy_class, Case.subsidy_reason, Case.subsidy_useful,
            Case.subsidy_oral_proof,
        )
        .where(Case.id.between(_FIRST, _LAST))
        .order_by(Case.id),
        "parties": _of(
            Party.id, Party.position, Party.role, Party.kind, Party.name, Party.sex,
            Party.ethnicity, Party.birth_date, Party.id_number, Party.phone, Party.address,
            Party.occupation, Party.credit_code, Party.legal_representative,
        ),
        "agents": select(
            Party.case_id, Agent.party_id, Agent.name, Agent.phone, Agent.authority_kind,
            Agent.authorised_on, Agent.authority,
        )
        .join(*to_party)
        .where(Party.case_id.between(_FIRST, _LAST))
        .order_by(Party.case_id, Agent.id),
        "requests": _of(CaseRequest.position, CaseRequest.text),
        # (keyed by case and flag, no id: listed by flag, as the format lists them)
        "risk_flags": select(CaseRiskFlag.case_id, CaseRiskFlag.flag)
        .where(CaseRiskFlag.case_id.between(_FIRST, _LAST))
        .order_by(CaseRiskFlag.case_id, CaseRiskFlag.flag),
        "participants": _of(
            Participant.name, Participant.kind, Participant.organisation, Participant.phone
        ),
        "panel": _of(
            PanelMember.mediator_id, PanelMember.role, PanelMember.chosen_by,
            PanelMember.reason, PanelMember.chosen_by_party_id,
        ),
        "recusals": _of(Recusal.mediator_id, Recusal.party_id, Recusal.on, Recusal.reason),
        "panel_draws": _of(
            PanelDraw.draw_no, PanelDraw.kind, PanelDraw.mode, PanelDraw.at, PanelDraw.actor,
            PanelDraw.reason, PanelDraw.explanation,
        ),
        "escalations": _of(
            Escalation.from_tier, Escalation.to_tier, Escalation.on, Escalation.reason,
            Escalation.decided_by,
        ),
        "sessions": _of(
            MediationSession.id, MediationSession.kind, MediationSession.held_at,
            MediationSession.place, MediationSession.mediators_present,
            MediationSession.parties_present, MediationSession.participants_present,
            MediationSession.recorder, MediationSession.statements,
            MediationSession.facts_verified, MediationSession.outcome,
        ),
        "agreement": _of(
            Agreement.form, Agreement.reached_on, Agreement.facts, Agreement.issues,
            Agreement.responsibility, Agreement.confirmation_applied_on,
            Agreement.confirmation_court, Agreement.confirmation_result,
            Agreement.confirmation_decided_on,
        ),
        "terms": select(
            Agreement.case_id, Obligation.id, Obligation.position, Obligation.text,
            Obligation.obligor_party_id, Obligation.obligee_party_id, Obligation.amount_fen,
            Obligation.due_on, Obligation.performed_on, Obligation.schedule_kind,
            Obligation.day_of_month, Obligation.starts_on, Obligation.until,
        )
        .join(*to_agreement)
        .where(Agreement.case_id.between(_FIRST, _LAST))
        .order_by(Agreement.case_id, Obligation.id),
        "instalments": select(
            Agreement.case_id, Instalment.obligation_id, Instalment.position, Instalment.due_on,
            Instalment.amount_fen,
        )
        .join(Obligation, Obligation.id == Instalment.obligation_id)
        .join(*to_agreement)
        .where(Agreement.case_id.between(_FIRST, _LAST))
        .order_by(Agreement.case_id, Instalment.id),
        "payments": select(
            Agreement.case_id, Payment.obligation_id, Payment.id, Payment.on,
            Payment.amount_fen, Payment.note,
        )
        .join(Obligation, Obligation.id == Payment.obligation_id)
        .join(*to_agreement)
        .where(Agreement.case_id.between(_FIRST, _LAST))
        .order_by(Agreement.case_id, Payment.id),
        "follow_ups": _of(
            FollowUp.on, FollowUp.mediator_id, FollowUp.met_with, FollowUp.performed,
            FollowUp.satisfaction, FollowUp.risks, FollowUp.measures, FollowUp.notes,
        ),
        "status_history": _of(
            StatusChange.event, StatusChange.from_status, StatusChange.to_status,
            StatusChange.on, StatusChange.actor, StatusChange.reason, StatusChange.withdrawn_by,
            StatusChange.referred_to, StatusChange.routes,
        ),
        "attachments": _of(
            Attachment.sha256, Attachment.original_name, Attachment.size, Attachment.added_at,
            Attachment.description, Attachment.kind, Attachment.party_id,
        ),
    }  # fmt: skip


class _Query:
    """A select run on SQLite's own cursor, its rows plain lists: going through SQLAlchemy's
    results, a `Row` made for each of a batch's hundreds of thousands of rows, took three
    times as long as the reading itself. Each value still goes through its column's own result
    processor (dates, UTC moments, booleans), so it is what the ORM would hold."""

    def __init__(self, statement: Select[Any], session: Session) -> None:
        self.statement = statement
        dialect = session.get_bind().dialect
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        #: The parameters' names in the order of the SQL's `?` (None: another paramstyle).
        self.names = compiled.positiontup
        processors = (
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        )
        self.processors = [(i, p) for i, p in enumerate(processors) if p is not None]

    def rows(self, session: Session, **params: Any) -> list[_Row]:
        raw = session.connection().connection.driver_connection
        if self.names is None or not isinstance(raw, sqlite3.Connection):
            # Another database (a networked office's server): through SQLAlchemy, as before.
            return list(session.execute(self.statement, params).tuples())
        found = raw.execute(self.sql, tuple(params[name] for name in self.names)).fetchall()
        if not self.processors:
            return found
        rows: list[_Row] = []
        for row in found:
            values = list(row)
            for i, process in self.processors:
                values[i] = process(values[i])
            rows.append(values)
        return rows


def _by_case(rows: list[_Row]) -> dict[int, list[_Row]]:
    """Rows whose first value is their case's id, case by case."""
    grouped: dict[int, list[_Row]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return grouped


def _export_agreement(agreement: _Row, records: Records, index_of: dict[int, int]) -> Data:
    (case_id, form, reached_on, facts, issues, responsibility, applied_on, court, result,
     decided_on) = agreement  # fmt: skip
    confirmation = {
        "applied_on": _date(applied_on),
        "court": court or None,
        "result": result or None,
        "decided_on": _date(decided_on),
    }
    instalments: dict[int, list[_Row]] = {}
    for row in records["instalments"].get(case_id, _NONE):
        instalments.setdefault(row[1], []).append(row)
    payments: dict[int, list[_Row]] = {}
    for row in records["payments"].get(case_id, _NONE):
        payments.setdefault(row[1], []).append(row)
    terms = []
    for term in sorted(records["terms"].get(case_id, _NONE), key=itemgetter(2)):
        (_, term_id, _position, text, obligor, obligee, amount_fen, due_on, performed_on,
         schedule_kind, day_of_month, starts_on, until) = term  # fmt: skip
        terms.append(
            {
                "text": text,
                "obligor": index_of.get(obligor) if obligor else None,
                "obligee": index_of.get(obligee) if obligee else None,
                "amount": _money(amount_fen),
                "due": _date(due_on),
                "performed_on": _date(performed_on),
                "schedule": schedule_kind or ScheduleKind.ONE_OFF.value,
                "day_of_month": day_of_month,
                "starts_on": _date(starts_on),
                "until": _date(until),
                "instalments": [
                    {"due": _date(due), "amount": _money(fen)}
                    for _c, _o, _p, due, fen in sorted(
                        instalments.get(term_id, _NONE), key=itemgetter(2)
                    )
                ],
                "payments": [
                    {"on": _date(on), "amount": _money(fen), "note": note or None}
                    for _c, _o, _id, on, fen, note in sorted(
                        payments.get(term_id, _NONE), key=itemgetter(3, 2)
                    )
                ],
            }
        )
    return {
        "form": form,
        "reached_on": _date(reached_on),
        "facts": facts or None,
        "issues": issues or None,
        "responsibility": responsibility or None,
        "terms": terms,
        "confirmation": confirmation if any(confirmation.values()) else None,
    }


def _export_party(party: _Row, agents: list[_Row]) -> Data:
    (_case_id, party_id, _position, role, kind, name, sex, ethnicity, birth_date, id_number,
     phone, address, occupation, credit_code, legal_representative) = party  # fmt: skip
    return {
        "role": role,
        "kind": kind,
        "name": name,
        "sex": sex,
        "ethnicity": ethnicity or None,
        "birth_date": _date(birth_date),
        "id_number": id_number or None,
        "phone": phone or None,
        "address": address or None,
        "occupation": occupation or None,
        "credit_code": credit_code or None,
        "legal_representative": legal_representative or None,
        "agents": [
            {
                "name": agent_name,
                "phone": agent_phone or None,
                "authority_kind": authority_kind,
                "authorised_on": _date(authorised_on),
                "authority": authority or None,
            }
            for (
                _c,
                of_party,
                agent_name,
                agent_phone,
                authority_kind,
                authorised_on,
                authority,
            ) in agents
            if of_party == party_id
        ],
    }


def _export_case(case: _Row, records: Records, uuid_of: dict[int, str]) -> Data:
    (case_id, uuid, number, title, dispute_type, source, received_on, accepted_on,
     declined_reason, tier, tier_resolved, status, compound, building, unit, room, amount_fen,
     persons_involved, risk_level, risk_measures, police_reported_on, escalation_prevented,
     facts, mediation_extended_to, extension_reason, performed_on, outcome_note, closed_on,
     archived_at, rights_notified_on, dossier_note, subsidy_class, subsidy_reason,
     subsidy_useful, subsidy_oral_proof) = case  # fmt: skip

    def of(name: str) -> list[_Row]:
        return records[name].get(case_id, _NONE)

    parties = sorted(of("parties"), key=itemgetter(2))
    index_of = {p[1]: i for i, p in enumerate(parties)}
    agents = of("agents")
    agreement = of("agreement")
    return {
        "uuid": uuid,
        "number": number,
        "title": title,
        "dispute_type": dispute_type,
        "source": source,
        "received_on": _date(received_on),
        "accepted_on": _date(accepted_on),
        "declined_reason": declined_reason or None,
        "tier": tier,
        "tier_resolved": tier_resolved,
        "status": status,
        "place": _place(compound, building, unit, room),
        "amount": _money(amount_fen),
        "persons_involved": persons_involved,
        "risk_flags": sorted(flag for _c, flag in of("risk_flags")),
        "risk_level": risk_level,
        "risk_measures": risk_measures or None,
        "police_reported_on": _date(police_reported_on),
        "escalation_prevented": escalation_prevented,
        "facts": facts or None,
        "requests": [text for _c, _p, text in sorted(of("requests"), key=itemgetter(1))],
        "parties": [_export_party(p, agents) for p in parties],
        "participants": [
            {
                "name": name,
                "kind": kind,
                "organisation": organisation or None,
                "phone": phone or None,
            }
            for _c, name, kind, organisation, phone in of("participants")
        ],
        "panel": [
            {
                "mediator": uuid_of[mediator_id],
                "role": role,
                "chosen_by": chosen_by,
                "reason": reason or None,
                "chosen_by_party": _index(index_of, party_id),
            }
            for _c, mediator_id, role, chosen_by, reason, party_id in of("panel")
        ],
        "recusals": [
            {
                "mediator": uuid_of[mediator_id],
                "party": _index(index_of, party_id),
                "on": _date(on),
                "reason": reason or None,
            }
            for _c, mediator_id, party_id, on, reason in of("recusals")
        ],
        "panel_draws": [
            {
                "draw_no": draw_no,
                "kind": kind,
                "mode": mode,
                "at": _stamp(at),
                "actor": actor or None,
                "reason": reason or None,
                "explanation": explanation or None,
            }
            for _c, draw_no, kind, mode, at, actor, reason, explanation in of("panel_draws")
        ],
        "escalations": [
            {
                "from": from_tier,
                "to": to_tier,
                "on": _date(on),
                "reason": reason or None,
                "decided_by": decided_by or None,
            }
            for _c, from_tier, to_tier, on, reason, decided_by in of("escalations")
        ],
        "mediation_extended_to": _date(mediation_extended_to),
        "extension_reason": extension_reason or None,
        "sessions": [
            {
                "kind": kind,
                "held_at": _stamp(held_at),
                "place": place or None,
                "mediators_present": _lines(mediators),
                "parties_present": _lines(parties_present),
                "participants_present": _lines(participants),
                "recorder": recorder or None,
                "statements": statements or None,
                "facts_verified": facts_verified or None,
                "outcome": outcome or None,
            }
            for (
                _c,
                _id,
                kind,
                held_at,
                place,
                mediators,
                parties_present,
                participants,
                recorder,
                statements,
                facts_verified,
                outcome,
            ) in sorted(of("sessions"), key=itemgetter(3, 1))
        ],
        "agreement": _export_agreement(agreement[0], records, index_of) if agreement else None,
        "performed_on": _date(performed_on),
        "follow_ups": [
            {
                "on": _date(on),
                "by": uuid_of.get(mediator_id) if mediator_id else None,
                "met_with": met_with or None,
                "performed": performed,
                "satisfaction": satisfaction,
                "risks": risks or None,
                "measures": measures or None,
                "notes": notes or None,
            }
            for (
                _c,
                on,
                mediator_id,
                met_with,
                performed,
                satisfaction,
                risks,
                measures,
                notes,
            ) in of("follow_ups")
        ],
        "outcome_note": outcome_note or None,
        "closed_on": _date(closed_on),
        "archived_at": _stamp(archived_at),
        "rights_notified_on": _date(rights_notified_on),
        "dossier_note": dossier_note or None,
        "subsidy_class": subsidy_class,
        "subsidy_reason": subsidy_reason or None,
        "subsidy_useful": subsidy_useful,
        "subsidy_oral_proof": subsidy_oral_proof,
        "status_history": [
            {
                "event": event,
                "from": from_status,
                "to": to_status,
                "on": _date(on),
                "actor": actor or None,
                "reason": reason or None,
                "withdrawn_by": withdrawn_by or None,
                "referred_to": referred_to,
                "routes": [r for r in routes.split(",") if r],
            }
            for (
                _c,
                event,
                from_status,
                to_status,
                on,
                actor,
                reason,
                withdrawn_by,
                referred_to,
                routes,
            ) in of("status_history")
        ],
        "attachments": [
            {
                "sha256": sha256,
                "original_name": original_name,
                "size": size,
                "added_at": _stamp(added_at),
                "description": description or None,
                "kind": kind,
                "party": _index(index_of, party_id),
            }
            for (_c, sha256, original_name, size, added_at, description, kind, party_id) in of(
                "attachments"
            )
        ],
    }


def _cases(session: Session, uuid_of: dict[int, str]) -> Iterator[list[Data]]:
    """Every case in the order of its id, `EXPORT_BATCH` ids at a time."""
    batch = EXPORT_BATCH
    queries = {name: _Query(q, session) for name, q in _record_queries().items()}
    ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    for start in range(0, len(ids), batch):
        first, last = ids[start], ids[min(start + batch, len(ids)) - 1]
        cases = queries["case"].rows(session, first=first, last=last)
        records = {
            name: _by_case(query.rows(session, first=first, last=last))
            for name, query in queries.items()
            if name != "case"
        }
        yield [_export_case(case, records, uuid_of) for case in cases]


# ====================================================================== masking


def _phone(value: str | None) -> str | None:
    return mask_phone(value) if value else value


def _id_number(value: str | None) -> str | None:
    return mask_id_number(value) if value else value


def _mask_mediator(mediator: Data) -> Data:
    """The mediator's phone, and the ID number and phone of each person they must step aside
    for (residents, who are often parties too), masked in place."""
    mediator["phone"] = _phone(mediator["phone"])
    for relation in mediator["relations"]:
        relation["id_number"] = _id_number(relation["id_number"])
        relation["phone"] = _phone(relation["phone"])
    return mediator


def _mask_case(case: Data) -> Data:
    """Every ID number and phone of the case masked in place: its parties', their agents' and
    the participants'. Free text (facts, statements) is written as it was typed."""
    for party in case["parties"]:
        party["id_number"] = _id_number(party["id_number"])
        party["phone"] = _phone(party["phone"])
        for agent in party["agents"]:
            agent["phone"] = _phone(agent["phone"])
    for participant in case["participants"]:
        participant["phone"] = _phone(participant["phone"])
    return case


def must_mask(db: Database, mask: bool) -> bool:
    """Whether an export is masked: when asked, and always for a person signed in whose role
    may not see ID numbers and phones in full (or nobody signed in, accounts on)."""
    from app.services.accounts import may_see_identity

    return mask or not may_see_identity(db)


# ====================================================================== the file


def _head(session: Session, masked: bool = False) -> tuple[Data, dict[int, str]]:
    """The file's first keys (its committee and roster), and each mediator's uuid by id."""
    committee = session.scalar(select(Committee).limit(1))
    mediators = _mediators(session)
    head: Data = {"format": FORMAT, "version": VERSION}
    if masked:
        head[MASKED_KEY] = True
    head["committee"] = _export_committee(committee) if committee else None
    head["mediators"] = [
        _mask_mediator(_export_mediator(m)) if masked else _export_mediator(m) for m in mediators
    ]
    return head, {m.id: m.uuid for m in mediators}


def _batches(session: Session, uuid_of: dict[int, str], masked: bool) -> Iterator[list[Data]]:
    for batch in _cases(session, uuid_of):
        yield [_mask_case(case) for case in batch] if masked else batch


def export_data(db: Database, *, mask: bool = False) -> Data:
    """Every committee setting, mediator, case and screening round, as JSON-ready data;
    ID numbers and phones masked when `mask` (or the person signed in may not see them)."""
    masked = must_mask(db, mask)
    with paused_gc(), db.reading() as session:
        data, uuid_of = _head(session, masked)
        data["cases"] = [case for batch in _batches(session, uuid_of, masked) for case in batch]
        data["screening_rounds"] = _export_rounds(session)
        return data


def export_file(db: Database, path: Path | str, *, mask: bool = False) -> int:
    """Export everything to `path`, as `json.dumps(export_data(db, mask=mask), indent=2)`;
    returns the number of cases written. One read transaction: the file is one moment of the
    database. `mask`: see `export_data`."""
    written = 0
    masked = must_mask(db, mask)

    def write(handle: BinaryIO) -> None:
        nonlocal written
        head, uuid_of = _head(session, masked)
        text = dumps(head)
        handle.write(text[: text.rindex("\n}")].encode("utf-8"))  # the object left open
        handle.write(b',\n  "cases": [')
        separator = "\n    "
        for batch in _batches(session, uuid_of, masked):
            out: list[str] = []
            for case in batch:
                out.append(separator)
                _write(case, 2, out)
                separator = ",\n    "
            handle.write("".join(out).encode("utf-8"))
            written += len(batch)
        handle.write(b"\n  ]" if written else b"]")
        rounds = dumps(_export_rounds(session), 1)
        handle.write(f',\n  "screening_rounds": {rounds}\n}}\n'.encode())

    # The collector off: a batch is a million rows, values and strings, none in a cycle, and
    # each collection would walk them all again (a fifth of the time of a large export).
    with paused_gc(), db.reading() as session:
        write_atomically(Path(path), write)
    return written


# ====================================================================== the layout

#: A new line and the indent of each depth, as `indent=2` writes them.
_INDENTS = tuple("\n" + "  " * depth for depth in range(48))
#: What the C encoder writes alike at any depth: everything but a list or an object.
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _flat_encoder(
    make: Callable[..., Callable[[Any, int], list[str]]], depth: int
) -> Callable[[Any, int], list[str]]:
    """The C encoder for the plain values of an object or list `depth` levels down: its item
    separator carries the new line and indent that `indent=2` puts between items there."""
    # (markers, default, encoder, indent, key_separator, item_separator, sort_keys, skipkeys,
    # allow_nan): what `json.dumps(ensure_ascii=False)` passes, but for the item separator.
    return make(
        None, None, encode_basestring, None, ": ", "," + _INDENTS[depth + 1], False, False, True
    )


_FLAT = (
    tuple(_flat_encoder(_C_ENCODER, depth) for depth in range(len(_INDENTS) - 1))
    if _C_ENCODER is not None
    else ()
)
#: From this depth on (everywhere, without the C encoder) the standard layout writes it all.
_DEEPEST = len(_FLAT) - 1


def _standard(value: Any, depth: int, out: list[str]) -> None:
    """What the fast path leaves alone (another type, a key that is no text, a value nested
    very deep, a Python without the C encoder): the standard library lays it out."""
    out.append(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", _INDENTS[depth]))


def _write(value: Any, depth: int, out: list[str]) -> None:
    """Append `value` laid out as `json.dumps(indent=2)` lays it out `depth` levels down.

    The plain values of an object (or a list of them) go to the C encoder together, each one
    nested is written here; types are matched exactly, so anything else (a subclass of dict,
    a tuple) is left to the standard layout and comes out as it would there.
    """
    kind = value.__class__
    if depth >= _DEEPEST or (kind is not dict and kind is not list):
        if kind in _PLAIN and depth < _DEEPEST:
            out.append("".join(_FLAT[0](value, 0)))
        else:
            _standard(value, depth, out)
        return
    if not value:
        out.append("{}" if kind is dict else "[]")
        return
    encode = _FLAT[depth]
    between = "," + _INDENTS[depth + 1]
    if kind is list:
        for item in value:
            if item.__class__ not in _PLAIN and item:
                break
        else:  # nothing nested in it: the whole list at once
            out.append("[" + _INDENTS[depth + 1] + "".join(encode(value, 0))[1:-1])
            out.append(_INDENTS[depth] + "]")
            return
        separator = "[" + _INDENTS[depth + 1]
        for item in value:
            out.append(separator)
            _write(item, depth + 1, out)
            separator = between
        out.append(_INDENTS[depth] + "]")
        return
    start = len(out)
    separator = "{" + _INDENTS[depth + 1]
    run: dict[str, Any] = {}
    for key, item in value.items():
        if key.__class__ is not str:  # json's own spelling of such a key: the object anew
            del out[start:]
            _standard(value, depth, out)
            return
        if item.__class__ in _PLAIN or not item:
            run[key] = item
            continue
        if run:  # the plain values before this one
            out.append(separator + "".join(encode(run, 0))[1:-1])
            separator = between
            run = {}
        out.append(separator + encode_basestring(key) + ": ")
        _write(item, depth + 1, out)
        separator = between
    if run:
        out.append(separator + "".join(encode(run, 0))[1:-1])
    out.append(_INDENTS[depth] + "}")


def dumps(value: Any, depth: int = 0) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, the same to the character, as it
    reads `depth` levels down (its lines after the first indented as deep)."""
    out: list[str] = []
    _write(value, depth, out)
    return "".join(out)
