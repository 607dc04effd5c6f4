"""Polling a real Dovecot: every mail exactly once, through restarts, races, refusals and crashes."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import make_engine, make_session_factory, open_session
from rathaus.core.jobs import Job
from rathaus.core.storage import blob_path
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.intake.imap import PollConfig, poll_mailbox, poll_mailboxes
from rathaus.inbox.models import DocumentRole, DocumentStatus, Item, ItemStatus, Mailbox, ProcessedMail
from rathaus.modules import Settings
from tests import servers
from tests.inbox.intake.conftest import ACTOR, MailSpec, Scope, add_mailbox, append, mail, trusting
from tests.requirements import require_tool


def _count(scope: Scope, model: type) -> int:
    with scope() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _items(session: Session) -> list[Item]:
    return list(session.scalars(select(Item).order_by(Item.id)))


def test_a_mail_is_taken_in_once_over_two_polls_and_a_worker_restart(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig, tenant_id: int
) -> None:
    append(imap, mail())
    mailbox_id = add_mailbox(scope, settings, imap)
    first = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
    second = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
    assert (first.taken, first.error, second.taken, second.error) == (1, None, 0, None)

    restarted = make_engine(settings.db_url)  # a fresh worker: new engine, new session factory
    try:
        fresh = make_session_factory(restarted)
        third = poll_mailbox(
            sessions=lambda: open_session(fresh, tenant_id=tenant_id),
            mailbox_id=mailbox_id,
            config=poll_config,
            actor=ACTOR,
        )
    finally:
        restarted.dispose()
    assert third.taken == 0

    with scope() as session:
        [item] = _items(session)
        assert (item.subject, item.sender_address, item.sender_name) == (
            "Antrag auf Sondernutzung",
            "erika@example.org",
            "Erika Mustermann",
        )
        assert item.status is ItemStatus.RECEIVED
        roles = {document.role: document for document in item.documents}
        assert roles[DocumentRole.ORIGINAL].status is DocumentStatus.SKIPPED
        assert roles[DocumentRole.BODY].status is DocumentStatus.READ
        assert "Sondernutzungserlaubnis" in roles[DocumentRole.BODY].text
        [processed] = session.scalars(select(ProcessedMail)).all()
        assert (processed.outcome, processed.item_id, processed.uid) == ("taken", item.id, 1)
        [job] = session.scalars(select(Job)).all()
        assert (job.kind, job.params) == ("inbox.process", {"item_id": item.id})
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        assert mailbox.last_polled_at is not None
        assert mailbox.last_error is None


def test_two_polls_racing_take_each_mail_in_once(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    append(imap, *(mail(MailSpec(subject=f"Anfrage {number}", text=f"Text {number}")) for number in range(6)))
    mailbox_id = add_mailbox(scope, settings, imap)
    start = threading.Barrier(2)
    results = []

    def run() -> None:
        start.wait()
        results.append(poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [result.error for result in results] == [None, None]
    assert sum(result.taken for result in results) == 6
    assert _count(scope, Item) == 6
    assert _count(scope, ProcessedMail) == 6
    assert _count(scope, Job) == 6


def test_a_second_worker_that_loses_the_race_rolls_the_mail_back(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    from rathaus.inbox.intake.imap import PollResult, take_mail  # noqa: PLC0415
    from rathaus.inbox.intake.imap_client import FetchedMail  # noqa: PLC0415

    mailbox_id = add_mailbox(scope, settings, imap)
    fetched = FetchedMail(uid=7, raw=mail(), internal_date=None)
    outcomes = []
    for _ in range(2):  # the same UID, as two workers would fetch it
        result = PollResult(mailbox_id=mailbox_id)
        outcome, _decision = take_mail(
            sessions=scope,
            mailbox_id=mailbox_id,
            uidvalidity=42,
            mail=fetched,
            rules=(),
            config=poll_config,
            actor=ACTOR,
            result=result,
        )
        outcomes.append((outcome, result.skipped))
    assert outcomes == [("taken", 0), (None, 1)]
    assert _count(scope, Item) == 1
    assert _count(scope, Job) == 1


def test_a_refused_login_is_shown_and_the_next_mailbox_is_still_polled(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    append(imap, mail())
    refused = add_mailbox(scope, settings, imap, name="Falsches Passwort", password="falsch")
    working = add_mailbox(scope, settings, imap, name="Poststelle")
    results = poll_mailboxes(sessions=scope, config=poll_config, actor=ACTOR)
    assert [(r.mailbox_id, r.taken) for r in results] == [(refused, 0), (working, 1)]
    with scope() as session:
        bad = session.get(Mailbox, refused)
        good = session.get(Mailbox, working)
        assert bad is not None
        assert good is not None
        assert bad.last_error is not None
        assert "Anmeldung am Postfach wurde abgelehnt" in bad.last_error
        assert good.last_error is None
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == InboxAction.MAILBOX_POLLED.value)
            .order_by(AuditEvent.id)
        ).all()
        assert [(event.object_id, bool(event.details["error"])) for event in events] == [
            (str(refused), True),
            (str(working), False),
        ]


def test_a_server_killed_mid_poll_loses_nothing_and_the_next_poll_completes(
    imap_base: Path, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    require_tool("dovecot", install="apt-get install dovecot-imapd")
    one_by_one = replace(poll_config, timeout=5, batch_count=1)
    with servers.dovecot_server(imap_base) as server:
        append(
            server,
            *(mail(MailSpec(subject=f"Brief {number}", text=f"Inhalt {number}")) for number in range(3)),
        )
        mailbox_id = add_mailbox(scope, settings, server)
        result = poll_mailbox(
            sessions=scope, mailbox_id=mailbox_id, config=one_by_one, actor=ACTOR, progress=server.kill
        )  # the server dies right after the first mail
    assert result.taken == 1
    assert result.error is not None
    assert "brach während des Abrufs ab" in result.error
    with scope() as session:
        assert [item.subject for item in _items(session)] == ["Brief 0"]
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        assert mailbox.last_error == result.error

    with servers.dovecot_server(imap_base) as restarted:  # the same maildir, a new port
        with scope() as session:
            mailbox = session.get(Mailbox, mailbox_id)
            assert mailbox is not None
            mailbox.port = restarted.port
        again = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=one_by_one, actor=ACTOR)
    assert (again.taken, again.error) == (2, None)
    with scope() as session:
        assert [item.subject for item in _items(session)] == ["Brief 0", "Brief 1", "Brief 2"]
        assert sorted(session.scalars(select(ProcessedMail.uid))) == [1, 2, 3]
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        assert mailbox.last_error is None


def test_a_mail_that_cannot_be_parsed_is_kept_as_a_failed_item(
    imap: servers.DovecotServer,
    scope: Scope,
    settings: Settings,
    poll_config: PollConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rathaus.inbox.intake.imap import PollResult, take_mail  # noqa: PLC0415
    from rathaus.inbox.intake.imap_client import FetchedMail  # noqa: PLC0415

    mailbox_id = add_mailbox(scope, settings, imap)
    broken = FetchedMail(uid=3, raw=b"\x00\x01 kein Mailformat \xff" * 10, internal_date=None)
    result = PollResult(mailbox_id=mailbox_id)
    import rathaus.inbox.intake.imap as polling  # noqa: PLC0415

    def refuse(data: bytes, **_: object) -> object:
        # the email package reads almost anything; a parser failure is forced here
        raise polling.MailParseError("Die E-Mail konnte nicht gelesen werden (Test).")

    monkeypatch.setattr(polling, "parse_eml", refuse)
    outcome, _ = take_mail(
        sessions=scope,
        mailbox_id=mailbox_id,
        uidvalidity=1,
        mail=broken,
        rules=(),
        config=poll_config,
        actor=ACTOR,
        result=result,
    )
    assert outcome == "failed"
    with scope() as session:
        [item] = _items(session)
        assert item.status is ItemStatus.FAILED
        assert item.status_message == "Die E-Mail konnte nicht gelesen werden (Test)."
        [document] = item.documents
        assert document.status is DocumentStatus.UNREADABLE
        [processed] = session.scalars(select(ProcessedMail)).all()
        assert (processed.outcome, processed.detail) == ("failed", item.status_message)
        assert _count(scope, Job) == 0  # nothing to read: a person looks at it


def test_starttls_with_the_servers_certificate(
    imap_base: Path, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    require_tool("dovecot", install="apt-get install dovecot-imapd")
    with servers.dovecot_server(imap_base, starttls=True) as server:
        assert server.cert is not None
        append(server, mail())
        mailbox_id = add_mailbox(scope, settings, server, security="starttls")
        untrusted = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
        trusted_config = replace(poll_config, ssl_context=trusting(server.cert))
        trusted = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=trusted_config, actor=ACTOR)
    assert untrusted.error is not None
    assert "verschlüsselte Verbindung" in untrusted.error
    assert (trusted.taken, trusted.error) == (1, None)


def test_a_new_uidvalidity_does_not_take_the_same_mails_in_again(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    from rathaus.inbox.intake.imap import PollResult, take_mail  # noqa: PLC0415
    from rathaus.inbox.intake.imap_client import FetchedMail  # noqa: PLC0415

    mailbox_id = add_mailbox(scope, settings, imap)
    raw = mail(MailSpec(message_id="<einmalig@example.org>"))
    outcomes = []
    for uidvalidity in (100, 200):  # the server renumbered its mails (a migration)
        result = PollResult(mailbox_id=mailbox_id)
        outcome, _ = take_mail(
            sessions=scope,
            mailbox_id=mailbox_id,
            uidvalidity=uidvalidity,
            mail=FetchedMail(uid=1, raw=raw, internal_date=None),
            rules=(),
            config=poll_config,
            actor=ACTOR,
            result=result,
        )
        outcomes.append((outcome, result.taken, result.duplicates))
    assert outcomes == [("taken", 1, 0), ("duplicate", 0, 1)]
    assert _count(scope, Item) == 1
    with scope() as session:
        rows = session.scalars(select(ProcessedMail).order_by(ProcessedMail.id)).all()
        assert [row.item_id for row in rows] == [rows[0].item_id] * 2
        assert rows[1].detail == "schon übernommen (UIDVALIDITY 100, UID 1)"


def test_an_unreachable_server_and_a_missing_folder_are_explained(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    mailbox_id = add_mailbox(scope, settings, imap)
    with scope() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        mailbox.folder = "Gibt es nicht"
    missing = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
    assert missing.error == "Der Ordner „Gibt es nicht“ existiert im Postfach nicht oder ist nicht lesbar."
    closed_port = servers.free_port()
    with scope() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        mailbox.port = closed_port
    refused = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
    assert refused.error == (
        f"Der Server 127.0.0.1:{closed_port} nimmt keine Verbindung an. Bitte Servername und Port prüfen."
    )


def test_a_mail_over_the_size_limit_stays_in_the_mailbox_and_is_shown_as_failed(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    big = mail(
        MailSpec(subject="Riesiger Anhang"),
        attachments=(("plan.pdf", b"%PDF-1.4\n" + b"0" * 20_000, "application/pdf"),),
    )
    append(imap, big, mail(MailSpec(subject="Klein")))
    mailbox_id = add_mailbox(scope, settings, imap)
    small_limit = replace(poll_config, max_mail_bytes=10_000)
    result = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=small_limit, actor=ACTOR)
    assert (result.taken, result.failed, result.error) == (1, 1, None)
    with scope() as session:
        large, small = _items(session)
        assert large.status is ItemStatus.FAILED
        assert large.status_message is not None
        assert "zu groß" in large.status_message
        assert "bleibt im Postfach" in large.status_message
        [header] = large.documents
        assert header.status is DocumentStatus.UNREADABLE
        kept = blob_path(settings.files_dir, header.sha256).read_bytes()
        assert b"Subject: Riesiger Anhang" in kept
        assert len(kept) < 2_000 < len(big)  # only the header was fetched
        assert small.subject == "Klein"


def test_fetch_batches_are_bounded_by_count_and_size() -> None:
    from rathaus.inbox.intake.imap_client import batches  # noqa: PLC0415

    sizes = {1: 10, 2: 10, 3: 50, 4: 10, 5: 10}
    assert list(batches([1, 2, 3, 4, 5], sizes, count=3, max_bytes=40)) == [[1, 2], [3], [4, 5]]
    assert list(batches([1, 2, 3, 4, 5], sizes, count=2, max_bytes=1000)) == [[1, 2], [3, 4], [5]]
