"""Fixtures of the public booking tests: mail through a real SMTP server, the office, a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rathaus.appointments.config import AppointmentsSettings
from rathaus.core.db import open_session
from rathaus.core.mail import MailSettings
from rathaus.modules import Settings
from tests.appointments.office import NOW, Office, make_office
from tests.conftest import World
from tests.servers import SmtpServer, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def appointment_settings() -> AppointmentsSettings:
    return AppointmentsSettings(proof_wait_seconds=0)


@pytest.fixture
def settings(
    tmp_path: Path, database_url: str, smtp: SmtpServer, appointment_settings: AppointmentsSettings
) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        mail=MailSettings(
            host=smtp.host, port=smtp.port, security="none", from_address="termine@stadt-a.example"
        ),
        appointments=appointment_settings,  # type: ignore[call-arg]
    )


@pytest.fixture
def office(world: World, monkeypatch: pytest.MonkeyPatch) -> Office:
    monkeypatch.setattr("rathaus.appointments.web.common.utcnow", lambda: NOW)
    with open_session(world.sessions) as session:
        return make_office(session, world.tenant_a_id)
