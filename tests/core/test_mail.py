"""Outgoing mail against a real SMTP server on loopback (aiosmtpd): headers, text, refusals, timeouts."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from rathaus.core.config import PlatformSettings
from rathaus.core.mail import MailError, MailNotConfiguredError, MailSettings, send, sender
from tests.requirements import require_module
from tests.servers import SmtpServer, free_port, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    require_module("aiosmtpd", install="pip install -e '.[dev]'")
    with smtp_server() as server:
        yield server


def settings_for(server: SmtpServer, **changes: object) -> MailSettings:
    values: dict[str, object] = {
        "host": server.host,
        "port": server.port,
        "security": "none",
        "from_address": "poststelle@stadt-a.example",
        "timeout": 5.0,
    }
    values.update(changes)
    return MailSettings.model_validate(values)


def letter(text: str = "Sehr geehrte Frau Müller,\n\nIhr Antrag ist eingegangen.\n") -> EmailMessage:
    message = EmailMessage()
    message["To"] = "buergerin@example.org"
    message["Subject"] = "Ihr Antrag – Eingangsbestätigung"
    message.set_content(text)
    return message


def test_the_server_receives_exactly_the_text_with_sender_date_and_message_id(smtp: SmtpServer) -> None:
    mail = settings_for(smtp)
    message = letter()
    message["From"] = sender(mail, "Stadt Anfangsort")
    message_id = send(mail, message)

    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.mail_from == "poststelle@stadt-a.example"
    assert received.rcpt_tos == ("buergerin@example.org",)
    parsed = received.message()
    assert parsed["Message-ID"] == message_id
    assert message_id.endswith("@stadt-a.example>")
    assert parsed["From"] == "Stadt Anfangsort <poststelle@stadt-a.example>"
    assert parsed["Subject"] == "Ihr Antrag – Eingangsbestätigung"
    assert parsed["Date"]
    assert parsed.get_content() == "Sehr geehrte Frau Müller,\n\nIhr Antrag ist eingegangen.\n"


def test_without_a_from_header_the_configured_name_and_address_are_used(smtp: SmtpServer) -> None:
    send(settings_for(smtp, from_name="Rathaus Anfangsort"), letter())
    assert smtp.messages[0].message()["From"] == "Rathaus Anfangsort <poststelle@stadt-a.example>"


def test_a_refusing_server_is_a_mail_error(smtp: SmtpServer) -> None:
    smtp.refuse = "Mailbox unavailable"
    with pytest.raises(MailError, match="refused the message: 550"):
        send(settings_for(smtp), letter())
    assert smtp.messages == []


def test_a_server_that_is_down_is_a_mail_error() -> None:
    mail = MailSettings(host="127.0.0.1", port=free_port(), security="none", from_address="a@b.example")
    with pytest.raises(MailError, match=r"could not send through the SMTP server 127\.0\.0\.1"):
        send(mail, letter())


def test_a_server_that_does_not_answer_times_out() -> None:
    with socket.socket() as silent:  # accepts connections, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        mail = MailSettings(
            host="127.0.0.1", port=port, security="none", from_address="a@b.example", timeout=0.5
        )
        with pytest.raises(MailError, match=r"did not answer within 0\.5 s"):
            send(mail, letter())


def test_not_configured_is_its_own_error() -> None:
    with pytest.raises(MailNotConfiguredError, match="RATHAUS_MAIL__HOST"):
        send(MailSettings(), letter())
    with pytest.raises(MailNotConfiguredError):
        send(MailSettings(host="127.0.0.1"), letter())


def test_starttls_against_a_server_without_it_is_a_mail_error(smtp: SmtpServer) -> None:
    with pytest.raises(MailError, match="STARTTLS"):
        send(settings_for(smtp, security="starttls"), letter())
    assert smtp.messages == []


def test_the_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_MAIL__HOST", "smtp.intern")
    monkeypatch.setenv("RATHAUS_MAIL__PORT", "465")
    monkeypatch.setenv("RATHAUS_MAIL__SECURITY", "ssl")
    monkeypatch.setenv("RATHAUS_MAIL__FROM_ADDRESS", "rathaus@stadt.example")
    settings = PlatformSettings(environment="test")
    assert (settings.mail.host, settings.mail.port, settings.mail.security) == ("smtp.intern", 465, "ssl")
    assert settings.mail.configured


def test_without_a_server_the_pickup_folder_gets_the_mail(tmp_path: Path) -> None:
    settings = MailSettings(pickup_dir=tmp_path / "postausgang", from_address="rathaus@stadt.example")
    assert settings.configured
    message = EmailMessage()
    message["To"], message["Subject"] = "erika@example.org", "Ihr Termin"
    message.set_content("Bitte bestätigen: https://rathaus.example/buerger/x/termine/bestaetigen/abc\n")
    message_id = send(settings, message)
    (written,) = (tmp_path / "postausgang").glob("*.eml")
    again = BytesParser(policy=policy.default).parsebytes(written.read_bytes())
    assert again["Message-ID"] == message_id
    assert again["To"] == "erika@example.org"
    assert "bestaetigen/abc" in again.get_body().get_content()


def test_an_unwritable_pickup_folder_is_a_mail_error(tmp_path: Path) -> None:
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner")
    settings = MailSettings(pickup_dir=blocked / "postausgang", from_address="rathaus@stadt.example")
    message = EmailMessage()
    message["To"], message["Subject"] = "erika@example.org", "Ihr Termin"
    message.set_content("Text\n")
    with pytest.raises(MailError, match="pickup folder"):
        send(settings, message)
