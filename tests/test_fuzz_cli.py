"""The command line given random arguments: every command with options and values drawn at
random (dates that are no dates, case numbers that do not exist, names with control
characters, emoji, right-to-left marks, huge numbers, files that are not what they should
be).

Whatever is typed, the answer is 0 (done), 1 (a Chinese message saying what is wrong) or 2 (a
mistyped command, in Chinese too) — never 3, "程序出错了", which would be a fault of the
program, and never a Python traceback. Driven in-process (`app.cli.main`), each example on its
own copy of a small demo database, in a folder of its own so every file a command writes stays
there.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import cli
from app.services.demo import fill_demo
from app.services.exchange import export_data
from tests.databases import copied_database

DEMO_TODAY = date(2026, 11, 25)
CJK = re.compile(r"[\u4e00-\u9fff]")
#: What a message must not carry: a terminal escape or another control (it could rewrite what
#: the screen shows), a bidirectional override, the line separators, half a character.
UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
#: Commands that ask for a PIN or a password at the keyboard: not for a run without one.
INTERACTIVE = {("user",), ("backup", "--encrypt")}


def command_paths() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command and subcommand of the parser, with the parser of its own options."""
    found: dict[tuple[str, ...], argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if prefix and not subs:
            found[prefix] = parser
        for sub in subs:
            for name, inner in sub.choices.items():
                walk(inner, (*prefix, name))

    walk(cli.build_parser(), ())
    return {p: parser for p, parser in found.items() if p[:1] != ("user",)}


COMMANDS = command_paths()

#: Texts no real command line can hold are left out: a NUL (argv cannot carry one) and "/"
#: (a file named by it would be written outside the example's folder).
token_alphabet = st.characters(exclude_characters="\x00/\\", exclude_categories=("Cs",))
NASTY = [
    "'); DROP TABLE cases;--",
    "\u202e李秀英",
    "𠮷",
    "😀",
    "\x1b[2J",
    "\u2028",
    "\ufeff",
    "\t",
    "\n",
    " ",
    "\udcff\udcfe",  # bytes that were no UTF-8, as Python reads them from argv
    "9" * 400,
    "-1",
    "0",
    "99999999999999999999",
    "2026-02-30",
    "2026-13-01",
    "0001-01-01",
    "9999-12-31",
    "2026-Q5",
    "2026-11",
    "9999-12",
    "0000-01",
    "纠" * 5000,
]
words = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=token_alphabet, max_size=15),
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=3).map("".join),
)
#: What a value may be: a sensible one (so commands get past their first check), or not.
SENSIBLE = [
    "1",
    "2",
    "3",
    "（2026）飞人调字第1号",
    "2026-11-01",
    "2026-11-25",
    "2026-10",
    "2026",
    "2026-Q4",
    "王建国",
    "涉及两个单元",
    "court",
    "courtyard",
    "accept",
    "agreement",
    "general",
    "lxy",
    "pdf",
    "docx",
]
FILES = [
    "out.pdf",
    "out.docx",
    "out.xlsx",
    "out.json",
    "all.json",
    "broken.json",
    "empty.json",
    "x",
]
values = st.one_of(st.sampled_from(SENSIBLE), st.sampled_from(FILES), words)


@st.composite
def argument_lists(draw: st.DrawFn) -> list[str]:
    path = draw(st.sampled_from(sorted(COMMANDS)))
    parser = COMMANDS[path]
    options = [
        a
        for a in parser._actions
        if a.option_strings and not isinstance(a, argparse._HelpAction)
        if not any((path[0], o) in INTERACTIVE for o in a.option_strings)
    ]
    positionals = [a for a in parser._actions if not a.option_strings]
    argv: list[str] = list(path)
    for action in positionals:
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            continue  # left out: argparse says what is missing
        if action.choices:
            argv.append(draw(st.one_of(st.sampled_from(sorted(action.choices)), values)))
        else:
            argv.append(draw(values))
    for action in draw(st.lists(st.sampled_from(options), max_size=4)) if options else []:
        argv.append(draw(st.sampled_from(action.option_strings)))
        if action.nargs == 0:
            continue
        if action.choices:
            argv.append(draw(st.one_of(st.sampled_from(sorted(action.choices)), values)))
        else:
            argv.append(draw(values))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        argv.append(draw(st.one_of(words, st.sampled_from(["--help", "--nonsense", "-x"]))))
    return argv


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory, new_database_file: Path) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-cli")
    path = folder / "demo.db"
    db = copied_database(new_database_file, path)
    fill_demo(db, cases=6, seed=5, today=DEMO_TODAY)
    (folder / "all.json").write_text(
        json.dumps(export_data(db), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    db.close()
    return path


@pytest.fixture
def workplace(tmp_path: Path, demo_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A function giving a new folder, made the working folder, with a copy of the demo
    database and the files commands may be pointed at."""

    def make() -> Path:
        folder = tmp_path / uuid.uuid4().hex
        folder.mkdir()
        shutil.copyfile(demo_file, folder / "cases.db")
        shutil.copyfile(demo_file.parent / "all.json", folder / "all.json")
        (folder / "broken.json").write_text('{"format": "laoniangjiu-exchange", "ver', "utf-8")
        (folder / "empty.json").write_bytes(b"")
        monkeypatch.chdir(folder)
        return folder

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # nobody at the keyboard
    monkeypatch.delenv("LAONIANGJIU_PIN", raising=False)
    yield make


def run(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as stop:  # argparse: --help (0) or a mistyped command (2)
        return stop.code if isinstance(stop.code, int) else 2


def answered_properly(code: int, err: str, argv: list[str]) -> None:
    shown = [a[:40] for a in argv]
    assert code in (0, 1, 2), (code, shown, err[-500:])
    assert "Traceback" not in err, (shown, err[-2000:])
    assert "程序出错了" not in err, (shown, err)
    if code != 0:
        assert CJK.search(err), (code, shown, err)
    assert not UNPRINTABLE.search(err.replace("\n", "")), (code, shown, err[:300])


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=argument_lists())
def test_any_command_line_is_answered_in_chinese_never_with_a_fault(  # type: ignore[no-untyped-def]
    workplace, capsys, argv: list[str]
) -> None:
    workplace()
    capsys.readouterr()
    code = run(["--db", "cases.db", *argv])
    _, err = capsys.readouterr()
    answered_properly(code, err, argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["case", "show", "\u202e1"],
        ["case", "show", "1" * 400],
        ["case", "show", "-1"],
        ["case", "event", "1", "decline", "--reason", "不\x1b[2J符合"],
        ["case", "event", "1", "decline", "--reason", "因" * 6000],
        ["case", "escalate", "1", "--to", "courtyard", "--reason", "涉\u202e及"],
        ["case", "escalate", "1", "--to", "courtyard", "--reason", "涉及", "--by", "王" * 60],
        ["due", "--on", "9999-12-31"],
        ["due", "--on", "0001-01-01"],
        ["search", "\udcff"],
        ["search", "'); DROP TABLE cases;--"],
        ["search", "%", "--limit", "99999999999999999999"],
        ["stats", "--year", "99999"],
        ["stats", "--month", "0000-00"],
        ["screening", "add", "--area", "铁西\x00小区", "--by", "王建国"],
        ["screening", "add", "--area", "铁西小区", "--by", "王建国", "--on", "2026-11-20"],
        ["screening", "show", "99999999999999999999"],
        ["screening", "show", "²"],
        ["screening", "report", "--month", "9999-12"],
        ["screening", "report", "--from", "0001-01-01", "--to", "9999-12-31"],
        ["mediator", "show", "99999999999999999999"],
        ["panel", "draw", "1", "--draw", "99999999999999999999", "--reason", "重新抽选"],
        ["subsidy", "class", "1", "simple", "--reason", "理\x07由"],
        ["panel", "draw", "1", "--draw", "-5"],
        ["import", "broken.json"],
        ["import", "empty.json"],
        ["import", "all.json"],
        ["export", "out.json"],
        ["print", "agreement", "（2026）飞人调字第99999号", "-o", "out.pdf"],
        ["print", "blank", "nothing", "-o", "out.pdf"],
        ["verify", "\x1b[2J" * 10],
        ["mediator", "show", "\u202e"],
        ["roster", "import", "all.json"],
        ["subsidy", "scheme", "--set", "broken.json"],
        ["stats", "--street", "all.json", "broken.json"],
    ],
    ids=lambda argv: " ".join(a[:12].encode("unicode_escape").decode() for a in argv),
)
def test_odd_values_are_refused_or_done_never_a_fault(workplace, capsys, argv: list[str]) -> None:  # type: ignore[no-untyped-def]
    workplace()
    capsys.readouterr()
    code = run(["--db", "cases.db", *argv])
    _, err = capsys.readouterr()
    answered_properly(code, err, argv)


def test_the_random_commands_reach_every_command() -> None:
    """The list of commands is read from the parser, so a new command is fuzzed too."""
    names = {path[0] for path in COMMANDS}
    assert {"case", "import", "print", "search", "screening", "subsidy", "stats"} <= names
    assert all(os.sep not in v for v in SENSIBLE + FILES)
