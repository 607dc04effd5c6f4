"""Reply drafts and text blocks: the draft editor, the two-step send, the text block pages.

Sending is two POSTs by a person: "Senden" saves the text and shows the confirmation page (recipient,
subject and text as they will go out); only "Jetzt senden" there sends, and only the text that was
confirmed (a fingerprint of it travels with the form).
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core import letters
from rathaus.core.ai.errors import AIError
from rathaus.core.ai.protocols import ChatModel
from rathaus.core.documents import DOCX_TYPE
from rathaus.core.ports import KNOWLEDGE_SEARCH, KnowledgeSearch
from rathaus.core.security.models import Tenant
from rathaus.inbox import replies, reply_letter, textblocks
from rathaus.inbox.config import InboxSettings
from rathaus.inbox.models import Item, Position, Reply, ReplyStatus
from rathaus.inbox.web.common import PREFIX, item_or_404
from rathaus.web.context import AppContext
from rathaus.web.deps import Caseworker, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Posteingang: Antworten"])
logger = logging.getLogger(__name__)


def reply_chat(context: AppContext) -> ChatModel | None:
    """The LLM for reply drafts, or None when switched off, not configured or not installed."""
    if not context.settings.section(InboxSettings).use_llm_replies or "llm" in context.unavailable_ai:
        return None
    if not context.ai.enabled("llm"):
        return None
    try:
        return context.ai.chat()
    except AIError as error:
        logger.warning("inbox: no LLM for reply drafts, using text blocks alone: %s", error)
        context.unavailable_ai.add("llm")
        return None


def knowledge_search(context: AppContext) -> KnowledgeSearch | None:
    """The knowledge search another module provides (the assistant), or None without one."""
    return context.ports.get(KNOWLEDGE_SEARCH)


def _page(item_id: int, suffix: str = "") -> str:
    return f"{PREFIX}/eingaenge/{item_id}/antwort{suffix}"


def _redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def fingerprint(reply: Reply) -> str:
    """What the confirmation page showed: recipient, subject and text."""
    return hashlib.sha256(f"{reply.to_address}\x1f{reply.subject}\x1f{reply.body}".encode()).hexdigest()


def _reply_or_404(session: Session, item: Item, reply_id: int) -> Reply:
    reply = replies.get_reply(session=session, reply_id=reply_id)
    if reply is None or reply.item_id != item.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Antwort existiert nicht.")
    return reply


@router.get("/eingaenge/{item_id}/antwort", summary="Antwort entwerfen, bearbeiten und senden")
def reply_page(request: Request, item_id: int, user: Caseworker, session: TenantSession) -> Response:
    item = item_or_404(session, item_id)
    current = replies.open_reply(session=session, item=item)
    sent = [r for r in replies.replies_of(session=session, item=item) if r.status is ReplyStatus.SENT]
    used = {block["key"] for block in current.text_blocks} if current else set()
    return render(
        request,
        "inbox/reply.html",
        {
            "item": item,
            "reply": current,
            "sent": sent,
            "blocks": textblocks.for_item(session=session, item=item),
            "used": used,
            "address": replies.reply_address(item),
        },
    )


@router.post("/eingaenge/{item_id}/antwort/entwerfen", summary="Antwort entwerfen")
def draft(
    request: Request,
    item_id: int,
    user: Caseworker,
    session: TenantSession,
    context: Context,
    bausteine: Annotated[list[str] | None, Form()] = None,
) -> Response:
    item = item_or_404(session, item_id)
    try:
        replies.draft_reply(
            session=session,
            item=item,
            actor=actor_of(user),
            chat=reply_chat(context),
            knowledge=knowledge_search(context),
            block_keys=bausteine or None,
            user_id=user.id,
        )
    except replies.ReplyError as error:
        session.rollback()
        flash(request, str(error), "error")
        return _redirect(_page(item_id))
    flash(request, "Der Entwurf ist erstellt. Bitte prüfen und bearbeiten Sie ihn; gesendet wird nichts.")
    return _redirect(_page(item_id))


@router.post("/eingaenge/{item_id}/antwort/speichern", summary="Antwort speichern (oder zum Senden prüfen)")
def save(
    request: Request,
    item_id: int,
    user: Caseworker,
    session: TenantSession,
    antwort: Annotated[int, Form()],
    betreff: Annotated[str, Form()],
    text: Annotated[str, Form()],
    aktion: Annotated[str, Form()] = "speichern",
) -> Response:
    item = item_or_404(session, item_id)
    reply = _reply_or_404(session, item, antwort)
    try:
        replies.save_reply(session=session, reply=reply, actor=actor_of(user), subject=betreff, body=text)
    except replies.ReplyError as error:
        session.rollback()
        flash(request, str(error), "error")
        return _redirect(_page(item_id))
    if aktion == "senden":
        return _redirect(_page(item_id, f"/senden?antwort={reply.id}"))
    flash(request, "Die Antwort ist gespeichert (nicht gesendet).")
    return _redirect(_page(item_id))


@router.get("/eingaenge/{item_id}/antwort/senden", summary="Senden bestätigen")
def confirm_page(
    request: Request, item_id: int, antwort: int, user: Caseworker, session: TenantSession
) -> Response:
    item = item_or_404(session, item_id)
    reply = _reply_or_404(session, item, antwort)
    if reply.status is ReplyStatus.SENT:
        flash(request, "Diese Antwort wurde bereits gesendet.", "error")
        return _redirect(_page(item_id))
    return render(
        request,
        "inbox/reply_confirm.html",
        {"item": item, "reply": reply, "fingerprint": fingerprint(reply), "problem": _send_problem(reply)},
    )


def _send_problem(reply: Reply) -> str | None:
    return replies.NO_ADDRESS if not replies.EMAIL.match(reply.to_address or "") else None


@router.post("/eingaenge/{item_id}/antwort/senden", summary="Antwort senden")
def send(
    request: Request,
    item_id: int,
    user: Caseworker,
    session: TenantSession,
    context: Context,
    antwort: Annotated[int, Form()],
    stand: Annotated[str, Form()],
) -> Response:
    item = item_or_404(session, item_id)
    reply = _reply_or_404(session, item, antwort)
    if reply.status is ReplyStatus.SENT:
        flash(request, "Diese Antwort wurde bereits gesendet.", "error")
        return _redirect(_page(item_id))
    if stand != fingerprint(reply):
        flash(request, "Die Antwort wurde inzwischen geändert. Bitte prüfen Sie sie erneut.", "error")
        return _redirect(_page(item_id, f"/senden?antwort={reply.id}"))
    try:
        outcome = replies.send_reply(
            session=session, reply=reply, actor=actor_of(user), mail_settings=context.settings.mail
        )
    except replies.ReplyError as error:
        session.rollback()
        flash(request, str(error), "error")
        return _redirect(_page(item_id))
    if outcome.status is ReplyStatus.SENT:
        flash(request, f"Die Antwort an {outcome.to_address} ist gesendet.")
    else:
        flash(request, outcome.error or replies.SEND_FAILED, "error")
    return _redirect(_page(item_id))


ADDRESS_PARTS = re.compile(r"\n|,\s*")  # "Hauptstraße 5, 12345 Ort" → two lines of the window
LETTER_FORMATS = {"pdf": "application/pdf", "docx": DOCX_TYPE}
NO_LETTER_TEMPLATE = (
    "Für Antwortschreiben ist keine Briefvorlage freigegeben. Die Administration kann die Vorlage "
    "„antwort“ unter Briefvorlagen freigeben."
)


@router.get("/eingaenge/{item_id}/antwort/brief.{fmt}", summary="Antwort als Brief (PDF oder DOCX)")
def reply_as_letter(
    request: Request,
    item_id: int,
    fmt: str,
    antwort: int,
    user: Caseworker,
    session: TenantSession,
    context: Context,
) -> Response:
    if fmt not in LETTER_FORMATS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieses Format gibt es nicht.")
    item = item_or_404(session, item_id)
    reply = _reply_or_404(session, item, antwort)
    template = letters.approved(session=session, key="antwort")
    if template is None:
        flash(request, NO_LETTER_TEMPLATE, "error")
        return _redirect(_page(item_id))
    values = reply_letter.letter_values(reply=reply, item=item)
    tenant = session.get(Tenant, item.tenant_id)
    tenant_name = tenant.name if tenant else ""
    postal = "" if "@" in item.sender_address else item.sender_address
    content = letters.LetterContent(
        tenant_name=tenant_name,
        subject=letters.merge(template.subject, values).text,
        body=letters.merge(template.body, values).text,
        recipient_lines=tuple(
            line.strip() for line in (item.sender_name, *ADDRESS_PARTS.split(postal)) if line.strip()
        ),
        sender_line=tenant_name,
        reference=values["aktenzeichen"],
        closing="",  # the reply's text ends with the closing the caseworker approved
        letterhead=letters.letterhead(session, context.settings.files_dir, item.tenant_id),
    )
    body = letters.render_pdf(content) if fmt == "pdf" else letters.render_docx(content)
    return Response(
        body,
        media_type=LETTER_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="antwort-eingang-{item.id}.{fmt}"'},
    )


# -- text blocks ---------------------------------------------------------------------------------------


def _positions(session: Session) -> list[Position]:
    return list(session.scalars(select(Position).where(Position.active.is_(True)).order_by(Position.number)))


def _position_id(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@router.get("/textbausteine", summary="Textbausteine")
def blocks_page(request: Request, user: Caseworker, session: TenantSession) -> Response:
    return render(
        request,
        "inbox/textblocks.html",
        {
            "blocks": textblocks.list_current(session=session),
            "positions": _positions(session),
            "placeholders": textblocks.PLACEHOLDERS,
        },
    )


@router.post("/textbausteine", summary="Textbaustein anlegen")
def create_block(
    request: Request,
    user: Caseworker,
    session: TenantSession,
    titel: Annotated[str, Form()],
    text: Annotated[str, Form()],
    position: Annotated[str, Form()] = "",
) -> Response:
    try:
        block = textblocks.save(
            session=session, actor=actor_of(user), title=titel, body=text, position_id=_position_id(position)
        )
    except textblocks.TextBlockError as error:
        session.rollback()
        flash(request, str(error), "error")
        return _redirect(f"{PREFIX}/textbausteine")
    flash(request, f"Der Textbaustein „{block.title}“ ist angelegt.")
    return _redirect(f"{PREFIX}/textbausteine")


@router.get("/textbausteine/{key}", summary="Textbaustein bearbeiten")
def block_page(request: Request, key: str, user: Caseworker, session: TenantSession) -> Response:
    history = textblocks.versions(session=session, key=key)
    if not history:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Textbaustein gibt es nicht.")
    current = next((block for block in history if block.current), history[0])
    return render(
        request,
        "inbox/textblock.html",
        {
            "block": current,
            "history": history,
            "positions": _positions(session),
            "placeholders": textblocks.PLACEHOLDERS,
        },
    )


@router.post("/textbausteine/{key}", summary="Neue Fassung eines Textbausteins speichern")
def edit_block(
    request: Request,
    key: str,
    user: Caseworker,
    session: TenantSession,
    titel: Annotated[str, Form()],
    text: Annotated[str, Form()],
    position: Annotated[str, Form()] = "",
) -> Response:
    try:
        block = textblocks.save(
            session=session,
            actor=actor_of(user),
            key=key,
            title=titel,
            body=text,
            position_id=_position_id(position),
        )
    except textblocks.TextBlockError as error:
        session.rollback()
        flash(request, str(error), "error")
        return _redirect(f"{PREFIX}/textbausteine/{key}")
    flash(request, f"Fassung {block.version} von „{block.title}“ ist gespeichert.")
    return _redirect(f"{PREFIX}/textbausteine/{key}")
