"""Admin pages for the IMAP mailboxes of the Posteingang: list, add, edit, delete, mail rules, poll now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from rathaus.inbox import mailboxes as service
from rathaus.inbox.jobs import queue_poll
from rathaus.inbox.mailboxes import (
    FILTER_LABELS,
    RULE_ACTIONS,
    SECURITY_LABELS,
    MailboxError,
    MailboxInput,
    MailRuleInput,
)
from rathaus.inbox.models import Mailbox, Position
from rathaus.inbox.web.common import PREFIX
from rathaus.web.deps import Admin, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

BASE = f"{PREFIX}/postfaecher"
router = APIRouter(prefix=BASE, tags=["Posteingang: Postfächer"])
Text = Annotated[str, Form()]


def _redirect(path: str = BASE) -> Response:
    return RedirectResponse(path, status_code=303)


def _form_values(mailbox: Mailbox | None) -> dict[str, object]:
    if mailbox is None:
        return {
            "name": "",
            "host": "",
            "port": "",
            "security": "ssl",
            "username": "",
            "folder": "INBOX",
            "enabled": True,
        }
    return {
        "name": mailbox.name,
        "host": mailbox.host,
        "port": mailbox.port,
        "security": mailbox.security,
        "username": mailbox.username,
        "folder": mailbox.folder,
        "enabled": mailbox.enabled,
    }


def _form_page(
    request: Request,
    session: TenantSession,
    mailbox: Mailbox | None,
    form: dict[str, object],
    error: str | None = None,
) -> Response:
    rules = sorted(mailbox.rules, key=lambda rule: (rule.order, rule.id)) if mailbox is not None else []
    positions = {position.id: position for position in session.scalars(select(Position))} if rules else {}
    return render(
        request,
        "inbox/mailbox_form.html",
        {
            "mailbox": mailbox,
            "form": form,
            "error": error,
            "securities": SECURITY_LABELS,
            "rules": rules,
            "positions": positions,
            "actions": RULE_ACTIONS,
            "filters": FILTER_LABELS,
        },
        status_code=400 if error else 200,
    )


@router.get("", summary="Postfächer")
def mailboxes_page(request: Request, user: Admin, session: TenantSession) -> Response:
    return render(request, "inbox/mailboxes.html", {"mailboxes": service.list_mailboxes(session=session)})


@router.get("/neu", summary="Neues Postfach")
def new_mailbox(request: Request, user: Admin, session: TenantSession) -> Response:
    return _form_page(request, session, None, _form_values(None))


def _input(
    name: str, host: str, port: str, security: str, username: str, password: str, folder: str, enabled: str
) -> MailboxInput:
    try:
        number = int(port) if port.strip() else None
    except ValueError as error:
        raise MailboxError("Der Port muss eine Zahl sein (z. B. 993).") from error
    return MailboxInput(
        name=name,
        host=host,
        port=number,
        security=security,
        username=username,
        password=password or None,
        folder=folder,
        enabled=enabled == "1",
    )


@router.post("/neu", summary="Postfach anlegen")
def create_mailbox(
    request: Request,
    user: Admin,
    session: TenantSession,
    context: Context,
    name: Text = "",
    host: Text = "",
    port: Text = "",
    security: Text = "ssl",
    username: Text = "",
    password: Text = "",
    folder: Text = "INBOX",
    enabled: Text = "",
) -> Response:
    form = {
        "name": name,
        "host": host,
        "port": port,
        "security": security,
        "username": username,
        "folder": folder,
        "enabled": enabled == "1",
    }
    try:
        mailbox = service.save_mailbox(
            session=session,
            secret_key=context.settings.secret_key,
            actor=actor_of(user),
            data=_input(name, host, port, security, username, password, folder, enabled),
        )
    except MailboxError as error:
        session.rollback()
        return _form_page(request, session, None, form, str(error))
    flash(request, f"Das Postfach „{mailbox.name}“ ist angelegt. Es wird alle paar Minuten abgerufen.")
    return _redirect(f"{BASE}/{mailbox.id}")


@router.get("/{mailbox_id}", summary="Postfach bearbeiten")
def edit_mailbox(request: Request, user: Admin, session: TenantSession, mailbox_id: int) -> Response:
    try:
        mailbox = service.get_mailbox(session=session, mailbox_id=mailbox_id)
    except MailboxError as error:
        flash(request, str(error), "error")
        return _redirect()
    return _form_page(request, session, mailbox, _form_values(mailbox))


@router.post("/{mailbox_id}", summary="Postfach speichern")
def update_mailbox(
    request: Request,
    user: Admin,
    session: TenantSession,
    context: Context,
    mailbox_id: int,
    name: Text = "",
    host: Text = "",
    port: Text = "",
    security: Text = "ssl",
    username: Text = "",
    password: Text = "",
    folder: Text = "INBOX",
    enabled: Text = "",
) -> Response:
    form = {
        "name": name,
        "host": host,
        "port": port,
        "security": security,
        "username": username,
        "folder": folder,
        "enabled": enabled == "1",
    }
    try:
        mailbox = service.save_mailbox(
            session=session,
            secret_key=context.settings.secret_key,
            actor=actor_of(user),
            data=_input(name, host, port, security, username, password, folder, enabled),
            mailbox_id=mailbox_id,
        )
    except MailboxError as error:
        session.rollback()
        try:
            mailbox = service.get_mailbox(session=session, mailbox_id=mailbox_id)
        except MailboxError:
            flash(request, str(error), "error")
            return _redirect()
        return _form_page(request, session, mailbox, form, str(error))
    flash(request, "Das Postfach ist gespeichert.")
    return _redirect(f"{BASE}/{mailbox.id}")


@router.post("/{mailbox_id}/loeschen", summary="Postfach löschen")
def remove_mailbox(request: Request, user: Admin, session: TenantSession, mailbox_id: int) -> Response:
    try:
        service.delete_mailbox(session=session, actor=actor_of(user), mailbox_id=mailbox_id)
    except MailboxError as error:
        flash(request, str(error), "error")
        return _redirect()
    flash(request, "Das Postfach ist gelöscht. Bereits übernommene E-Mails bleiben im Posteingang.")
    return _redirect()


@router.post("/{mailbox_id}/abrufen", summary="Postfach jetzt abrufen")
def poll_now(
    request: Request, user: Admin, session: TenantSession, context: Context, mailbox_id: int
) -> Response:
    try:
        mailbox = service.get_mailbox(session=session, mailbox_id=mailbox_id)
    except MailboxError as error:
        flash(request, str(error), "error")
        return _redirect()
    job_id = queue_poll(
        session=session,
        tenant_id=user.tenant_id,
        mailbox_id=mailbox.id,
        created_by=user.id,
        queue=context.queue,
    )
    flash(request, f"Das Postfach „{mailbox.name}“ wird abgerufen (Auftrag {job_id}).")
    return _redirect(f"/auftraege/{job_id}")


@router.post("/{mailbox_id}/regeln", summary="Regel anlegen")
def add_rule(
    request: Request,
    user: Admin,
    session: TenantSession,
    mailbox_id: int,
    rule_name: Text = "",
    sender: Text = "",
    recipient: Text = "",
    subject: Text = "",
    body: Text = "",
    attachment_name: Text = "",
    use_regex: Text = "",
    rule_action: Text = "take",
    position: Text = "",
    mark_read: Text = "",
    move_to: Text = "",
    stop: Text = "",
) -> Response:
    data = MailRuleInput(
        name=rule_name,
        sender=sender,
        recipient=recipient,
        subject=subject,
        body=body,
        attachment_name=attachment_name,
        use_regex=use_regex == "1",
        action=rule_action,
        position_number=position,
        mark_read=mark_read == "1",
        move_to=move_to,
        stop=stop == "1",
    )
    try:
        service.save_mail_rule(session=session, actor=actor_of(user), mailbox_id=mailbox_id, data=data)
    except MailboxError as error:
        session.rollback()
        flash(request, str(error), "error")
        return _redirect(f"{BASE}/{mailbox_id}#regeln")
    flash(request, f"Die Regel „{data.name.strip()}“ ist gespeichert. Sie gilt ab dem nächsten Abruf.")
    return _redirect(f"{BASE}/{mailbox_id}#regeln")


@router.post("/{mailbox_id}/regeln/{rule_id}/loeschen", summary="Regel löschen")
def remove_rule(
    request: Request, user: Admin, session: TenantSession, mailbox_id: int, rule_id: int
) -> Response:
    try:
        service.delete_mail_rule(
            session=session, actor=actor_of(user), mailbox_id=mailbox_id, rule_id=rule_id
        )
    except MailboxError as error:
        flash(request, str(error), "error")
    else:
        flash(request, "Die Regel ist gelöscht.")
    return _redirect(f"{BASE}/{mailbox_id}#regeln")
