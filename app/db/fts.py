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

from typing import Any

from sqlalchemy import Connection, text

#: The index table; FTS5 makes shadow tables named after it (case_search_data, …).
SEARCH_TABLE = "case_search"
#: Its columns, in order: what each holds is said where the rows are built.
COLUMNS = ("number", "names", "initials", "numbers", "place", "words")


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
