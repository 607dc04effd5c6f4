"""IMAP mailboxes and their mail rules: keyword-only service functions (the caller commits).

The password of a mailbox is stored encrypted (:mod:`rathaus.core.security.secrets`) and never
returned: editing a mailbox replaces it only when a new one is given.

Mail rules are applied in their order to every new mail (:func:`match_rules`). A rule matches when
each of its filled-in filters (sender, recipient, subject, body, attachment name) matches: a
case-insensitive substring, or with ``use_regex`` a regular expression. A matching rule decides the
action (take the mail in, or ignore it and leave it untouched in the mailbox), may route the item to
a position, and names the post-actions (mark read, move to a folder); later matching rules override
earlier ones unless a rule says "stop here". A mail no rule matches is taken in and left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.security.secrets import decrypt, encrypt
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.filing import position_by_number
from rathaus.inbox.models import DocumentRole, Mailbox, MailRule, Position
from rathaus.inbox.schemas import Incoming

SECURITY_LABELS = {
    "ssl": "SSL/TLS (meist Port 993)",
    "starttls": "STARTTLS (meist Port 143)",
    "none": "unverschlüsselt (nur im internen Netz)",
}
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
TAKE, IGNORE = "take", "ignore"
RULE_ACTIONS = {TAKE: "übernehmen", IGNORE: "ignorieren (im Postfach lassen)"}
FILTERS = ("sender", "recipient", "subject", "body", "attachment_name")
FILTER_LABELS = {
    "sender": "Absender",
    "recipient": "Empfänger",
    "subject": "Betreff",
    "body": "Text",
    "attachment_name": "Name eines Anhangs",
}
MAX_MATCHED_CHARS = 50_000  # a regular expression never runs over more of a mail's text


class MailboxError(ValueError):
    """Invalid input for a mailbox or mail rule; the message is German and meant for the person."""


# -- mailboxes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailboxInput:
    """What an admin enters for a mailbox; ``password`` None or "" keeps the stored one."""

    name: str
    host: str
    username: str
    port: int | None = None
    security: str = "ssl"
    password: str | None = None
    folder: str = "INBOX"
    enabled: bool = True


def _checked(data: MailboxInput) -> MailboxInput:
    errors = []
    if not data.name.strip():
        errors.append("Bitte einen Namen für das Postfach angeben.")
    if not data.host.strip() or any(ch.isspace() for ch in data.host.strip()):
        errors.append("Bitte den Servernamen angeben (z. B. imap.stadt.de, ohne Leerzeichen).")
    if not data.username.strip():
        errors.append("Bitte den Benutzernamen des Postfachs angeben.")
    if data.security not in SECURITY_LABELS:
        errors.append("Bitte eine Verschlüsselung wählen: SSL/TLS, STARTTLS oder unverschlüsselt.")
    if data.port is not None and not 1 <= data.port <= 65535:
        errors.append("Der Port muss eine Zahl zwischen 1 und 65535 sein.")
    if errors:
        raise MailboxError(" ".join(errors))
    return data


def save_mailbox(
    *, session: Session, secret_key: str, actor: Actor, data: MailboxInput, mailbox_id: int | None = None
) -> Mailbox:
    """Create a mailbox (a password is required) or update one (the password only when given)."""
    data = _checked(data)
    if mailbox_id is None:
        if not data.password:
            raise MailboxError("Bitte das Passwort des Postfachs angeben.")
        mailbox = Mailbox(password_encrypted=encrypt(secret_key, data.password))
        session.add(mailbox)
    else:
        mailbox = get_mailbox(session=session, mailbox_id=mailbox_id)
        if data.password:
            mailbox.password_encrypted = encrypt(secret_key, data.password)
    mailbox.name = data.name.strip()[:200]
    mailbox.host = data.host.strip()[:255]
    mailbox.port = data.port or DEFAULT_PORTS[data.security]
    mailbox.security = data.security
    mailbox.username = data.username.strip()[:255]
    mailbox.folder = data.folder.strip()[:255] or "INBOX"
    if data.enabled and not mailbox.enabled:
        mailbox.last_error = None
    mailbox.enabled = data.enabled
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.MAILBOX_SAVED,
        object_type="inbox_mailbox",
        object_id=mailbox.id,
        details={
            "created": mailbox_id is None,
            "host": mailbox.host,
            "port": mailbox.port,
            "security": mailbox.security,
            "username": mailbox.username,
            "folder": mailbox.folder,
            "enabled": mailbox.enabled,
            "password_changed": bool(data.password),
        },
    )
    return mailbox


def get_mailbox(*, session: Session, mailbox_id: int) -> Mailbox:
    """The mailbox in the session's tenant, or :class:`MailboxError`."""
    mailbox = session.scalar(select(Mailbox).where(Mailbox.id == mailbox_id))
    if mailbox is None:
        raise MailboxError("Dieses Postfach existiert nicht.")
    return mailbox


def list_mailboxes(*, session: Session) -> list[Mailbox]:
    """The tenant's mailboxes by name."""
    return list(session.scalars(select(Mailbox).order_by(Mailbox.name, Mailbox.id)))


def delete_mailbox(*, session: Session, actor: Actor, mailbox_id: int) -> None:
    """Delete the mailbox with its rules and processed-mail log; items taken in stay."""
    mailbox = get_mailbox(session=session, mailbox_id=mailbox_id)
    details = {"name": mailbox.name, "host": mailbox.host, "username": mailbox.username}
    session.delete(mailbox)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.MAILBOX_DELETED,
        object_type="inbox_mailbox",
        object_id=mailbox_id,
        details=details,
    )


def mailbox_password(*, mailbox: Mailbox, secret_key: str) -> str:
    """The plain password, for connecting only (never shown, logged or returned to a page)."""
    return decrypt(secret_key, mailbox.password_encrypted)


# -- mail rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailRuleInput:
    """A mail rule as an admin enters it; ``position_number`` routes taken mails to that position."""

    name: str
    sender: str = ""
    recipient: str = ""
    subject: str = ""
    body: str = ""
    attachment_name: str = ""
    use_regex: bool = False
    action: str = TAKE
    position_number: str = ""
    mark_read: bool = True
    move_to: str = ""
    stop: bool = True
    order: int | None = None


def _check_rule(session: Session, data: MailRuleInput) -> Position | None:
    if not data.name.strip():
        raise MailboxError("Bitte einen Namen für die Regel angeben.")
    if data.action not in RULE_ACTIONS:
        raise MailboxError("Bitte als Aktion „übernehmen“ oder „ignorieren“ wählen.")
    if data.use_regex:
        for name in FILTERS:
            pattern = getattr(data, name)
            if pattern:
                try:
                    re.compile(pattern)
                except re.error as error:
                    raise MailboxError(
                        f"Der reguläre Ausdruck für „{FILTER_LABELS[name]}“ ist ungültig: "
                        f"{error.msg} (an Stelle {error.pos})."
                    ) from error
    if not data.position_number.strip():
        return None
    position = position_by_number(session=session, number=data.position_number.strip())
    if position is None:
        raise MailboxError(f"Die Position „{data.position_number.strip()}“ gibt es im Aktenplan nicht.")
    return position


def save_mail_rule(
    *, session: Session, actor: Actor, mailbox_id: int, data: MailRuleInput, rule_id: int | None = None
) -> MailRule:
    """Create or change a rule of the mailbox; without ``order`` a new rule goes last."""
    mailbox = get_mailbox(session=session, mailbox_id=mailbox_id)
    position = _check_rule(session, data)
    if rule_id is None:
        last = session.scalar(select(func.max(MailRule.order)).where(MailRule.mailbox_id == mailbox.id))
        rule = MailRule(
            mailbox_id=mailbox.id, order=data.order if data.order is not None else (last or 0) + 10
        )
    else:
        rule = _rule(session, mailbox_id, rule_id)
        rule.order = data.order if data.order is not None else rule.order
    rule.name = data.name.strip()[:200]
    for name in FILTERS:
        setattr(rule, name, getattr(data, name).strip()[:300])
    rule.use_regex, rule.action, rule.stop = data.use_regex, data.action, data.stop
    rule.position_id = position.id if position is not None else None
    rule.mark_read, rule.move_to = data.mark_read, data.move_to.strip()[:255] or None
    if rule_id is None:
        session.add(rule)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.MAIL_RULE_SAVED,
        object_type="inbox_mail_rule",
        object_id=rule.id,
        details={"mailbox": mailbox.id, "created": rule_id is None, **rule_summary(rule, position)},
    )
    return rule


def _rule(session: Session, mailbox_id: int, rule_id: int) -> MailRule:
    rule = session.scalar(select(MailRule).where(MailRule.id == rule_id, MailRule.mailbox_id == mailbox_id))
    if rule is None:
        raise MailboxError("Diese Regel existiert nicht.")
    return rule


def delete_mail_rule(*, session: Session, actor: Actor, mailbox_id: int, rule_id: int) -> None:
    """Remove a rule of the mailbox."""
    rule = _rule(session, mailbox_id, rule_id)
    details = {"mailbox": mailbox_id, "name": rule.name}
    session.delete(rule)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.MAIL_RULE_DELETED,
        object_type="inbox_mail_rule",
        object_id=rule_id,
        details=details,
    )


def rule_summary(rule: MailRule, position: Position | None = None) -> dict[str, object]:
    """The rule's settings for the audit log."""
    return {
        "name": rule.name,
        "order": rule.order,
        **{name: getattr(rule, name) for name in FILTERS if getattr(rule, name)},
        "regex": rule.use_regex,
        "rule_action": rule.action,
        "position": position.number if position is not None else None,
        "mark_read": rule.mark_read,
        "move_to": rule.move_to,
        "stop": rule.stop,
    }


# -- applying rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSpec:
    """A mail rule detached from the database (the poller reads rules once, then talks to IMAP)."""

    name: str
    sender: str = ""
    recipient: str = ""
    subject: str = ""
    body: str = ""
    attachment_name: str = ""
    use_regex: bool = False
    action: str = TAKE
    position_number: str | None = None
    mark_read: bool = True
    move_to: str | None = None
    stop: bool = True


def rule_specs(*, session: Session, mailbox_id: int) -> list[RuleSpec]:
    """The mailbox's rules in order, with their position numbers."""
    rows = session.execute(
        select(MailRule, Position.number)
        .outerjoin(Position, Position.id == MailRule.position_id)
        .where(MailRule.mailbox_id == mailbox_id)
        .order_by(MailRule.order, MailRule.id)
    ).all()
    return [
        RuleSpec(
            name=rule.name,
            **{name: getattr(rule, name) for name in FILTERS},
            use_regex=rule.use_regex,
            action=rule.action,
            position_number=number,
            mark_read=rule.mark_read,
            move_to=rule.move_to,
            stop=rule.stop,
        )
        for rule, number in rows
    ]


@dataclass(frozen=True)
class RuleOutcome:
    """What the rules decided for one mail (no rule matched: take it in, leave the mail as it is)."""

    take: bool = True
    position_number: str | None = None
    mark_read: bool = False
    move_to: str | None = None
    matched: tuple[str, ...] = field(default=())

    @property
    def reason(self) -> str | None:
        """German, for the item: which rules decided."""
        if not self.matched:
            return None
        return "Postfachregel: " + ", ".join(f"„{name}“" for name in self.matched)


def _matches(pattern: str, values: Sequence[str], use_regex: bool) -> bool:
    if not pattern:
        return True
    if use_regex:
        compiled = re.compile(pattern, re.IGNORECASE)
        return any(compiled.search(value[:MAX_MATCHED_CHARS]) for value in values)
    needle = pattern.casefold()
    return any(needle in value.casefold() for value in values)


def _fields(message: Incoming) -> dict[str, list[str]]:
    body = "\n".join(f.text for f in message.files if f.role is DocumentRole.BODY)
    return {
        "sender": [f"{message.sender_name} <{message.sender_address}>", message.sender_address],
        "recipient": [message.recipient],
        "subject": [message.subject],
        "body": [body],
        "attachment_name": [f.filename for f in message.files if f.role is DocumentRole.ATTACHMENT],
    }


def match_rules(rules: Sequence[RuleSpec], message: Incoming) -> RuleOutcome:
    """Apply the rules in order to a parsed mail (see the module docstring for the semantics)."""
    values = _fields(message)
    outcome = RuleOutcome()
    for rule in rules:
        if not all(_matches(getattr(rule, name), values[name], rule.use_regex) for name in FILTERS):
            continue
        outcome = RuleOutcome(
            take=rule.action != IGNORE,
            position_number=rule.position_number or outcome.position_number,
            mark_read=rule.mark_read,
            move_to=rule.move_to,
            matched=(*outcome.matched, rule.name),
        )
        if rule.stop:
            break
    return outcome
