"""Saved progress: the page with the "Link zum Fortsetzen", and sending that link by e-mail.

The link carries the draft's token; whoever has it can continue the form, so it is only shown to the
browser that holds the draft and sent only to an address the citizen types in and confirms by pressing
the button (a person's action, as every mail of Rathaus).
"""

from __future__ import annotations

import logging
import re
from email.message import EmailMessage

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from rathaus.applications.web import common
from rathaus.applications.web.public import Form, Loaded, continue_link, load
from rathaus.core.mail import MailError, MailNotConfiguredError, send, sender

router = APIRouter(prefix="/buerger/{tenant_slug}/antraege", tags=["Anträge (Bürger)"])
log = logging.getLogger(__name__)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@router.get("/{key}/gespeichert", summary="Anträge: Zwischenstand gespeichert")
def saved_page(request: Request, tenant_slug: str, key: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        loaded = load(request, who, session, key)
        if isinstance(loaded, Response):
            return loaded
        return _page(request, who, loaded, str(loaded.draft.data.get("email") or ""))


def _page(
    request: Request,
    who: common.PublicTenant,
    loaded: Loaded,
    mail_to: str,
    *,
    notice: str = "",
    problem: str = "",
    code: int = 200,
) -> Response:
    draft = loaded.draft
    steps = common.steps_of(who, loaded.definition)
    current = next((step for step in steps if step.key == draft.step), steps[0])
    values = {
        "definition": loaded.definition,
        "link": continue_link(request, who, loaded.token),
        "expires": draft.expires_at,
        "current": current,
        "mail_action": f"{common.form_path(who, loaded.definition.key)}/link-senden",
        "mail_to": mail_to,
        "notice": notice,
        "errors": [("email", problem)] if problem else [],
    }
    return common.page(request, who, "saved.html", values, code=code)


@router.post("/{key}/link-senden", summary="Anträge: Link zum Fortsetzen per E-Mail senden")
def mail_link(request: Request, tenant_slug: str, key: str, form: Form) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    address = str(form.get("email") or "").strip()
    with common.scoped(request, who) as session:
        loaded = load(request, who, session, key)
        if isinstance(loaded, Response):
            return loaded
        if not EMAIL.match(address):
            problem = "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."
            return _page(
                request, who, loaded, address, problem=problem, code=status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        message = EmailMessage()
        mail_settings = common.context_of(request).settings.mail
        try:
            message["From"] = sender(mail_settings, who.name)
            message["To"] = address
            message["Subject"] = f"Ihr angefangener Antrag: {loaded.definition.title}"
            message.set_content(
                "Guten Tag,\n\n"
                f"Sie haben bei {who.name} den Antrag „{loaded.definition.title}“ begonnen. Mit diesem Link "
                f"können Sie ihn fortsetzen:\n\n{continue_link(request, who, loaded.token)}\n\n"
                f"Der Link gilt bis zum {loaded.draft.expires_at:%d.%m.%Y}. "
                "Bitte geben Sie ihn nicht weiter: "
                "Wer ihn hat, kann Ihre Angaben sehen.\n\n"
                "Wenn Sie diesen Antrag nicht begonnen haben, können Sie diese E-Mail ignorieren.\n"
            )
            send(mail_settings, message)
        except MailNotConfiguredError:
            problem = (
                "Der Versand per E-Mail ist hier nicht eingerichtet. Bitte speichern Sie den Link "
                "als Lesezeichen oder schreiben Sie ihn sich auf."
            )
            return _page(
                request, who, loaded, address, problem=problem, code=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        except MailError:
            log.exception("could not send the continue link of an application draft")
            problem = (
                "Die E-Mail konnte gerade nicht gesendet werden. "
                "Bitte speichern Sie den Link als Lesezeichen."
            )
            return _page(
                request, who, loaded, address, problem=problem, code=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        notice = f"Wir haben den Link an {address} gesendet."
        return _page(request, who, loaded, address, notice=notice)
