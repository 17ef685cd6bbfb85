"""Where files live: the user's data folder (platformdirs) and the bundled resources."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "laoniangjiu"


def data_dir() -> Path:
    path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "laoniangjiu.db"


def log_path() -> Path:
    return data_dir() / "laoniangjiu.log"


def resource_path(*parts: str) -> Path:
    """A bundled file under `resources/` (fonts, style sheet…)."""
    return Path(str(files("resources").joinpath(*parts)))
