"""The audit chain: a row changed or deleted outside the program is found and named."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from app.db.engine import make_engine
from app.db.migrate import alembic_config
from app.db.models import AuditEntry
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.lifecycle import CaseEvent
from app.domain.work import AgentDraft
from app.services.audit import HASHED, entry_hash, history, verify
from app.services.case_life import apply_event
from app.services.cases import register_case
from app.services.database import Database, open_database, update_committee
from app.services.demo import fill_demo
from app.services.detail import case_for_paper, get_case
from app.services.people import save_agent
from app.services.retention import delete_case


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
    ids = entry_ids(chained)
    target = ids[3]
    connection = sqlite3.connect(chained)
    row = connection.execute(
        f"SELECT {', '.join(HASHED)}, prev_hash FROM audit_log WHERE id = {target}"
    ).fetchone()
    fields = dict(zip(HASHED, row[:-1], strict=True)) | {"actor": "李四"}
    forged = entry_hash(row[-1], fields)
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


# ====================================================================== a deleted case's entries

TODAY = date(2026, 11, 25)
ID_NUMBER = "11010519491231002X"
PHONE = "13900001111"
AGENT_PHONE = "13712345678"


def a_case(db: Database, name: str = "李秀英", id_number: str = ID_NUMBER) -> int:
    draft = CaseDraft(
        title="楼上渗水纠纷",
        received_on=date(2026, 11, 2),
        parties=[
            PartyDraft(role="applicant", name=name, id_number=id_number, phone=PHONE),
            PartyDraft(role="respondent", name="张伟", phone="0373-5551234"),
        ],
    )
    detail, _ = register_case(db, draft, today=TODAY)
    return detail.id


@pytest.fixture
def worked(db: Database) -> tuple[Database, int, int]:
    """Two cases with a few entries each; the first is the one to delete."""
    gone, kept = a_case(db), a_case(db, "王桂兰", "110105195003070027")
    for case_id in (gone, kept):
        apply_event(db, case_id, CaseEvent.ACCEPT, today=TODAY)
        party_id = case_for_paper(db, case_id).parties[0].id
        save_agent(db, case_id, party_id, AgentDraft("王律师", AGENT_PHONE))
    update_committee(db, name="幸福里社区人民调解委员会", actor="王建国")
    return db, gone, kept


def rows_of(path: Path, case_uuid: str) -> list[tuple[int, str, str, str, str | None]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT id, before, after, salt, erased_at FROM audit_log "
            "WHERE entity_uuid = ? AND action != 'case.delete' ORDER BY id",
            (case_uuid,),
        ).fetchall()


def test_deleting_a_case_blanks_its_entries_and_the_chain_holds(worked) -> None:
    db, gone, kept = worked
    gone_uuid, kept_uuid = get_case(db, gone).uuid, get_case(db, kept).uuid
    assert len(rows_of(db.path, gone_uuid)) == 3

    deleted, _ = delete_case(db, gone)

    assert deleted.entries_erased == 3 and "3条已清除" in deleted.message
    for _id, before, after, salt, erased_at in rows_of(db.path, gone_uuid):
        assert (before, after, salt) == ("{}", "{}", "") and erased_at is not None
    for _id, _before, after, salt, erased_at in rows_of(db.path, kept_uuid):
        assert after != "{}" and len(salt) == 32 and erased_at is None
    with db.reading() as session:
        check = verify(session)
    assert check.ok and check.erased == 3
    assert "其中3条的内容已按保存期限删除" in check.message
    # Nothing of the deleted case's people is left in any table, nor anywhere in the file.
    db.engine.dispose()
    raw = db.path.read_bytes()
    assert ID_NUMBER.encode() not in raw and "李秀英".encode() not in raw
    assert "王桂兰".encode() in raw  # the other case is whole
    result = cli(db.path, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "已按保存期限删除" in result.stdout


def test_the_history_says_a_blanked_entry_was_deleted_with_its_case(worked) -> None:
    db, gone, _ = worked
    gone_uuid = get_case(db, gone).uuid
    delete_case(db, gone)
    with db.reading() as session:
        entries = history(session)
    blanked = [e for e in entries if e.erased]
    assert {e.entity_uuid for e in blanked} == {gone_uuid} and len(blanked) == 3
    assert all(e.fields == () for e in blanked)
    assert all(e.fields for e in entries if not e.erased and e.action != "search.index")
    path = db.path
    db.close()
    listed = cli(path, "audit", "list")
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if gone_uuid in line]
    assert len(lines) == 4  # three blanked, and the deletion itself
    assert sum(line.endswith("：已按保存期限删除") for line in lines) == 3
    assert ID_NUMBER not in listed.stdout and "李秀英" not in listed.stdout
    as_json = json.loads(cli(path, "audit", "list", "--last", "2", "--json").stdout)
    assert [e["action"] for e in as_json] == ["committee.update", "case.delete"]
    huge = cli(path, "audit", "list", "--last", "99999999999999999999")
    assert huge.returncode == 2 and "应是1到10000000之间的整数" in huge.stderr  # not a fault


@pytest.fixture
def after_deletion(worked) -> tuple[Path, list[int], list[int]]:
    """The file once the first case is deleted: its blanked entries' ids, the others' ids."""
    db, gone, kept = worked
    gone_uuid, kept_uuid = get_case(db, gone).uuid, get_case(db, kept).uuid
    delete_case(db, gone)
    path = db.path
    db.close()
    return path, [r[0] for r in rows_of(path, gone_uuid)], [r[0] for r in rows_of(path, kept_uuid)]


def test_a_blanked_entry_whose_digest_is_changed_is_named(after_deletion) -> None:
    path, blanked, _ = after_deletion
    sqlite(path, f"UPDATE audit_log SET before_digest = '{'0' * 64}' WHERE id = {blanked[1]}")
    result = cli(path, "audit", "verify")
    assert result.returncode != 0
    assert f"第{blanked[1]}条" in result.stderr and "改动" in result.stderr


def test_text_put_back_into_a_blanked_entry_is_named(after_deletion) -> None:
    path, blanked, _ = after_deletion
    sqlite(path, f"""UPDATE audit_log SET after = '{{"x":"伪造"}}' WHERE id = {blanked[0]}""")
    result = cli(path, "audit", "verify")
    assert result.returncode != 0 and f"第{blanked[0]}条" in result.stderr


def test_a_changed_text_of_an_entry_not_blanked_is_named(after_deletion) -> None:
    path, _, others = after_deletion
    with sqlite3.connect(path) as connection:
        target, after = connection.execute(
            f"SELECT id, after FROM audit_log WHERE instr(after, '{AGENT_PHONE}') > 0"
        ).fetchone()
        assert target in others
        changed = after.replace(AGENT_PHONE, "13700000000")
        connection.execute("UPDATE audit_log SET after = ? WHERE id = ?", (changed, target))
    connection.close()
    result = cli(path, "audit", "verify")
    assert result.returncode != 0
    assert f"第{target}条" in result.stderr and "内容被改动过" in result.stderr


def test_blanking_an_entry_of_a_case_that_was_not_deleted_is_named(after_deletion) -> None:
    path, _, others = after_deletion
    target = others[0]
    sqlite(
        path,
        "UPDATE audit_log SET before = '{}', after = '{}', salt = '', "
        f"erased_at = '2026-12-01 08:00:00.000000' WHERE id = {target}",
    )
    result = cli(path, "audit", "verify")
    assert result.returncode != 0
    assert f"第{target}条" in result.stderr and "没有按保存期限删除" in result.stderr


# ====================================================================== a file of revision 0011


def legacy_file(path: Path, deleted_uuid: str = "", kept_uuid: str = "") -> Path:
    """A database of revision 0011 with a chain of its own (hashed over the texts, as the
    program of that revision wrote it): entries of two cases, the first then deleted."""
    engine = make_engine(path)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
    entries = [
        (
            "case.register",
            deleted_uuid,
            json.dumps({"parties.1.id_number": ID_NUMBER}, ensure_ascii=False),
        ),
        ("case.register", kept_uuid, json.dumps({"parties.2.name": "王桂兰"}, ensure_ascii=False)),
        ("case.accept", deleted_uuid, json.dumps({"status": "accepted"})),
        ("case.delete", deleted_uuid, json.dumps({"number": "（2016）社人调字第3号"})),
    ]
    with engine.begin() as connection:
        for k, (action, uuid, after) in enumerate(entries):
            connection.exec_driver_sql(
                "INSERT INTO audit_log (at, actor, action, entity, entity_uuid, before, after) "
                f"VALUES ('2025-0{k + 1}-02 08:00:00.000000', '本机用户', ?, 'case', ?, '{{}}', ?)",
                (action, uuid, after),
            )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0011")  # 0010 chains the entries as that revision did
    engine.dispose()
    return path


def test_a_file_of_revision_0011_verifies_after_the_upgrade(tmp_path: Path) -> None:
    path = legacy_file(tmp_path / "old.db", "d" * 8, "k" * 8)
    db = open_database(path)  # upgrades to the digests, with a backup
    update_committee(db, name="新社区人民调解委员会")
    with db.reading() as session:
        check = verify(session)
    db.close()
    assert check.ok and check.entries == 6  # and the committee's creation, and its update
    # The case deleted before the upgrade is blanked now, as a deletion now blanks it.
    assert check.erased == 2
    assert [r[1:4] for r in rows_of(path, "d" * 8)] == [("{}", "{}", "")] * 2
    assert "王桂兰" in rows_of(path, "k" * 8)[0][2]
    assert list(tmp_path.glob("old.before-upgrade-0011-*.db"))
    result = cli(path, "audit", "verify")
    assert result.returncode == 0, result.stderr


def test_an_upgrade_does_not_make_a_changed_log_look_whole(tmp_path: Path) -> None:
    path = legacy_file(tmp_path / "changed.db", "d" * 8, "k" * 8)
    sqlite(path, 'UPDATE audit_log SET after = \'{"parties.2.name":"赵四"}\' WHERE id = 2')
    open_database(path).close()
    result = cli(path, "audit", "verify")
    assert result.returncode != 0 and "第2条" in result.stderr and "内容被改动过" in result.stderr


def test_an_upgrade_keeps_a_deleted_row_and_a_deleted_tail_found(tmp_path: Path) -> None:
    middle = legacy_file(tmp_path / "middle.db", "d" * 8, "k" * 8)
    sqlite(middle, "DELETE FROM audit_log WHERE id = 2")
    tail = legacy_file(tmp_path / "tail.db", "d" * 8, "k" * 8)
    sqlite(tail, "DELETE FROM audit_log WHERE id = 4")
    for path in (middle, tail):
        open_database(path).close()
    result = cli(middle, "audit", "verify")
    assert result.returncode != 0 and "第3条" in result.stderr and "删除" in result.stderr
    # (opening it wrote the committee's entry after the gap: named as a deletion before it)
    result = cli(tail, "audit", "verify")
    assert result.returncode != 0 and "删除" in result.stderr
