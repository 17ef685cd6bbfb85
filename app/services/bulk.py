"""Writing many checked cases at once: the demo and the exchange import.

`app.services.cases.add_case` builds ORM objects and flushes once per case: right for one case
typed in, but ~3 ms a case, so 100,000 cases took minutes. Here the same rows (a test compares
both, table by table) are laid out as plain tuples and written a table at a time with the
driver's `executemany`, inside the caller's operation: one transaction, one audit entry. Every
case has been through the same validators as a typed or imported one (`CleanCase`,
`CleanAgreement`); this module only lays the checked values out as rows.

`CaseLayout` needs no database: it numbers a batch's rows from 1 (cases, parties, agreements,
obligations), so a batch can be laid out in another process. `CaseWriter` writes a batch with
each id shifted past the largest in the table (`? + 41200` in the SQL itself), so children
point at their parents without a round trip per row. It takes the write lock before it reads
the largest ids, so another copy of the program cannot slip a row in between.

Each case's row of the search index and its parties' pinyin initials are laid out with it
(`search_index.CaseText`, the same code that indexes a case saved one at a time), so a batch's
index rows go in with one more executemany and no rebuild is needed after the build.

The SQL is plain `INSERT` with `?` parameters, and an `ON CONFLICT` upsert for the number
sequence. What a bulk build changes while it runs (a larger page cache; the indexes of still
empty tables made at the end) is in `bulk_writing`. Durability is untouched: WAL and
`synchronous=FULL` as for every save. `InOrder` lays a large build's chunks out in worker
processes while this one writes; `paused_gc` keeps the collector off the millions of objects
a build holds.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sqlite3
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from app.db import fts
from app.domain.errors import UserError
from app.domain.money import to_fen
from app.domain.numbering import format_number, parse_number
from app.domain.rules import CleanAgreement, CleanCase
from app.services.cases import (
    CaseHistory,
    Confirmation,
    PanelSeat,
    TermPerformance,
    TierMove,
    Visit,
    committee_row,
)
from app.services.operations import DEFAULT_ACTOR
from app.services.search_index import INDEXED_IN_BULK, CaseText, ensure_index, fold

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.services.database import Database

#: Cases laid out before they are written: long runs for executemany, while 100,000 cases
#: never hold all their rows in memory at once.
BATCH_CASES = 5_000

#: The page cache while a bulk build runs (KiB; `PRAGMA cache_size` takes it negative): the
#: indexes of 100,000 cases stay in memory instead of being read back from the WAL.
BULK_CACHE_KIB = 200_000

#: Each table's columns in the order the rows below are built.
COLUMNS: dict[str, tuple[str, ...]] = {
    "dispute_case": (
        "id",
        "uuid",
        "number",
        "number_year",
        "number_seq",
        "title",
        "dispute_type",
        "source",
        "received_on",
        "accepted_on",
        "declined_reason",
        "status",
        "tier",
        "tier_resolved",
        "compound",
        "building",
        "unit",
        "room",
        "amount_fen",
        "persons_involved",
        "facts",
        "outcome_note",
        "mediation_extended_to",
        "extension_reason",
        "risk_level",
        "risk_measures",
        "police_reported_on",
        "escalation_prevented",
        "performed_on",
        "closed_on",
        "rights_notified_on",
        "dossier_note",
        "subsidy_class",
        "subsidy_reason",
        "subsidy_useful",
        "subsidy_oral_proof",
        "archived_at",
        "created_at",
        "updated_at",
    ),
    "party": (
        "id",
        "case_id",
        "position",
        "role",
        "kind",
        "name",
        "sex",
        "ethnicity",
        "birth_date",
        "id_number",
        "phone",
        "address",
        "occupation",
        "credit_code",
        "legal_representative",
        "name_initials",
    ),
    "agent": ("party_id", "name", "phone", "authority_kind", "authorised_on", "authority"),
    "case_request": ("case_id", "position", "text"),
    "case_risk_flag": ("case_id", "flag"),
    "panel_member": ("case_id", "mediator_id", "role", "chosen_by", "reason", "chosen_by_party_id"),
    "escalation": ("case_id", "from_tier", "to_tier", "on", "reason", "decided_by"),
    "follow_up": (
        "case_id",
        "on",
        "mediator_id",
        "performed",
        "satisfaction",
        "met_with",
        "risks",
        "measures",
        "notes",
    ),
    "participant": ("case_id", "name", "kind", "organisation", "phone"),
    "mediation_session": (
        "case_id",
        "kind",
        "held_at",
        "place",
        "mediators_present",
        "parties_present",
        "participants_present",
        "statements",
        "facts_verified",
        "outcome",
        "recorder",
    ),
    "attachment": (
        "case_id",
        "sha256",
        "original_name",
        "size",
        "added_at",
        "description",
        "kind",
        "party_id",
    ),
    "status_change": (
        "case_id",
        "event",
        "from_status",
        "to_status",
        "on",
        "actor",
        "reason",
        "withdrawn_by",
        "referred_to",
        "routes",
    ),
    "agreement": (
        "id",
        "case_id",
        "form",
        "reached_on",
        "facts",
        "issues",
        "responsibility",
        "confirmation_applied_on",
        "confirmation_court",
        "confirmation_result",
        "confirmation_decided_on",
    ),
    "obligation": (
        "id",
        "agreement_id",
        "position",
        "text",
        "obligor_party_id",
        "obligee_party_id",
        "amount_fen",
        "due_on",
        "performed_on",
        "schedule_kind",
        "day_of_month",
        "starts_on",
        "until",
    ),
    "instalment": ("obligation_id", "position", "due_on", "amount_fen"),
    "payment": ("obligation_id", "on", "amount_fen", "note"),
    "recusal": ("case_id", "mediator_id", "party_id", "on", "reason"),
    "panel_draw": ("case_id", "draw_no", "kind", "mode", "at", "actor", "reason", "explanation"),
}
#: Parents first, so every foreign key points at a row already written.
TABLES = tuple(COLUMNS)
#: The tables whose ids the writer hands out (children point at them).
NUMBERED = ("dispute_case", "party", "agreement", "obligation")


def _reference(table: str, column: str) -> str | None:
    """The table whose ids a column holds, when the writer hands those ids out."""
    if column == "id":
        return table if table in NUMBERED else None
    if column == "case_id":
        return "dispute_case"
    if column == "party_id" or column.endswith("_party_id"):
        return "party"
    if column in ("agreement_id", "obligation_id"):
        return column.removesuffix("_id")
    return None


#: For each table, the numbered table each column refers to (None: a plain value).
REFERENCES = {t: tuple(_reference(t, c) for c in columns) for t, columns in COLUMNS.items()}


def insert_sql(table: str, base: dict[str, int]) -> str:
    """The INSERT of a batch's rows, each of its ids shifted by the table's `base`."""
    quoted = ", ".join(f'"{c}"' for c in COLUMNS[table])
    values = ", ".join("?" if ref is None else f"? + {base[ref]:d}" for ref in REFERENCES[table])
    return f'INSERT INTO "{table}" ({quoted}) VALUES ({values})'


def search_sql(base: int) -> str:
    """The INSERT of a batch's search index rows, each rowid (its case's id) shifted by `base`.
    The same for either kind of index table (`app.db.fts`)."""
    columns = ", ".join(fts.COLUMNS)
    marks = ", ".join("?" * len(fts.COLUMNS))
    return f"INSERT INTO {fts.SEARCH_TABLE} (rowid, {columns}) VALUES (? + {base:d}, {marks})"


def day(value: date | None) -> str | None:
    """A date as the models store it (SQLAlchemy's SQLite DATE: 2026-03-05)."""
    return value.isoformat() if value is not None else None


def moment(value: datetime | None) -> str | None:
    """A moment as `app.db.types.UTCDateTime` stores it: UTC, 2026-03-05 06:30:00.000000."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"UTCDateTime needs a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _seat(entry: tuple[int, Any] | PanelSeat) -> PanelSeat:
    return entry if isinstance(entry, PanelSeat) else PanelSeat(*entry)


def _move(entry: tuple[Any, Any, date, str] | TierMove) -> TierMove:
    return entry if isinstance(entry, TierMove) else TierMove(*entry)


def _visit(entry: tuple[date, int | None, bool | None, str | None, str] | Visit) -> Visit:
    return entry if isinstance(entry, Visit) else Visit(*entry)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class Numbered:
    """A case number and, when it follows the committee's pattern, its year and sequence."""

    number: str
    year: int | None
    seq: int | None


@dataclass(frozen=True)
class RecusalRow:
    """回避 as an import brings it: `party` is an index in the case's parties."""

    mediator_id: int
    party: int | None
    on: date
    reason: str


@dataclass(frozen=True)
class DrawRow:
    """One recorded forming of the panel (its explanation as stored JSON)."""

    draw_no: int
    kind: str
    mode: str
    at: datetime
    actor: str
    reason: str
    explanation: str


@dataclass
class RowBatch:
    """Laid-out rows, ids numbered from 1 within the batch; plain data, so it pickles."""

    rows: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {table: [] for table in TABLES}
    )
    #: How many ids of each numbered table the batch used.
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NUMBERED, 0))
    #: Each case's row of the search index (rowid: the case's id within the batch), as
    #: `app.services.search_index` makes it for a case saved one at a time.
    search: list[fts.IndexRow] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return self.counts["dispute_case"]


class CaseLayout:
    """Checked cases laid out as rows, without a database (see the module's docstring)."""

    def __init__(self, actor: str = DEFAULT_ACTOR, now: datetime | None = None) -> None:
        self.actor = actor
        #: The moment stamped on every row as written (created_at, updated_at).
        self.now = now or datetime.now(UTC)
        self._now = moment(self.now)
        self.batch = RowBatch()

    def take(self) -> RowBatch:
        """The rows laid out so far; the layout starts a new batch."""
        batch, self.batch = self.batch, RowBatch()
        return batch

    def _id(self, table: str) -> int:
        counts = self.batch.counts
        counts[table] += 1
        return counts[table]

    def add(
        self,
        clean: CleanCase,
        numbered: Numbered,
        *,
        case_uuid: str,
        history: CaseHistory | None = None,
        chosen_by_party: Sequence[int | None] = (),
        recusals: Sequence[RecusalRow] = (),
        draws: Sequence[DrawRow] = (),
    ) -> None:
        """Lay out one checked case and everything it carries, as `add_case` writes it.

        `chosen_by_party` gives, seat by seat of the panel, the index of the party who chose
        that mediator (None: the committee designated them).
        """
        history = history or CaseHistory()
        count = len(clean.parties)
        if any(not 0 <= a.party < count for a in history.agents):
            raise ValueError("an agent names a party the case does not have")
        if any(a.party is not None and not 0 <= a.party < count for a in history.attachments):
            raise ValueError("an attachment names a party the case does not have")
        if history.agreement is None and (
            history.performance or history.confirmation != Confirmation()
        ):
            raise ValueError("performance or a judicial confirmation without an agreement")
        if history.agreement is not None and len(history.performance) > len(
            history.agreement.terms
        ):
            raise ValueError("more term schedules than the agreement has terms")

        rows = self.batch.rows
        case_id = self._id("dispute_case")
        life = history.life
        place = clean.place
        rows["dispute_case"].append(
            (
                case_id,
                case_uuid,
                numbered.number,
                numbered.year,
                numbered.seq,
                clean.title,
                clean.dispute_type.value,
                clean.source.value,
                day(clean.received_on),
                day(life.accepted_on),
                life.declined_reason,
                clean.status.value,
                clean.tier.value,
                life.tier_resolved.value if life.tier_resolved else None,
                place.compound,
                place.building,
                place.unit,
                place.room,
                to_fen(clean.amount) if clean.amount is not None else None,
                clean.persons_involved,
                clean.facts,
                life.outcome_note,
                day(life.mediation_extended_to),
                life.extension_reason,
                life.risk_level,
                life.risk_measures,
                day(life.police_reported_on),
                int(life.escalation_prevented),
                day(life.performed_on),
                day(life.closed_on),
                day(life.rights_notified_on),
                life.dossier_note,
                life.subsidy_class,
                life.subsidy_reason,
                int(life.subsidy_useful),
                int(life.subsidy_oral_proof),
                moment(life.archived_at),
                self._now,
                self._now,
            )
        )
        # The search index's row, gathered as `search_index.build_rows` reads it back.
        text = CaseText.of(
            numbered.number,
            clean.title,
            clean.facts,
            life.outcome_note,
            place.compound,
            place.building,
            place.unit,
            place.room,
        )
        party_ids = []
        party_rows = rows["party"]
        for i, p in enumerate(clean.parties):
            party_id = self._id("party")
            party_ids.append(party_id)
            initials = text.add_party(
                p.kind.value,
                p.name,
                p.legal_representative,
                p.id_number,
                p.credit_code,
                p.phone,
                p.address,
            )
            party_rows.append(
                (
                    party_id,
                    case_id,
                    i,
                    p.role.value,
                    p.kind.value,
                    p.name,
                    p.sex.value if p.sex else None,
                    p.ethnicity,
                    day(p.birth_date),
                    p.id_number,
                    p.phone,
                    p.address,
                    p.occupation,
                    p.credit_code,
                    p.legal_representative,
                    initials,
                )
            )
        if history.agents:  # party by party, as the ORM writes each party's list in turn
            for a in sorted(history.agents, key=lambda a: a.party):
                text.add_agent(a.name, a.phone)
                rows["agent"].append(
                    (
                        party_ids[a.party],
                        a.name,
                        a.phone,
                        a.authority_kind,
                        day(a.authorised_on),
                        a.authority,
                    )
                )
        rows["case_request"].extend((case_id, i, t) for i, t in enumerate(clean.requests))
        text.words += clean.requests
        rows["case_risk_flag"].extend((case_id, f.value) for f in clean.risk_flags)
        for n, entry in enumerate(history.panel):
            seat = _seat(entry)
            chooser = chosen_by_party[n] if n < len(chosen_by_party) else None
            rows["panel_member"].append(
                (
                    case_id,
                    seat.mediator_id,
                    seat.role.value,
                    seat.chosen_by,
                    seat.reason,
                    party_ids[chooser] if chooser is not None else None,
                )
            )
        for m in map(_move, history.escalations):
            rows["escalation"].append(
                (case_id, m.from_tier.value, m.to_tier.value, day(m.on), m.reason, m.decided_by)
            )
        for v in map(_visit, history.follow_ups):
            rows["follow_up"].append(
                (
                    case_id,
                    day(v.on),
                    v.mediator_id,
                    _flag(v.performed),
                    v.satisfaction,
                    v.met_with,
                    v.risks,
                    v.measures,
                    v.notes,
                )
            )
        rows["participant"].extend(
            (case_id, p.name, p.kind, p.organisation, p.phone) for p in history.participants
        )
        rows["mediation_session"].extend(
            (
                case_id,
                s.kind,
                moment(s.held_at),
                s.place,
                s.mediators_present,
                s.parties_present,
                s.participants_present,
                s.statements,
                s.facts_verified,
                s.outcome,
                s.recorder,
            )
            for s in history.sessions
        )
        rows["attachment"].extend(
            (
                case_id,
                a.sha256,
                a.original_name,
                a.size,
                moment(a.added_at),
                a.description,
                a.kind,
                party_ids[a.party] if a.party is not None else None,
            )
            for a in history.attachments
        )
        if history.status_history:
            rows["status_change"].extend(
                (
                    case_id,
                    step.event,
                    step.from_status.value if step.from_status else None,
                    step.to_status.value,
                    day(step.on),
                    step.actor,
                    step.reason,
                    step.withdrawn_by,
                    step.referred_to,
                    ",".join(sorted(step.routes)),
                )
                for step in history.status_history
            )
        else:
            # Registered here, or brought by a file that does not say how it got to its status.
            event = "register" if clean.status.value == "registered" else "import"
            rows["status_change"].append(
                (
                    case_id,
                    event,
                    None,
                    clean.status.value,
                    day(clean.received_on),
                    self.actor,
                    "",
                    "",
                    None,
                    "",
                )
            )
        if history.agreement is not None:
            agreement = history.agreement
            text.words += (agreement.facts, agreement.issues, agreement.responsibility)
            text.words += (t.text for t in agreement.terms)
            self._agreement(
                case_id, party_ids, agreement, history.performance, history.confirmation
            )
        rows["recusal"].extend(
            (
                case_id,
                r.mediator_id,
                party_ids[r.party] if r.party is not None else None,
                day(r.on),
                r.reason,
            )
            for r in recusals
        )
        rows["panel_draw"].extend(
            (case_id, d.draw_no, d.kind, d.mode, moment(d.at), d.actor, d.reason, d.explanation)
            for d in draws
        )
        self.batch.search.append(text.row(case_id))

    def _agreement(
        self,
        case_id: int,
        party_ids: list[int],
        clean: CleanAgreement,
        performance: tuple[TermPerformance, ...],
        confirmation: Confirmation,
    ) -> None:
        rows = self.batch.rows
        agreement_id = self._id("agreement")
        rows["agreement"].append(
            (
                agreement_id,
                case_id,
                clean.form.value,
                day(clean.reached_on),
                clean.facts,
                clean.issues,
                clean.responsibility,
                day(confirmation.applied_on),
                confirmation.court,
                confirmation.result,
                day(confirmation.decided_on),
            )
        )
        obligations, instalments, payments = rows["obligation"], rows["instalment"], rows["payment"]
        for i, t in enumerate(clean.terms):
            obligation_id = self._id("obligation")
            term = performance[i] if i < len(performance) else TermPerformance()
            obligations.append(
                (
                    obligation_id,
                    agreement_id,
                    i,
                    t.text,
                    party_ids[t.obligor] if t.obligor is not None else None,
                    party_ids[t.obligee] if t.obligee is not None else None,
                    to_fen(t.amount) if t.amount is not None else None,
                    day(t.due),
                    day(t.performed_on),
                    term.schedule_kind,
                    term.day_of_month,
                    day(term.starts_on),
                    day(term.until),
                )
            )
            instalments.extend(
                (obligation_id, n, day(due), amount)
                for n, (due, amount) in enumerate(term.instalments)
            )
            payments.extend(
                (obligation_id, day(on), amount, note) for on, amount, note in term.payments
            )


def driver_connection(session: Session) -> sqlite3.Connection:
    """The DB-API connection under the session's transaction (the same transaction)."""
    raw = session.connection().connection.driver_connection
    assert isinstance(raw, sqlite3.Connection), "bulk writing is written for SQLite"
    return raw


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a bulk build holds millions of new objects: each
    full collection would walk them all again (parsing an 800 MB export took 16 s with it and
    5 s without). Reference counting still frees everything as usual; what a build makes (JSON
    values, rows, checked cases) holds no cycles for the collector to find."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def bulk_writing(session: Session, actor: str = DEFAULT_ACTOR) -> Iterator[CaseWriter]:
    """A `CaseWriter` for many cases, closed (everything written) when the block ends well.

    While it runs the page cache is large, and if the case tables are still empty (a new file:
    the demo, a first import) their indexes are dropped and made again at the end, sorted in
    one pass instead of a row at a time. Both are undone by the transaction if the block fails;
    nothing touches durability (WAL and `synchronous=FULL` stay, and it all commits at once).
    """
    raw = driver_connection(session)
    before = int(raw.execute("PRAGMA cache_size").fetchone()[0])
    raw.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB:d}")
    try:
        writer = CaseWriter(session, actor, defer_indexes=True)
        yield writer
        writer.close()
    finally:
        raw.execute(f"PRAGMA cache_size={before:d}")


def _indexes(raw: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes made on the case tables (not the ones
    SQLite keeps for primary keys and unique constraints, which it needs as it inserts)."""
    marks = ", ".join("?" * len(TABLES))
    return raw.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        TABLES,
    ).fetchall()


class CaseWriter:
    """Checked cases written a batch at a time inside the caller's transaction.

    Numbers are allocated or claimed as `add_case` does: a sequence per year, a number never
    handed out twice, a number already in the database refused. `close` writes what is left
    and the sequence; the caller's operation commits.
    """

    def __init__(
        self,
        session: Session,
        actor: str = DEFAULT_ACTOR,
        batch_cases: int = BATCH_CASES,
        *,
        defer_indexes: bool = False,
    ) -> None:
        self._session = session
        self._batch_cases = batch_cases
        committee = committee_row(session)
        self._pattern, self._short = committee.number_pattern, committee.short_name
        session.flush()  # what the ORM holds goes first: the rows below may point at it
        self._raw = driver_connection(session)
        # The write lock before the largest ids are read (a write that changes nothing).
        self._raw.execute("UPDATE case_number_sequence SET last_seq = last_seq WHERE 0")
        self._base = {
            table: self._raw.execute(f'SELECT max(id) FROM "{table}"').fetchone()[0] or 0
            for table in NUMBERED
        }
        self._sequence: dict[int, int] = dict(
            self._raw.execute("SELECT year, last_seq FROM case_number_sequence").fetchall()
        )
        self._changed_years: set[int] = set()
        self._numbers = {n for (n,) in self._raw.execute("SELECT number FROM dispute_case")}
        # Each batch's search index rows go in with its cases, unless the index is empty beside
        # cases already there (a file upgraded from before it): that index is made whole from
        # the database afterwards (`search_index.rebuild_index`), as before.
        empty_index = fts.is_empty(session.connection())
        self._search = not (empty_index and self._base["dispute_case"])
        #: Filling an empty index: set up for a bulk fill when the first rows go in.
        self._fill = self._search and empty_index
        self._filling = False
        self.layout = CaseLayout(actor)
        #: Cases written (or laid out to be written) so far.
        self.cases = 0
        #: Indexes dropped while the rows go in, made again by `close`: only for tables that
        #: are empty, where building an index afterwards is a sort instead of 100,000 inserts.
        self._deferred: list[str] = []
        if defer_indexes and not any(self._base.values()):
            for name, sql in _indexes(self._raw):
                self._raw.execute(f'DROP INDEX "{name}"')
                self._deferred.append(sql)

    # ------------------------------------------------------------ numbers

    def reserve(self, numbers: Iterable[str]) -> None:
        """Claim numbers about to be written (an import's) before any number is allocated."""
        for number in numbers:
            self._claim(number)

    def _claim(self, number: str) -> Numbered:
        parts = parse_number(self._pattern, self._short, number)
        if parts is None:
            return Numbered(number, None, None)
        if parts.year not in self._sequence or self._sequence[parts.year] < parts.seq:
            self._sequence[parts.year] = parts.seq
            self._changed_years.add(parts.year)
        return Numbered(number, parts.year, parts.seq)

    def allocate(self, year: int) -> Numbered:
        """The next number of `year` (one taken already is skipped, never reused)."""
        seq = self._sequence.get(year, 0) + 1
        while (number := format_number(self._pattern, self._short, year, seq)) in self._numbers:
            seq += 1
        self._sequence[year] = seq
        self._changed_years.add(year)
        self._numbers.add(number)
        return Numbered(number, year, seq)

    def number(self, clean: CleanCase, number: str | None) -> Numbered:
        """The case's own number checked and claimed, or the next one of its year."""
        if not number:
            return self.allocate(clean.received_on.year)
        if number in self._numbers:
            raise UserError(f"案件编号“{number}”已被其他案件使用，编号不能重复。")
        self._numbers.add(number)
        return self._claim(number)

    # ------------------------------------------------------------ writing

    def add(
        self,
        clean: CleanCase,
        *,
        case_uuid: str,
        number: str | Numbered | None = None,
        history: CaseHistory | None = None,
        chosen_by_party: Sequence[int | None] = (),
        recusals: Sequence[RecusalRow] = (),
        draws: Sequence[DrawRow] = (),
    ) -> None:
        """Number and lay out one checked case (see `CaseLayout.add`); a full batch is written.

        `number` may be one `allocate` already handed out.
        """
        numbered = number if isinstance(number, Numbered) else self.number(clean, number)
        self.layout.add(
            clean,
            numbered,
            case_uuid=case_uuid,
            history=history,
            chosen_by_party=chosen_by_party,
            recusals=recusals,
            draws=draws,
        )
        self.cases += 1
        if self.layout.batch.cases >= self._batch_cases:
            self.flush()

    def write(self, batch: RowBatch) -> int:
        """Write a batch laid out here or elsewhere, parents first, its ids shifted past ours;
        returns the shift of its case ids (case n of the batch has id `shift + n`)."""
        shift = self._base["dispute_case"]
        if self._fill and not self._filling and batch.search:
            fts.begin_bulk_fill(self._session.connection())
            self._filling = True
        cursor = self._raw.cursor()
        try:
            for table in TABLES:
                rows = batch.rows[table]
                if rows:
                    cursor.executemany(insert_sql(table, self._base), rows)
            if self._search and batch.search:
                cursor.executemany(search_sql(shift), batch.search)
        finally:
            cursor.close()
        for table in NUMBERED:
            self._base[table] += batch.counts[table]
        return shift

    def renumber(self, numbered: Sequence[tuple[int, Numbered]]) -> None:
        """Give cases already written (by id) their numbers: an import's cases that came
        without one are numbered once every number of the file is claimed."""
        self._raw.executemany(
            "UPDATE dispute_case SET number = ?, number_year = ?, number_seq = ? WHERE id = ?",
            [(n.number, n.year, n.seq, case_id) for case_id, n in numbered],
        )
        if self._search and numbered:  # their index rows were written with a placeholder
            self._raw.executemany(
                f"UPDATE {fts.SEARCH_TABLE} SET number = ? WHERE rowid = ?",
                [(fold(n.number), case_id) for case_id, n in numbered],
            )

    def flush(self) -> None:
        """Write the cases laid out so far."""
        if self.layout.batch.cases:
            self.write(self.layout.take())

    def close(self) -> None:
        """Write what is left, the number sequence, and the indexes set aside; tell the
        operation layer that the search index holds the cases written (`INDEXED_IN_BULK`)."""
        self.flush()
        for sql in self._deferred:
            self._raw.execute(sql)
        self._deferred.clear()
        if self._filling:
            fts.end_bulk_fill(self._session.connection())
            self._filling = self._fill = False
        if self._search:
            self._session.info[INDEXED_IN_BULK] = True
        if self._changed_years:
            self._raw.executemany(
                "INSERT INTO case_number_sequence (year, last_seq) VALUES (?, ?) "
                "ON CONFLICT (year) DO UPDATE SET last_seq = excluded.last_seq",
                sorted((year, self._sequence[year]) for year in self._changed_years),
            )
            self._changed_years.clear()
        # What the session may hold of these tables (the number sequence) is now stale.
        self._session.flush()
        self._session.expire_all()


J = TypeVar("J")
R = TypeVar("R")


def default_workers() -> int:
    """Processes that lay out a large build's chunks: one per core where there are several.

    None in a frozen build (PyInstaller): a spawned process there starts the program itself
    again unless its entry point calls `multiprocessing.freeze_support()` first.
    """
    cores = os.cpu_count() or 1
    if getattr(sys, "frozen", False):
        return 0
    return min(cores, 4) if cores > 1 else 0


def leave_with_parent() -> None:
    """In a worker process: end as soon as the process that started it ends.

    A worker waiting for its next job does not notice its starter's death: a program killed
    during a large import or demo left its workers behind for good, sleeping, with a quarter
    of a gigabyte each (measured with 12,000 cases). The parent's sentinel becomes ready when
    the parent is gone, whatever ended it.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        from multiprocessing.connection import wait

        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="leave-with-parent", daemon=True).start()


class InOrder(Generic[J, R]):
    """`work(job)` for each job, the results in the jobs' order, made by `workers` processes
    (None: `default_workers()`) while this one writes what came before.

    At most one more job than there are workers is under way, so a large build never holds all
    its rows at once. Without workers, or if they cannot be started or die, each job is done
    here when its turn comes: the results are the same either way. The processes are spawned,
    as Windows does: a fresh interpreter, holding no open database. `work` must be a function
    of a module (it is looked up by name in the new process), `close` ends them.
    """

    def __init__(self, work: Callable[[J], R], jobs: Sequence[J], workers: int | None) -> None:
        self._work = work
        self._jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._ahead: deque[Future[R]] = deque()
        count = default_workers() if workers is None else workers
        if count and jobs:
            try:
                self._pool = ProcessPoolExecutor(
                    min(count, len(jobs)),
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=leave_with_parent,
                )
                while len(self._ahead) < min(count + 1, len(jobs)):
                    self._ahead.append(self._pool.submit(work, jobs[len(self._ahead)]))
            except (OSError, RuntimeError):  # no processes here: do the work in this one
                self.close()

    def __iter__(self) -> Iterator[R]:
        for n, job in enumerate(self._jobs):
            if self._pool is not None and self._ahead:
                try:
                    result = self._ahead.popleft().result()
                except BrokenProcessPool:  # a worker died: do the rest here
                    self.close()
                    result = self._work(job)
                else:
                    following = n + 1 + len(self._ahead)
                    if following < len(self._jobs):
                        self._ahead.append(self._pool.submit(self._work, self._jobs[following]))
            else:
                result = self._work(job)
            yield result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._ahead.clear()


def index_for_search(db: Database) -> bool:
    """After a bulk build: make sure the search index (`case_search`) holds the new cases.

    The writer writes each batch's index rows and its parties' pinyin initials
    (`party.name_initials`) with its cases, as `app.services.search_index` makes them, and
    tells the operation layer so (`INDEXED_IN_BULK`); where it could not (an empty index beside
    older cases) the operation layer rebuilt the index from the database instead.
    `search_index.ensure_index(db)` is the check that one of them did, filling an index left
    empty; returns whether the index had to be filled here.
    """
    return ensure_index(db) is not None
