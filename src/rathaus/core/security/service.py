"""Accounts and tenants: creation, password checks, lockout and per-client rate limits."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rathaus.core.audit.actions import PlatformAction
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.core.security.models import LoginAttempt, Role, Tenant, User, UserRole

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("rathaus-timing-equaliser")

MIN_PASSWORD_LENGTH = 12
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


class ValidationProblem(ValueError):  # noqa: N818 - a problem with input, not a program error
    """Input that cannot be saved; ``field`` names the form field, the message is German."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationProblem(
            "password", f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein."
        )


def create_tenant(*, session: Session, actor: Actor, slug: str, name: str, state: str = "NI") -> Tenant:
    """Create a municipality; the slug is its short, unique, lower-case name."""
    slug = slug.strip().lower()
    name = name.strip()
    if not SLUG_PATTERN.match(slug):
        raise ValidationProblem(
            "slug", "Das Kürzel darf nur Kleinbuchstaben, Ziffern und Bindestriche enthalten."
        )
    if not name:
        raise ValidationProblem("name", "Bitte geben Sie einen Namen an.")
    if session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        raise ValidationProblem("slug", "Dieses Kürzel ist bereits vergeben.")
    tenant = Tenant(slug=slug, name=name, state=state.upper())
    session.add(tenant)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=PlatformAction.TENANT_CREATED,
        object_type="tenant",
        object_id=tenant.id,
        tenant_id=tenant.id,
        details={"slug": slug, "name": name},
    )
    return tenant


def create_user(
    *,
    session: Session,
    actor: Actor,
    tenant: Tenant,
    username: str,
    full_name: str,
    password: str,
    roles: set[Role],
    email: str | None = None,
    is_superuser: bool = False,
) -> User:
    """Create a local account with an argon2 password hash and the given roles."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationProblem(
            "username",
            "Der Benutzername darf nur Kleinbuchstaben, Ziffern, Punkt, Binde- und Unterstrich enthalten.",
        )
    if not full_name.strip():
        raise ValidationProblem("full_name", "Bitte geben Sie den vollständigen Namen an.")
    check_password_rules(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationProblem("username", "Dieser Benutzername ist bereits vergeben.")
    user = User(
        tenant_id=tenant.id,
        username=username,
        full_name=full_name.strip(),
        email=(email or "").strip() or None,
        password_hash=hash_password(password),
        is_superuser=is_superuser,
    )
    user.role_rows = [UserRole(tenant_id=tenant.id, role=role) for role in sorted(roles)]
    session.add(user)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=PlatformAction.USER_CREATED,
        object_type="user",
        object_id=user.id,
        tenant_id=tenant.id,
        details={"username": username, "roles": sorted(r.value for r in roles), "superuser": is_superuser},
    )
    return user


class LoginOutcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


def authenticate(
    *,
    session: Session,
    username: str,
    password: str,
    client: str,
    max_failures: int,
    lockout: timedelta,
    client_attempts_per_minute: int,
) -> LoginResult:
    """Check a login. Locks the account after ``max_failures`` and throttles a client that tries too often."""
    now = utcnow()
    username = username.strip().lower()[:80]
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(hours=1)))
    recent = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.client == client, LoginAttempt.at >= now - timedelta(minutes=1)
        )
    )
    if (recent or 0) >= client_attempts_per_minute:
        return LoginResult(LoginOutcome.THROTTLED)
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.locked_until is not None and user.locked_until > now:
        session.add(LoginAttempt(client=client, username=username, succeeded=False))
        return LoginResult(LoginOutcome.LOCKED)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        valid = user is not None and user.is_active
    except (VerificationError, InvalidHashError):
        valid = False
    session.add(LoginAttempt(client=client, username=username, succeeded=valid))
    if user is None:
        return LoginResult(LoginOutcome.INVALID)
    actor = Actor(id=user.id, name=user.username)
    if not valid:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
            record(
                session=session,
                actor=actor,
                action=PlatformAction.USER_LOCKED,
                object_type="user",
                object_id=user.id,
                tenant_id=user.tenant_id,
                details={"minutes": int(lockout.total_seconds() // 60)},
            )
            return LoginResult(LoginOutcome.LOCKED)
        return LoginResult(LoginOutcome.INVALID)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record(
        session=session,
        actor=actor,
        action=PlatformAction.USER_LOGIN,
        object_type="user",
        object_id=user.id,
        tenant_id=user.tenant_id,
    )
    return LoginResult(LoginOutcome.OK, user)
