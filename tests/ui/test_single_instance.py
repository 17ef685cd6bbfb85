"""One copy of the program per data folder: a second start brings the first one's window to
the front and ends; a lock left by a killed copy is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile, Qt

from tests.conftest import ROOT
from tests.databases import copied_database
from ui.main import EXIT_OK, EXIT_RUNNING
from ui.single_instance import BROUGHT_TO_FRONT, SingleCopy, lock_path

#: A second copy in a process of its own: claims the folder, then asks the first one.
SECOND = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from ui.single_instance import SingleCopy, ask_running_copy
app = QCoreApplication([])
folder = Path(sys.argv[1])
print(SingleCopy(folder).claim(), ask_running_copy(folder), flush=True)
"""

#: A copy that holds the folder until it is killed.
HOLDER = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from ui.single_instance import SingleCopy
app = QCoreApplication([])
copy = SingleCopy(Path(sys.argv[1]))
print("held" if copy.claim() else "refused", flush=True)
time.sleep(120)
"""


def environment(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"))


def run_beside(qtbot, tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """Run a process while this one keeps answering (its event loop turns meanwhile)."""
    process = subprocess.Popen(
        [sys.executable, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(tmp_path),
        cwd=ROOT,
    )
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=60000)
    out, err = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture
def first(tmp_path: Path) -> Iterator[SingleCopy]:
    copy = SingleCopy(tmp_path / "数据")
    assert copy.claim()
    yield copy
    copy.release()


def test_a_second_copy_is_refused_and_brings_the_first_to_the_front(
    qtbot, tmp_path: Path, first: SingleCopy
) -> None:
    asked: list[bool] = []
    first.show_requested.connect(lambda: asked.append(True))
    done = run_beside(qtbot, tmp_path, "-c", SECOND, str(first.folder))
    assert done.stdout.split() == ["False", "True"], done.stderr[-2000:]
    assert asked == [True] and first.requests == 1


def test_in_one_process_the_folder_is_held_per_folder(tmp_path: Path, first: SingleCopy) -> None:
    assert not SingleCopy(first.folder).claim()  # the same folder: held
    other = SingleCopy(tmp_path / "另一个文件夹")
    assert other.claim()  # another data folder: a copy of its own
    other.release()
    first.release()
    again = SingleCopy(first.folder)
    assert again.claim()  # let go: the next start takes it
    again.release()


def test_the_lock_of_a_killed_copy_is_taken_over(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "数据"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(tmp_path),
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not SingleCopy(folder).claim()  # alive: held
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert lock_path(folder).exists()  # what the killed copy left
    copy = SingleCopy(folder)
    try:
        assert copy.claim()
        # It answers under the folder's name again (the dead copy's socket was replaced).
        done = run_beside(qtbot, tmp_path, "-c", SECOND, str(folder))
        assert done.stdout.split() == ["False", "True"], done.stderr[-2000:]
    finally:
        copy.release()


def test_the_program_started_twice_brings_the_window_to_the_front(
    qtbot, tmp_path: Path, first: SingleCopy
) -> None:
    asked: list[bool] = []
    first.show_requested.connect(lambda: asked.append(True))
    database = first.folder / "laoniangjiu.db"
    done = run_beside(qtbot, tmp_path, "-m", "ui", "--db", str(database), "--exit-after-paint")
    assert done.returncode == EXIT_OK, done.stderr[-2000:]
    assert BROUGHT_TO_FRONT in done.stderr
    assert asked == [True]
    assert not database.exists()  # the second start never opened the database


def test_a_running_copy_that_does_not_answer_is_explained(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "数据"
    folder.mkdir()
    lock = QLockFile(str(lock_path(folder)))  # held, but nobody listens
    lock.setStaleLockTime(0)
    assert lock.tryLock(0)
    try:
        done = run_beside(
            qtbot, tmp_path, "-m", "ui", "--db", str(folder / "x.db"), "--exit-after-paint"
        )
    finally:
        lock.unlock()
    assert done.returncode == EXIT_RUNNING, done.stderr[-2000:]
    assert "已经打开了" in done.stderr and "任务栏" in done.stderr
    assert "Traceback" not in done.stderr


# The offscreen platform cannot raise a window; that says nothing about the program.
@pytest.mark.qt_log_ignore(
    "does not support raise",
    "does not support requestActivate",
    "does not support propagateSizeHints",
)
def test_the_window_comes_back_from_the_taskbar(window, qtbot) -> None:
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=2000)
    window.bring_to_front()
    assert not window.isMinimized()
    assert window.isVisible()
    assert not (window.windowState() & Qt.WindowState.WindowMinimized)


@pytest.mark.qt_log_ignore(
    "does not support raise",
    "does not support requestActivate",
    "does not support propagateSizeHints",
)
def test_a_second_start_brings_the_started_window_back(
    qtbot,
    start,
    tmp_path: Path,
    demo_database_file: Path,
) -> None:
    database = tmp_path / "数据" / "laoniangjiu.db"
    database.parent.mkdir()
    copied_database(demo_database_file, database).close()
    started = start(database)
    window = started.startup.window
    qtbot.waitUntil(lambda: window.db is not None, timeout=30000)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=2000)
    done = run_beside(qtbot, tmp_path, "-m", "ui", "--db", str(database), "--exit-after-paint")
    assert done.returncode == EXIT_OK, done.stderr[-2000:]
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=5000)
    assert started.startup.single is not None and started.startup.single.requests == 1
