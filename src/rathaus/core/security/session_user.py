"""The logged-in user as plain data, as routes, start-page panels and services see them."""

from __future__ import annotations

from dataclasses import dataclass

from rathaus.core.security.models import Role, User


@dataclass(frozen=True)
class TenantInfo:
    id: int
    slug: str
    name: str
    state: str


@dataclass(frozen=True)
class SessionUser:
    """The logged-in user as plain data: safe to use after the database session that loaded it is gone."""

    id: int
    username: str
    full_name: str
    tenant_id: int
    tenant: TenantInfo
    roles: frozenset[Role]
    is_superuser: bool

    @classmethod
    def of(cls, user: User) -> SessionUser:
        tenant = user.tenant
        return cls(
            id=user.id,
            username=user.username,
            full_name=user.full_name,
            tenant_id=user.tenant_id,
            tenant=TenantInfo(tenant.id, tenant.slug, tenant.name, tenant.state),
            roles=frozenset(user.roles),
            is_superuser=user.is_superuser,
        )

    def has_role(self, role: Role | str) -> bool:
        """Admins hold every role of their tenant; platform admins hold every role."""
        wanted = Role(role)
        return (
            self.is_superuser or wanted in self.roles or (Role.ADMIN in self.roles and wanted != Role.ADMIN)
        )
