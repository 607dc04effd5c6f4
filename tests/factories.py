"""Factories for test data: real rows through the real domain functions."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.security.models import Role, Tenant, User
from rathaus.core.security.service import create_tenant, create_user
from tests.conftest import TEST_PASSWORD

FACTORY_ACTOR = Actor.system("test-factory")


def make_tenant(
    session: Session, *, slug: str = "stadt-test", name: str = "Stadt Test", state: str = "NI"
) -> Tenant:
    return create_tenant(session=session, actor=FACTORY_ACTOR, slug=slug, name=name, state=state)


def make_user(
    session: Session,
    tenant: Tenant,
    username: str,
    *,
    roles: set[Role] | None = None,
    admin: bool = False,
    superuser: bool = False,
    password: str = TEST_PASSWORD,
) -> User:
    chosen = set(roles or set())
    if admin:
        chosen.add(Role.ADMIN)
    return create_user(
        session=session,
        actor=FACTORY_ACTOR,
        tenant=tenant,
        username=username,
        full_name=f"Test {username}",
        password=password,
        roles=chosen,
        is_superuser=superuser,
    )


def make_member(sessions: sessionmaker[Session], tenant_id: int, username: str, role: Role) -> None:
    """A user of tenant ``tenant_id`` with the one ``role``, committed at once."""
    with open_session(sessions) as session:
        tenant = session.get(Tenant, tenant_id)
        assert tenant is not None
        make_user(session, tenant, username, roles={role})
