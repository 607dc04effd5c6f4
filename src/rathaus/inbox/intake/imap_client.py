"""The IMAP conversation (imap-tools over imaplib): connect, list new UIDs, fetch raw mails, post-actions.

Mails are fetched with ``BODY.PEEK[]`` (nothing is marked read by fetching) in batches bounded by
count and size: the sizes of the new mails are asked for first, in one command. Rules may look at the
body and the attachment names, so a header-only pass would not save a second fetch.
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime

from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import (
    ImapToolsError,
    MailboxFolderSelectError,
    MailboxFolderStatusError,
    MailboxLoginError,
    MailboxStarttlsError,
)

UID_RE = re.compile(rb"UID (\d+)")
SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class Server:
    """Where and how to connect; the password is passed separately and never stored here."""

    host: str
    port: int
    security: str  # ssl, starttls or none
    username: str
    folder: str = "INBOX"


@dataclass(frozen=True)
class FetchedMail:
    uid: int
    raw: bytes
    internal_date: datetime | None


class ImapConnection:
    """One logged-in connection with the folder selected (read-write, for the post-actions)."""

    def __init__(self, mailbox: MailBox | MailBoxStartTls | MailBoxUnencrypted, folder: str) -> None:
        self._mailbox = mailbox
        self.client: imaplib.IMAP4 = mailbox.client
        self.folder = folder
        status = mailbox.folder.status(folder, ["UIDVALIDITY"])
        self.uidvalidity = int(status["UIDVALIDITY"])
        mailbox.folder.set(folder)
        typ, data = self.client.capability()
        words = (data[0] or b"").decode("ascii", "replace").upper().split() if typ == "OK" and data else []
        self.capabilities = frozenset(words)

    def uids(self) -> list[int]:
        """Every UID in the folder, ascending."""
        return sorted(int(uid) for uid in self._mailbox.uids("ALL"))

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """The size in bytes of each mail (one command)."""
        if not uids:
            return {}
        typ, data = self.client.uid("FETCH", _uid_set(uids), "(UID RFC822.SIZE)")
        _check(typ, data, "FETCH")
        found: dict[int, int] = {}
        for line in data:
            text = line[0] if isinstance(line, tuple) else line
            if isinstance(text, bytes):
                uid, size = UID_RE.search(text), SIZE_RE.search(text)
                if uid and size:
                    found[int(uid.group(1))] = int(size.group(1))
        return found

    def fetch(self, uids: Sequence[int]) -> list[FetchedMail]:
        """The raw bytes and arrival time of the mails, without setting \\Seen."""
        typ, data = self.client.uid("FETCH", _uid_set(uids), "(UID INTERNALDATE BODY.PEEK[])")
        _check(typ, data, "FETCH")
        mails: list[FetchedMail] = []
        for index, part in enumerate(data):
            if not isinstance(part, tuple):
                continue
            head, raw = part[0], part[1]
            tail = data[index + 1] if index + 1 < len(data) and isinstance(data[index + 1], bytes) else b""
            match = UID_RE.search(head) or UID_RE.search(tail if isinstance(tail, bytes) else b"")
            if match is None:
                continue
            mails.append(FetchedMail(uid=int(match.group(1)), raw=raw, internal_date=_internal_date(head)))
        return mails

    def fetch_header(self, uid: int) -> bytes:
        """Only the header of a mail (for one too large to take in whole); empty when refused."""
        typ, data = self.client.uid("FETCH", str(uid), "(UID BODY.PEEK[HEADER])")
        if typ != "OK":
            return b""
        return next((part[1] for part in data if isinstance(part, tuple)), b"")

    def mark_read(self, uid: int) -> None:
        typ, data = self.client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
        _check(typ, data, "STORE")

    def move(self, uid: int, folder: str) -> None:
        """MOVE where the server offers it; else copy and flag \\Deleted (nobody else's mail is expunged)."""
        target = _quote(folder)
        if "MOVE" in self.capabilities:
            typ, data = self.client.uid("MOVE", str(uid), target)
            _check(typ, data, "MOVE")
            return
        typ, data = self.client.uid("COPY", str(uid), target)
        _check(typ, data, "COPY")
        typ, data = self.client.uid("STORE", str(uid), "+FLAGS", "(\\Deleted)")
        _check(typ, data, "STORE")
        if "UIDPLUS" in self.capabilities:
            typ, data = self.client.uid("EXPUNGE", str(uid))
            _check(typ, data, "EXPUNGE")


class ImapCommandError(Exception):
    """The server answered NO or BAD to a command (a missing folder, a full mailbox …)."""


def _check(typ: str, data: object, command: str) -> None:
    if typ != "OK":
        raise ImapCommandError(f"{command}: {typ} {data!r}"[:500])


def _quote(folder: str) -> str:
    from imap_tools.imap_utf7 import utf7_encode  # noqa: PLC0415

    encoded = utf7_encode(folder).decode("ascii")
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def batches(uids: Sequence[int], sizes: dict[int, int], *, count: int, max_bytes: int) -> Iterator[list[int]]:
    """The UIDs in fetch batches of at most ``count`` mails and (unless one alone is larger) ``max_bytes``."""
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if batch and (len(batch) >= count or total + size > max_bytes):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        yield batch


def _uid_set(uids: Sequence[int]) -> str:
    return ",".join(str(uid) for uid in uids)


def _internal_date(head: bytes) -> datetime | None:
    parsed = imaplib.Internaldate2tuple(head)
    if parsed is None:
        return None
    # Internaldate2tuple gives local time; mktime and fromtimestamp make it an aware UTC time.
    import time  # noqa: PLC0415

    return datetime.fromtimestamp(time.mktime(parsed), tz=UTC)


@contextmanager
def connect(
    server: Server, *, password: str, timeout: float, ssl_context: ssl.SSLContext | None = None
) -> Iterator[ImapConnection]:
    """Log in and select the folder; logs out at the end (quietly, the server may have gone)."""
    context = ssl_context or ssl.create_default_context()
    mailbox: MailBox | MailBoxStartTls | MailBoxUnencrypted
    if server.security == "ssl":
        mailbox = MailBox(server.host, server.port, timeout=timeout, ssl_context=context)
    elif server.security == "starttls":
        mailbox = MailBoxStartTls(server.host, server.port, timeout=timeout, ssl_context=context)
    else:
        mailbox = MailBoxUnencrypted(server.host, server.port, timeout=timeout)
    try:
        mailbox.login(server.username, password, initial_folder=None)
        yield ImapConnection(mailbox, server.folder)
    finally:
        with suppress(Exception):
            mailbox.logout()


def describe(error: BaseException, server: Server, timeout: float) -> str:
    """A German sentence for the admin saying what went wrong with the mailbox."""
    where = f"{server.host}:{server.port}"
    messages: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
        (
            MailboxLoginError,
            "Die Anmeldung am Postfach wurde abgelehnt. Bitte Benutzername und Passwort prüfen.",
        ),
        (
            (MailboxFolderSelectError, MailboxFolderStatusError),
            f"Der Ordner „{server.folder}“ existiert im Postfach nicht oder ist nicht lesbar.",
        ),
        (
            (MailboxStarttlsError, ssl.SSLError),
            f"Die verschlüsselte Verbindung zu {where} ist gescheitert. Bitte Verschlüsselungsart und "
            "Zertifikat des Servers prüfen.",
        ),
        (socket.gaierror, f"Der Servername „{server.host}“ ist unbekannt."),
        (
            ConnectionRefusedError,
            f"Der Server {where} nimmt keine Verbindung an. Bitte Servername und Port prüfen.",
        ),
        (TimeoutError, f"Der Server {where} hat nicht innerhalb von {timeout:g} Sekunden geantwortet."),
        (
            (imaplib.IMAP4.abort, OSError, EOFError),
            f"Die Verbindung zu {where} brach während des Abrufs ab. Bereits übernommene E-Mails "
            "bleiben erhalten; der nächste Abruf setzt fort.",
        ),
    )
    for kinds, message in messages:
        if isinstance(error, kinds):
            return message
    return f"Der Abruf ist gescheitert: {error}"[:1000]


CONNECTION_ERRORS = (OSError, EOFError, imaplib.IMAP4.error, ImapToolsError, ImapCommandError)
