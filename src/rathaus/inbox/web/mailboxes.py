"""Admin pages for the IMAP mailboxes of the Posteingang: list, add, edit, delete, mail rules, poll now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
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


class MailboxForm(BaseModel):
    """The mailbox form as posted; the password is never sent back to the page."""

    name: str = ""
    host: str = ""
    port: str = ""
    security: str = "ssl"
    username: str = ""
    password: str = ""
    folder: str = "INBOX"
    enabled: str = ""

    def values(self) -> dict[str, object]:
        """What the form shows again after an error (without the password)."""
        return {**self.model_dump(exclude={"password"}), "enabled": self.enabled == "1"}

    def to_input(self) -> MailboxInput:
        try:
            number = int(self.port) if self.port.strip() else None
        except ValueError as error:
            raise MailboxError("Der Port muss eine Zahl sein (z. B. 993).") from error
        return MailboxInput(
            name=self.name,
            host=self.host,
            port=number,
            security=self.security,
            username=self.username,
            password=self.password or None,
            folder=self.folder,
            enabled=self.enabled == "1",
        )


def _save(
    request: Request,
    session: TenantSession,
    context: Context,
    user: Admin,
    form: MailboxForm,
    mailbox_id: int | None = None,
) -> Mailbox | Response:
    """Save the posted mailbox, or the form page again with the German error."""
    try:
        return service.save_mailbox(
            session=session,
            secret_key=context.settings.secret_key,
            actor=actor_of(user),
            data=form.to_input(),
            mailbox_id=mailbox_id,
        )
    except MailboxError as error:
        session.rollback()
        existing = None
        if mailbox_id is not None:
            try:
                existing = service.get_mailbox(session=session, mailbox_id=mailbox_id)
            except MailboxError:
                flash(request, str(error), "error")
                return _redirect()
        return _form_page(request, session, existing, form.values(), str(error))


PostedMailbox = Annotated[MailboxForm, Form()]


@router.post("/neu", summary="Postfach anlegen")
def create_mailbox(
    request: Request, user: Admin, session: TenantSession, context: Context, form: PostedMailbox
) -> Response:
    saved = _save(request, session, context, user, form)
    if isinstance(saved, Response):
        return saved
    flash(request, f"Das Postfach „{saved.name}“ ist angelegt. Es wird alle paar Minuten abgerufen.")
    return _redirect(f"{BASE}/{saved.id}")


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
    form: PostedMailbox,
) -> Response:
    saved = _save(request, session, context, user, form, mailbox_id)
    if isinstance(saved, Response):
        return saved
    flash(request, "Das Postfach ist gespeichert.")
    return _redirect(f"{BASE}/{saved.id}")


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
