"""Searching the case list off the window's thread.

What is typed in the main window's search box is looked up by a `SearchJob` in the thread
pool: the first page of the list and the number of cases found, by the same rules as the
`search` command (`app.services.search`). Every job carries the generation of the request it
answers; the list takes a result only if no newer request (another key typed, a filter, a
sort, a refresh) came after it, so an old, slow search never overwrites a newer one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Signal

from app.domain.errors import UserError
from app.views import CaseQuery, CaseRow
from ui import errors

if TYPE_CHECKING:
    from app.services.database import Database


def read_first_page(db: Database, query: CaseQuery, page_size: int) -> tuple[int, list[CaseRow]]:
    """How many cases `query` finds, and the first page of them (runs in a worker thread)."""
    from app.services.cases import count_cases, list_cases

    return count_cases(db, query), list_cases(db, query, 0, page_size)


class SearchSignals(QObject):
    #: (generation, query, total, rows)
    done = Signal(int, object, int, object)
    #: (generation, message)
    failed = Signal(int, str)


class SearchJob(QRunnable):
    """One search of the case list, in the thread pool; its answer comes back by a signal
    (delivered in the window's thread, which made `signals`)."""

    def __init__(self, db: Database, query: CaseQuery, page_size: int, generation: int) -> None:
        super().__init__()
        self.db = db
        self.query = query
        self.page_size = page_size
        self.generation = generation
        self.signals = SearchSignals()

    def run(self) -> None:
        try:
            # Looked up at run time: tests put a slow search in its place.
            total, rows = read_first_page(self.db, self.query, self.page_size)
        except UserError as error:
            self.signals.failed.emit(self.generation, error.message)
        except Exception as error:
            errors.log_exception(type(error), error, error.__traceback__)
            self.signals.failed.emit(self.generation, errors.apology())
        else:
            self.signals.done.emit(self.generation, self.query, total, rows)
