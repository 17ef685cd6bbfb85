"""Deleting a case overwrites what it held; the connection keeps its own `secure_delete`."""

from __future__ import annotations

import pytest

from app.services.database import Database
from app.services.retention import overwriting


@pytest.mark.parametrize(("own", "value"), [("OFF", 0), ("ON", 1), ("FAST", 2)])
def test_overwriting_is_on_inside_and_puts_the_connections_own_setting_back(
    db: Database, own: str, value: int
) -> None:
    with db.engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA secure_delete = {own}")
        with overwriting(connection):
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == value


def test_the_setting_is_put_back_when_the_deletion_fails(db: Database) -> None:
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA secure_delete = FAST")
        with pytest.raises(RuntimeError), overwriting(connection):
            raise RuntimeError("refused")
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 2
