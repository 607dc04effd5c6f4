"""Fixtures for the intake tests: a tenant, a real Dovecot and its mailbox row, mails built with ``email``."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.inbox.intake.imap import PollConfig
from rathaus.inbox.jobs import reading_queuer
from rathaus.inbox.mailboxes import MailboxInput, save_mailbox
from rathaus.modules import Settings
from tests import servers
from tests.factories import make_tenant
from tests.requirements import require_tool

ACTOR = Actor.system("test")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56  # the start of a Windows program
Scope = Callable[[], AbstractContextManager[Session]]


@pytest.fixture
def tenant_id(sessions: sessionmaker[Session]) -> int:
    with open_session(sessions) as session:
        return make_tenant(session, slug="stadt-post", name="Stadt Post").id


@pytest.fixture
def scope(sessions: sessionmaker[Session], tenant_id: int) -> Scope:
    """Committing sessions in the tenant, as a job's ``ctx.session`` gives them."""
    return lambda: open_session(sessions, tenant_id=tenant_id)


@pytest.fixture
def imap_base(tmp_path: Path) -> Path:
    return tmp_path / "dovecot"


@pytest.fixture
def imap(imap_base: Path) -> Iterator[servers.DovecotServer]:
    require_tool("dovecot", install="apt-get install dovecot-imapd")
    with servers.dovecot_server(imap_base) as server:
        yield server


@pytest.fixture
def poll_config(settings: Settings, tenant_id: int) -> PollConfig:
    return PollConfig(
        secret_key=settings.secret_key,
        files_dir=settings.files_dir,
        queue_reading=reading_queuer(tenant_id),
        timeout=10,
    )


def add_mailbox(
    scope: Scope,
    settings: Settings,
    server: servers.DovecotServer,
    *,
    name: str = "Poststelle",
    password: str | None = None,
    security: str = "none",
) -> int:
    with scope() as session:
        mailbox = save_mailbox(
            session=session,
            secret_key=settings.secret_key,
            actor=ACTOR,
            data=MailboxInput(
                name=name,
                host=server.host,
                port=server.port,
                security=security,
                username=server.user,
                password=password or server.password,
            ),
        )
        return mailbox.id


def append(server: servers.DovecotServer, *raw: bytes, folder: str = "INBOX") -> None:
    """Deliver mails with IMAP APPEND, as a mail server would."""
    with MailBoxUnencrypted(server.host, server.port, timeout=10).login(server.user, server.password) as box:
        for data in raw:
            box.append(data, folder)


def folder_state(server: servers.DovecotServer, folder: str = "INBOX") -> list[tuple[str, bool]]:
    """(subject, seen) of every mail in ``folder``."""
    with MailBoxUnencrypted(server.host, server.port, timeout=10).login(
        server.user, server.password, initial_folder=folder
    ) as box:
        return [(message.subject, "\\Seen" in message.flags) for message in box.fetch(mark_seen=False)]


@dataclass(frozen=True)
class MailSpec:
    subject: str = "Antrag auf Sondernutzung"
    sender: str = "Erika Mustermann <erika@example.org>"
    to: str = "poststelle@stadt-post.example"
    text: str | None = "Sehr geehrte Damen und Herren,\nich beantrage eine Sondernutzungserlaubnis."
    html: str | None = None
    message_id: str | None = None


def mail(spec: MailSpec | None = None, attachments: tuple[tuple[str, bytes, str], ...] = ()) -> bytes:
    """An RFC 822 mail; attachments as (file name, bytes, media type)."""
    spec = spec or MailSpec()
    message = EmailMessage()
    message["From"] = spec.sender
    message["To"] = spec.to
    message["Subject"] = spec.subject
    message["Date"] = "Tue, 03 Jun 2025 09:30:00 +0200"
    message["Message-ID"] = spec.message_id or f"<{abs(hash((spec.subject, spec.text)))}@example.org>"
    if spec.text is not None:
        message.set_content(spec.text)
        if spec.html is not None:
            message.add_alternative(spec.html, subtype="html")
    elif spec.html is not None:
        message.set_content(spec.html, subtype="html")
    for filename, data, media_type in attachments:
        maintype, subtype = media_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def trusting(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))
