"""`export --mask`: every ID number and phone masked as lists show them, the file saying so at
the top; with accounts on, a role that may not see them in full always gets the masked file."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

import app.cli
from app import cli_accounts
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import ImportFileError
from app.domain.roles import Role
from app.domain.roster import MediatorDraft, RelationDraft
from app.domain.values import mask_id_number, mask_phone
from app.domain.work import AgentDraft, ParticipantDraft
from app.services import accounts
from app.services.cases import register_case
from app.services.database import Database, open_database
from app.services.detail import case_for_paper
from app.services.exchange import export_data, export_file, import_file
from app.services.exchange_export import MASKED_KEY
from app.services.mediators import save_mediator
from app.services.people import save_agent, save_participant

TODAY = date(2026, 11, 25)
ID_NUMBER = "11010519491231002X"
RELATION_ID = "110105195003070027"
PHONES = ("13900001111", "0373-5551234", "13712345678", "13600002222", "13500003333")
PINS = {"王主任": "2468", "李调解": "1357", "赵记录": "975310"}
#: A masked ID number (first 6, last 4) and a masked mobile or landline.
MASKED_ID = re.compile(r"\d{6}\*{8}[\dX]{4}")
MASKED_PHONE = re.compile(r"(\d{3}\*+\d{4}|\d{3,4}-\*+\d{4})(转\d+)?")


@pytest.fixture(autouse=True)
def _quick_accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real PIN hash (~0.15 s) is for the office PC; no credentials from the environment."""
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: quick)
    monkeypatch.setattr(accounts, "_source", None)
    for variable in (cli_accounts.USER_ENV, cli_accounts.PIN_ENV, cli_accounts.NEW_PIN_ENV):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def filled(db: Database) -> Database:
    """A case whose parties, agent and participant have numbers; a mediator with a relation."""
    draft = CaseDraft(
        title="楼上渗水纠纷",
        received_on=date(2026, 11, 2),
        parties=[
            PartyDraft(role="applicant", name="李秀英", id_number=ID_NUMBER, phone=PHONES[0]),
            PartyDraft(role="respondent", name="张伟", phone=PHONES[1]),
        ],
    )
    case_id = register_case(db, draft, today=TODAY)[0].id
    party_id = case_for_paper(db, case_id).parties[0].id
    save_agent(db, case_id, party_id, AgentDraft("王律师", PHONES[2]))
    save_participant(db, case_id, ParticipantDraft("刘主任", "official", "居委会", PHONES[3]))
    relation = RelationDraft("王小明", "relative", RELATION_ID, "", "侄子")
    save_mediator(
        db,
        MediatorDraft(name="周老师", sex="female", phone=PHONES[4], relations=[relation]),
        today=TODAY,
    )
    return db


def numbers_in(data: Any) -> list[tuple[str, str]]:
    """Every (key, value) of an `id_number` or `phone` anywhere in the data."""
    found: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("id_number", "phone") and isinstance(value, str):
                found.append((key, value))
            else:
                found.extend(numbers_in(value))
    elif isinstance(data, list):
        for item in data:
            found.extend(numbers_in(item))
    return found


def masked_by_hand(data: Any) -> Any:
    """The unmasked data with each number masked as the domain masks it, nothing else."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key == "id_number" and isinstance(value, str):
                out[key] = mask_id_number(value)
            elif key == "phone" and isinstance(value, str):
                out[key] = mask_phone(value)
            else:
                out[key] = masked_by_hand(value)
        return out
    if isinstance(data, list):
        return [masked_by_hand(item) for item in data]
    return data


def test_every_id_number_and_phone_is_masked_and_nothing_else_changes(filled: Database) -> None:
    whole = export_data(filled)
    masked = export_data(filled, mask=True)
    assert MASKED_KEY not in whole  # an export without --mask is as it always was
    assert list(masked)[:3] == ["format", "version", MASKED_KEY] and masked[MASKED_KEY] is True
    numbers = numbers_in(masked)
    assert len(numbers) == 7  # 1 ID number and 2 phones of parties, agent, participant, mediator
    for key, value in numbers:
        assert (MASKED_ID if key == "id_number" else MASKED_PHONE).fullmatch(value), value
    text = json.dumps(masked, ensure_ascii=False)
    for number in (ID_NUMBER, RELATION_ID, *PHONES):
        assert number not in text
    assert "110105********002X" in text and "139****1111" in text and "0373-***1234" in text
    expected = masked_by_hand(whole) | {MASKED_KEY: True}
    assert masked == expected


def test_the_masked_file_is_the_masked_data_to_the_byte(filled: Database, tmp_path: Path) -> None:
    path = tmp_path / "交街道.json"
    assert export_file(filled, path, mask=True) == 1
    expected = json.dumps(export_data(filled, mask=True), ensure_ascii=False, indent=2) + "\n"
    assert path.read_text(encoding="utf-8") == expected
    assert ID_NUMBER not in path.read_text(encoding="utf-8")


def test_a_masked_file_imports_with_the_numbers_left_empty(
    filled: Database, tmp_path: Path
) -> None:
    """The street office reads a committee's masked file: every case and mediator is there,
    and no masked number is stored as if it were one."""
    path = tmp_path / "交街道.json"
    export_file(filled, path, mask=True)
    target = open_database(tmp_path / "街道.db")
    try:
        report = import_file(target, path)
        assert report.cases_added == 1
        with target.reading() as session:
            stored = [
                value
                for table in ("party", "agent", "participant", "mediator")
                for column in ("id_number", "phone")
                for value in _column(session, table, column)
            ]
        assert stored and all("*" not in value for value in stored)
        assert ID_NUMBER not in stored
    finally:
        target.close()


def test_a_masked_mark_that_is_not_true_or_false_is_refused(
    filled: Database, tmp_path: Path
) -> None:
    data = export_data(filled, mask=True)
    data[MASKED_KEY] = "yes"
    path = tmp_path / "坏.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = open_database(tmp_path / "街道.db")
    try:
        with pytest.raises(ImportFileError, match="identity_masked"):
            import_file(target, path)
    finally:
        target.close()


def _column(session, table: str, column: str) -> list[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect, text

    names = {c["name"] for c in inspect(session.connection()).get_columns(table)}
    if column not in names:
        return []
    return [str(v) for (v,) in session.execute(text(f"SELECT {column} FROM {table}"))]


# ====================================================================== accounts on


@pytest.fixture
def room(filled: Database) -> Database:
    accounts.enable_accounts(filled, "王主任", PINS["王主任"])
    accounts.add_account(filled, "李调解", Role.MEDIATOR, PINS["李调解"])
    accounts.add_account(filled, "赵记录", Role.CLERK, PINS["赵记录"])
    accounts.sign_out(filled)
    return filled


def test_a_clerk_always_gets_the_masked_file(room: Database, tmp_path: Path) -> None:
    accounts.sign_in(room, "赵记录", PINS["赵记录"])
    path = tmp_path / "记录员.json"
    export_file(room, path)  # not asked to mask
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data[MASKED_KEY] is True and ID_NUMBER not in path.read_text(encoding="utf-8")
    assert export_data(room)[MASKED_KEY] is True
    accounts.sign_out(room)
    accounts.sign_in(room, "李调解", PINS["李调解"])
    assert MASKED_KEY not in export_data(room)  # a mediator sees the numbers, as on the page
    assert export_data(room, mask=True)[MASKED_KEY] is True


# ====================================================================== the command


def run(path: Path, *args: str) -> int:
    return app.cli.main(["--db", str(path), *args])


def test_export_mask_on_the_command_line(
    filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = filled.path
    filled.close()
    out = tmp_path / "交街道.json"
    assert run(db_path, "export", str(out), "--mask") == 0
    said = capsys.readouterr().out
    assert "已导出案件1件" in said and "身份证号和电话已掩去" in said
    text = out.read_text(encoding="utf-8")
    assert f'"{MASKED_KEY}": true' in text and ID_NUMBER not in text and PHONES[0] not in text
    plain = tmp_path / "全部.json"
    assert run(db_path, "export", str(plain)) == 0
    assert "掩去" not in capsys.readouterr().out
    assert ID_NUMBER in plain.read_text(encoding="utf-8")


def test_a_clerk_on_the_command_line_is_told_the_numbers_were_masked(
    room: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db_path = room.path
    room.close()
    monkeypatch.setenv(cli_accounts.USER_ENV, "赵记录")
    monkeypatch.setenv(cli_accounts.PIN_ENV, PINS["赵记录"])
    out = tmp_path / "记录员.json"
    assert run(db_path, "export", str(out)) == 0
    assert "您的角色不能查看完整的号码，身份证号和电话已掩去" in capsys.readouterr().out
    assert ID_NUMBER not in out.read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        app.cli.main(["export", "--help"])
    help_text = capsys.readouterr().out
    assert "--mask" in help_text and "掩去身份证号和电话" in help_text
