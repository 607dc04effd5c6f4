"""Migrations create exactly the schema the models describe, and run down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from rathaus.core.db import Base
from rathaus.core.migrate import alembic_config, pending, upgrade
from rathaus.modules import import_tables

import_tables()  # every table on Base.metadata


def _inline_sqlite_foreign_key(difference: tuple[object, ...]) -> bool:
    """SQLAlchemy does not reflect the name and ON DELETE of a foreign key declared inline in a column
    (what ``ALTER TABLE … ADD COLUMN … REFERENCES`` writes on SQLite); those are checked with PRAGMA."""
    return difference[0] in {"add_fk", "remove_fk"}


def _fts_table(difference: tuple[object, ...]) -> bool:
    """SQLite FTS5 virtual tables (``*_fts``) and their shadow tables live outside the models."""
    table = difference[1] if difference[0] == "remove_table" else None
    return "_fts" in str(getattr(table, "name", ""))


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        if engine.dialect.name == "sqlite":
            differences = [d for d in differences if not _inline_sqlite_foreign_key(d) and not _fts_table(d)]
            keys = connection.exec_driver_sql("PRAGMA foreign_key_list('tenants')").fetchall()
            assert [(row[2], row[3], row[6]) for row in keys] == [
                ("stored_files", "letterhead_file_id", "SET NULL")
            ]
    assert differences == []


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    assert not pending(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert pending(engine)
    assert "users" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert not pending(engine)
    assert {"tenants", "users", "audit_events", "jobs", "stored_files"} <= set(
        inspect(engine).get_table_names()
    )
