"""The SQLite engine and the pragmas every connection gets.

SQLite-only settings live here and nowhere else, so a PostgreSQL engine stays possible.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

#: A writer waits this long for another connection's lock before giving up (ms).
BUSY_TIMEOUT_MS = 5000


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer, and a crash leaves the last commit intact.
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a saved case survives a power cut (costs ~0.3 ms per commit).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # FAST: what a change overwrites or deletes is zeroed where it lay (no extra writes), so a
    # corrected ID number or an old address does not stay readable in the file's free space.
    # Builds differ in their default (Debian's is ON, others OFF): set, not assumed.
    cursor.execute("PRAGMA secure_delete=FAST")
    cursor.close()


def make_engine(path: Path | str) -> Engine:
    """An engine on a SQLite file with the project's pragmas on every connection.

    `hide_parameters`: an error SQLAlchemy raises names the statement but never its values,
    which are residents' names, ID numbers, phones and addresses; such an error ends up in the
    log file (`app.logs`), which must hold none of them.
    """
    engine = create_engine(f"sqlite:///{Path(path)}", future=True, hide_parameters=True)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine
