"""Cases written in bulk (app.services.bulk) are the rows `add_case` writes, to the last column.

The demo and the exchange import lay out their checked cases as rows and write them with
executemany; the case page, the register form and every other service keep using the ORM. A
field the bulk writer forgets, stores in another form (a date, a moment in UTC, a flag) or
attaches to the wrong parent would make the two databases differ here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db import fts
from app.db.models import (
    Agent,
    Agreement,
    Case,
    ElderCategoryRow,
    Mediator,
    PanelDraw,
    Party,
    Recusal,
)
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import ImportFileError, UserError
from app.domain.rules import check_case
from app.services import exchange
from app.services.bulk import CaseWriter, moment
from app.services.cases import add_case, reserve_numbers
from app.services.database import Database, open_database
from app.services.demo import fill_demo
from app.services.exchange import _history, export_data, import_data
from app.views import Changed
from tests.conftest import TODAY
from tests.core.test_round_trip import demo  # noqa: F401 — the rich demo, as a fixture

#: Stamped with the moment of writing, so they differ between any two databases.
MOMENTS = {"created_at", "updated_at"}
#: Not case data: the audit trail (one entry per operation either way, and the seal of its
#: hash chain, which covers the moments of writing) and the derived index.
SKIPPED = {"audit_log", "audit_seal", "alembic_version"}


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in rowid order, without the moments of writing."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if not name.startswith(("sqlite_", "case_search")) and name not in SKIPPED
        ]
        dumped = {}
        for table in tables:
            columns = [
                row[1]
                for row in connection.execute(f'PRAGMA table_info("{table}")')
                if row[1] not in MOMENTS
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            dumped[table] = connection.execute(
                f'SELECT {quoted} FROM "{table}" ORDER BY rowid'
            ).fetchall()
        return dumped
    finally:
        connection.close()


def _orm_import(db: Database, data: dict[str, Any]) -> None:
    """The import as it was written before the bulk writer: `add_case` and ORM rows."""
    data, version = exchange._check_header(data)
    with db.operation("本机用户", "exchange.import") as op:
        session = op.session
        categories = {
            code: label
            for code, label in session.execute(
                select(ElderCategoryRow.code, ElderCategoryRow.label)
            )
        }
        existing = {u: i for u, i in session.execute(select(Mediator.uuid, Mediator.id))}
        mediators = [
            exchange._mediator_in(i, m, categories, version)
            for i, m in enumerate(data["mediators"])
        ]
        known = {m.uuid for m in mediators} | set(existing)
        cases = [exchange._case_in(i, c, known, version) for i, c in enumerate(data["cases"])]
        report = exchange.ImportReport()
        has_cases = session.scalar(select(Case.id).limit(1)) is not None
        exchange._settle_committee(session, exchange._committee_in(data, version), has_cases)
        reserve_numbers(session, [c.number for c in cases if c.number])
        ids = exchange._add_mediators(session, mediators, existing, report)
        for c in cases:
            case = add_case(
                session, c.clean, case_uuid=c.uuid, number=c.number, history=_history(c, ids)
            )
            party_ids = [p.id for p in case.parties]
            for member, seat in zip(case.panel, c.panel, strict=True):
                if seat.party is not None:
                    member.chosen_by_party_id = party_ids[seat.party]
            session.add_all(
                Recusal(
                    case_id=case.id,
                    mediator_id=ids[r.mediator],
                    party_id=party_ids[r.party] if r.party is not None else None,
                    on=r.on,
                    reason=r.reason,
                )
                for r in c.recusals
            )
            session.add_all(
                PanelDraw(
                    case_id=case.id,
                    draw_no=d.draw_no,
                    kind=d.kind,
                    mode=d.mode,
                    at=d.at,
                    actor=d.actor,
                    reason=d.reason,
                    explanation=d.explanation,
                )
                for d in c.draws
            )
            session.flush()
        exchange._add_rounds(session, exchange._rounds_in(data, version, date.today()), report)
        op.refresh(Changed(case_list=True, mediators=True, settings=True, due=True))


@pytest.fixture
def exported(demo: Database) -> dict[str, Any]:  # noqa: F811 — the imported fixture
    return export_data(demo)


def _imported(path: Path, data: dict[str, Any], before: Path | None, orm: bool = False) -> Path:
    if before is not None:  # cases already there: the new rows' ids and numbers follow theirs
        with sqlite3.connect(before) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
        data = {**data, "cases": [{**c, "number": None} for c in data["cases"]]}
    db = open_database(path)
    if orm:
        _orm_import(db, data)
    else:
        import_data(db, data)
    db.close()
    return path


@pytest.mark.parametrize("before", [0, 7])
def test_bulk_import_writes_the_rows_add_case_writes(
    exported: dict[str, Any], tmp_path: Path, before: int
) -> None:
    earlier = None
    if before:
        earlier = tmp_path / "earlier.db"
        db = open_database(earlier)
        fill_demo(db, cases=before, seed=99, today=TODAY)
        db.close()
    bulk = dump(_imported(tmp_path / "bulk.db", exported, earlier))
    orm = dump(_imported(tmp_path / "orm.db", exported, earlier, orm=True))
    assert bulk.keys() == orm.keys()
    for table in orm:
        assert bulk[table] == orm[table], table
    # The comparison says something about every kind of child row.
    for table in (
        "party",
        "agent",
        "obligation",
        "instalment",
        "payment",
        "follow_up",
        "mediation_session",
        "attachment",
        "recusal",
        "panel_draw",
        "status_change",
        "escalation",
        "participant",
        "case_number_sequence",
    ):
        assert orm[table], f"the demo has no {table} rows to compare"
    with_party = [row for row in orm["panel_member"] if row[-1] is not None]
    assert with_party, "no panel seat chosen by a party"


def _clean(title: str) -> Any:
    return check_case(
        CaseDraft(
            title=title,
            received_on=TODAY,
            parties=[
                PartyDraft(role="applicant", name="李秀英"),
                PartyDraft(role="respondent", name="张伟"),
            ],
        ),
        today=TODAY,
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "b.db")
    yield database
    database.close()


def test_the_writer_numbers_as_add_case_does_and_never_twice(db: Database) -> None:
    with db.operation("测试", "test.bulk") as op:
        add_case(op.session, _clean("先登记的"), number="（2026）社人调字第2号")
        writer = CaseWriter(op.session)
        writer.reserve(["（2026）社人调字第5号", "外来编号-1"])
        writer.add(_clean("导入的"), case_uuid="00000000-0000-4000-8000-000000000001")
        with pytest.raises(UserError, match="已被其他案件使用"):
            writer.add(
                _clean("重号的"),
                case_uuid="00000000-0000-4000-8000-000000000002",
                number="（2026）社人调字第2号",
            )
        writer.add(
            _clean("带编号的"),
            case_uuid="00000000-0000-4000-8000-000000000003",
            number="外来编号-1",
        )
        writer.close()
    with db.reading() as session:
        rows = session.execute(
            select(Case.title, Case.number, Case.number_year, Case.number_seq).order_by(Case.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("先登记的", "（2026）社人调字第2号", 2026, 2),
        ("导入的", "（2026）社人调字第6号", 2026, 6),
        ("带编号的", "外来编号-1", None, None),
    ]
    with db.operation("测试", "test.after") as op:
        assert add_case(op.session, _clean("再登记的")).number == "（2026）社人调字第7号"


def test_a_moment_is_stored_as_the_models_store_it() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    beijing = timezone(timedelta(hours=8))
    assert moment(datetime(2026, 3, 5, 14, 30, tzinfo=beijing)) == "2026-03-05 06:30:00.000000"
    assert moment(datetime(2026, 3, 5, 6, 30, 0, 12, tzinfo=UTC)) == "2026-03-05 06:30:00.000012"
    with pytest.raises(ValueError, match="timezone-aware"):
        moment(datetime(2026, 3, 5, 6, 30))


def test_a_failed_bulk_import_leaves_nothing(db: Database, exported: dict[str, Any]) -> None:
    broken = {**exported, "cases": [*exported["cases"], {**exported["cases"][0]}]}
    with pytest.raises(ImportFileError, match="uuid 与文件中另一个案件重复"):
        import_data(db, broken)
    with db.reading() as session:
        assert session.scalars(select(Case.id)).first() is None


def _without_case_uuids(dumped: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[Any]]:
    """The demo's case uuids are random (uuid4): everything else is drawn from the seed."""
    return {**dumped, "dispute_case": [row[:1] + row[2:] for row in dumped["dispute_case"]]}


def test_worker_processes_make_the_same_demo_and_import(
    exported: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import demo as demo_module

    monkeypatch.setattr(demo_module, "CHUNK", 25)  # 80 cases: a chunk here, two elsewhere
    dumps = []
    for workers in (0, 2):
        path = tmp_path / f"demo{workers}.db"
        db = open_database(path)
        fill_demo(db, cases=80, seed=5, today=TODAY, workers=workers)
        db.close()
        dumps.append(_without_case_uuids(dump(path)))
    assert dumps[0] == dumps[1]

    monkeypatch.setattr(exchange, "IMPORT_CHUNK", 7)
    monkeypatch.setattr(exchange, "PARALLEL_FROM", 1)
    imported = []
    for workers in (0, 2):
        path = tmp_path / f"import{workers}.db"
        db = open_database(path)
        import_data(db, exported, workers=workers)
        db.close()
        imported.append(dump(path))
    assert imported[0] == imported[1]

    # A wrong value in a chunk checked elsewhere names its case, and nothing is imported.
    broken = {**exported, "cases": [dict(c) for c in exported["cases"]]}
    broken["cases"][30]["received_on"] = "2026-02-30"
    db = open_database(tmp_path / "broken.db")
    with pytest.raises(ImportFileError, match="第31个案件"):
        import_data(db, broken, workers=2)
    with db.reading() as session:
        assert session.scalars(select(Case.id)).first() is None
    db.close()


def test_an_export_is_read_case_by_case_with_the_same_result(
    demo: Database,  # noqa: F811 — the imported fixture
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.services.exchange import export_file, import_file

    exported_file = tmp_path / "x.json"
    export_file(demo, exported_file)
    text = exported_file.read_text(encoding="utf-8")
    split = exchange._split_export(text)
    assert split is not None
    top, pieces = split
    whole = json.loads(text)
    assert [json.loads("{" + p + "}") for p in pieces] == whole["cases"]
    assert {k: v for k, v in top.items() if k != "cases"} == {
        k: v for k, v in whole.items() if k != "cases"
    }

    parsed_whole = []
    monkeypatch.setattr(exchange, "_parse", lambda *a: parsed_whole.append(1) or json.loads(a[0]))
    db = open_database(tmp_path / "split.db")
    assert import_file(db, exported_file).cases_added == len(whole["cases"])
    db.close()
    assert not parsed_whole  # read case by case
    monkeypatch.undo()
    db = open_database(tmp_path / "whole.db")
    import_data(db, whole)
    db.close()
    assert dump(tmp_path / "split.db") == dump(tmp_path / "whole.db")

    # A file laid out otherwise is parsed whole; a case's text that does not parse by itself
    # (a hand edit) sends the import back to the whole file, and its message.
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(whole, ensure_ascii=False), encoding="utf-8")
    assert exchange._split_export(compact.read_text(encoding="utf-8")) is None
    broken = tmp_path / "broken.json"
    broken.write_text(text.replace('"title": ', '"title" ', 1), encoding="utf-8")
    db = open_database(tmp_path / "broken.db")
    with pytest.raises(ImportFileError, match="格式有误"):
        import_file(db, broken)
    with db.reading() as session:
        assert session.scalars(select(Case.id)).first() is None
    db.close()


# ---------------------------------------------------------------- the search index


def search_rows(path: Path) -> list[tuple[Any, ...]]:
    """What the search index holds, case by case."""
    connection = sqlite3.connect(path)
    try:
        columns = ", ".join(fts.COLUMNS)
        return connection.execute(
            f"SELECT rowid, {columns} FROM {fts.SEARCH_TABLE} ORDER BY rowid"
        ).fetchall()
    finally:
        connection.close()


@pytest.mark.parametrize(("kind", "workers"), [("fts5", 2), ("plain", 0)])
def test_the_bulk_writer_indexes_each_case_as_the_indexer_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, workers: int
) -> None:
    """Each batch's index rows and party initials are written with its cases, and no rebuild
    follows; the rows are the ones `search_index` makes from the saved case, whichever process
    laid the case out (another process hashes strings differently)."""
    from app.services import demo as demo_module
    from app.services import search_index

    monkeypatch.setattr(demo_module, "CHUNK", 30)  # 90 cases: a chunk here, two elsewhere
    rebuilt: list[int] = []
    rebuild = search_index.rebuild_index

    def counted(session: Any, **options: Any) -> Any:
        rebuilt.append(1)
        return rebuild(session, **options)

    monkeypatch.setattr(search_index, "rebuild_index", counted)
    path = tmp_path / "indexed.db"
    db = open_database(path)
    if kind == "plain":
        with db.transaction() as session:
            fts.recreate_search_index(session.connection(), plain=True)
    fill_demo(db, cases=90, seed=7, today=TODAY, workers=workers)
    assert not rebuilt
    bulk = search_rows(path)
    with db.reading() as session:
        connection = session.connection()
        assert fts.is_fts(connection) == (kind == "fts5")
        rows, stale = search_index.build_rows(connection, lambda column: column.isnot(None))
        # What the rows are made of: organisations, agents, agreements, the unusual names.
        assert session.scalar(select(Party.id).where(Party.legal_representative != ""))
        assert session.scalar(select(Agent.id))
        assert session.scalar(select(Agreement.id))
        assert session.scalar(select(Party.id).where(Party.name == "阿卜杜热合曼·买买提"))
    db.close()
    assert len(bulk) == 90
    assert bulk == sorted(rows)
    assert stale == []  # every party's initials were written with it
    # A case saved through the operation layer gets the same row again.
    db = open_database(path)
    with db.operation("测试", "test.reindex") as op:
        op.refresh(Changed(cases=frozenset({1, 4, 45, 90})))
    db.close()
    assert search_rows(path) == bulk
    if kind == "fts5":  # the settings of the fill do not stay behind
        with sqlite3.connect(path) as raw:
            config = dict(raw.execute(f"SELECT k, v FROM {fts.SEARCH_TABLE}_config"))
        assert config.get("automerge", 4) == 4


@pytest.mark.parametrize("before", [0, 7])
def test_an_import_indexes_its_cases_as_a_rebuild_would(
    exported: dict[str, Any], tmp_path: Path, before: int
) -> None:
    """Into a new file, and beside cases already there: the file's cases then come without
    numbers and are numbered once written, their index rows too."""
    earlier = None
    if before:
        earlier = tmp_path / "earlier.db"
        db = open_database(earlier)
        fill_demo(db, cases=before, seed=99, today=TODAY)
        db.close()
    bulk = search_rows(_imported(tmp_path / "bulk.db", exported, earlier))
    orm = search_rows(_imported(tmp_path / "orm.db", exported, earlier, orm=True))
    assert len(bulk) == len(exported["cases"]) + before
    assert bulk == orm
    assert not any(fts_row[1].startswith("\x00") for fts_row in bulk)


def test_an_empty_index_beside_cases_is_rebuilt_after_an_import(
    exported: dict[str, Any], tmp_path: Path
) -> None:
    """A file whose index is empty though it has cases (upgraded from before the index) is not
    indexed batch by batch: the whole index is made again from the database."""
    earlier = tmp_path / "earlier.db"
    db = open_database(earlier)
    fill_demo(db, cases=5, seed=99, today=TODAY)
    with db.transaction() as session:
        fts.clear(session.connection())
    db.close()
    path = _imported(tmp_path / "bulk.db", exported, earlier)
    db = open_database(path)
    with db.reading() as session:
        rows, stale = search_index_rows(session.connection())
    db.close()
    assert search_rows(path) == sorted(rows) and stale == []
    assert len(rows) == len(exported["cases"]) + 5


def search_index_rows(connection: Any) -> tuple[list[Any], list[Any]]:
    from app.services.search_index import build_rows

    return build_rows(connection, lambda column: column.isnot(None))


# ---------------------------------------------------------------- 以案定补 in the demo


def test_the_demo_committee_classes_its_closed_cases(tmp_path: Path) -> None:
    """Mostly the suggested class, another one only with a reason; open cases have none; the
    claim sheet of the demo's years has an amount for each classed case (held back: the demo's
    dossiers have no scanned identity papers)."""
    from app.domain.lifecycle import CLOSED_STATUSES
    from app.domain.subsidy import Ending
    from app.services.subsidy import REASON_MIN, claim_sheet

    db = open_database(tmp_path / "subsidy.db")
    fill_demo(db, cases=400, seed=2026, today=TODAY)
    with db.reading() as session:
        open_classed = session.scalar(
            select(Case.id).where(
                Case.status.not_in([s.value for s in CLOSED_STATUSES]),
                Case.subsidy_class.isnot(None),
            )
        )
    assert open_classed is None
    sheet = claim_sheet(db, date(TODAY.year - 2, 1, 1), TODAY)
    db.close()
    claims = [c.case for c in sheet.lines] + [h.case for h in sheet.held]
    claims += [u.case for u in sheet.unpaid]
    decided = [c for c in claims if c.class_code is not None]
    assert len(decided) > 0.8 * len(claims)
    other = [c for c in decided if c.class_code != c.suggested.code]
    assert other and len(other) < 0.15 * len(decided)
    assert all(len(c.reason) >= REASON_MIN for c in other)
    assert all(not c.reason for c in decided if c.class_code == c.suggested.code)
    assert {c.suggested.code for c in decided} >= {"simple", "general"}
    assert all(c.ending is Ending.ORAL for c in claims if c.oral_proof)
    assert all(c.ending is Ending.UNSUCCESSFUL for c in claims if c.useful)
    assert any(c.oral_proof for c in claims) and any(c.useful for c in claims)
    assert sheet.held_fen + sheet.total_fen > 0
    assert all(h.amount_fen for h in sheet.held if h.case.class_code is not None)
