"""Shared fixtures: every test gets its own database built by the real migrations."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tests.databases import copied_database

# Qt must never try to open a real display in the test run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
#: A fixed "today" so dates in tests do not drift.
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep logs and default databases out of the real user folder."""
    home = tmp_path_factory.mktemp("data-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture(autouse=True)
def _no_sign_in_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's parser tells the accounts where to find a person's name and PIN
    (the environment); a test that built it in this process must not leave that behind for
    the next one, which would then sign in on demand where it expects nobody."""
    from app.services import accounts

    monkeypatch.setattr(accounts, "_source", None)


@pytest.fixture(scope="session")
def new_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database built by the real migrations, copied for each test that needs a new one.

    Building the schema takes a few hundred milliseconds and hundreds of tests want a fresh
    file; the copy is the very file the migrations made (the migrations themselves are tested
    on their own in test_database.py).
    """
    from app.services.database import open_database

    path = tmp_path_factory.mktemp("template") / "new.db"
    open_database(path).close()
    return path


@pytest.fixture
def db(tmp_path: Path, new_database_file: Path):
    database = copied_database(new_database_file, tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def demo_db(tmp_path: Path):
    from app.services.database import open_database
    from app.services.demo import fill_demo

    database = open_database(tmp_path / "demo.db")
    fill_demo(database, cases=40, seed=11, today=TODAY)
    yield database
    database.close()


def artifacts_dir(*parts: str) -> Path:
    """A folder for pictures a person reviews (git-ignored)."""
    path = ARTIFACTS.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
