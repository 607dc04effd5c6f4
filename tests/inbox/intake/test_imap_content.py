"""What a polled mail becomes: quarantined attachments, sanitised HTML, notes, and the mail rules."""

from __future__ import annotations

import io
import zipfile

from imap_tools import MailBoxUnencrypted
from sqlalchemy import select

from rathaus.core.audit.models import AuditEvent
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.intake.imap import PollConfig, poll_mailbox
from rathaus.inbox.mailboxes import MailRuleInput, save_mail_rule
from rathaus.inbox.models import DocumentRole, DocumentStatus, Item, Position, ProcessedMail
from rathaus.modules import Settings
from tests import servers
from tests.inbox.intake.conftest import (
    ACTOR,
    EXE_BYTES,
    MailSpec,
    Scope,
    add_mailbox,
    append,
    folder_state,
    mail,
)

MACRO_DOCX = io.BytesIO()
with zipfile.ZipFile(MACRO_DOCX, "w") as archive:
    archive.writestr("[Content_Types].xml", "<Types/>")
    archive.writestr("word/document.xml", "<w:document/>")
    archive.writestr("word/vbaProject.bin", b"\x00macro")
OLE_WITH_MACROS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "_VBA_PROJECT".encode("utf-16-le")


def _items(scope: Scope) -> list[Item]:
    with scope() as session:
        items = list(session.scalars(select(Item).order_by(Item.id)))
        for item in items:
            _ = item.documents
        return items


def test_dangerous_attachments_are_quarantined_and_never_opened(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    attachments = (
        ("rechnung.exe", EXE_BYTES, "application/octet-stream"),
        ("rechnung.pdf", EXE_BYTES, "application/pdf"),  # a program disguised by its name
        ("hallo.vbs", b'MsgBox "x"', "text/plain"),
        ("formular.docm", b"PK\x03\x04", "application/octet-stream"),
        ("bericht.docx", MACRO_DOCX.getvalue(), "application/octet-stream"),
        ("tabelle.xls", OLE_WITH_MACROS, "application/vnd.ms-excel"),
        ("antrag.pdf", b"%PDF-1.4\n%harmless\n", "application/pdf"),
    )
    append(imap, mail(MailSpec(subject="Ihre Rechnung"), attachments=attachments))
    mailbox_id = add_mailbox(scope, settings, imap)
    assert poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR).taken == 1
    [item] = _items(scope)
    found = {d.filename: d for d in item.documents if d.role is DocumentRole.ATTACHMENT}
    quarantined = {name for name, d in found.items() if d.status is DocumentStatus.QUARANTINED}
    assert quarantined == {
        "rechnung.exe",
        "rechnung.pdf",
        "hallo.vbs",
        "formular.docm",
        "bericht.docx",
        "tabelle.xls",
    }
    assert found["antrag.pdf"].status is DocumentStatus.PENDING
    assert found["antrag.pdf"].media_type == "application/pdf"
    assert "Windows-Programm" in (found["rechnung.pdf"].message or "")
    assert "Makros" in (found["bericht.docx"].message or "")
    assert "in Quarantäne" in (found["rechnung.exe"].message or "")
    with scope() as session:
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == InboxAction.ITEM_QUARANTINED.value)
        )
        assert event is not None
        assert sorted(event.details["files"]) == sorted(quarantined)


def test_html_mail_is_sanitised_and_loads_nothing(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    html = (
        '<html><head><style>body{background:url("http://track.example/bg.png")}</style>'
        '<script>document.location="http://evil.example"</script></head>'
        '<body onload="steal()"><p style="color:red">Sehr geehrte Damen und Herren,</p>'
        '<p>bitte prüfen Sie den <b>Bauantrag</b>.<img src="http://track.example/pixel.gif" width="1"></p>'
        '<p><a href="https://stadt.example/info" onclick="x()">Info</a>'
        '<iframe src="https://evil.example/frame"></iframe><img src="cid:logo"></p></body></html>'
    )
    append(imap, mail(MailSpec(subject="Nur HTML", text=None, html=html)))
    mailbox_id = add_mailbox(scope, settings, imap)
    poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
    [item] = _items(scope)
    [body] = [d for d in item.documents if d.role is DocumentRole.BODY]
    sanitized = body.html_sanitized or ""
    assert "Bauantrag" in sanitized
    for forbidden in (
        "<script",
        "<style",
        "<img",
        "<iframe",
        "onload",
        "onclick",
        "style=",
        "track.example",
        "evil.example",
        "src=",
    ):
        assert forbidden not in sanitized, forbidden
    assert 'href="https://stadt.example/info"' in sanitized
    assert body.status is DocumentStatus.READ
    assert body.text == "Sehr geehrte Damen und Herren,\n\nbitte prüfen Sie den Bauantrag.\n\nInfo"
    assert any("nur als HTML" in note for note in item.extraction["notes"])


def test_a_mail_without_text_gets_a_note(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    append(imap, mail(MailSpec(subject="Leer", text=None)))
    append(
        imap,
        mail(
            MailSpec(subject="Nur Anhang", text=None),
            attachments=(("scan.pdf", b"%PDF-1.4\n", "application/pdf"),),
        ),
    )
    mailbox_id = add_mailbox(scope, settings, imap)
    poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
    empty, only_attachment = _items(scope)
    assert empty.extraction["notes"] == ["Die E-Mail enthält keinen Text."]
    assert [d.role for d in empty.documents] == [DocumentRole.ORIGINAL]
    assert only_attachment.extraction["notes"] == ["Die E-Mail enthält keinen eigenen Text, nur Anhänge."]


def test_mail_rules_ignore_stop_route_mark_read_and_move(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    with MailBoxUnencrypted(imap.host, imap.port, timeout=10).login(imap.user, imap.password) as box:
        box.folder.create("Erledigt")
    append(
        imap,
        mail(MailSpec(subject="Newsletter Juni", sender="news@verlag.example", text="Neuigkeiten")),
        mail(
            MailSpec(subject="Bebauungsplan Nord", sender="Bauamt <amt@bauamt.example>", text="Stellungnahme")
        ),
        mail(
            MailSpec(subject="Frage", sender="buerger@example.org", text="Wie stelle ich einen Antrag?"),
            attachments=(("Antrag.PDF", b"%PDF-1.4\n", "application/pdf"),),
        ),
    )
    mailbox_id = add_mailbox(scope, settings, imap)
    with scope() as session:
        session.add(Position(number="61.10", title="Bauleitplanung"))
        session.flush()
        rules = (
            MailRuleInput(name="Newsletter", subject="newsletter", action="ignore", mark_read=True),
            MailRuleInput(
                name="Bauamt",
                sender=r"@bauamt\.example>?$",
                use_regex=True,
                position_number="61.10",
                mark_read=True,
                move_to="Erledigt",
            ),
            MailRuleInput(name="Alles lesen", mark_read=True, move_to="Erledigt", stop=False),
            MailRuleInput(
                name="Anträge",
                body="ANTRAG",
                attachment_name=r"\.pdf$",
                use_regex=True,
                mark_read=True,
                stop=True,
            ),
        )
        for rule in rules:
            save_mail_rule(session=session, actor=ACTOR, mailbox_id=mailbox_id, data=rule)
    result = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
    assert (result.taken, result.ignored, result.error, result.warnings) == (2, 1, None, [])

    bauamt, frage = _items(scope)
    assert bauamt.extraction["rule_position"] == "61.10"
    assert bauamt.extraction["rule_reason"] == "Postfachregel: „Bauamt“"
    assert "rule_position" not in frage.extraction
    # the newsletter stays unread in the INBOX; "Anträge" overrode the move of "Alles lesen"
    assert sorted(folder_state(imap)) == [("Frage", True), ("Newsletter Juni", False)]
    assert folder_state(imap, "Erledigt") == [("Bebauungsplan Nord", True)]
    with scope() as session:
        rows = session.execute(select(ProcessedMail.uid, ProcessedMail.outcome, ProcessedMail.detail)).all()
        assert sorted(tuple(row) for row in rows) == [
            (1, "ignored", "Postfachregel: „Newsletter“"),
            (2, "taken", "Postfachregel: „Bauamt“"),
            (3, "taken", "Postfachregel: „Alles lesen“, „Anträge“"),
        ]


def test_a_move_to_a_missing_folder_is_reported_and_the_mail_is_kept(
    imap: servers.DovecotServer, scope: Scope, settings: Settings, poll_config: PollConfig
) -> None:
    append(imap, mail())
    mailbox_id = add_mailbox(scope, settings, imap)
    with scope() as session:
        save_mail_rule(
            session=session,
            actor=ACTOR,
            mailbox_id=mailbox_id,
            data=MailRuleInput(name="Ablegen", move_to="Gibt es nicht", mark_read=False),
        )
    result = poll_mailbox(sessions=scope, mailbox_id=mailbox_id, config=poll_config, actor=ACTOR)
    assert result.taken == 1
    assert result.warnings == [
        "Eine übernommene E-Mail ließ sich nicht in den Ordner „Gibt es nicht“ verschieben (UID 1)."
    ]
    assert folder_state(imap) == [("Antrag auf Sondernutzung", False)]
