"""A hard crash (a segfault inside Qt) leaves its Python traceback in the log file.

The program runs in a child process: it starts as `ui.main.main` starts it, then crashes on
purpose, and the log file in its data folder must name the function that crashed.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CHILD = """
import faulthandler, sys
from ui import main
code = main.main(["--exit-after-paint", "--db", sys.argv[1]])
print(f"exit={code} faulthandler={faulthandler.is_enabled()}", flush=True)

def crash_the_way_qt_does():
    faulthandler._sigsegv()

crash_the_way_qt_does()
"""


def no_core_file() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def test_a_segfault_writes_its_traceback_into_the_log(tmp_path: Path) -> None:
    data_home = tmp_path / "data"
    env = dict(os.environ, XDG_DATA_HOME=str(data_home), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "cases.db")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        preexec_fn=no_core_file,
    )
    assert "exit=0 faulthandler=True" in done.stdout, done.stderr[-3000:]
    assert done.returncode == -signal.SIGSEGV, done.stderr[-3000:]
    log = (data_home / "laoniangjiu" / "laoniangjiu.log").read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in log
    assert "crash_the_way_qt_does" in log
    assert "Fatal Python error" not in done.stderr  # in the log, where the maintainer looks
