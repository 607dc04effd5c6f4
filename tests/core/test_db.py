"""Tenant scoping is enforced by the session itself, on reads and writes."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.db import (
    CrossTenantWriteError,
    DatabaseUnavailableError,
    check_connection,
    make_engine,
    open_session,
)
from rathaus.core.jobs import Job
from rathaus.core.security.models import User
from tests.factories import make_tenant, make_user


@pytest.fixture
def two_tenants(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with open_session(sessions) as session:
        a, b = make_tenant(session, slug="a-stadt"), make_tenant(session, slug="b-stadt")
        make_user(session, a, "anna")
        make_user(session, b, "bernd")
        session.add_all([Job(tenant_id=a.id, kind="a.job"), Job(tenant_id=b.id, kind="b.job")])
        return a.id, b.id


def test_queries_see_only_their_tenant(sessions: sessionmaker[Session], two_tenants: tuple[int, int]) -> None:
    a, _ = two_tenants
    with open_session(sessions, tenant_id=a) as session:
        assert session.scalars(select(User.username)).all() == ["anna"]
        assert session.scalars(select(Job.kind)).all() == ["a.job"]
        assert session.scalar(select(func.count()).select_from(User)) == 1
        assert session.scalar(select(User).where(User.username == "bernd")) is None
    with open_session(sessions) as platform:
        assert sorted(platform.scalars(select(User.username))) == ["anna", "bernd"]


def test_bulk_update_and_delete_are_scoped(
    sessions: sessionmaker[Session], two_tenants: tuple[int, int]
) -> None:
    a, _ = two_tenants
    with open_session(sessions, tenant_id=a) as session:
        session.execute(update(Job).values(stage="geändert"))
        session.execute(delete(Job))
    with open_session(sessions) as platform:
        assert platform.scalars(select(Job.kind)).all() == ["b.job"]


def test_writing_another_tenants_row_is_refused(
    sessions: sessionmaker[Session], two_tenants: tuple[int, int]
) -> None:
    a, b = two_tenants
    with pytest.raises(CrossTenantWriteError), open_session(sessions, tenant_id=a) as session:
        session.add(Job(tenant_id=b, kind="eingeschmuggelt"))
    with open_session(sessions, tenant_id=a) as session:
        job = Job(kind="ohne Mandant")
        session.add(job)
        session.flush()
        assert job.tenant_id == a  # a new row takes the session's tenant
    with open_session(sessions) as platform:
        assert platform.scalar(select(Job).where(Job.kind == "eingeschmuggelt")) is None


def test_unreachable_database_gives_a_clear_error() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailableError, match="Cannot reach the database at postgresql"):
        check_connection(engine)
