"""Mailboxes and mail rules: validation in German, audit events, and the order rules are applied in."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.intake.email import parse_eml
from rathaus.inbox.mailboxes import (
    MailboxError,
    MailboxInput,
    MailRuleInput,
    RuleSpec,
    delete_mail_rule,
    delete_mailbox,
    list_mailboxes,
    mailbox_password,
    match_rules,
    rule_specs,
    save_mail_rule,
    save_mailbox,
)
from rathaus.inbox.models import Position
from rathaus.modules import Settings
from tests.factories import make_tenant
from tests.inbox.intake.conftest import ACTOR, MailSpec, Scope, mail


@pytest.fixture
def scope(sessions: sessionmaker[Session]) -> Scope:
    with open_session(sessions) as session:
        tenant_id = make_tenant(session, slug="stadt-regeln", name="Stadt Regeln").id
    return lambda: open_session(sessions, tenant_id=tenant_id)


BOX = MailboxInput(name="Poststelle", host="imap.example", username="post", password="pw-1")


def test_mailbox_input_is_checked_in_german(scope: Scope, settings: Settings) -> None:
    with scope() as session:
        with pytest.raises(MailboxError, match="Servernamen") as raised:
            save_mailbox(
                session=session,
                secret_key=settings.secret_key,
                actor=ACTOR,
                data=MailboxInput(name="", host="imap example", username="", security="tls", port=0),
            )
        message = str(raised.value)
        for part in ("Namen für das Postfach", "Benutzernamen", "Verschlüsselung", "zwischen 1 und 65535"):
            assert part in message


def test_save_list_delete_are_audited_without_the_password(scope: Scope, settings: Settings) -> None:
    with scope() as session:
        mailbox = save_mailbox(session=session, secret_key=settings.secret_key, actor=ACTOR, data=BOX)
        assert (mailbox.port, mailbox.folder) == (993, "INBOX")
        assert mailbox_password(mailbox=mailbox, secret_key=settings.secret_key) == "pw-1"
        save_mailbox(
            session=session,
            secret_key=settings.secret_key,
            actor=ACTOR,
            mailbox_id=mailbox.id,
            data=MailboxInput(name="Post", host="imap.example", username="post", security="starttls"),
        )
        assert (mailbox.port, mailbox.name) == (143, "Post")
        assert mailbox_password(mailbox=mailbox, secret_key=settings.secret_key) == "pw-1"
        assert [m.name for m in list_mailboxes(session=session)] == ["Post"]
        delete_mailbox(session=session, actor=ACTOR, mailbox_id=mailbox.id)
        assert list_mailboxes(session=session) == []
        events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("inbox.mailbox%"))).all()
        assert [event.action for event in events] == [
            InboxAction.MAILBOX_SAVED.value,
            InboxAction.MAILBOX_SAVED.value,
            InboxAction.MAILBOX_DELETED.value,
        ]
        assert [event.details.get("password_changed") for event in events[:2]] == [True, False]
        assert all("pw-1" not in str(event.details) for event in events)


def test_rules_check_regexes_and_positions_and_keep_their_order(scope: Scope, settings: Settings) -> None:
    with scope() as session:
        mailbox = save_mailbox(session=session, secret_key=settings.secret_key, actor=ACTOR, data=BOX)
        session.add(Position(number="32.1", title="Ordnungsamt"))
        session.flush()
        with pytest.raises(MailboxError, match="Der reguläre Ausdruck für „Absender“ ist ungültig"):
            save_mail_rule(
                session=session,
                actor=ACTOR,
                mailbox_id=mailbox.id,
                data=MailRuleInput(name="x", sender="(", use_regex=True),
            )
        with pytest.raises(MailboxError, match=r"Position „99\.9“ gibt es im Aktenplan nicht"):
            save_mail_rule(
                session=session,
                actor=ACTOR,
                mailbox_id=mailbox.id,
                data=MailRuleInput(name="x", position_number="99.9"),
            )
        first = save_mail_rule(
            session=session,
            actor=ACTOR,
            mailbox_id=mailbox.id,
            data=MailRuleInput(name="Erste", position_number="32.1"),
        )
        save_mail_rule(session=session, actor=ACTOR, mailbox_id=mailbox.id, data=MailRuleInput(name="Zweite"))
        save_mail_rule(
            session=session, actor=ACTOR, mailbox_id=mailbox.id, data=MailRuleInput(name="Vorne", order=1)
        )
        specs = rule_specs(session=session, mailbox_id=mailbox.id)
        assert [(spec.name, spec.position_number) for spec in specs] == [
            ("Vorne", None),
            ("Erste", "32.1"),
            ("Zweite", None),
        ]
        delete_mail_rule(session=session, actor=ACTOR, mailbox_id=mailbox.id, rule_id=first.id)
        assert [spec.name for spec in rule_specs(session=session, mailbox_id=mailbox.id)] == [
            "Vorne",
            "Zweite",
        ]
        with pytest.raises(MailboxError, match="Diese Regel existiert nicht"):
            delete_mail_rule(session=session, actor=ACTOR, mailbox_id=mailbox.id, rule_id=first.id)


MESSAGE = parse_eml(
    mail(
        MailSpec(
            subject="Antrag Hundesteuer", sender="Frau Meier <meier@example.org>", text="Mein Hund Bello"
        ),
        attachments=(("Anmeldung.PDF", b"%PDF-1.4\n", "application/pdf"),),
    )
)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ((), (True, None, False, None, ())),
        (
            (RuleSpec(name="a", subject="HUNDESTEUER", position_number="22.3", move_to="Steuer"),),
            (True, "22.3", True, "Steuer", ("a",)),
        ),
        (
            (RuleSpec(name="a", sender="meier@", action="ignore"), RuleSpec(name="b", position_number="1")),
            (False, None, True, None, ("a",)),
        ),
        (
            (RuleSpec(name="a", body="bello", stop=False, mark_read=False), RuleSpec(name="b", subject="x")),
            (True, None, False, None, ("a",)),
        ),
        (
            (
                RuleSpec(name="a", position_number="1", stop=False),
                RuleSpec(name="b", attachment_name=r"\.pdf$", use_regex=True, move_to="PDF"),
            ),
            (True, "1", True, "PDF", ("a", "b")),
        ),
        ((RuleSpec(name="a", sender="meier", recipient="niemand"),), (True, None, False, None, ())),
        (
            (RuleSpec(name="a", sender=r"^Frau Meier <", use_regex=True, action="ignore"),),
            (False, None, True, None, ("a",)),
        ),
    ],
)
def test_rules_apply_in_order_until_one_says_stop(
    rules: tuple[RuleSpec, ...], expected: tuple[object, ...]
) -> None:
    outcome = match_rules(rules, MESSAGE)
    assert (
        outcome.take,
        outcome.position_number,
        outcome.mark_read,
        outcome.move_to,
        outcome.matched,
    ) == expected
