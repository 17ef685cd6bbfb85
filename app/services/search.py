"""查找 — finding cases by what a person remembers of them, in one box.

What can be typed, in any mix, separated by spaces: a case number or part of it, a party's
name or part of it (one character is enough), a name's pinyin initials (`lxy` finds 李秀英,
`zqh` 曾庆红), the last 4 digits of a phone or part of an ID number, an address (compound,
building, room), and words of the facts, the requests and the agreement. Every term must
match (AND); the newest cases come first.

How each term is looked up (design guide, "Search": one MATCH must never mix short and long
terms, and a trigram index cannot look up fewer than 3 characters):

- 3 characters or more: the search index (`app.db.fts`: FTS5 trigram, or its plain fallback),
  which holds the number, names, initials, ID numbers, phones, places and words of every case;
- 1 or 2 characters: LIKE on the indexed name and number columns — a party's name, the case
  number — and, when the term is Latin letters, the start of any reading of a party's pinyin
  initials;

and the cases found for each term are intersected. Filters (status, dispute type, tier,
source, mediator, date received) narrow the result further.

Only `app.db.fts` knows that the index is SQLite's; everything here is portable Core. Reads
only: no operation, no write (except that an empty index is filled first, see
`app.services.search_index.ensure_index`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    SQLColumnExpression,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from app.db import fts
from app.db.models import Case, PanelMember, Party
from app.domain.codes import CaseStatus, DisputeType, Tier
from app.domain.pinyin import SEPARATOR, is_initials_query
from app.domain.values import mask_id_number, mask_phone
from app.services.search_index import ensure_index, fold

if TYPE_CHECKING:
    from app.services.database import Database

#: Terms of this many characters or more go to the search index.
LONG = 3
#: More terms than this are ignored (nobody types that many; it keeps the SQL small).
MAX_TERMS = 8
#: Results when the caller names no limit.
DEFAULT_LIMIT = 50
#: More matches than this, and a search walks the cases by date instead (`text_condition`).
MANY = 1000
#: The most rows one search lists: SQLite's LIMIT takes a 64-bit integer and no more.
_MOST = 2**31
_SPLIT = re.compile(r"[\s,，、;；]+")

#: Where a term was found, in words (`SearchHit.found_in`), in the index's column order.
FOUND_IN = {
    "number": "案件编号",
    "names": "当事人姓名",
    "initials": "拼音首字母",
    "numbers": "证件号码或电话",
    "place": "地址",
    "words": "案情、申请事项或协议",
}


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search besides its text; empty sets and None mean "any"."""

    statuses: frozenset[str] = field(default_factory=frozenset)
    dispute_types: frozenset[str] = field(default_factory=frozenset)
    tiers: frozenset[str] = field(default_factory=frozenset)
    sources: frozenset[str] = field(default_factory=frozenset)
    #: A mediator on the case's panel (the mediator's id).
    mediator_id: int | None = None
    #: Received on or after / on or before these days.
    received_from: date | None = None
    received_to: date | None = None


@dataclass(frozen=True)
class MatchedParty:
    """A party the search text names, as a list may show it: the ID number and phone masked."""

    name: str
    id_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SearchHit:
    """One case found. ID numbers and phones are masked: a result list never shows them whole."""

    case_id: int
    uuid: str
    number: str
    title: str
    status: CaseStatus
    tier: Tier
    dispute_type: DisputeType
    received_on: date
    #: Every party's name, in the case's order.
    parties: tuple[str, ...] = ()
    #: The parties that a term names (by name, initials, ID number or phone).
    matched: tuple[MatchedParty, ...] = ()
    #: Where the terms were found (`FOUND_IN`'s words).
    found_in: tuple[str, ...] = ()


def split_terms(text: str) -> list[str]:
    """The terms of a typed query: split at spaces and commas, folded (full-width letters and
    digits as ASCII, lowercase) as the index is, without repeats, at most `MAX_TERMS`."""
    terms = [t for t in _SPLIT.split(fold(text)) if t]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def _like(term: str) -> str:
    return fts.like_pattern(term)


def initials_condition(party: type[Party], term: str) -> ColumnElement[bool]:
    """A party whose initials, in any of its readings, start with `term` (ASCII letters):
    the first reading by the index's range, the others by the index's scan."""
    return or_(
        and_(party.name_initials >= term, party.name_initials < term + "\x7f"),
        party.name_initials.like(f"%{SEPARATOR}{term}%"),
    )


#: The tables again, for the subqueries that scan one index each (made once: cheap to reuse).
_NUMBERS = aliased(Case, name="by_number")
_INITIALS = aliased(Party, name="by_initials")


def short_term_condition(
    connection: Connection, term: str, case_id: SQLColumnExpression[int] = Case.id
) -> ColumnElement[bool]:
    """A term of 1–2 characters (not Latin letters): in a party's name (by the search index's
    marked characters) or in the case number (by scanning the number's index alone, never the
    wide rows of the cases)."""
    number = _NUMBERS
    return or_(
        case_id.in_(fts.matching_ids(connection, name_parts=[term])),
        case_id.in_(select(number.id).where(number.number.like(_like(term), escape="\\"))),
    )


def one_letter_ids(term: str) -> Select[int]:
    """One Latin letter: the cases of the parties whose initials (or Latin name) start with it."""
    by_initials = _INITIALS
    return select(Party.case_id).where(
        Party.id.in_(select(by_initials.id).where(initials_condition(by_initials, term)))
    )


def text_condition(
    connection: Connection, text: str, *, by_date: bool = False
) -> ColumnElement[bool] | None:
    """The cases matching every term of `text`, as a condition on `Case`; None when the text
    has no term. What the case list filters by, so the window and `search` agree.

    `by_date`: the matches are many and wanted newest first; the condition is then written so
    that the database walks the cases by date and stops at the limit (`id + 0` keeps it from
    reading every matching case by its id first, then sorting them).

    Terms of 3+ characters and two Latin letters (the start of a name's initials, which the
    index holds after a mark: "^lx") are looked up in the search index, in one MATCH; one
    letter in the parties' initials; other terms of 1–2 characters in the index's marked
    characters of the names ("^秀$") and in the case numbers.
    """
    terms = split_terms(text)
    if not terms:
        return None
    conditions: list[ColumnElement[bool]] = []
    case_id: SQLColumnExpression[int] = Case.id + 0 if by_date else Case.id
    long_terms = [t for t in terms if len(t) >= LONG]
    initials = [t for t in terms if len(t) == 2 and is_initials_query(t)]
    if long_terms or initials:
        conditions.append(case_id.in_(fts.matching_ids(connection, long_terms, initials)))
    for term in terms:
        if len(term) == 1 and is_initials_query(term):
            conditions.append(case_id.in_(one_letter_ids(term)))
        elif len(term) < LONG and term not in initials:
            conditions.append(short_term_condition(connection, term, case_id))
    return and_(*conditions)


def filter_conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.statuses:
        conditions.append(Case.status.in_(sorted(filters.statuses)))
    if filters.dispute_types:
        conditions.append(Case.dispute_type.in_(sorted(filters.dispute_types)))
    if filters.tiers:
        conditions.append(Case.tier.in_(sorted(filters.tiers)))
    if filters.sources:
        conditions.append(Case.source.in_(sorted(filters.sources)))
    if filters.mediator_id is not None:
        conditions.append(
            Case.id.in_(
                select(PanelMember.case_id).where(PanelMember.mediator_id == filters.mediator_id)
            )
        )
    if filters.received_from is not None:
        conditions.append(Case.received_on >= filters.received_from)
    if filters.received_to is not None:
        conditions.append(Case.received_on <= filters.received_to)
    return conditions


def search(
    db: Database,
    text: str,
    filters: SearchFilters = SearchFilters(),
    limit: int = DEFAULT_LIMIT,
) -> list[SearchHit]:
    """The cases matching `text` and `filters`, newest first, at most `limit`.

    Empty text lists the newest cases that pass the filters.
    """
    ensure_index(db)
    terms = split_terms(text)
    with db.reading() as session:
        connection = session.connection()
        conditions = filter_conditions(filters)
        matching = text_condition(connection, text)
        if matching is not None:
            # Many matches: walk the cases newest first and stop at the limit (the same
            # cases, without reading every match and sorting them).
            probe = select(Case.id).where(*conditions, matching).limit(MANY + 1).subquery()
            if (connection.execute(select(func.count()).select_from(probe)).scalar() or 0) > MANY:
                walked = text_condition(connection, text, by_date=True)
                matching = walked if walked is not None else matching
            conditions.append(matching)
        statement = (
            select(
                Case.id,
                Case.uuid,
                Case.number,
                Case.title,
                Case.status,
                Case.tier,
                Case.dispute_type,
                Case.received_on,
            )
            .where(*conditions)
            .order_by(Case.received_on.desc(), Case.id.desc())
            # Within what SQLite takes: more than there are cases lists them all.
            .limit(min(max(limit, 0), _MOST))
        )
        rows = connection.execute(statement).all()
        ids = [r.id for r in rows]
        parties = _parties(connection, ids)
        index_rows = fts.rows_of(connection, ids) if terms else {}
    hits = []
    for r in rows:
        case_parties = parties.get(r.id, [])
        hits.append(
            SearchHit(
                case_id=r.id,
                uuid=r.uuid,
                number=r.number,
                title=r.title,
                status=CaseStatus(r.status),
                tier=Tier(r.tier),
                dispute_type=DisputeType(r.dispute_type),
                received_on=r.received_on,
                parties=tuple(p.name for p in case_parties),
                matched=tuple(
                    MatchedParty(p.name, mask_id_number(p.id_number), mask_phone(p.phone))
                    for p in case_parties
                    if _party_matches(p, terms)
                ),
                found_in=_found_in(index_rows.get(r.id), terms),
            )
        )
    return hits


@dataclass(frozen=True)
class _Party:
    name: str
    initials: str
    id_number: str
    phone: str


def _parties(connection: Connection, ids: list[int]) -> dict[int, list[_Party]]:
    found: dict[int, list[_Party]] = {}
    if ids:
        for case_id, name, initials, id_number, phone in connection.execute(
            select(Party.case_id, Party.name, Party.name_initials, Party.id_number, Party.phone)
            .where(Party.case_id.in_(ids))
            .order_by(Party.case_id, Party.position)
        ):
            found.setdefault(case_id, []).append(_Party(name, initials, id_number, phone))
    return found


def _party_matches(party: _Party, terms: list[str]) -> bool:
    """Whether a term names this party: its name, its initials, its ID number or phone."""
    name = fold(party.name)
    id_number = party.id_number.lower()
    phone = re.sub(r"[^0-9]", "", party.phone)
    readings = party.initials.split(SEPARATOR) if party.initials else []
    for term in terms:
        if (len(term) >= LONG or not is_initials_query(term)) and term in name:
            return True
        if is_initials_query(term) and any(
            r.startswith(term) if len(term) < LONG else term in r for r in readings
        ):
            return True
        if len(term) >= LONG and (term in id_number or (term.isdigit() and term in phone)):
            return True
    return False


def _found_in(row: fts.IndexRow | None, terms: list[str]) -> tuple[str, ...]:
    if row is None:
        return ()
    places = []
    for column, value in zip(fts.COLUMNS, row[1:], strict=True):
        if any(_term_in(term, column, value) for term in terms):
            places.append(FOUND_IN[column])
    return tuple(places)


def _term_in(term: str, column: str, value: str) -> bool:
    """Whether `term` was looked for and found in this column of the index row."""
    if len(term) >= LONG:
        return term in value
    if is_initials_query(term):
        return column == "initials" and f"{fts.INITIALS_MARK}{term}" in value
    return (column == "number" and term in value) or (
        column == "names" and fts.name_key(term) in value
    )
