"""Kill tests: a process SIGKILLed at a random moment of a save, an import, `init`, a backup, a
restore or an upgrade leaves a database that passes `PRAGMA integrity_check`, whose audit chain
verifies, that the program opens, and that holds exactly the old state or the new one.

Ten kills of each of the five kinds the issue names (fifty), five each of an upgrade and an
export, and two of a fixed moment: a writer in rollback-journal mode mid-transaction, and a
bulk build whose worker processes must end with it. The moments come from one seeded
generator; a failure names the seed, `KILL_SEED=<seed>` runs the same moments again, and
`KILL_COUNT=<n>` kills n times of each kind instead of ten (to hunt for a rare moment).

Each killed process is forked from one helper process that has imported the program already:
starting Python and importing SQLAlchemy and the services takes half a second, which sixty
times over would be most of the run. A forked process dies of SIGKILL exactly like one started
afresh (no `finally`, no `atexit`, the file left as the system has it). The moments are drawn
from when the child says it is ready, over the time the same work takes (`kills`), so they
fall inside the work and not in the imports.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from app.db import migrate
from app.services.audit import verify
from app.services.backup import (
    PASSWORD_ENV,
    backups_folder,
    describe_backup,
    list_backups,
    make_backup,
    quick_check,
)
from app.services.database import get_committee, open_database
from tests.conftest import ROOT, TODAY
from tests.databases import copied_database
from tests.old_revisions import content, counts, database_at, fill_every_table, revision_of

SEED = int(os.environ.get("KILL_SEED") or random.SystemRandom().randrange(2**31))
#: Kills of each kind; KILL_COUNT=<n> makes more, to hunt for a rare moment.
KILLS = int(os.environ.get("KILL_COUNT") or 10)
UPGRADE_KILLS = max(1, KILLS // 2)
PASSWORD = "马路对面-2026"
OLD_REVISION = "0002"

_HELPER = """
import json, os, sys, traceback
from datetime import date
from pathlib import Path

from app import cli
from app.domain.drafts import CaseDraft, PartyDraft
from app.services import backup, exchange, exchange_export
from app.services.cases import register_case
from app.services.database import open_database

cli.build_parser()  # imports every command's module


def saves(path):
    db = open_database(Path(path), create=False)
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        draft = CaseDraft(
            title=f"噪音扰邻纠纷{n}",
            received_on=date(2026, 11, 2),
            parties=[
                PartyDraft(role="applicant", name="李秀英"),
                PartyDraft(role="respondent", name="张伟"),
            ],
        )
        detail, _ = register_case(db, draft, today=date(2026, 11, 25))
        print(detail.number, flush=True)


def hot(path):
    # A writer in rollback-journal mode stopped mid-transaction, its changes partly in the
    # file already (a page cache of one page spills them): the restore's switch out of WAL,
    # an older program, another tool.
    import sqlite3, time
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute("PRAGMA cache_size=1")
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE dispute_case SET title = title || '（改）'")
    connection.execute("CREATE TABLE filler (x)")
    for _ in range(500):
        connection.execute("INSERT INTO filler VALUES (randomblob(900))")
    print("ready", flush=True)
    time.sleep(60)


def pool():
    import time
    from app.services.bulk import InOrder

    chunks = InOrder(time.sleep, [60.0] * 3, workers=2)
    print("ready", flush=True)
    for _ in chunks:
        pass


def run(kind, args):
    if kind == "hot":
        hot(*args)
    if kind == "pool":
        pool()
    if kind == "cli":
        print("ready", flush=True)
        return cli.main(args)
    if kind == "saves":
        saves(*args)
    if kind == "open":
        print("ready", flush=True)
        open_database(Path(args[0]), create=False).close()
        return 0
    return 98


def child(request):
    out = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", closefd=False)
    sys.stderr = sys.stdout
    os.environ.update(request["env"])
    try:
        code = run(request["kind"], request["args"])
    except BaseException:
        traceback.print_exc()
        code = 99
    sys.stdout.flush()
    os._exit(code if isinstance(code, int) else 97)


print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if "wait" in request:
        _, status = os.waitpid(request["wait"], 0)
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        print(json.dumps({"code": code}), flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        child(request)
    print(json.dumps({"pid": pid}), flush=True)
"""


@dataclass
class Run:
    """One child's end: whether the kill landed, its exit code, and what it printed."""

    killed: bool
    code: int | None
    lines: list[str]
    output: str


class Helper:
    """The process the children are forked from, and how to start, kill and reap them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runs = 0
        self.log = (folder / "helper.log").open("w")
        # Its own data folder (the log goes there): the fixture that gives each test one runs
        # after this module-wide helper has started.
        home = folder / "home"
        env = {**os.environ, "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
        self.process = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_HELPER)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
        )
        assert self._reply() == {"ready": True}, (folder / "helper.log").read_text()

    def _reply(self) -> dict[str, object]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, (self.folder / "helper.log").read_text()
        reply: dict[str, object] = json.loads(line)
        return reply

    def _ask(self, request: dict[str, object]) -> dict[str, object]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        return self._reply()

    def run(
        self,
        kind: str,
        args: list[str],
        delay: float | None,
        env: dict[str, str] | None = None,
    ) -> tuple[Run, float]:
        """Start `kind` with `args`; SIGKILL it `delay` s after it is ready (None: let it end).
        Returns how it ended and the seconds from ready to its end."""
        pid, out = self.start(kind, args, env)
        started = _await_ready(pid, out)
        if delay is not None:
            time.sleep(max(0.0, started + delay - time.monotonic()))
            os.kill(pid, signal.SIGKILL)  # a child that has just ended is a zombie: no harm
        code = self.reap(pid)
        seconds = time.monotonic() - started
        output = out.read_text(encoding="utf-8", errors="replace")
        lines = [line for line in output.splitlines(keepends=True) if line.endswith("\n")]
        return Run(code is None, code, [line.strip() for line in lines[1:]], output), seconds

    def start(
        self, kind: str, args: list[str], env: dict[str, str] | None = None
    ) -> tuple[int, Path]:
        """A child forked to do `kind`: its process id, and the file it prints to."""
        self.runs += 1
        out = self.folder / f"run-{self.runs}.out"
        pid = self._ask({"kind": kind, "args": args, "out": str(out), "env": env or {}})["pid"]
        assert isinstance(pid, int)
        return pid, out

    def reap(self, pid: int) -> int | None:
        """The child's exit code once it has ended (None: a signal ended it)."""
        code = self._ask({"wait": pid})["code"]
        assert code is None or isinstance(code, int)
        return code

    def close(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()
        self.log.close()


def _await_ready(pid: int, out: Path, timeout: float = 60.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            text = out.read_text(encoding="utf-8", errors="replace")
            if text.startswith("ready\n"):
                return time.monotonic()
            if "Traceback" in text:
                break
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError(f"the child never got ready: {out.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def helper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Helper]:
    started = Helper(tmp_path_factory.mktemp("helper"))
    yield started
    started.close()


def kills(
    helper: Helper,
    kind: str,
    name: str,
    args: Callable[[int], list[str]],
    check: Callable[[int, Run, str], None],
    *,
    count: int = KILLS,
    prepare: Callable[[int], None] | None = None,
    env: Callable[[int], dict[str, str]] | None = None,
    longest: float | None = None,
) -> int:
    """`count` kills of `kind` at random moments, `check` after each; returns how many runs
    ended before their kill (those are checked too, as the new state).

    The moments are spread over the time a whole run takes (measured first), or over
    `longest` seconds: the span is cut into `count` equal parts and each kill falls at a
    random moment of its own part, in order, so the last moments of the work (the commit, the
    rename) get their share as well as the first. A run that ends before its kill tells how
    long the work really takes; the span shrinks to that and the kill is drawn again in its
    part."""
    rng = random.Random(f"{SEED}-{name}")
    if longest is None:
        if prepare is not None:
            prepare(-1)
        whole, seconds = helper.run(kind, args(-1), None, env(-1) if env else None)
        assert whole.code == 0, whole.output
        check(-1, whole, f"KILL_SEED={SEED}: {name} run whole")
        # A little more than it took: the last parts then end before their kill at first and
        # shrink the span to what the work takes now, so its very end is drawn too.
        longest = seconds * 1.25
    span = longest
    ended = 0
    for landed in range(count):
        for _attempt in range(8):
            if prepare is not None:
                prepare(landed)
            delay = span * (landed + rng.random()) / count
            run, seconds = helper.run(kind, args(landed), delay, env(landed) if env else None)
            where = (
                f"KILL_SEED={SEED}: {name} killed {delay:.3f} s after it was ready "
                f"(kill {landed + 1} of {count})"
                if run.killed
                else f"KILL_SEED={SEED}: {name} ended before its kill at {delay:.3f} s"
            )
            if not run.killed:
                assert run.code == 0, f"{where}: {run.output}"
            check(landed, run, where)
            if run.killed:
                break
            ended += 1
            span = min(span, seconds) * 0.9
        else:
            raise AssertionError(f"KILL_SEED={SEED}: {name}: kill {landed + 1} never landed")
    return ended


# ====================================================================== what must hold


def seen_by_the_program(path: Path, where: str) -> None:
    """What the program reads of a file before it opens it, read-only, the first thing after
    the kill (before anything else has recovered its journal): the revision, and the window's
    quick check."""
    try:
        migrate.file_revision(path)
    except sqlite3.Error as error:
        code = getattr(error, "sqlite_errorcode", None)
        raise AssertionError(f"{where}: read-only, the program cannot read it ({code})") from error
    checked = quick_check(path)
    assert checked.sound, f"{where}: {checked.problem}"


def sound(path: Path, where: str) -> None:
    """Whole (integrity_check), its audit chain verifies, and the program opens it."""
    assert path.is_file(), f"{where}: no database"
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True)) as raw:
        result = [row[0] for row in raw.execute("PRAGMA integrity_check")]
        assert result == ["ok"], f"{where}: {result[:5]}"
    db = open_database(path, create=False)
    try:
        assert migrate.current_revision(db.engine) == migrate.HEAD_REVISION, where
        with db.reading() as session:
            chain = verify(session)
        assert chain.ok, f"{where}: {chain.message}"
        assert get_committee(db).short_name, where
    finally:
        db.close()


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True)) as raw:
        return list(raw.execute(sql))


def _register_one(db_path: Path, title: str) -> None:
    from app.domain.drafts import CaseDraft, PartyDraft
    from app.services.cases import register_case

    db = open_database(db_path, create=False)
    try:
        register_case(
            db,
            CaseDraft(
                title=title,
                received_on=date(2026, 11, 3),
                parties=[
                    PartyDraft(role="applicant", name="王建国"),
                    PartyDraft(role="respondent", name="赵敏"),
                ],
            ),
            today=TODAY,
        )
    finally:
        db.close()


# ====================================================================== the databases


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small office's database: 24 demo cases and one attachment (copied, never changed)."""
    from app.services.demo import fill_demo
    from app.services.sittings import add_attachment

    folder = tmp_path_factory.mktemp("demo")
    db = open_database(folder / "office.db")
    fill_demo(db, cases=24, seed=7, today=TODAY)
    scan = folder / "扫描.pdf"
    scan.write_bytes(random.Random(SEED).randbytes(300_000))
    first = _query(db.path, "SELECT min(id) FROM dispute_case WHERE status != 'archived'")[0][0]
    assert isinstance(first, int)
    add_attachment(db, first, scan, "协议扫描件")
    db.close()
    return db.path


def _copy_office(demo_file: Path, target: Path) -> Path:
    """The demo database and its attachments at `target`."""
    from app.services.backup import attachments_folder_of

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_file, target)
    shutil.copytree(attachments_folder_of(demo_file), attachments_folder_of(target))
    return target


# ====================================================================== saves


def test_saves_killed_keep_every_case_reported_saved(
    helper: Helper, tmp_path: Path, new_database_file: Path
) -> None:
    """Cases registered one by one, each number printed once its transaction committed: after
    a kill every printed case is there, whole, and at most one more (committed, not yet
    printed). The same file takes every kill, so each run starts on what the last one left."""
    path = tmp_path / "saves.db"
    copied_database(new_database_file, path).close()
    known: set[str] = set()

    def check(_n: int, run: Run, where: str) -> None:
        nonlocal known
        seen_by_the_program(path, where)
        numbers = {str(n) for (n,) in _query(path, "SELECT number FROM dispute_case")}
        reported = set(run.lines)
        assert reported <= numbers, f"{where}: reported but not saved: {reported - numbers}"
        unreported = numbers - known - reported
        assert len(unreported) <= 1, f"{where}: {len(unreported)} cases nobody was told of"
        assert known <= numbers, f"{where}: earlier cases lost"
        known = numbers
        parties = _query(
            path,
            "SELECT count(*) FROM dispute_case c LEFT JOIN party p ON p.case_id = c.id"
            " GROUP BY c.id HAVING count(p.id) != 2",
        )
        assert parties == [], f"{where}: a case saved without both its parties"
        entries = _query(path, "SELECT count(*) FROM audit_log WHERE action = 'case.register'")
        assert entries[0][0] == len(numbers), f"{where}: audit entries and cases differ"
        sound(path, where)

    ended = kills(helper, "saves", "saves", lambda _n: [str(path)], check, longest=0.8)
    assert ended == 0
    assert len(known) >= KILLS, f"KILL_SEED={SEED}: only {len(known)} cases saved in {KILLS} runs"


# ====================================================================== imports


@pytest.fixture(scope="module")
def exchange_file(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.services.exchange_export import export_file

    out = tmp_path_factory.mktemp("exchange") / "全部案件.json"
    db = open_database(demo_file, create=False)
    try:
        export_file(db, out)
    finally:
        db.close()
    return out


def test_imports_killed_leave_all_of_the_files_cases_or_none(
    helper: Helper, tmp_path: Path, new_database_file: Path, exchange_file: Path
) -> None:
    wanted = {str(u["uuid"]) for u in json.loads(exchange_file.read_text("utf-8"))["cases"]}
    target = tmp_path / "import.db"

    def prepare(_n: int) -> None:
        for suffix in ("", "-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        copied_database(new_database_file, target).close()

    def check(_n: int, run: Run, where: str) -> None:
        seen_by_the_program(target, where)
        uuids = {str(u) for (u,) in _query(target, "SELECT uuid FROM dispute_case")}
        assert uuids in (set(), wanted), f"{where}: {len(uuids)} of {len(wanted)} cases"
        if not run.killed:
            assert uuids == wanted, where
        sound(target, where)

    kills(
        helper,
        "cli",
        "import",
        lambda _n: ["--db", str(target), "import", str(exchange_file)],
        check,
        prepare=prepare,
    )


# ====================================================================== init


def test_init_killed_leaves_no_database_or_a_whole_one(helper: Helper, tmp_path: Path) -> None:
    def path(n: int) -> Path:
        return tmp_path / f"新电脑{n}" / "数据" / "laoniangjiu.db"

    def check(n: int, run: Run, where: str) -> None:
        db_path = path(n)
        if db_path.exists():
            seen_by_the_program(db_path, where)
        else:
            assert run.killed, where
            # Run again, `init` makes it: what the killed one left is never in the way.
            open_database(db_path).close()
        shown = sorted(p.name for p in db_path.parent.iterdir() if not p.name.startswith("."))
        assert set(shown) <= {db_path.name, f"{db_path.name}-wal", f"{db_path.name}-shm"}, (
            f"{where}: {shown}"
        )
        sound(db_path, where)

    def prepare(n: int) -> None:  # a new computer each time, also when a run is done again
        shutil.rmtree(tmp_path / f"新电脑{n}", ignore_errors=True)

    kills(helper, "cli", "init", lambda n: ["--db", str(path(n)), "init"], check, prepare=prepare)


# ====================================================================== backups


def test_backups_killed_leave_only_whole_backups_and_the_database_as_it_was(
    helper: Helper, tmp_path: Path, demo_file: Path
) -> None:
    """Plain and encrypted backups in turn, into the `backups` folder beside the database:
    whatever a kill leaves, every backup the program lists is whole and verified (what a
    killed one was writing stays under a hidden temporary name), and the database is as it
    was."""
    path = _copy_office(demo_file, tmp_path / "办公室" / "office.db")
    before = content(path)
    folder = backups_folder(path)

    def encrypted(n: int) -> bool:
        return n % 2 == 1

    def args(n: int) -> list[str]:
        return ["--db", str(path), "backup", *(["--encrypt"] if encrypted(n) else [])]

    def env(n: int) -> dict[str, str]:
        return {PASSWORD_ENV: PASSWORD} if encrypted(n) else {}

    def check(_n: int, run: Run, where: str) -> None:
        seen_by_the_program(path, where)
        assert content(path) == before, f"{where}: the database changed"
        listed = list_backups(path)
        named = (
            {p for p in folder.iterdir() if not p.name.startswith(".")}
            if folder.exists()
            else set()
        )
        assert named == {info.path for info in listed}, f"{where}: {named}"
        for info in listed:
            checked = describe_backup(info.path, PASSWORD if info.encrypted else None)
            assert checked.sound, f"{where}: {info.path.name}: {checked.problem}"
            assert checked.cases == 24, where
        sound(path, where)

    kills(helper, "cli", "backup", args, check, env=env)
    assert list_backups(path), f"KILL_SEED={SEED}: not one backup was made"


# ====================================================================== restores


def test_restores_killed_leave_the_old_database_or_the_restored_one(
    helper: Helper, tmp_path: Path, demo_file: Path
) -> None:
    """The backup holds the demo; the database has two cases more. After a kill the database
    is one or the other, whole; once it is the restored one, the old one is saved aside."""
    source = _copy_office(demo_file, tmp_path / "备份来源" / "office.db")
    db = open_database(source, create=False)
    try:
        made = make_backup(db, tmp_path, reason="manual").path
    finally:
        db.close()
    new_state = content(source)
    target = _copy_office(demo_file, tmp_path / "办公室" / "office.db")
    _register_one(target, "楼道堆物纠纷")
    _register_one(target, "宠物扰民纠纷")
    old_state = content(target)
    assert old_state != new_state
    pristine = target.read_bytes()
    aside_folder = backups_folder(target)
    seen_aside: set[Path] = set()

    def asides() -> set[Path]:
        if not aside_folder.exists():
            return set()
        return {
            p for p in aside_folder.iterdir() if "before-restore" in p.name and p.suffix == ".db"
        }

    def prepare(_n: int) -> None:
        nonlocal seen_aside
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        target.write_bytes(pristine)
        seen_aside = asides()

    def check(_n: int, run: Run, where: str) -> None:
        seen_by_the_program(target, where)
        state = content(target)
        assert state in (old_state, new_state), f"{where}: a mix of the two"
        fresh = asides() - seen_aside
        for aside in fresh:
            # Restorable as it is (read-only, as restore reads it), and the old database.
            checked = describe_backup(aside)
            assert checked.sound, f"{where}: {aside.name}: {checked.problem}"
            assert content(aside) == old_state, f"{where}: {aside.name} is not the old database"
        if state == new_state:
            assert fresh, f"{where}: replaced, but the old database was not saved aside"
        if not run.killed:
            assert state == new_state, where
        sound(target, where)

    kills(
        helper,
        "cli",
        "restore",
        lambda _n: ["--db", str(target), "restore", str(made), "--yes"],
        check,
        prepare=prepare,
    )


# ====================================================================== upgrades


def test_upgrades_killed_leave_the_old_revision_or_the_new_one(
    helper: Helper, tmp_path: Path
) -> None:
    """A file of revision 0002 with rows in every table, opened by the program (a copy aside,
    then every migration, one of them rebuilding `dispute_case`): after a kill it is at 0002
    exactly as it was, or at the newest revision with every row; opened again, it upgrades."""
    pristine = tmp_path / "old.db"
    database_at(pristine, OLD_REVISION)
    fill_every_table(pristine)
    old_state = content(pristine)
    old_counts = {t: n for t, n in counts(pristine).items() if t != "audit_log"}
    target = tmp_path / "upgrade" / "office.db"
    target.parent.mkdir()

    def prepare(_n: int) -> None:
        for leftover in target.parent.iterdir():
            leftover.unlink()
        target.write_bytes(pristine.read_bytes())

    def check(_n: int, run: Run, where: str) -> None:
        seen_by_the_program(target, where)
        revision = revision_of(target)
        if revision == OLD_REVISION:
            assert run.killed, where
            assert content(target) == old_state, f"{where}: changed, yet at the old revision"
        else:
            assert revision == migrate.HEAD_REVISION, f"{where}: at revision {revision}"
        for copy in target.parent.glob("office.before-upgrade-*"):
            assert content(copy) == old_state, f"{where}: {copy.name} is not the old file"
        sound(target, where)  # opening it upgrades what is left at the old revision
        now = {t: n for t, n in counts(target).items() if t in old_counts}
        assert now == old_counts, f"{where}: rows lost"

    kills(
        helper,
        "open",
        "upgrade",
        lambda _n: [str(target)],
        check,
        count=UPGRADE_KILLS,
        prepare=prepare,
    )


# ====================================================================== exports


def test_exports_killed_leave_no_half_file_under_its_name(
    helper: Helper, tmp_path: Path, demo_file: Path
) -> None:
    """An output (here `export`, every case) is written under a hidden name and renamed once
    whole; what a killed one left is removed by the next output of that name an hour on."""
    path = _copy_office(demo_file, tmp_path / "办公室" / "office.db")
    stick = tmp_path / "U盘"
    stick.mkdir()
    out = stick / "全部案件.json"

    def check(_n: int, run: Run, where: str) -> None:
        if out.exists():
            cases = json.loads(out.read_text("utf-8"))["cases"]
            assert len(cases) == 24, f"{where}: {len(cases)} cases in the file"
        shown = [p.name for p in stick.iterdir() if not p.name.startswith(".")]
        assert shown in ([], [out.name]), f"{where}: {shown}"

    kills(
        helper,
        "cli",
        "export",
        lambda _n: ["--db", str(path), "export", str(out)],
        check,
        count=UPGRADE_KILLS,
    )
    (stick / f".{out.name}.0badc0de").write_bytes(b'{"cases": [')  # as a killed one leaves
    young = stick / f".{out.name}.5eed1e55"  # another copy of the program's, being written
    an_hour_ago = time.time() - 3700
    for leftover in stick.glob(".*"):
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    young.write_bytes(b"{")
    run, _ = helper.run("cli", ["--db", str(path), "export", str(out)], None)
    assert run.code == 0, run.output
    assert sorted(p.name for p in stick.iterdir()) == sorted([out.name, young.name])


# ====================================================================== a hot journal


def test_a_writer_killed_in_the_middle_of_a_rollback_journal_leaves_a_file_that_opens(
    helper: Helper, tmp_path: Path, demo_file: Path
) -> None:
    """What the program first reads of a file it opens (its revision, whether it holds a
    schema, the window's quick check) is read read-only, which cannot roll back a hot journal:
    SQLite answered "read-only", and the file was refused as one that cannot be written."""
    path = _copy_office(demo_file, tmp_path / "办公室" / "office.db")
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
    before = content(path)
    run, _ = helper.run("hot", [str(path)], 0.0)
    where = "a writer in rollback-journal mode killed mid-transaction"
    assert run.killed, run.output
    assert path.with_name(path.name + "-journal").stat().st_size > 0, where  # a hot journal
    seen_by_the_program(path, where)
    assert content(path) == before, where
    sound(path, where)


# ====================================================================== worker processes


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_the_workers_of_a_killed_bulk_build_end_with_it(helper: Helper, tmp_path: Path) -> None:
    """A large import or demo lays its cases out in worker processes (`bulk.InOrder`); killed,
    the program left them sleeping for good, a quarter of a gigabyte each."""
    pid, out = helper.start("pool", [])
    _await_ready(pid, out)
    workers = _children(pid)
    assert workers, out.read_text()
    os.kill(pid, signal.SIGKILL)
    assert helper.reap(pid) is None
    deadline = time.monotonic() + 20
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = sorted(w for w in workers if _alive(w))
    for worker in left:  # what the test itself started is not left running
        os.kill(worker, signal.SIGKILL)
    assert left == [], "the workers outlived the program that started them"
