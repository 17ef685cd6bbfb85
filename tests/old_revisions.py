"""Database files at an older revision, with rows in every table, as an older program left
them: what an upgrade must carry over whole. And what a file holds, table by table, to tell
one state of it from another."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

from app.db import migrate
from app.db.engine import make_engine
from app.db.fts import is_search_table


def database_at(path: Path, revision: str) -> None:
    """A new file at `path` built by the real migrations up to `revision` only."""
    from alembic import command

    engine = make_engine(path)
    config = migrate.alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        with engine.connect() as connection:  # all of it in the file itself, as a copy needs
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def _value(column_type: str, column: str, n: int) -> object:
    kind = column_type.upper()
    if "INT" in kind or "BOOL" in kind:
        return n
    if kind == "DATE":
        return f"2026-01-{n:02d}"
    if "DATETIME" in kind or "TIMESTAMP" in kind:
        return f"2026-01-{n:02d} 08:00:00.000000"
    return f"{column}-{n}"


def user_tables(connection: sqlite3.Connection) -> list[str]:
    """The tables a person's work fills (not SQLite's, Alembic's or the search index's)."""
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [
        str(name)
        for (name,) in rows
        if not str(name).startswith("sqlite_")
        and name != "alembic_version"
        and not is_search_table(str(name))
    ]


def fill_every_table(path: Path, rows: int = 3) -> None:
    """`rows` rows in every table, numbered 1…rows, each reference pointing at the row of the
    same number in the table it refers to (so `foreign_key_check` finds nothing)."""
    with closing(sqlite3.connect(path)) as connection:
        tables = user_tables(connection)
        types = {
            table: {
                str(c[1]): str(c[2]) for c in connection.execute(f'PRAGMA table_info("{table}")')
            }
            for table in tables
        }
        for table in tables:
            references = {
                str(fk[3]): (str(fk[2]), str(fk[4]))
                for fk in connection.execute(f'PRAGMA foreign_key_list("{table}")')
            }
            for n in range(1, rows + 1):
                values = {}
                for column, column_type in types[table].items():
                    if column in references:
                        parent, parent_column = references[column]
                        values[column] = _value(types[parent][parent_column], parent_column, n)
                    else:
                        values[column] = _value(column_type, column, n)
                names = ", ".join(f'"{c}"' for c in values)
                marks = ", ".join("?" * len(values))
                connection.execute(
                    f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})',
                    list(values.values()),
                )
        connection.commit()
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def _read(path: Path) -> sqlite3.Connection:
    """A connection that may bring the file's journal in, as any program opening it would
    (a read-only one cannot, after a crash), and writes nothing else."""
    return sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True)


def counts(path: Path) -> dict[str, int]:
    """Rows per table."""
    with closing(_read(path)) as connection:
        return {
            table: int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
            for table in user_tables(connection)
        }


def content(path: Path) -> dict[str, str]:
    """Every table's rows (the search index's too, but not its internal tables) as a digest
    per table: equal for two files that hold the same, whatever their pages look like."""
    with closing(_read(path)) as connection:
        names = [*user_tables(connection)]
        tables = {str(n) for (n,) in connection.execute("SELECT name FROM sqlite_master")}
        if "case_search" in tables:
            names.append("case_search")
        if "alembic_version" in tables:
            names.append("alembic_version")
        found = {}
        for table in names:
            select = "rowid, *" if table == "case_search" else "*"
            rows = sorted(
                repr(row) for row in connection.execute(f'SELECT {select} FROM "{table}"')
            )
            found[table] = hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()
        return found


def revision_of(path: Path) -> str | None:
    return migrate.file_revision(path)
