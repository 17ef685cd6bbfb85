"""Guard against a PySide6 build that under-counts references to None, True and False.

Measured with PySide6 6.12.0 on Python 3.11: every Qt call that returns nothing (and every
signal emission) takes one reference from `None` (or `True`/`False`) without having given
it. Python 3.12 made these objects immortal so the build does not notice, but on 3.11 the
count reaches zero after a few thousand calls and the interpreter aborts ("deallocating
None") — in practice within the first minute of using the window.

If, and only if, the running build shows the fault, the three objects get a count so large
that no session can use it up: the same thing Python 3.12 does for them.
"""

from __future__ import annotations

import ctypes
import sys

#: Far beyond any session (a call per microsecond for a year is ~3·10^13) and far below
#: the maximum of a 64-bit count.
RESERVE = 2**50
_applied = False


def build_loses_references() -> bool:
    if sys.version_info >= (3, 12):  # immortal there: a lost reference does no harm
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(20):
        probe.setObjectName("")
    return sys.getrefcount(None) < before


def protect_singletons() -> bool:
    """Apply the guard when needed; returns whether it was applied (once per process)."""
    global _applied
    if _applied or not build_loses_references():
        return _applied
    if ctypes.sizeof(ctypes.c_ssize_t) < 8:
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    _applied = True
    return True
