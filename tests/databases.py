"""New databases for tests, copied from one the real migrations built (see conftest)."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.services.database import Database, open_database


def copied_database(template: Path, path: Path) -> Database:
    """Open a copy of `template` at `path` (a closed database holds everything in its main file)."""
    shutil.copyfile(template, path)
    return open_database(path)
