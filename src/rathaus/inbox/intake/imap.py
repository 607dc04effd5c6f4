"""Polling IMAP mailboxes: every new mail taken in exactly once, through crashes, restarts and races.

A mail is identified by (mailbox, UIDVALIDITY, UID). For each new one the processed-mail row, the item
and its reading job are written in ONE transaction and committed per mail; the row's unique key makes
a second worker's insert fail, and that worker rolls the mail back and goes on. Only after the commit
are the post-actions done (mark read, move): a crash in between leaves the mail unread in the
mailbox, but taken in once. An error of the server (login refused, connection lost) is written to
``Mailbox.last_error`` in German and audited; what was committed stays, and the next poll continues
where this one stopped. A mail that cannot be parsed is kept as a FAILED item with its raw bytes.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.core.jobs import JobInterruptedError, JobLostError
from rathaus.core.security.secrets import SecretDecryptionError, decrypt
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.intake.email import parse_eml, unreadable_mail
from rathaus.inbox.intake.imap_client import (
    CONNECTION_ERRORS,
    FetchedMail,
    ImapCommandError,
    ImapConnection,
    Server,
    batches,
    connect,
    describe,
)
from rathaus.inbox.intake.parts import MailParseError
from rathaus.inbox.mailboxes import RuleOutcome, RuleSpec, match_rules, rule_specs
from rathaus.inbox.models import Item, ItemSource, ItemStatus, Mailbox, ProcessedMail
from rathaus.inbox.schemas import Incoming
from rathaus.inbox.service import receive

logger = logging.getLogger(__name__)
SessionScope = Callable[[], AbstractContextManager[Session]]
# Queues the reading job of a new item in the item's transaction (``jobs.queue_processing``); passed in,
# so that intake does not import the job module that imports it.
QueueReading = Callable[[Session, int], object]
TAKEN, IGNORED, DUPLICATE, FAILED = "taken", "ignored", "duplicate", "failed"
UNDECRYPTABLE = (
    "Das gespeicherte Passwort lässt sich nicht entschlüsseln (der Schlüssel der Installation wurde "
    "geändert). Bitte das Passwort des Postfachs neu eingeben."
)
TOO_LARGE = (
    "Die E-Mail ist mit {size:.0f} MB zu groß (höchstens {limit:.0f} MB). Nur ihre Kopfzeilen wurden "
    "übernommen; die E-Mail selbst bleibt im Postfach."
)


@dataclass(frozen=True)
class PollConfig:
    """What a poll needs besides the mailbox (from the settings; ``ssl_context`` for a private CA)."""

    secret_key: str
    files_dir: Path
    queue_reading: QueueReading
    timeout: float = 30.0
    max_mail_bytes: int = 100 * 1024**2
    batch_count: int = 10
    batch_bytes: int = 25 * 1024**2
    ssl_context: ssl.SSLContext | None = None


@dataclass
class PollResult:
    """The counts of one poll of one mailbox, and its error (German) if it stopped early."""

    mailbox_id: int
    name: str = ""
    taken: int = 0
    ignored: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0  # taken in by another worker at the same time
    item_ids: list[int] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class _Mailbox:
    server: Server
    name: str
    password_encrypted: str
    rules: tuple[RuleSpec, ...]


def poll_mailbox(
    *,
    sessions: SessionScope,
    mailbox_id: int,
    config: PollConfig,
    actor: Actor,
    progress: Callable[[], None] | None = None,
) -> PollResult:
    """Take in the new mails of one mailbox; ``sessions()`` opens a committing, tenant-scoped session.

    ``progress`` is called after every mail (the job uses it to notice a shutdown).
    """
    with sessions() as session:
        mailbox = _load(session, mailbox_id)
    result = PollResult(mailbox_id=mailbox_id, name=mailbox.name if mailbox else "")
    if mailbox is None:
        result.error = "Das Postfach existiert nicht mehr."
        return result
    try:
        password = decrypt(config.secret_key, mailbox.password_encrypted)
        with connect(
            mailbox.server, password=password, timeout=config.timeout, ssl_context=config.ssl_context
        ) as imap:
            _take_new(imap, sessions, mailbox_id, mailbox.rules, config, actor, result, progress)
    except SecretDecryptionError:
        result.error = UNDECRYPTABLE
    except CONNECTION_ERRORS as error:
        logger.warning("polling mailbox %s (%s) failed: %r", mailbox_id, mailbox.server.host, error)
        result.error = describe(error, mailbox.server, config.timeout)
    _finish(sessions, result, actor)
    return result


def poll_mailboxes(
    *,
    sessions: SessionScope,
    config: PollConfig,
    actor: Actor,
    mailbox_id: int | None = None,
    min_interval: timedelta | None = None,
    progress: Callable[[], None] | None = None,
) -> list[PollResult]:
    """Poll the tenant's enabled mailboxes (or the one given, whenever asked); one failing stops no other.

    Mailboxes polled within ``min_interval`` are left for the next sweep.
    """
    now = utcnow()
    with sessions() as session:
        query = select(Mailbox).order_by(Mailbox.id)
        query = (
            query.where(Mailbox.id == mailbox_id) if mailbox_id is not None else query.where(Mailbox.enabled)
        )
        due = [
            mailbox.id
            for mailbox in session.scalars(query)
            if mailbox_id is not None
            or min_interval is None
            or mailbox.last_polled_at is None
            or mailbox.last_polled_at <= now - min_interval
        ]
    results = []
    for due_id in due:
        try:
            results.append(
                poll_mailbox(
                    sessions=sessions, mailbox_id=due_id, config=config, actor=actor, progress=progress
                )
            )
        except (JobInterruptedError, JobLostError):
            raise
        except Exception as error:  # one broken mailbox must not stop the others
            logger.exception("polling mailbox %s failed unexpectedly", due_id)
            failed = PollResult(
                mailbox_id=due_id, error=f"Interner Fehler beim Abruf ({type(error).__name__})."
            )
            _finish(sessions, failed, actor)
            results.append(failed)
    return results


def _load(session: Session, mailbox_id: int) -> _Mailbox | None:
    mailbox = session.scalar(select(Mailbox).where(Mailbox.id == mailbox_id))
    if mailbox is None:
        return None
    server = Server(
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        folder=mailbox.folder,
    )
    rules = tuple(rule_specs(session=session, mailbox_id=mailbox.id))
    return _Mailbox(
        server=server, name=mailbox.name, password_encrypted=mailbox.password_encrypted, rules=rules
    )


def _take_new(
    imap: ImapConnection,
    sessions: SessionScope,
    mailbox_id: int,
    rules: Sequence[RuleSpec],
    config: PollConfig,
    actor: Actor,
    result: PollResult,
    progress: Callable[[], None] | None,
) -> None:
    with sessions() as session:
        done = set(
            session.scalars(
                select(ProcessedMail.uid).where(
                    ProcessedMail.mailbox_id == mailbox_id, ProcessedMail.uidvalidity == imap.uidvalidity
                )
            )
        )
    new = [uid for uid in imap.uids() if uid not in done]
    sizes = imap.sizes(new)
    for batch in batches(new, sizes, count=config.batch_count, max_bytes=config.batch_bytes):
        large = [uid for uid in batch if sizes.get(uid, 0) > config.max_mail_bytes]
        fetched = [
            *(_header_only(imap, uid, sizes[uid], config) for uid in large),
            *imap.fetch([uid for uid in batch if uid not in large]),
        ]
        for mail in sorted(fetched, key=lambda mail: mail.uid):
            outcome, decision = take_mail(
                sessions=sessions,
                mailbox_id=mailbox_id,
                uidvalidity=imap.uidvalidity,
                mail=mail,
                rules=rules,
                config=config,
                actor=actor,
                result=result,
            )
            if outcome in {TAKEN, DUPLICATE}:
                _post_actions(imap, mail.uid, decision, result)
            if progress is not None:
                progress()


@dataclass(frozen=True)
class _TooLarge(FetchedMail):
    reason: str = ""


def _header_only(imap: ImapConnection, uid: int, size: int, config: PollConfig) -> FetchedMail:
    reason = TOO_LARGE.format(size=size / 1024**2, limit=config.max_mail_bytes / 1024**2)
    return _TooLarge(uid=uid, raw=imap.fetch_header(uid), internal_date=None, reason=reason)


def take_mail(
    *,
    sessions: SessionScope,
    mailbox_id: int,
    uidvalidity: int,
    mail: FetchedMail,
    rules: Sequence[RuleSpec],
    config: PollConfig,
    actor: Actor,
    result: PollResult,
) -> tuple[str | None, RuleOutcome]:
    """Parse, apply the rules and commit one mail (row + item + job); None when another worker had it."""
    failure = mail.reason if isinstance(mail, _TooLarge) else None
    try:
        incoming = parse_eml(mail.raw, source=ItemSource.EMAIL) if failure is None else None
    except MailParseError as error:
        failure = str(error)
        incoming = None
    if incoming is None:
        incoming = unreadable_mail(
            mail.raw, source=ItemSource.EMAIL, reason=failure or "", filename=f"E-Mail-UID-{mail.uid}.eml"
        )
        decision = RuleOutcome()
    else:
        decision = match_rules(rules, incoming)
        incoming = replace(
            incoming,
            received_at=mail.internal_date or incoming.received_at,
            position_number=decision.position_number,
            rule_reason=decision.reason,
        )
    try:
        with sessions() as session:
            row = ProcessedMail(
                mailbox_id=mailbox_id,
                uidvalidity=uidvalidity,
                uid=mail.uid,
                message_id=(incoming.message_id or "")[:998] or None,
                outcome=IGNORED,
            )
            session.add(row)
            session.flush()  # the unique key: if another worker took this mail, stop here
            row.detail = decision.reason  # which rules decided (a failure replaces it)
            earlier = _taken_before(session, row) if decision.take and failure is None else None
            if earlier is not None:  # the same mail under a new UIDVALIDITY (a migrated or rebuilt mailbox)
                row.outcome, row.item_id = DUPLICATE, earlier.item_id
                row.detail = f"schon übernommen (UIDVALIDITY {earlier.uidvalidity}, UID {earlier.uid})"
            elif decision.take:
                _receive(session, row, incoming, failure, config, actor)
            session.flush()
            outcome, item_id = row.outcome, row.item_id
    except IntegrityError:
        logger.info("mail %s/%s/%s was taken in by another worker", mailbox_id, uidvalidity, mail.uid)
        result.skipped += 1
        return None, decision
    _count(result, outcome, item_id)
    return outcome, decision


def _taken_before(session: Session, row: ProcessedMail) -> ProcessedMail | None:
    """The mailbox's earlier row for the same Message-ID under another UIDVALIDITY, if any."""
    if not row.message_id:
        return None
    return session.scalar(
        select(ProcessedMail)
        .where(
            ProcessedMail.mailbox_id == row.mailbox_id,
            ProcessedMail.message_id == row.message_id,
            ProcessedMail.uidvalidity != row.uidvalidity,
            ProcessedMail.outcome.in_([TAKEN, DUPLICATE]),
        )
        .order_by(ProcessedMail.id)
        .limit(1)
    )


def _receive(
    session: Session,
    row: ProcessedMail,
    incoming: Incoming,
    failure: str | None,
    config: PollConfig,
    actor: Actor,
) -> None:
    received = receive(session=session, files_dir=config.files_dir, incoming=incoming, actor=actor)
    item: Item = received.item
    row.item_id = item.id
    if failure is not None:
        row.outcome, row.detail = FAILED, failure
        if received.duplicate_of is None:
            item.status, item.status_message = ItemStatus.FAILED, failure
    elif received.duplicate_of is not None:
        row.outcome = DUPLICATE
    else:
        row.outcome = TAKEN
        config.queue_reading(session, item.id)


def _count(result: PollResult, outcome: str, item_id: int | None) -> None:
    if outcome == TAKEN:
        result.taken += 1
        if item_id is not None:
            result.item_ids.append(item_id)
    elif outcome == DUPLICATE:
        result.duplicates += 1
    elif outcome == FAILED:
        result.failed += 1
    else:
        result.ignored += 1


def _post_actions(imap: ImapConnection, uid: int, decision: RuleOutcome, result: PollResult) -> None:
    try:
        if decision.mark_read:
            imap.mark_read(uid)
        if decision.move_to:
            imap.move(uid, decision.move_to)
    except ImapCommandError as error:
        logger.warning("post-action for UID %s failed: %s", uid, error)
        target = (
            f"in den Ordner „{decision.move_to}“ verschieben" if decision.move_to else "als gelesen markieren"
        )
        result.warnings.append(f"Eine übernommene E-Mail ließ sich nicht {target} (UID {uid}).")


def _finish(sessions: SessionScope, result: PollResult, actor: Actor) -> None:
    with sessions() as session:
        mailbox = session.scalar(select(Mailbox).where(Mailbox.id == result.mailbox_id))
        if mailbox is None:
            return
        mailbox.last_polled_at = utcnow()
        mailbox.last_error = result.error or (" ".join(result.warnings[:5]) or None)
        record(
            session=session,
            actor=actor,
            action=InboxAction.MAILBOX_POLLED,
            object_type="inbox_mailbox",
            object_id=mailbox.id,
            details={key: value for key, value in result.as_dict().items() if key != "item_ids"},
        )
