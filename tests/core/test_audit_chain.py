"""The audit chain: a row changed or deleted outside the program is found and named."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from app.db.engine import make_engine
from app.db.migrate import alembic_config
from app.db.models import AuditEntry
from app.services.audit import verify
from app.services.database import Database, open_database, update_committee
from app.services.demo import fill_demo


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def sqlite(db: Path, statement: str) -> None:
    """Change the file as someone outside the program would: with the sqlite3 tool."""
    tool = shutil.which("sqlite3")
    if tool is None:
        connection = sqlite3.connect(db)
        with connection:
            connection.execute(statement)
        connection.close()
        return
    subprocess.run([tool, str(db), statement], check=True, capture_output=True)


@pytest.fixture
def chained(db: Database) -> Path:
    fill_demo(db, 8, seed=3)
    for k in range(6):
        update_committee(db, name=f"幸福里社区人民调解委员会{k}", actor="王建国")
    path = db.path
    db.close()
    return path


def entry_ids(path: Path) -> list[int]:
    db = open_database(path, create=False)
    try:
        with db.reading() as session:
            return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    finally:
        db.close()


def test_every_entry_is_linked_to_the_one_before(chained: Path) -> None:
    db = open_database(chained, create=False)
    with db.reading() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        check = verify(session)
    db.close()
    assert len(rows) >= 8 and check.ok and check.entries == len(rows)
    assert rows[0].prev_hash == ""
    for before, entry in pairwise(rows):
        assert entry.prev_hash == before.hash and len(entry.hash) == 64
    result = cli(chained, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert f"共{len(rows)}条" in result.stdout


def test_a_changed_row_is_named(chained: Path) -> None:
    target = entry_ids(chained)[4]
    sqlite(chained, f"UPDATE audit_log SET actor = '李四' WHERE id = {target}")
    result = cli(chained, "audit", "verify")
    assert result.returncode != 0
    assert f"第{target}条" in result.stderr and "改动" in result.stderr


def test_a_changed_row_with_its_hash_recomputed_is_caught_at_the_next(chained: Path) -> None:
    from app.services.audit import entry_hash

    ids = entry_ids(chained)
    target = ids[3]
    connection = sqlite3.connect(chained)
    row = connection.execute(
        "SELECT id, at, actor, action, entity, entity_uuid, before, after, prev_hash "
        f"FROM audit_log WHERE id = {target}"
    ).fetchone()
    names = ("id", "at", "actor", "action", "entity", "entity_uuid", "before", "after")
    fields = dict(zip(names, row[:8], strict=True)) | {"actor": "李四"}
    forged = entry_hash(row[8], fields)
    with connection:
        connection.execute(
            "UPDATE audit_log SET actor = '李四', hash = ? WHERE id = ?", (forged, target)
        )
    connection.close()
    result = cli(chained, "audit", "verify")
    assert result.returncode != 0
    assert f"第{ids[4]}条" in result.stderr


def test_a_deleted_row_is_named_by_the_one_after_it(chained: Path) -> None:
    ids = entry_ids(chained)
    sqlite(chained, f"DELETE FROM audit_log WHERE id = {ids[2]}")
    result = cli(chained, "audit", "verify")
    assert result.returncode != 0
    assert f"第{ids[3]}条" in result.stderr and "删除" in result.stderr


def test_deleting_the_newest_rows_is_caught_by_the_seal(chained: Path) -> None:
    ids = entry_ids(chained)
    sqlite(chained, f"DELETE FROM audit_log WHERE id >= {ids[-2]}")
    result = cli(chained, "audit", "verify")
    assert result.returncode != 0
    assert "最后2条" in result.stderr and f"第{ids[-1]}条" in result.stderr


def test_entries_from_before_the_chain_are_chained_by_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
    with engine.begin() as connection:
        for k in range(3):
            connection.exec_driver_sql(
                "INSERT INTO audit_log (at, actor, action, entity, entity_uuid, before, after) "
                f"VALUES ('2025-0{k + 1}-02 08:00:00.000000', '本机用户', 'committee.update', "
                "'committee', NULL, '{}', '{\"name\":\"旧\"}')"
            )
    engine.dispose()
    db = open_database(path)  # upgrades, with a backup, and chains the three old entries
    update_committee(db, name="新社区人民调解委员会")
    with db.reading() as session:
        check = verify(session)
    db.close()
    assert check.ok and check.entries >= 5
