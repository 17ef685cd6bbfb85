"""A restore replaces the whole database: with accounts on, only an administrator of the
database being replaced may do it, through the service and through `restore` on the command
line; with accounts off it works as before."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from app import cli_accounts
from app.cli import EXIT_OK, EXIT_USER_ERROR, main
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import UserError
from app.services import accounts
from app.services.backup import backups_folder, make_backup, restore_backup
from app.services.cases import register_case
from app.services.database import Database
from tests.databases import copied_database

PINS = {"王主任": "2468", "李调解": "1357", "赵记录": "975310"}
ROLES = {"李调解": "mediator", "赵记录": "clerk"}


@pytest.fixture(autouse=True)
def _quick_accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: quick)
    monkeypatch.setattr(accounts, "_source", None)  # the command line sets its own
    for variable in (cli_accounts.USER_ENV, cli_accounts.PIN_ENV, cli_accounts.NEW_PIN_ENV):
        monkeypatch.delenv(variable, raising=False)


def _register(db: Database, title: str) -> None:
    draft = CaseDraft(
        title=title,
        received_on=date(2026, 11, 2),
        parties=[
            PartyDraft(role="applicant", name="李秀英"),
            PartyDraft(role="respondent", name="张伟"),
        ],
    )
    register_case(db, draft, today=date(2026, 11, 25))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def office(tmp_path: Path, new_database_file: Path) -> tuple[Path, Path]:
    """(the database with accounts on and a case more than its backup, the backup)."""
    db = copied_database(new_database_file, tmp_path / "办公室.db")
    _register(db, "楼上渗水纠纷")
    accounts.enable_accounts(db, "王主任", PINS["王主任"])
    for name, role in ROLES.items():
        accounts.add_account(db, name, role, PINS[name])
    stick = tmp_path / "U盘"
    stick.mkdir()
    made = make_backup(db, stick, reason="manual").path
    _register(db, "占道停车纠纷")
    db.close()
    return db.path, made


def _signed_in(path: Path, name: str) -> accounts.SignedIn:
    from app.services.database import open_database

    db = open_database(path, create=False)
    try:
        return accounts.sign_in(db, name, PINS[name])
    finally:
        db.close()


def _cases(path: Path) -> int:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as raw:
        return int(raw.execute("SELECT count(*) FROM dispute_case").fetchone()[0])


def _aside(path: Path) -> list[Path]:
    folder = backups_folder(path)
    return sorted(folder.glob("*before-restore*")) if folder.exists() else []


@pytest.mark.parametrize("name", ["赵记录", "李调解"])
def test_a_clerk_or_a_mediator_may_not_restore(office: tuple[Path, Path], name: str) -> None:
    path, backup = office
    person = _signed_in(path, name)
    before = _digest(path)
    with pytest.raises(UserError) as refused:
        restore_backup(backup, path, person=person)
    label = {"赵记录": "记录员", "李调解": "调解员"}[name]
    assert refused.value.message.startswith(f"{label}不能从备份恢复数据库")
    assert "管理员" in refused.value.message
    assert _digest(path) == before and _aside(path) == []


def test_nobody_signed_in_may_not_restore_with_accounts_on(office: tuple[Path, Path]) -> None:
    path, backup = office
    before = _digest(path)
    with pytest.raises(UserError) as refused:
        restore_backup(backup, path)
    assert "启用了账号" in refused.value.message and "管理员" in refused.value.message
    assert _digest(path) == before and _aside(path) == []


def test_a_person_of_another_database_may_not_restore(
    office: tuple[Path, Path], tmp_path: Path, new_database_file: Path
) -> None:
    """The role is asked of the database being replaced, not taken on trust."""
    path, backup = office
    other = copied_database(new_database_file, tmp_path / "别处.db")
    stranger = accounts.enable_accounts(other, "钱某某", "8024")
    other.close()
    with pytest.raises(UserError) as refused:
        restore_backup(backup, path, person=stranger)
    assert "不是这个数据库里在用的账号" in refused.value.message


def test_an_administrator_restores(office: tuple[Path, Path]) -> None:
    path, backup = office
    person = _signed_in(path, "王主任")
    result = restore_backup(backup, path, person=person)
    assert result is not None and result.info.cases == 1
    assert result.saved_aside is not None and result.saved_aside.exists()


def test_with_accounts_off_anyone_restores(tmp_path: Path, new_database_file: Path) -> None:
    db = copied_database(new_database_file, tmp_path / "一个人.db")
    _register(db, "楼上渗水纠纷")
    made = make_backup(db, reason="manual").path
    _register(db, "占道停车纠纷")
    db.close()
    result = restore_backup(made, db.path)
    assert result is not None and result.info.cases == 1


def _restore_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: Path,
    backup: Path,
    name: str | None,
) -> tuple[int, str]:
    if name is not None:
        monkeypatch.setenv(cli_accounts.USER_ENV, name)
        monkeypatch.setenv(cli_accounts.PIN_ENV, PINS[name])
    code = main(["--db", str(path), "restore", str(backup), "--yes"])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("name", ["赵记录", "李调解", None])
def test_restore_on_the_command_line_is_refused_but_for_an_administrator(
    office: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str | None,
) -> None:
    path, backup = office
    code, said = _restore_cli(monkeypatch, capsys, path, backup, name)
    assert code == EXIT_USER_ERROR, said
    if name is None:
        assert "请先登录" in said
    else:
        assert {"赵记录": "记录员", "李调解": "调解员"}[name] + "不能从备份恢复数据库" in said
    assert "Traceback" not in said
    # Signing in is written down; the cases are those of before, and nothing was saved aside.
    assert _cases(path) == 2 and _aside(path) == []


def test_restore_on_the_command_line_by_an_administrator(
    office: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, backup = office
    code, said = _restore_cli(monkeypatch, capsys, path, backup, "王主任")
    assert code == EXIT_OK, said
    assert "已从备份恢复" in said and len(_aside(path)) == 1
    assert _cases(path) == 1


def _damage_the_cases(path: Path) -> None:
    """Overwrite the page of the case table: the committee and the accounts stay readable."""
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
        size = int(raw.execute("PRAGMA page_size").fetchone()[0])
        root = int(
            raw.execute(
                "SELECT rootpage FROM sqlite_master WHERE name = 'dispute_case'"
            ).fetchone()[0]
        )
    data = bytearray(path.read_bytes())
    data[(root - 1) * size : root * size] = b"\xa5" * size
    path.write_bytes(bytes(data))


def test_a_damaged_database_is_restored_without_anyone_signed_in(
    office: tuple[Path, Path],
) -> None:
    """The window offers the newest good backup of a damaged file before anyone can sign in to
    it: nobody can, so nobody is asked."""
    path, backup = office
    _damage_the_cases(path)
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"
        assert raw.execute("SELECT accounts_enabled FROM committee").fetchone()[0] == 1
    result = restore_backup(backup, path)
    assert result is not None and result.info.cases == 1 and _cases(path) == 1
