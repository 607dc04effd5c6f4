"""Accounts: validation, lockout, per-client throttling, and the audit trail of logins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session, utcnow
from rathaus.core.security.models import LoginAttempt, Role, User
from rathaus.core.security.service import LoginOutcome, LoginResult, ValidationProblem, authenticate
from tests.conftest import TEST_PASSWORD
from tests.factories import make_tenant, make_user


def _login(
    sessions: sessionmaker[Session], username: str, password: str, client: str = "10.0.0.1"
) -> LoginResult:
    with open_session(sessions) as session:
        return authenticate(
            session=session,
            username=username,
            password=password,
            client=client,
            max_failures=3,
            lockout=timedelta(minutes=15),
            client_attempts_per_minute=5,
        )


@pytest.fixture
def account(sessions: sessionmaker[Session]) -> str:
    with open_session(sessions) as session:
        make_user(session, make_tenant(session), "k.klar", roles={Role.CASEWORKER})
    return "k.klar"


def test_usernames_are_case_insensitive(sessions: sessionmaker[Session], account: str) -> None:
    assert _login(sessions, "  K.Klar ", TEST_PASSWORD).outcome is LoginOutcome.OK


def test_client_is_throttled_after_too_many_attempts(sessions: sessionmaker[Session], account: str) -> None:
    outcomes = [_login(sessions, f"unbekannt{n}", "falsch").outcome for n in range(5)]
    assert outcomes == [LoginOutcome.INVALID] * 5
    assert _login(sessions, account, TEST_PASSWORD).outcome is LoginOutcome.THROTTLED
    # another client is not affected
    assert _login(sessions, account, TEST_PASSWORD, client="10.0.0.2").outcome is LoginOutcome.OK


def test_lock_expires(sessions: sessionmaker[Session], account: str) -> None:
    for _ in range(3):
        _login(sessions, account, "falsch", client="10.0.0.3")
    assert _login(sessions, account, TEST_PASSWORD, client="10.0.0.4").outcome is LoginOutcome.LOCKED
    with open_session(sessions) as session:
        user = session.scalar(select(User).where(User.username == account))
        assert user is not None
        user.locked_until = utcnow() - timedelta(seconds=1)
    assert _login(sessions, account, TEST_PASSWORD, client="10.0.0.5").outcome is LoginOutcome.OK


def test_logins_are_recorded_without_passwords(sessions: sessionmaker[Session], account: str) -> None:
    _login(sessions, account, TEST_PASSWORD)
    _login(sessions, account, "falsches-geheimnis")
    with open_session(sessions) as session:
        attempts = session.scalars(select(LoginAttempt.succeeded).order_by(LoginAttempt.id)).all()
        assert attempts == [True, False]
        details = session.scalars(select(AuditEvent.details)).all()
        assert all("falsches-geheimnis" not in str(d) and TEST_PASSWORD not in str(d) for d in details)
        assert session.scalar(select(func.count()).where(AuditEvent.action == "user.login")) == 1


@pytest.mark.parametrize(
    ("username", "field"),
    [("Groß Buchstaben", "username"), ("a", "username"), ("gut.name", "password")],
)
def test_invalid_accounts_are_refused(sessions: sessionmaker[Session], username: str, field: str) -> None:
    with open_session(sessions) as session:
        tenant = make_tenant(session)
        with pytest.raises(ValidationProblem) as problem:
            make_user(session, tenant, username, password="kurz" if field == "password" else TEST_PASSWORD)
        assert problem.value.field == field
