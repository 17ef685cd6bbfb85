"""Upgrading an older file: every row carried over, and the whole upgrade one transaction, so
a failure at any statement leaves the file at its old revision, as it was, and the next
opening upgrades it. (A kill mid-upgrade: tests/test_kill.py.)"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from app.db import migrate
from app.domain.errors import UserError
from app.services import database
from app.services.audit import verify
from app.services.database import open_database
from tests.old_revisions import content, counts, database_at, fill_every_table, revision_of

#: The migration statements the injected failures are drawn from (KILL_SEED repeats a run).
SEED = int(os.environ.get("KILL_SEED") or random.SystemRandom().randrange(2**31))
#: Revisions an office may still have files of; each is upgraded with rows in every table.
OLD = ["0001", "0002", "0005", "0009"]


@pytest.fixture(scope="module")
def old_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("old")
    made = {}
    for revision in OLD:
        path = folder / f"at-{revision}.db"
        database_at(path, revision)
        fill_every_table(path)
        made[revision] = path
    return made


def _copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def _sound(path: Path) -> None:
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("revision", OLD)
def test_every_row_of_an_older_file_is_carried_over(
    old_files: dict[str, Path], tmp_path: Path, revision: str
) -> None:
    """Batch mode rebuilds a table by copy, drop and rename: with foreign keys on, dropping
    `dispute_case` deleted every party and agreement through ON DELETE CASCADE."""
    path = _copy(old_files[revision], tmp_path / "old.db")
    before = counts(path)
    db = open_database(path)
    try:
        assert migrate.current_revision(db.engine) == migrate.HEAD_REVISION
        with db.reading() as session:
            assert verify(session).ok
    finally:
        db.close()
    after = counts(path)
    # Opening writes one audit entry (the search index made for the old cases).
    lost = {
        t: (n, after.get(t)) for t, n in before.items() if t != "audit_log" and after.get(t) != n
    }
    assert lost == {}
    assert after["audit_log"] >= before["audit_log"]
    _sound(path)


def _statements(path: Path) -> int:
    """How many statements the upgrade of the file at `path` runs (on a copy)."""
    seen = [0]
    real = database.make_engine

    def counting(where: Path | str) -> Engine:
        engine = real(where)

        @event.listens_for(engine, "before_cursor_execute")
        def count(*_args: Any) -> None:
            seen[0] += 1

        return engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(database, "make_engine", counting)
        open_database(path).close()
    return seen[0]


class Injected(Exception):
    """The failure put into an upgrade."""


@pytest.mark.parametrize("revision", ["0002", "0009"])
def test_an_upgrade_failing_at_any_statement_leaves_the_old_file(
    old_files: dict[str, Path], tmp_path: Path, revision: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pristine = old_files[revision]
    total = _statements(_copy(pristine, tmp_path / "count.db"))
    rng = random.Random(f"{SEED}-{revision}")
    # The first statement, the last few (the commit is near them) and some between.
    points = sorted({1, total - 1, total - 3, *rng.sample(range(2, total - 3), 8)})
    expected = content(pristine)
    real = database.make_engine
    for point in points:
        where = f"seed {SEED}, revision {revision}, failing at statement {point} of {total}"
        path = _copy(pristine, tmp_path / f"at-{point}.db")
        seen = [0]

        def failing(
            target: Path | str, point: int = point, seen: list[int] = seen, where: str = where
        ) -> Engine:
            engine = real(target)

            @event.listens_for(engine, "before_cursor_execute")
            def fail(*_args: Any) -> None:
                seen[0] += 1
                if seen[0] == point:
                    raise Injected(where)

            return engine

        monkeypatch.setattr(database, "make_engine", failing)
        try:
            open_database(path).close()
        except Injected:
            failed = True
        else:
            failed = False
        monkeypatch.setattr(database, "make_engine", real)
        revision_now = revision_of(path)
        if failed and revision_now != migrate.HEAD_REVISION:
            assert revision_now == revision, where
            assert content(path) == expected, where
        _sound(path)
        db = open_database(path)  # the next opening upgrades it
        try:
            assert migrate.current_revision(db.engine) == migrate.HEAD_REVISION, where
            with db.reading() as session:
                assert verify(session).ok, where
        finally:
            db.close()
        assert {t: n for t, n in counts(path).items() if t in expected and t != "audit_log"} == {
            t: n for t, n in counts(pristine).items() if t != "audit_log"
        }, where


def test_a_failed_upgrade_leaves_no_half_copy_under_a_backup_name(
    old_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy made before an upgrade is written under a hidden name and renamed once whole."""
    path = _copy(old_files["0009"], tmp_path / "old.db")

    def broken(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(UserError) as refused:
        open_database(path)
    assert "磁盘已满" in refused.value.message
    assert sorted(p.name for p in tmp_path.iterdir() if "before-upgrade" in p.name) == []
    assert revision_of(path) == "0009"
