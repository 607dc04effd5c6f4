"""Fixtures of the citizen form tests: the shipped types installed in tenant A, mail to a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rathaus.applications.catalog import install_shipped
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.mail import MailSettings
from rathaus.modules import Settings
from tests.conftest import World
from tests.servers import SmtpServer, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, database_url: str, smtp: SmtpServer) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        mail=MailSettings(
            host=smtp.host, port=smtp.port, security="none", from_address="antraege@stadt-a.example"
        ),
    )


@pytest.fixture
def shipped(world: World) -> World:
    """The three shipped types, active in tenant A."""
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        assert len(install_shipped(session=session, actor=Actor.system("test"))) == 3
    return world
