"""Outgoing e-mail for the whole platform: one SMTP server configured in ``RATHAUS_MAIL__*``.

Without a server, ``RATHAUS_MAIL__PICKUP_DIR`` makes :func:`send` write each message as an ``.eml`` file
into that folder instead (the demo does this; platform administrators read them under *Postausgang*).

Modules build an ``email.message.EmailMessage`` and hand it to :func:`send` with the platform's
``MailSettings``; ``send`` fills in From, Date and Message-ID when they are missing and returns the
Message-ID. Every failure is a :class:`MailError` with an English text for the operator's log;
a missing configuration is its own :class:`MailNotConfiguredError`. Nothing here decides *whether* to
send: the caller does, and in Rathaus that is always a person pressing a button.
"""

from __future__ import annotations

import secrets
import smtplib
import ssl
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class MailSettings(BaseModel):
    """Outgoing mail (SMTP): replies of the Posteingang, appointment confirmations."""

    host: str | None = Field(default=None, description="SMTP server; unset means no mail is sent")
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = Field(
        default="starttls", description="none (only on loopback or a trusted network), starttls or ssl"
    )
    username: str | None = Field(default=None, description="SMTP login; unset sends without login")
    password: str | None = None
    from_address: str | None = Field(default=None, description="the sender address, e.g. rathaus@stadt.de")
    from_name: str = Field(default="Rathaus", description="sender name when the caller gives none")
    timeout: float = Field(default=30.0, gt=0, description="seconds to wait for the SMTP server")
    pickup_dir: Path | None = Field(
        default=None,
        description="without a server: write each mail as an .eml file into this folder (demo, trials)",
    )

    @property
    def configured(self) -> bool:
        """Whether a server (or a pickup folder) and a sender address are set."""
        return bool((self.host or self.pickup_dir) and self.from_address)


class MailError(RuntimeError):
    """The message was not sent: refused, unreachable, timed out (English text for the log)."""


class MailNotConfiguredError(MailError):
    """No SMTP server or sender address is configured."""


def sender(settings: MailSettings, name: str | None = None) -> Address:
    """The From address: the configured address with ``name`` (e.g. the tenant's) or the default name."""
    if not settings.configured:
        raise MailNotConfiguredError(
            "outgoing mail is not configured: set RATHAUS_MAIL__HOST and RATHAUS_MAIL__FROM_ADDRESS"
        )
    assert settings.from_address is not None
    username, _, domain = settings.from_address.partition("@")
    return Address(display_name=name or settings.from_name, username=username, domain=domain)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    assert settings.host is not None
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        client.starttls(context=ssl.create_default_context())
    return client


def send(settings: MailSettings, message: EmailMessage) -> str:
    """Send ``message`` through the configured SMTP server and return its Message-ID.

    Example::

        message = EmailMessage()
        message["To"], message["Subject"] = "buerger@example.org", "Ihr Antrag"
        message.set_content("Sehr geehrte …")
        message_id = send(settings.mail, message)
    """
    if "From" not in message:
        message["From"] = sender(settings)
    elif not settings.configured:
        sender(settings)  # raises MailNotConfiguredError
    if "Date" not in message:
        message["Date"] = formatdate(localtime=True)
    if "Message-ID" not in message:
        domain = (settings.from_address or "rathaus.invalid").rpartition("@")[2] or "rathaus.invalid"
        message["Message-ID"] = make_msgid(domain=domain)
    if settings.host is None and settings.pickup_dir is not None:
        return _pick_up(settings.pickup_dir, message)
    where = f"{settings.host}:{settings.port}"
    try:
        with _connect(settings) as client:
            if settings.username:
                client.login(settings.username, settings.password or "")
            refused = client.send_message(message)
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        raise _mail_error(error, where, settings.timeout) from error
    if refused:
        raise MailError(f"the SMTP server {where} refused some recipients: {sorted(refused)}")
    return str(message["Message-ID"])


def _pick_up(folder: Path, message: EmailMessage) -> str:
    """Write the message as ``<UTC time>-<random>.eml`` into ``folder`` (created if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
        (folder / name).write_bytes(message.as_bytes())
    except OSError as error:
        raise MailError(f"could not write the mail into the pickup folder {folder}: {error}") from error
    return str(message["Message-ID"])


def _mail_error(error: Exception, where: str, timeout: float) -> MailError:
    """An English, operator-readable error for what smtplib or the network raised."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return MailError(f"the SMTP server {where} refused every recipient: {error.recipients}")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return MailError(f"the SMTP server {where} refused the login: {error.smtp_error!r}")
    if isinstance(error, smtplib.SMTPResponseException):
        return MailError(
            f"the SMTP server {where} refused the message: {error.smtp_code} {error.smtp_error!r}"
        )
    # smtplib turns a timeout while waiting for a reply into "Connection unexpectedly closed"
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return MailError(f"the SMTP server {where} did not answer within {timeout} s")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return MailError(f"the SMTP server {where} closed the connection: {error}")
    return MailError(f"could not send through the SMTP server {where}: {error}")
