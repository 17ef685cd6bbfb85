"""Alembic environment: runs on the connection handed over by `app.db.migrate`."""

from __future__ import annotations

from alembic import context

from app.db.fts import include_object
from app.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when run as `alembic` from a shell
    from app.db.engine import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url", "laoniangjiu.db"))
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
    include_object=include_object,  # the search index is made by app.db.fts
)
with context.begin_transaction():
    context.run_migrations()
