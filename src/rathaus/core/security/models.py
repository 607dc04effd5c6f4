"""Tenants, user accounts, their roles, and login attempts."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rathaus.core.db import Base, TenantOwned, utcnow


class Role(enum.StrEnum):
    """What a user may do within their tenant."""

    ADMIN = "admin"
    MINUTES_CLERK = "minutes_clerk"
    CASEWORKER = "caseworker"
    REVIEWER = "reviewer"
    KNOWLEDGE_EDITOR = "knowledge_editor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administration",
    Role.MINUTES_CLERK: "Protokollführung",
    Role.CASEWORKER: "Sachbearbeitung",
    Role.REVIEWER: "Prüfung",
    Role.KNOWLEDGE_EDITOR: "Wissensredaktion",
}


class Tenant(Base):
    """A municipality served by this installation (OParl: Body)."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(2), default="NI", doc="Bundesland code for holidays, e.g. NI")
    letterhead_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL", use_alter=True), doc="letterhead for exports"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(TenantOwned, Base):
    """A local account of a member of staff."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_superuser: Mapped[bool] = mapped_column(default=False, doc="may manage tenants (platform admin)")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    session_version: Mapped[int] = mapped_column(default=1, doc="bumped to end all sessions of the user")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    tenant: Mapped[Tenant] = relationship(lazy="joined")

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return self.is_superuser or role in self.roles or (Role.ADMIN in self.roles and role != Role.ADMIN)


class UserRole(TenantOwned, Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginAttempt(Base):
    """One login try, for per-client rate limiting (kept short, no password stored)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    username: Mapped[str] = mapped_column(String(80))
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
