"""The 待办 list over all cases is each case's own items, merged: the list's shortcuts (the
watched cases found in SQL, the obligations read at once, one sort) leave nothing out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.deadlines import sort_due
from app.services.database import Database
from app.services.due import due_items
from tests.conftest import TODAY


@pytest.mark.parametrize("days_before", [0, 20, 45, 120, 300])
def test_the_list_is_every_cases_items_most_urgent_first(
    demo_db: Database, days_before: int
) -> None:
    from sqlalchemy import select

    from app.db.models import Case

    on = TODAY - timedelta(days=days_before)
    with demo_db.reading() as session:
        ids = list(session.scalars(select(Case.id)))
    each = [item for case_id in ids for item in due_items(demo_db, on, case_id=case_id)]
    assert due_items(demo_db, on) == sort_due(each)
    if days_before == 0:
        assert len({item.kind for item in each}) == 4  # the demo shows every kind of item
