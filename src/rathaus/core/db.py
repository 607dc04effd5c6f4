"""Engine, sessions and the tenant scoping that every query goes through.

A session opened for a tenant (``open_session(factory, tenant_id=...)``) adds
``WHERE tenant_id = :tenant`` to every ORM query of a tenant-owned table and refuses to flush a
row of another tenant. Code that works across tenants (the platform admin, the job runner before
it knows the job's tenant) opens a session without a tenant.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, ForeignKey, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
    with_loader_criteria,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TENANT_KEY = "tenant_id"
# The platform's tables (accounts, jobs, files, audit); the modules' come from their Module record.
PLATFORM_TABLE_MODULES: tuple[str, ...] = (
    "rathaus.core.security.models",
    "rathaus.core.jobs",
    "rathaus.core.storage",
    "rathaus.core.audit.models",
    "rathaus.core.letters.models",
)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "naive datetimes are not stored; use rathaus.core.db.utcnow()"
            raise ValueError(msg)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy's documented hook


class TenantOwned:
    """Mixin for every domain row: it belongs to exactly one tenant."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy declared_attr signature
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True, nullable=False)


class DatabaseUnavailableError(RuntimeError):
    """The configured database cannot be reached."""


class CrossTenantWriteError(PermissionError):
    """A session scoped to one tenant tried to write a row of another tenant."""


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailableError with a readable message when the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as error:
        url = engine.url.render_as_string(hide_password=True)
        msg = f"Cannot reach the database at {url}: {error.orig}"
        raise DatabaseUnavailableError(msg) from error


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def open_session(factory: sessionmaker[Session], *, tenant_id: int | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error; scoped to ``tenant_id`` if given."""
    session = factory()
    session.info[TENANT_KEY] = tenant_id
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def tenant_of(session: Session) -> int | None:
    """The tenant a session is scoped to, or None for a platform session."""
    value = session.info.get(TENANT_KEY)
    return int(value) if value is not None else None


@event.listens_for(Session, "do_orm_execute")
def _scope_queries(state: ORMExecuteState) -> None:
    tenant_id = state.session.info.get(TENANT_KEY)
    if tenant_id is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(
            with_loader_criteria(
                TenantOwned,
                lambda cls: cls.tenant_id == tenant_id,
                include_aliases=True,
                track_closure_variables=True,
            )
        )


@event.listens_for(Session, "before_flush")
def _refuse_cross_tenant_writes(session: Session, _context: object, _instances: object) -> None:
    tenant_id = session.info.get(TENANT_KEY)
    if tenant_id is None:
        return
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, TenantOwned):
            owner = obj.tenant_id
            if owner is None:
                obj.tenant_id = tenant_id
            elif owner != tenant_id:
                msg = f"{type(obj).__name__} of tenant {owner} written in a session of tenant {tenant_id}"
                raise CrossTenantWriteError(msg)
