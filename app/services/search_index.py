"""Keeping the search index and the parties' pinyin initials up to date.

The operation layer calls `reindex_cases` for the cases an operation changed, in the same
transaction and just before the audit entry, so a saved case is found by what it now says the
moment the save commits; an import or the demo (`Changed.everything`) calls `rebuild_index`,
unless the bulk writer has written the rows of the cases it wrote batch by batch (`CaseText`,
`INDEXED_IN_BULK`). `ensure_index` fills an empty index of a database that has cases (a file
upgraded from schema 0006): the program calls it on opening a database and before searching.

What one case's row holds (`app.db.fts.COLUMNS`), lowercased so that Latin letters match
however typed:

- number  — the case number;
- names   — the parties' names, their legal representatives and agents, then every character
            and pair of characters of the parties' names, marked ("^秀$ ^秀英$",
            `app.db.fts.name_keys`) so that one or two characters are found by index;
- initials — each party's pinyin initials (`app.domain.pinyin`), every reading after a mark
            ("^lxy ^wdh", `app.db.fts.INITIALS_MARK`) so that two letters are found by index;
- numbers — ID numbers, credit codes and phones (as stored and as bare digits), agents' phones;
- place   — the case's compound, building, unit and room run together ("平原小区5号楼2单元301室")
            and the parties' addresses;
- words   — the title, the facts, the requests, the agreement's facts, issues, responsibility and
            terms, and the outcome note.

Within a column a text that another one already contains is left out: the index is searched
for substrings, so nothing is lost, and it stays small.

The SQL here is portable Core; only `app.db.fts` knows what kind of table the index is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, bindparam, func, select, update
from sqlalchemy.orm import Session

from app.db import fts
from app.db.models import Agent, Agreement, Case, CaseRequest, Obligation, Party
from app.domain.codes import PartyKind
from app.domain.pinyin import SEPARATOR, name_initials

if TYPE_CHECKING:
    from app.services.database import Database

#: Cases read at once by a rebuild (bounded memory, few queries).
CHUNK = 2000
#: Set to True in `Session.info` by the bulk writer (`app.services.bulk.CaseWriter.close`) once
#: it has written the index rows of every case it wrote, into an index that held every case
#: before: an operation that changed everything then has no index to rebuild.
INDEXED_IN_BULK = "search_index.indexed_in_bulk"
_NOT_DIGIT = re.compile(r"[^0-9]")


@dataclass
class CaseText:
    """What one case's index row is made of, gathered part by part in the order `build_rows`
    reads it from the database; the bulk writer gathers the same parts from the checked values
    it writes (`app.services.bulk`), so both give the same row."""

    number: str = ""
    title: str = ""
    facts: str = ""
    outcome: str = ""
    place: str = ""
    names: list[str] = field(default_factory=list)
    name_keys: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        number: str,
        title: str,
        facts: str,
        outcome: str,
        compound: str,
        building: str,
        unit: str,
        room: str,
    ) -> CaseText:
        return cls(
            number=number,
            title=title,
            facts=facts,
            outcome=outcome,
            place=_place(compound, building, unit, room),
        )

    def add_party(
        self,
        kind: str,
        name: str,
        legal_representative: str,
        id_number: str,
        credit_code: str,
        phone: str,
        address: str,
    ) -> str:
        """A party, in the order of the case's parties; returns its pinyin initials (what
        `party.name_initials` holds)."""
        initials = initials_of(name, kind)
        self.names += (name, legal_representative)
        self.name_keys += fts.name_keys(fold(name))
        self.initials += (fts.INITIALS_MARK + v for v in initials.split(SEPARATOR) if v)
        self.numbers += (id_number, credit_code, *_phone_texts(phone))
        self.addresses.append(address)
        return initials

    def add_agent(self, name: str, phone: str) -> None:
        """An agent, after every party, in the order they were written."""
        self.names.append(name)
        self.numbers += _phone_texts(phone)

    def row(self, case_id: int) -> fts.IndexRow:
        return (
            case_id,
            fold(self.number),
            " ".join([_joined(self.names), *dict.fromkeys(self.name_keys)]),
            _joined(self.initials),
            _joined(self.numbers),
            _joined([self.place, *self.addresses]),
            _joined([self.title, self.facts, *self.words, self.outcome]),
        )


@lru_cache(maxsize=65536)
def initials_of(name: str, kind: str) -> str:
    """What `party.name_initials` holds for a party of this name and kind."""
    return name_initials(name, person=kind != PartyKind.ORGANIZATION.value)


#: Full-width Latin letters and digits (ａ, １) as ASCII; the full-width brackets of a case
#: number （2026） stay as they are.
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c - 0xFEE0).isalnum()}


_HAS_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold(text: str) -> str:
    """Text as the index holds it and a query is matched: full-width letters and digits as
    ASCII, lowercase."""
    if _HAS_FULL_WIDTH.search(text) is not None:  # rare: translating is the slow part
        text = text.translate(_FULL_WIDTH)
    return text.lower()


def _phone_texts(phone: str) -> list[str]:
    if not phone:
        return []
    digits = _NOT_DIGIT.sub("", phone)
    return [phone] if digits == phone else [phone, digits]


def _joined(parts: Iterable[str]) -> str:
    """The parts of one column, lowercased; a part that another already contains is left out
    (the agreement often repeats the facts): a search looks for substrings, so it finds the
    same cases, and the index stays small."""
    # In the order given among parts of one length (a set's order would change with the
    # process's string hashes): a row is the same whichever process builds it.
    unique = list(dict.fromkeys(filter(None, parts)))
    if len(unique) < 2:
        return fold(unique[0] if unique else "")
    kept: list[str] = []
    for part in sorted(unique, key=len, reverse=True):
        if not any(part in longer for longer in kept):
            kept.append(part)
    return fold(" ".join(kept))


def _place(compound: str, building: str, unit: str, room: str) -> str:
    """ "平原小区8号楼2单元304室": each part is found inside it."""
    shown_room = f"{room}室" if room.isdigit() else room
    return f"{compound}{building}{unit}{shown_room}"


def build_rows(
    connection: Connection, where: Callable[[Any], ColumnElement[bool]]
) -> tuple[list[fts.IndexRow], list[dict[str, Any]]]:
    """The index rows of the cases whose id satisfies `where(column)`, and the parties whose
    stored initials are out of date (`{"party_id", "initials"}`)."""
    cases: dict[int, CaseText] = {}
    for r in connection.execute(
        select(
            Case.id,
            Case.number,
            Case.title,
            Case.facts,
            Case.outcome_note,
            Case.compound,
            Case.building,
            Case.unit,
            Case.room,
        ).where(where(Case.id))
    ):
        case_id, number, title, facts, outcome, compound, building, unit, room = r
        cases[case_id] = CaseText.of(number, title, facts, outcome, compound, building, unit, room)
    if not cases:
        return [], []
    stale: list[dict[str, Any]] = []
    for p in connection.execute(
        select(
            Party.id,
            Party.case_id,
            Party.kind,
            Party.name,
            Party.name_initials,
            Party.id_number,
            Party.credit_code,
            Party.phone,
            Party.address,
            Party.legal_representative,
        )
        .where(where(Party.case_id))
        .order_by(Party.case_id, Party.position)
    ):
        party_id, case_id, kind, name, stored, id_number, credit_code, phone, address, legal = p
        case = cases.get(case_id)
        if case is None:
            continue
        initials = case.add_party(kind, name, legal, id_number, credit_code, phone, address)
        if initials != stored:
            stale.append({"party_id": party_id, "initials": initials})
    for a in connection.execute(
        select(Party.case_id, Agent.name, Agent.phone)
        .join(Party, Agent.party_id == Party.id)
        .where(where(Party.case_id))
        .order_by(Agent.id)
    ):
        case = cases.get(a[0])
        if case is not None:
            case.add_agent(a[1], a[2])
    for q in connection.execute(
        select(CaseRequest.case_id, CaseRequest.text)
        .where(where(CaseRequest.case_id))
        .order_by(CaseRequest.case_id, CaseRequest.position)
    ):
        if q[0] in cases:
            cases[q[0]].words.append(q[1])
    for g in connection.execute(
        select(
            Agreement.case_id, Agreement.facts, Agreement.issues, Agreement.responsibility
        ).where(where(Agreement.case_id))
    ):
        if g[0] in cases:
            cases[g[0]].words += g[1:]
    for o in connection.execute(
        select(Agreement.case_id, Obligation.text)
        .join(Agreement, Obligation.agreement_id == Agreement.id)
        .where(where(Agreement.case_id))
        .order_by(Obligation.agreement_id, Obligation.position)
    ):
        if o[0] in cases:
            cases[o[0]].words.append(o[1])
    rows = [c.row(case_id) for case_id, c in cases.items()]
    return rows, stale


def _store_initials(connection: Connection, stale: list[dict[str, Any]]) -> None:
    if stale:
        connection.execute(
            update(Party)
            .where(Party.id == bindparam("party_id"))
            .values(name_initials=bindparam("initials")),
            stale,
        )


def reindex_cases(session: Session, case_ids: Iterable[int]) -> None:
    """Bring these cases' rows (and their parties' initials) up to date; a case that is gone
    loses its row. Inside the caller's transaction, after its changes were flushed."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    connection = session.connection()
    rows, stale = build_rows(connection, lambda column: column.in_(ids))
    _store_initials(connection, stale)
    fts.delete_rows(connection, ids)
    fts.insert_rows(connection, rows)


@dataclass(frozen=True)
class Rebuilt:
    cases: int
    initials_updated: int


def _between(low: int, high: int) -> Callable[[Any], ColumnElement[bool]]:
    return lambda column: column.between(low, high)


def rebuild_index(session: Session, *, chunk: int = CHUNK) -> Rebuilt:
    """Make the whole index again from the cases (and every party's initials): an import,
    the demo, or a file whose index is empty. A few queries per `chunk` cases and one
    executemany each, filled as a bulk fill (`fts.begin_bulk_fill`): the segments are merged
    once, at the end."""
    connection = session.connection()
    fts.clear(connection)
    low, high = connection.execute(select(func.min(Case.id), func.max(Case.id))).one()
    cases = updated = 0
    if low is not None:
        fts.begin_bulk_fill(connection)
        for start in range(low, high + 1, chunk):
            end = start + chunk - 1
            rows, stale = build_rows(connection, _between(start, end))
            _store_initials(connection, stale)
            fts.insert_rows(connection, rows)
            cases += len(rows)
            updated += len(stale)
        fts.end_bulk_fill(connection)
    return Rebuilt(cases=cases, initials_updated=updated)


def index_is_missing(connection: Connection) -> bool:
    """The index is empty while there are cases to find."""
    return (
        fts.is_empty(connection)
        and connection.execute(select(Case.id).limit(1)).first() is not None
    )


def ensure_index(db: Database) -> Rebuilt | None:
    """Fill the index if it is empty but cases exist; None when it was already there.

    Through the operation layer like every write (one transaction, one audit entry
    "search.index" saying how many cases were indexed); nothing a person entered changes.
    """
    with db.reading() as session:
        if not index_is_missing(session.connection()):
            return None
    with db.operation("", "search.index") as op:
        if not index_is_missing(op.session.connection()):  # another copy just filled it
            op.result = None
        else:
            rebuilt = rebuild_index(op.session)
            op.note = {"cases_indexed": rebuilt.cases, "initials_set": rebuilt.initials_updated}
            op.result = rebuilt
    result: Rebuilt | None = op.outcome[0]
    return result


def reindex_for(session: Session, case_ids: Sequence[int], everything: bool) -> None:
    """What the operation layer calls before its audit entry: the whole index made again after
    an import or the demo, unless the bulk writer already wrote it (`INDEXED_IN_BULK`); else
    the rows of the cases the operation named."""
    indexed_in_bulk = bool(session.info.pop(INDEXED_IN_BULK, False))
    if everything and not indexed_in_bulk:
        rebuild_index(session)
    elif case_ids:
        reindex_cases(session, case_ids)
