"""The Qt binding must not wear out Python's count of references to None (see ui/pyside_fix.py)."""

from __future__ import annotations

import os
import subprocess
import sys

# Far more calls than None has references at start-up (about 5 000): a build that loses one
# per call, unguarded, aborts with "deallocating None" long before the end.
CALLS = 100_000
PROGRAM = f"""
import gc, sys
import ui
from PySide6.QtCore import QObject, Signal

class Probe(QObject):
    poked = Signal()

probe = Probe()
for _ in range({CALLS}):
    probe.setObjectName("")
    probe.poked.emit()
gc.collect()
print("survived", sys.getrefcount(None) > 0)
"""


def test_many_qt_calls_do_not_abort_the_program() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived True" in done.stdout
