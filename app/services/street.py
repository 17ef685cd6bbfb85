"""街道视图: several committees' statistics side by side, from their exchange files.

A street judicial office receives each community's exchange file. Each file is imported into
a database of its own in a temporary folder (the same checks as any import), counted there, and
the folder removed: the files themselves are only read, and nothing of them stays behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from tempfile import TemporaryDirectory

from app.domain.errors import UserError
from app.domain.statistics import Period, Statistics, combine
from app.services.database import open_database
from app.services.exchange import import_file
from app.services.statistics import period_statistics

TOTAL = "合计"


@dataclass(frozen=True)
class StreetView:
    """Each committee's statistics in the order of its file, and all of them together."""

    period: Period
    committees: tuple[Statistics, ...]
    total: Statistics
    #: The file each committee's figures came from.
    files: tuple[Path, ...]


def file_statistics(path: Path, period: Period) -> Statistics:
    """The statistics of one exchange file, counted in a temporary database."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到交换文件“{path}”，请检查文件名和所在的文件夹。")
    with TemporaryDirectory(prefix="laoniangjiu-street-") as folder:
        db = open_database(Path(folder) / "street.db")
        try:
            import_file(db, path, actor="街道汇总")
            return period_statistics(db, period)
        finally:
            db.close()


def street_statistics(
    paths: Sequence[Path],
    period: Period,
    progress: Callable[[int, int], None] | None = None,
) -> StreetView:
    """The statistics of every file (in the order given) and their total.

    A committee that appears twice under one name is told apart by its file's name.
    """
    if not paths:
        raise UserError("请给出至少一个社区的交换文件（.json）。")
    committees: list[Statistics] = []
    for index, path in enumerate(paths):
        if progress is not None:
            progress(index, len(paths))
        stats = file_statistics(Path(path), period)
        name = stats.committee or Path(path).stem
        if any(c.committee == name for c in committees):
            name = f"{name}（{Path(path).name}）"
        committees.append(stats if stats.committee == name else replace(stats, committee=name))
    if progress is not None:
        progress(len(paths), len(paths))
    return StreetView(
        period=period,
        committees=tuple(committees),
        total=combine(committees, TOTAL),
        files=tuple(Path(p) for p in paths),
    )
