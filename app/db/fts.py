"""The search index: the one place that knows SQLite's FTS5 (design guide, "Search").

One row per case (rowid = the case's id) holding what a person searches a case by: its
number, the parties' names and their pinyin initials, ID numbers and phones, the places, and
the words of the facts, requests and agreement. Where FTS5 with the trigram tokenizer is
available (SQLite ≥ 3.34, every Python 3.11 build) the index is an FTS5 table and terms of
three or more characters are matched through it; elsewhere (another database, an old SQLite)
it is a plain table searched with LIKE, slower but with the same answers.

The migration that creates it and the operation layer that keeps it up to date both call
this module; so does the search service. Its tables are not in the models' metadata, so the
comparison of models and migrations leaves them out (`include_object`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any, cast

from sqlalchemy import Connection, TextClause, bindparam, text

#: The index table; FTS5 makes shadow tables named after it (case_search_data, …).
SEARCH_TABLE = "case_search"
#: Its columns, in order: what each holds is said where the rows are built.
COLUMNS = ("number", "names", "initials", "numbers", "place", "words")
#: Written before each reading in the initials column ("^lxy ^wdh"): a reading's first two
#: letters are then three characters that the trigram index can look up.
INITIALS_MARK = "^"
#: Around each character and each pair of characters of a party's name in the names column
#: ("^秀$ ^秀英$"): one or two characters of a name are then found by the index too.
NAME_MARKS = ("^", "$")


def name_key(part: str) -> str:
    """How one or two characters of a name are written in the names column, and looked up."""
    return f"{NAME_MARKS[0]}{part}{NAME_MARKS[1]}"


def name_keys(name: str) -> list[str]:
    """The keys of every character and every pair of neighbouring characters of `name`."""
    chars = [c for c in name if not c.isspace()]
    singles = [name_key(c) for c in chars]
    pairs = [name_key(a + b) for a, b in pairwise(chars)]
    return singles + pairs


def is_search_table(name: str | None) -> bool:
    return name is not None and (name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_"))


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """For Alembic's comparison: the search index is made here, not by the models."""
    return not (type_ == "table" and is_search_table(name))


def has_trigram(connection: Connection) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer."""
    if connection.dialect.name != "sqlite":
        return False
    try:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')"
        )
    except Exception:  # no FTS5, or no trigram tokenizer: the plain table serves
        return False
    connection.exec_driver_sql("DROP TABLE temp.trigram_probe")
    return True


def create_search_index(connection: Connection) -> None:
    """Create the (empty) index: FTS5 trigram where possible, else a plain table."""
    columns = ", ".join(COLUMNS)
    if has_trigram(connection):
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} "
            f"USING fts5({columns}, tokenize='trigram')"
        )
    else:
        typed = ", ".join(f"{c} TEXT NOT NULL DEFAULT ''" for c in COLUMNS)
        connection.execute(
            text(f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} (rowid INTEGER PRIMARY KEY, {typed})")
        )


def drop_search_index(connection: Connection) -> None:
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")


def recreate_search_index(connection: Connection, *, plain: bool = False) -> None:
    """Drop the index and make it again, empty; `plain` forces the plain table (tests)."""
    drop_search_index(connection)
    if plain:
        typed = ", ".join(f"{c} TEXT NOT NULL DEFAULT ''" for c in COLUMNS)
        connection.execute(
            text(f"CREATE TABLE {SEARCH_TABLE} (rowid INTEGER PRIMARY KEY, {typed})")
        )
    else:
        create_search_index(connection)


# ---------------------------------------------------------------- which kind of index


def is_fts(connection: Connection) -> bool:
    """Whether this database's index is the FTS5 table (else it is the plain one).

    Asked of the schema each time (a few microseconds): a file can be given either kind.
    """
    if connection.dialect.name != "sqlite":
        return False
    sql = connection.execute(
        text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": SEARCH_TABLE}
    ).scalar()
    return sql is not None and "fts5" in str(sql).lower()


# ---------------------------------------------------------------- writing rows

#: A row of the index: the case's id, then one text per column of `COLUMNS`.
IndexRow = tuple[int, str, str, str, str, str, str]

_INSERT = text(
    f"INSERT INTO {SEARCH_TABLE} (rowid, {', '.join(COLUMNS)}) "
    f"VALUES (:rowid, {', '.join(':' + c for c in COLUMNS)})"
)


def _params(rows: Iterable[IndexRow]) -> list[dict[str, object]]:
    return [dict(zip(("rowid", *COLUMNS), row, strict=True)) for row in rows]


def delete_rows(connection: Connection, case_ids: Iterable[int]) -> None:
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(str(int(i)) for i in chunk)
        connection.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN ({marks})"))


def replace_rows(connection: Connection, rows: list[IndexRow]) -> None:
    """Write these cases' rows, replacing what the index held for them."""
    if not rows:
        return
    delete_rows(connection, (row[0] for row in rows))
    insert_rows(connection, rows)


def insert_rows(connection: Connection, rows: list[IndexRow]) -> None:
    """Add rows for cases the index does not hold yet (one executemany)."""
    if rows:
        connection.execute(_INSERT, _params(rows))


def clear(connection: Connection) -> None:
    """Empty the index: made again, of the kind it was (much faster than deleting its rows)."""
    recreate_search_index(connection, plain=not is_fts(connection))


def optimize(connection: Connection) -> None:
    """Merge FTS5's segments after a bulk fill (searches then read one b-tree)."""
    if is_fts(connection):
        connection.execute(text(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')"))


#: What a bulk fill of an empty index sets (`begin_bulk_fill`), and FTS5's documented defaults
#: it sets back (`end_bulk_fill`): no merging of segments while rows go in, since the fill ends
#: by merging them all at once, and a larger buffer of terms (30 MB more memory while it
#: runs), so fewer segments are written. The 100,000 rows of a large demo go in with 4.5 s of
#: work instead of 7.9 (5.3 with the merging off alone).
_BULK_FILL = {"automerge": 0, "hashsize": 16 * 2**20}
_FTS5_DEFAULTS = {"automerge": 4, "hashsize": 2**20}


def _configure(connection: Connection, settings: dict[str, int]) -> None:
    for key, value in settings.items():
        connection.execute(
            text(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rank) VALUES (:key, :value)"),
            {"key": key, "value": value},
        )


def begin_bulk_fill(connection: Connection) -> None:
    """Before many rows go into an empty index, in the transaction that writes them (a
    rollback undoes the settings too); `end_bulk_fill` must follow. A plain table has no
    such settings."""
    if is_fts(connection):
        _configure(connection, _BULK_FILL)


def end_bulk_fill(connection: Connection) -> None:
    """After a bulk fill: FTS5's defaults again, and the segments merged (`optimize`)."""
    if is_fts(connection):
        _configure(connection, _FTS5_DEFAULTS)
        optimize(connection)


def is_empty(connection: Connection) -> bool:
    return connection.execute(text(f"SELECT rowid FROM {SEARCH_TABLE} LIMIT 1")).first() is None


def row_of(connection: Connection, case_id: int) -> IndexRow | None:
    """What the index holds for one case (tests, and telling where a term was found)."""
    found = connection.execute(
        text(f"SELECT rowid, {', '.join(COLUMNS)} FROM {SEARCH_TABLE} WHERE rowid = :id"),
        {"id": case_id},
    ).first()
    return cast(IndexRow, tuple(found)) if found is not None else None


def rows_of(connection: Connection, case_ids: Sequence[int]) -> dict[int, IndexRow]:
    """What the index holds for these cases (telling where a term was found)."""
    if not case_ids:
        return {}
    marks = ", ".join(str(int(i)) for i in case_ids)
    found = connection.execute(
        text(f"SELECT rowid, {', '.join(COLUMNS)} FROM {SEARCH_TABLE} WHERE rowid IN ({marks})")
    )
    return {row[0]: cast(IndexRow, tuple(row)) for row in found}


# ---------------------------------------------------------------- finding rows


def fts_phrase(term: str) -> str:
    """A typed term as one FTS5 string: in double quotes, its own quotes doubled, so that no
    character a person types (AND, *, :, ^, -, parentheses …) is read as query syntax."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    """`%term%` for LIKE … ESCAPE '\\': the term's own % and _ match only themselves."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching_ids(
    connection: Connection,
    terms: Sequence[str] = (),
    initials: Sequence[str] = (),
    name_parts: Sequence[str] = (),
) -> TextClause:
    """A SELECT of the ids of the cases whose index row holds every term (each of 3 or more
    characters, folded as the rows are); in its initials column, a reading starting with each
    of `initials` (two letters: the rows write each reading after `INITIALS_MARK`, "^lxy", so
    "lx" is looked up as the three characters "^lx"); and in its names column, a party's name
    containing each of `name_parts` (one or two characters, looked up by `name_key`).

    With FTS5 this is one MATCH of quoted phrases, each of 3 characters or more (trigrams: a
    shorter one would find nothing, which is why short terms are marked); with the plain table
    it is a LIKE per term over the row's columns: slower, the same answers.
    """
    assert terms or initials or name_parts, "nothing to look for"
    assert all(len(t) >= 3 for t in terms), "only terms of 3+ characters"
    columns = [("", t) for t in terms]
    columns += [("initials", INITIALS_MARK + i) for i in initials]
    columns += [("names", name_key(n)) for n in name_parts]
    if is_fts(connection):
        query = " ".join(
            f"{column} : {fts_phrase(t)}" if column else fts_phrase(t) for column, t in columns
        )
        return text(
            f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :fts_query"
        ).bindparams(bindparam("fts_query", query, unique=True))
    whole = "(" + " || ' ' || ".join(COLUMNS) + ")"
    conditions = [
        f"{column or whole} LIKE :fts_{i} ESCAPE '\\'" for i, (column, _) in enumerate(columns)
    ]
    # Unique names: a query may hold several of these (one per short term).
    return text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {' AND '.join(conditions)}").bindparams(
        *(bindparam(f"fts_{i}", like_pattern(t), unique=True) for i, (_, t) in enumerate(columns))
    )
