"""The mail pickup folder (``RATHAUS_MAIL__PICKUP_DIR``), for platform administrators: what Rathaus would
have sent, when no SMTP server is configured (the demo). Read-only; links in the mails are clickable, so a
trial booking can be confirmed from here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response
from markupsafe import Markup, escape

from rathaus.web.deps import Context, Superuser
from rathaus.web.templating import render

router = APIRouter(prefix="/admin/postausgang", tags=["Administration"])
NAME = re.compile(r"^[0-9T]+-[0-9a-f]{8}\.eml$")
URL = re.compile(r"https?://[^\s<>\"]+")
SHOWN = 100


@dataclass(frozen=True)
class Mail:
    name: str
    to: str
    subject: str
    date: str

    @classmethod
    def of(cls, name: str, message: EmailMessage) -> Mail:
        return cls(
            name=name,
            to=str(message["To"] or ""),
            subject=str(message["Subject"] or ""),
            date=str(message["Date"] or ""),
        )


def _folder(context: Context) -> Path | None:
    return context.settings.mail.pickup_dir


def _read(path: Path) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def _linked(text: str) -> Markup:
    """The plain text, escaped, with its web addresses as links."""
    parts: list[Markup] = []
    last = 0
    for match in URL.finditer(text):
        parts.append(escape(text[last : match.start()]))
        url = escape(match.group(0))
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@router.get("", summary="Postausgang (Mail-Ablage ohne SMTP-Server)")
def outbox(request: Request, user: Superuser, context: Context) -> Response:
    folder = _folder(context)
    files = sorted(folder.glob("*.eml"), reverse=True)[:SHOWN] if folder and folder.is_dir() else []
    mails = []
    for path in files:
        message = _read(path)
        mails.append(Mail.of(path.name, message))
    return render(request, "admin/outbox.html", {"mails": mails, "folder": folder})


@router.get("/{name}", summary="Eine Mail im Postausgang")
def outbox_mail(request: Request, name: str, user: Superuser, context: Context) -> Response:
    folder = _folder(context)
    if folder is None or not NAME.match(name) or not (folder / name).is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Mail gibt es im Postausgang nicht.")
    message = _read(folder / name)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    attachments = [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
    values = {
        "mail": Mail.of(name, message),
        "sender": str(message["From"] or ""),
        "text": _linked(text),
        "attachments": attachments,
    }
    return render(request, "admin/outbox_mail.html", values)
