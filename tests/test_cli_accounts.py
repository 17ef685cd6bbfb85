"""`user on|off|add|reset|list|deactivate|pin` and the other commands with accounts on, run
in-process through a parser made of `app.cli_accounts` alone (as `app.cli` will register it)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import app.cli
from app import cli_accounts
from app.cli import PROG, ChineseArgumentParser
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import UserError
from app.domain.roles import Role
from app.services import accounts
from app.services.cases import list_cases, register_case
from app.services.database import open_database

ID_NUMBER = "11010519491231002X"
PHONE = "13900001111"
PINS = {"王主任": "2468", "李调解": "1357", "赵记录": "975310"}


@pytest.fixture(autouse=True)
def _quiet_accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: quick)
    monkeypatch.setattr(accounts, "_source", None)  # restored after: add_commands sets it
    for variable in (cli_accounts.USER_ENV, cli_accounts.PIN_ENV, cli_accounts.NEW_PIN_ENV):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    file = tmp_path / "案件.db"
    db = open_database(file)
    register_case(
        db,
        CaseDraft(
            title="楼上渗水纠纷",
            received_on=date(2026, 11, 2),
            parties=[
                PartyDraft(role="applicant", name="李秀英", id_number=ID_NUMBER, phone=PHONE),
                PartyDraft(role="respondent", name="张伟"),
            ],
        ),
    )
    db.close()
    return file


def parser() -> argparse.ArgumentParser:
    built = ChineseArgumentParser(prog=PROG)
    built.add_argument("--db", type=Path, default=None)
    commands = built.add_subparsers(dest="command", required=True)
    built.set_defaults(handlers=cli_accounts.add_commands(commands))
    return built


def user(path: Path, *args: str, command: str = "user") -> str:
    """Run `user …` as the command line would: its own open database, closed afterwards."""
    args_ = parser().parse_args(["--db", str(path), command, *args])
    app.cli._run = app.cli._Run()
    try:
        text: str = args_.handlers[args_.command](args_)
    finally:
        app.cli._run.finish(failed=False)
    return text


def as_(monkeypatch: pytest.MonkeyPatch, name: str, new_pin: str | None = None) -> None:
    monkeypatch.setenv(cli_accounts.USER_ENV, name)
    monkeypatch.setenv(cli_accounts.PIN_ENV, PINS[name])
    if new_pin is not None:
        monkeypatch.setenv(cli_accounts.NEW_PIN_ENV, new_pin)


@pytest.fixture
def room(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cli_accounts.PIN_ENV, PINS["王主任"])
    assert "管理员是“王主任”" in user(path, "on", "王主任")
    as_(monkeypatch, "王主任", PINS["李调解"])
    assert user(path, "add", "李调解", "--role", "调解员") == "已添加账号“李调解”（调解员）。"
    monkeypatch.setenv(cli_accounts.NEW_PIN_ENV, PINS["赵记录"])
    assert user(path, "add", "赵记录", "--role", "clerk") == "已添加账号“赵记录”（记录员）。"
    for variable in (cli_accounts.USER_ENV, cli_accounts.PIN_ENV, cli_accounts.NEW_PIN_ENV):
        monkeypatch.delenv(variable)
    return path


def test_switching_on_adding_and_listing(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_(monkeypatch, "李调解")
    listing = user(room, "list")
    assert listing.splitlines() == [
        "李调解\t调解员\t在用\t" + listing.splitlines()[0].split("\t")[3],
        *listing.splitlines()[1:3],
        "共3个账号；账号已启用",
    ]
    assert "王主任\t管理员\t在用" in listing and "赵记录\t记录员\t在用\t还没有登录过" in listing
    assert all(pin not in listing for pin in PINS.values())
    db = open_database(room)
    try:
        assert accounts.accounts_enabled(db)
        assert {a.name: a.role for a in accounts.list_accounts(db)}["赵记录"] is Role.CLERK
    finally:
        db.close()


def test_with_accounts_on_a_command_names_its_person(room: Path) -> None:
    with pytest.raises(UserError) as refused:
        user(room, "list")
    assert "--user" in refused.value.message and cli_accounts.USER_ENV in refused.value.message


def test_a_clerk_cannot_manage_accounts(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_(monkeypatch, "赵记录", "4321")
    with pytest.raises(UserError, match="记录员不能管理账号，请由管理员操作。"):
        user(room, "add", "新人", "--role", "clerk")
    with pytest.raises(UserError, match="记录员不能管理账号"):
        user(room, "reset", "李调解")
    with pytest.raises(UserError, match="记录员不能管理账号"):
        user(room, "off")


def test_a_wrong_pin_is_refused(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli_accounts.USER_ENV, "王主任")
    monkeypatch.setenv(cli_accounts.PIN_ENV, "0000")
    with pytest.raises(UserError, match="姓名或PIN不对"):
        user(room, "list")


def test_reset_deactivate_and_own_pin(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_(monkeypatch, "王主任", "8642")
    assert "已重设“李调解”的PIN" in user(room, "reset", "李调解")
    assert "PIN待本人更换" in user(room, "list")
    monkeypatch.setenv(cli_accounts.USER_ENV, "李调解")
    monkeypatch.setenv(cli_accounts.PIN_ENV, "8642")
    monkeypatch.setenv(cli_accounts.NEW_PIN_ENV, "112233")
    assert user(room, "pin") == "“李调解”的PIN已经改好了。"
    monkeypatch.setenv(cli_accounts.PIN_ENV, "112233")
    assert "PIN待本人更换" not in user(room, "list")
    as_(monkeypatch, "王主任")
    assert "已停用账号“赵记录”" in user(room, "deactivate", "赵记录")
    assert "赵记录\t记录员\t已停用" in user(room, "list")
    as_(monkeypatch, "赵记录")
    with pytest.raises(UserError, match="已停用"):
        user(room, "list")


def test_switching_off(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_(monkeypatch, "王主任")
    assert user(room, "off").startswith("已关闭账号")
    for variable in (cli_accounts.USER_ENV, cli_accounts.PIN_ENV):
        monkeypatch.delenv(variable)
    assert user(room, "list").endswith("共3个账号；账号没有启用")


def test_a_new_pin_is_typed_twice_at_a_terminal(
    room: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_(monkeypatch, "王主任")
    typed = iter(["1111", "2222", "1111", "1111"])
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(cli_accounts.getpass, "getpass", getpass)
    monkeypatch.setattr(cli_accounts.sys.stdin, "isatty", lambda: True)
    with pytest.raises(UserError, match="两次输入的PIN不一样"):
        user(room, "add", "钱阿姨", "--role", "clerk")
    assert user(room, "add", "钱阿姨", "--role", "clerk") == "已添加账号“钱阿姨”（记录员）。"
    assert prompts[0].startswith("请给“钱阿姨”设置PIN") and prompts[1] == "请再输入一次，核对一下："


def test_without_a_terminal_or_the_environment_the_pin_cannot_be_asked(
    room: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_(monkeypatch, "王主任")
    monkeypatch.setattr(cli_accounts.sys.stdin, "isatty", lambda: False)
    with pytest.raises(UserError, match=cli_accounts.NEW_PIN_ENV):
        user(room, "add", "钱阿姨", "--role", "clerk")
    monkeypatch.setenv(cli_accounts.NEW_PIN_ENV, "12")
    with pytest.raises(UserError, match="至少要4位数字"):
        user(room, "add", "钱阿姨", "--role", "clerk")


def test_an_unknown_role_is_a_usage_error_in_chinese(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        user(path, "add", "钱阿姨", "--role", "书记员")
    assert exited.value.code == app.cli.EXIT_USAGE
    assert "没有“书记员”这种角色" in capsys.readouterr().err


def test_case_show_masks_numbers_for_a_clerk_and_needs_a_person(
    room: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts.use_sign_in_source(cli_accounts.environment_credentials)
    assert app.cli.main(["--db", str(room), "case", "show", "1"]) == app.cli.EXIT_USER_ERROR
    assert "--user" in capsys.readouterr().err
    as_(monkeypatch, "赵记录")
    assert app.cli.main(["--db", str(room), "case", "show", "1"]) == app.cli.EXIT_OK
    shown = capsys.readouterr().out
    assert "李秀英" in shown and "110105********002X" in shown
    assert ID_NUMBER not in shown and PHONE not in shown
    as_(monkeypatch, "李调解")
    assert app.cli.main(["--db", str(room), "case", "show", "1"]) == app.cli.EXIT_OK
    assert PHONE in capsys.readouterr().out


def test_sign_in_for_command_does_nothing_with_accounts_off(path: Path) -> None:
    db = open_database(path)
    try:
        cli_accounts.sign_in_for_command(db, None)
        assert accounts.current_user(db) is None
    finally:
        db.close()


def test_deleting_a_case_is_the_administrators_and_is_confirmed(
    room: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_(monkeypatch, "赵记录")
    with pytest.raises(UserError, match="记录员不能删除案件，请由管理员操作。"):
        user(room, "1", "--yes", command="delete")
    as_(monkeypatch, "王主任")
    monkeypatch.setattr(cli_accounts.sys.stdin, "isatty", lambda: False)
    with pytest.raises(UserError, match="加 --yes"):
        user(room, "1", command="delete")
    monkeypatch.setattr(cli_accounts.sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "否")
    assert user(room, "1", command="delete") == "没有删除，什么也没有改动。"
    monkeypatch.setattr("builtins.input", lambda prompt: "是")
    assert user(room, "1", command="delete").startswith("已删除案件（2026）社人调字第1号")
    db = open_database(room)
    try:
        assert list_cases(db) == []
    finally:
        db.close()
