"""Fixtures for the reply tests: a tenant with a caseworker, a filing plan position, an e-mail item,
the demo text blocks, two assistant sources (lexically indexed) and a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.service import Actor
from rathaus.core.config import AISettings
from rathaus.core.db import open_session
from rathaus.core.mail import MailSettings
from rathaus.core.security.models import Role
from rathaus.inbox.models import Item, ItemSource, ItemStatus, OrgUnit, Position
from rathaus.inbox.textblocks import demo_text_blocks
from rathaus.web.context import AppContext
from tests.requirements import require_module
from tests.servers import SmtpServer, smtp_server

CASEWORKER = "sachbearbeitung-a"
LETTER = (
    "Sehr geehrte Damen und Herren,\n\nich möchte für meinen Urlaub einen neuen Reisepass beantragen. "
    "Was muss ich dafür mitbringen und was kostet der Reisepass?\n\nMit freundlichen Grüßen\nErika Müller"
)
TODAY = date(2025, 3, 10)


@dataclass
class ReplyWorld:
    sessions: sessionmaker[Session]
    tenant_id: int
    other_tenant_id: int
    item_id: int
    letter_id: int
    position_id: int
    actor: Actor


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    require_module("aiosmtpd", install="pip install -e '.[dev]'")
    with smtp_server() as server:
        yield server


def mail_settings(server: SmtpServer) -> MailSettings:
    return MailSettings(
        host=server.host,
        port=server.port,
        security="none",
        from_address="poststelle@stadt-a.example",
        timeout=5,
    )


def import_demo_sources(sessions: sessionmaker[Session], tenant_id: int) -> None:
    """Assistant sources like the demo's (two services, an internal instruction), indexed lexically."""
    from rathaus.assistant import service  # noqa: PLC0415 - the tests may meet both modules
    from rathaus.assistant.sources import SourceInput  # noqa: PLC0415

    editor = Actor(id=None, name="redaktion")
    with open_session(sessions, tenant_id=tenant_id) as session:
        passport = SourceInput(
            kind="service",
            title="Reisepass beantragen",
            body="Den Reisepass beantragen Sie persönlich im Bürgerbüro. Mitzubringen sind der bisherige "
            "Ausweis und ein aktuelles biometrisches Passfoto. Der Reisepass kostet 70 Euro.",
            url="https://stadt-a.example/reisepass",
            external_id="service:reisepass",
            meta={},
        )
        dogs = SourceInput(
            kind="service",
            title="Hund anmelden",
            body="Einen Hund melden Sie innerhalb von zwei Wochen bei der Steuerstelle an.",
            url=None,
            external_id="service:hund",
            meta={},
        )
        service.import_sources(session=session, tenant_id=tenant_id, items=[passport, dogs], actor=editor)
        instruction = SourceInput(
            kind="document",
            title="Dienstanweisung Reisepass",
            body="Reisepass im Urlaub: Bei Eilbedarf vor dem Urlaub prüft die Sachbearbeitung einen "
            "vorläufigen Reisepass. Nur für den Dienstgebrauch.",
            url=None,
            external_id="da:reisepass",
            meta={},
        )
        service.import_sources(
            session=session, tenant_id=tenant_id, items=[instruction], visibility="internal", actor=editor
        )
        service.reindex(session=session, embedder=None)


@pytest.fixture
def reply_world(sessions: sessionmaker[Session]) -> ReplyWorld:
    from tests.factories import make_tenant, make_user  # noqa: PLC0415

    with open_session(sessions) as session:
        tenant = make_tenant(session, slug="stadt-a", name="Stadt Anfangsort")
        other = make_tenant(session, slug="stadt-b", name="Gemeinde Bergdorf")
        user = make_user(session, tenant, CASEWORKER, roles={Role.CASEWORKER})
        ids = (tenant.id, other.id, user.id)
    actor = Actor(id=ids[2], name=CASEWORKER)
    with open_session(sessions, tenant_id=ids[0]) as session:
        unit = OrgUnit(name="Bürgerbüro", email="buergerbuero@stadt-a.example")
        position = Position(number="32.10", title="Pass- und Ausweiswesen", org_unit=unit)
        session.add_all([unit, position])
        session.flush()
        item = Item(
            source=ItemSource.EMAIL,
            status=ItemStatus.ACCEPTED,
            subject="Neuer Reisepass",
            sender_name="Frau Erika Müller",
            sender_address="Erika Müller <erika.mueller@example.org>",
            message_id="<brief-1@example.org>",
            text=LETTER,
            content_sha256="a" * 64,
            received_at=datetime(2025, 3, 3, 9, 30, tzinfo=UTC),
            position_id=position.id,
            org_unit_id=unit.id,
        )
        letter = Item(
            source=ItemSource.UPLOAD,
            status=ItemStatus.ACCEPTED,
            subject="Antrag auf Sondernutzung",
            sender_name="Herr Max Becker",
            sender_address="Hauptstraße 5, 12345 Anfangsort",
            text="Ich beantrage die Sondernutzung des Gehwegs vor meinem Geschäft.",
            content_sha256="b" * 64,
            file_reference="66.20-2025-17",
        )
        session.add_all([item, letter])
        session.flush()
        demo_text_blocks(session=session, actor=actor)
        return ReplyWorld(
            sessions=sessions,
            tenant_id=ids[0],
            other_tenant_id=ids[1],
            item_id=item.id,
            letter_id=letter.id,
            position_id=position.id,
            actor=actor,
        )


def context_for(app_context: AppContext, server: SmtpServer | None) -> AppContext:
    """The app's context without AI backends and with the loopback SMTP server as outgoing mail."""
    update: dict[str, object] = {"ai": AISettings(llm_backend="none", embedding_backend="none")}
    if server is not None:
        update["mail"] = mail_settings(server)
    settings = app_context.settings.model_copy(update=update)
    return AppContext(settings=settings, engine=app_context.engine, sessions=app_context.sessions)
