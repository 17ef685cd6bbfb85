"""Search figures for `make bench`: each kind of search beside a raw SQLite query of the same
result, as rows of the bench's table (`| what | measured | budget |`).

    from tests.bench.search_rows import search_bench_rows
    rows.extend(search_bench_rows(db))

Alone, on a database file (built with `python -m app --db FILE demo --cases N`):

    .venv/bin/python -m tests.bench.search_rows FILE
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.services.database import Database

#: Searches timed per kind (and one more of each to warm up).
RUNS = 60
#: Results asked for: the CLI's default and more than a screen of the list.
LIMIT = 50


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def _timed(call: Callable[[Any], object], items: Sequence[Any]) -> list[float]:
    call(items[0])
    times = []
    for item in items[1:]:
        started = time.perf_counter()
        call(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _spread(times: list[float]) -> str:
    return f"{statistics.median(times):.1f} / {_percentile(times, 95):.1f} ms"


def _row(what: str, figure: str, budget: str) -> str:
    return f"| {what} | {figure} | {budget} |"


def _terms(bare: sqlite3.Connection, count: int) -> dict[str, list[str]]:
    """Terms a volunteer would type, drawn from the database itself (old cases and new)."""
    rng = random.Random(2026)
    parties = bare.execute(
        "SELECT name, name_initials, phone FROM party WHERE kind = 'person' ORDER BY id"
    ).fetchall()
    facts = [f for (f,) in bare.execute("SELECT facts FROM dispute_case WHERE facts != ''")]
    picked = [parties[rng.randrange(len(parties))] for _ in range(count)]
    phrases = []
    for _ in range(count):
        text = facts[rng.randrange(len(facts))]
        start = rng.randrange(max(1, len(text) - 4))
        phrase = text[start : start + 4]
        if len(phrase.strip("，。、；：")) >= 3:
            phrases.append(phrase.strip("，。、；："))
    long_terms = [n for n, _, _ in picked if len(n) >= 3][: count // 2] + phrases
    rng.shuffle(long_terms)
    return {
        "long": long_terms[:count],
        "short": [n[:1] if i % 2 else n[1:3] for i, (n, _, _) in enumerate(picked)],
        # As typed: two letters (a surname and a given name's first) or the whole initials.
        "initials": [
            i.split("|")[0][: 2 if n % 2 else 3] for n, (_, i, _) in enumerate(picked) if i
        ],
        "phone": [p[-4:] for _, _, p in picked if len(p) >= 4],
    }


def _floor_sql(kind: str) -> str:
    """A hand-written SQLite query of the same cases (ids of the newest `LIMIT`)."""
    newest = "ORDER BY received_on DESC, id DESC LIMIT ?"
    if kind in ("long", "phone"):
        return (
            "SELECT id FROM dispute_case WHERE id IN (SELECT rowid FROM case_search "
            f"WHERE case_search MATCH ?) {newest}"
        )
    if kind == "short":
        return (
            "SELECT id FROM dispute_case WHERE id IN "
            f"(SELECT case_id FROM party WHERE name LIKE ?) {newest}"
        )
    return (
        "SELECT id FROM dispute_case WHERE id IN (SELECT case_id FROM party "
        f"WHERE name_initials LIKE ? OR name_initials LIKE ?) {newest}"
    )


def _floor_args(kind: str, term: str) -> tuple[Any, ...]:
    if kind in ("long", "phone"):
        return ('"' + term.replace('"', '""') + '"', LIMIT)
    if kind == "short":
        return (f"%{term}%", LIMIT)
    return (f"{term}%", f"%|{term}%", LIMIT)


#: What each floor is: the same cases by one hand-written SQLite query.
FLOORS = {
    "long": "one raw MATCH",
    "short": "raw LIKE on party.name",
    "initials": "raw LIKE on party.name_initials",
    "phone": "one raw MATCH",
}

KINDS = (
    ("long", "search, 3+ character term (names, facts)", "p95 ≤ 50 ms"),
    ("short", "search, 1–2 character name", "p95 ≤ 100 ms"),
    ("initials", "search, pinyin initials", "p95 ≤ 50 ms"),
    ("phone", "search, last 4 digits of a phone", "p95 ≤ 50 ms"),
)


def search_bench_rows(db: Database, runs: int = RUNS) -> list[str]:
    """p50 / p95 of each kind of search (the service the window and `search` use, `LIMIT`
    newest), the case list's first page found by the same text, and a raw SQLite query of the
    same result; the index's rebuild time and size."""
    from app.services.cases import CaseQuery, count_cases, list_cases
    from app.services.search import search
    from app.services.search_index import ensure_index, rebuild_index

    ensure_index(db)
    bare = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    cases = bare.execute("SELECT count(*) FROM dispute_case").fetchone()[0]
    terms = _terms(bare, runs + 1)
    rows = []
    for kind, what, budget in KINDS:
        items = terms[kind][: runs + 1]
        times = _timed(lambda t: search(db, t, limit=LIMIT), items)
        listed = _timed(
            lambda t: (count_cases(db, CaseQuery(text=t)), list_cases(db, CaseQuery(text=t))),
            items,
        )
        sql = _floor_sql(kind)
        floor = _timed(
            lambda t, s=sql, k=kind: bare.execute(s, _floor_args(k, t)).fetchall(), items
        )
        ratio = _percentile(times, 95) / max(_percentile(floor, 95), 0.001)
        rows.append(
            _row(
                f"{what} ({cases} cases)",
                f"{_spread(times)}; the list's count and first page: {_spread(listed)}; "
                f"floor, {FLOORS[kind]}: {_spread(floor)} (p95 ×{ratio:.1f})",
                budget,
            )
        )
    started = time.perf_counter()
    with db.transaction() as session:
        rebuild_index(session)
    rebuilt_s = time.perf_counter() - started
    pages = (
        {
            name: size
            for name, size in bare.execute(
                "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'case_search%' GROUP BY name"
            )
        }
        if _has_dbstat(bare)
        else {}
    )
    bare.close()
    size = f"; {sum(pages.values()) / max(cases, 1) / 1024:.2f} KB per case" if pages else ""
    rows.append(
        _row(
            f"search index rebuilt ({cases} cases)",
            f"{rebuilt_s:.1f} s ({rebuilt_s * 1e6 / max(cases, 1):.0f} µs per case){size}",
            "within the demo's and an import's budget",
        )
    )
    return rows


def _has_dbstat(bare: sqlite3.Connection) -> bool:
    try:
        bare.execute("SELECT 1 FROM dbstat LIMIT 1").fetchall()
    except sqlite3.OperationalError:
        return False
    return True


def main(argv: list[str]) -> int:
    from app.services.database import open_database

    db = open_database(Path(argv[1]), create=False)
    print("| what | measured | budget |")
    print("|---|---|---|")
    print("\n".join(search_bench_rows(db)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
