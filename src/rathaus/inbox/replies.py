"""Reply drafts: from text blocks, cited facts and (when configured) the LLM; edited and sent by a person.

:func:`draft_reply` writes a draft and never sends; :func:`save_reply` keeps a caseworker's edits;
:func:`send_reply` is called only from a person's confirmed POST and sends through ``core.mail``.
Each draft is an AI draft record (backend, model, prompt version, input hash, output); sending records
the person's decision on it (accepted or edited, with the edit distance). A refused or failed send keeps
the reply as FAILED with a German message, to be sent again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import parseaddr

from rapidfuzz.distance import Levenshtein
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rathaus.core.ai.errors import AIError
from rathaus.core.ai.protocols import ChatModel
from rathaus.core.audit.models import AIDraft
from rathaus.core.audit.service import Actor, decide_draft, input_hash, record, record_draft
from rathaus.core.db import utcnow
from rathaus.core.mail import MailError, MailNotConfiguredError, MailSettings, send, sender
from rathaus.core.ports import Fact, KnowledgeSearch
from rathaus.core.security.models import Tenant
from rathaus.inbox import reply_prompt, textblocks
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import Item, ItemStatus, Reply, ReplyStatus, TextBlock

logger = logging.getLogger(__name__)

EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>.]+$")
FACTS = 3
QUERY_CHARS = 600
SNIPPET_CHARS = 300
CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
TEXT_BLOCK_BACKEND = "textbausteine"
NO_ADDRESS = (
    "Dieser Eingang hat keine E-Mail-Adresse. Antworten Sie per Post und schließen Sie den Eingang "
    "danach als erledigt ab."
)
NOT_CONFIGURED = (
    "Der E-Mail-Versand ist nicht eingerichtet. Bitte wenden Sie sich an die Administration "
    "(Einstellungen RATHAUS_MAIL__…)."
)
SEND_FAILED = (
    "Die Antwort wurde nicht gesendet: Der Mailserver war nicht erreichbar oder hat sie abgelehnt. "
    "Der Entwurf bleibt erhalten; bitte senden Sie ihn später erneut."
)


class ReplyError(ValueError):
    """A reply that cannot be drafted, changed or sent; the message is German."""


@dataclass(frozen=True)
class Body:
    """The middle of a reply (without salutation and closing), how it was written and what it cites."""

    text: str
    method: str  # "llm" or "textbausteine"
    cited: frozenset[int]


def reply_address(item: Item) -> str:
    """The e-mail address to answer ``item`` at, or "" for a letter or a sender without one."""
    address = parseaddr(item.sender_address)[1].strip()
    return address if EMAIL.match(address) else ""


def replies_of(*, session: Session, item: Item) -> list[Reply]:
    """The item's replies, newest first."""
    return list(session.scalars(select(Reply).where(Reply.item_id == item.id).order_by(Reply.id.desc())))


def open_reply(*, session: Session, item: Item) -> Reply | None:
    """The reply being worked on (draft or failed), if any."""
    return next((r for r in replies_of(session=session, item=item) if r.status is not ReplyStatus.SENT), None)


def get_reply(*, session: Session, reply_id: int) -> Reply | None:
    """A reply in the session's tenant."""
    return session.scalar(select(Reply).where(Reply.id == reply_id))


def _tenant_name(session: Session, item: Item) -> str:
    tenant = session.get(Tenant, item.tenant_id)
    return tenant.name if tenant else ""


def choose_blocks(*, session: Session, item: Item, keys: Sequence[str] | None = None) -> list[TextBlock]:
    """The blocks to use: those named by ``keys``, else the item's position's, else the first generic one."""
    offered = textblocks.for_item(session=session, item=item)
    if keys:
        wanted = list(dict.fromkeys(keys))
        by_key = {block.key: block for block in offered}
        return [by_key[key] for key in wanted if key in by_key]
    own = [block for block in offered if block.position_id is not None]
    if own:
        return own
    generic = [block for block in offered if block.position_id is None]
    first = next((block for block in generic if block.key == "eingangsbestaetigung"), None)
    return [first or generic[0]] if generic else []


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARS:
        return flat
    cut = flat[:SNIPPET_CHARS]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > SNIPPET_CHARS // 3 else cut.rsplit(" ", 1)[0] + " …"


def _from_blocks(blocks: Sequence[str], facts: Sequence[Fact]) -> Body:
    parts = list(blocks)
    if facts:
        lines = [f"- {_snippet(fact.text)} [{number}]" for number, fact in enumerate(facts, start=1)]
        parts.append("Hinweise aus unseren Informationen:\n" + "\n".join(lines))
    return Body("\n\n".join(parts), TEXT_BLOCK_BACKEND, frozenset(range(1, len(facts) + 1)))


def _from_llm(chat: ChatModel, item: Item, blocks: Sequence[str], facts: Sequence[Fact]) -> Body | None:
    messages = reply_prompt.messages(letter=item.text, subject=item.subject, blocks=blocks, facts=facts)
    try:
        result = chat.chat(messages, max_tokens=reply_prompt.MAX_TOKENS, temperature=0.2)
    except AIError as error:
        logger.warning("reply draft: the LLM failed, using the text blocks alone: %s", error)
        return None
    text = reply_prompt.clean(result.text, facts=len(facts))
    if len(text) < 20:  # nothing usable came back
        return None
    # a small model often uses a fact without its [n]: list the source of what it evidently took over
    used = {number for number, fact in enumerate(facts, start=1) if _takes_over(fact.text, text)}
    return Body(text, "llm", frozenset(reply_prompt.cited(text) | used))


def _takes_over(fact: str, text: str) -> bool:
    """Whether ``text`` repeats most of the content words of (the start of) ``fact``."""
    words = set(CONTENT_WORD.findall(fact[:SNIPPET_CHARS].lower()))
    shared = words & set(CONTENT_WORD.findall(text.lower()))
    return len(shared) >= max(3, len(words) * 0.4)


def _sources(facts: Sequence[Fact], cited: frozenset[int]) -> str:
    lines = []
    for number, fact in enumerate(facts, start=1):
        if number in cited:
            lines.append(f"[{number}] {fact.label}" + (f": {fact.url}" if fact.url else ""))
    return "Quellen:\n" + "\n".join(lines) if lines else ""


def draft_reply(
    *,
    session: Session,
    item: Item,
    actor: Actor,
    chat: ChatModel | None,
    knowledge: KnowledgeSearch | None,
    block_keys: Sequence[str] | None = None,
    user_id: int | None = None,
    today: date | None = None,
) -> Reply:
    """Draft (or re-draft) the reply to ``item``; nothing is sent. The caller commits.

    Blocks: ``block_keys`` or the position's, else the generic acknowledgement; placeholders are filled
    from the item. Facts: the knowledge search for the item's subject and text, cited as [n] and listed
    at the end. With ``chat`` the LLM writes the body from the letter (as data), the blocks and the facts;
    without it (or when it fails) the body is the filled blocks and the facts.
    """
    if not item.text.strip() and not item.subject.strip():
        raise ReplyError("Der Eingang hat noch keinen Text. Bitte warten Sie, bis er gelesen ist.")
    blocks = choose_blocks(session=session, item=item, keys=block_keys)
    values = textblocks.placeholders(item, today=today)
    filled = [textblocks.fill(block.body, values) for block in blocks]
    query = f"{item.subject}\n{item.text[:QUERY_CHARS]}"
    found = (
        knowledge(session=session, tenant_id=item.tenant_id, query=query, k=FACTS, user_id=user_id)
        if knowledge
        else []
    )
    # internal sources inform the caseworker (listed in the editor) but never go into the letter
    facts = [fact for fact in found if not fact.internal]
    internal = [fact for fact in found if fact.internal]
    body = (_from_llm(chat, item, filled, facts) if chat is not None else None) or _from_blocks(filled, facts)
    tenant = _tenant_name(session, item)
    closing = "Mit freundlichen Grüßen\n\n" + (tenant or "Ihre Verwaltung")
    text = "\n\n".join(filter(None, [values["anrede"], body.text, closing, _sources(facts, body.cited)]))

    reply = open_reply(session=session, item=item)
    if reply is None:
        reply = Reply(item_id=item.id, to_address=reply_address(item), subject="", body="")
        session.add(reply)
    elif reply.draft_id is not None:
        _reject_previous(session, actor, reply.draft_id)
    subject = item.subject.strip() or "Ihr Schreiben"
    reply.subject = subject if subject.lower().startswith(("aw:", "re:")) else f"AW: {subject}"
    reply.subject += f" (Zeichen {values['aktenzeichen']})" if item.file_reference else ""
    reply.body, reply.to_address, reply.status, reply.error = (
        text,
        reply_address(item),
        ReplyStatus.DRAFT,
        None,
    )
    reply.text_blocks = [{"key": b.key, "version": b.version, "title": b.title} for b in blocks]
    reply.citations = [
        {**_citation(fact), "number": number, "cited": number in body.cited, "internal": False}
        for number, fact in enumerate(facts, start=1)
    ] + [{**_citation(fact), "number": None, "cited": False, "internal": True} for fact in internal]
    session.flush()
    llm = body.method == "llm" and chat is not None
    ai = record_draft(
        session=session,
        actor=actor,
        module="inbox",
        purpose="reply",
        backend=chat.name if llm and chat else TEXT_BLOCK_BACKEND,
        model_name=chat.model_name if llm and chat else "rules",
        model_version=chat.model_version if llm and chat else "1",
        prompt_template=reply_prompt.PROMPT_ID if llm else "inbox.reply.textblocks",
        prompt_version=reply_prompt.PROMPT_VERSION,
        input_digest=input_hash(item.subject, item.text, *filled, *(f.text for f in facts)),
        output=text,
        object_type="inbox_reply",
        object_id=reply.id,
    )
    reply.draft_id = ai.id
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.REPLY_DRAFTED,
        object_type="inbox_reply",
        object_id=reply.id,
        details={
            "item_id": item.id,
            "method": body.method,
            "blocks": reply.text_blocks,
            "facts": [f.source_id for f in found],
            "ai_draft_id": ai.id,
        },
    )
    return reply


def _citation(fact: Fact) -> dict[str, str | None]:
    return {
        "title": fact.title,
        "section": fact.section,
        "url": fact.url,
        "source_id": fact.source_id,
        "text": _snippet(fact.text),
    }


def _reject_previous(session: Session, actor: Actor, draft_id: int) -> None:
    previous = session.get(AIDraft, draft_id)
    if previous is not None and previous.decision is None:
        decide_draft(session=session, actor=actor, draft=previous, final_text=None, rejected=True)


def _check_editable(reply: Reply) -> None:
    if reply.status is ReplyStatus.SENT:
        raise ReplyError("Diese Antwort wurde bereits gesendet und kann nicht mehr geändert werden.")


def save_reply(*, session: Session, reply: Reply, actor: Actor, subject: str, body: str) -> Reply:
    """Keep the caseworker's edits of subject and text (nothing is sent); audited with the edit distance."""
    _check_editable(reply)
    subject, body = " ".join(subject.split()), body.strip()
    if not subject:
        raise ReplyError("Bitte geben Sie einen Betreff an.")
    if not body:
        raise ReplyError("Der Text der Antwort ist leer.")
    if (subject, body) == (reply.subject, reply.body):
        return reply
    reply.subject, reply.body = subject[:998], body
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.REPLY_SAVED,
        object_type="inbox_reply",
        object_id=reply.id,
        details={"item_id": reply.item_id, "edit_distance": _distance_to_draft(session, reply)},
    )
    return reply


def _distance_to_draft(session: Session, reply: Reply) -> int | None:
    draft = session.get(AIDraft, reply.draft_id) if reply.draft_id else None
    return Levenshtein.distance(draft.output, reply.body) if draft is not None else None


def message_for(*, session: Session, reply: Reply, item: Item, mail_settings: MailSettings) -> EmailMessage:
    """The e-mail as it will be sent: the tenant's name as sender, threaded to the item's Message-ID."""
    message = EmailMessage()
    message["From"] = sender(mail_settings, _tenant_name(session, item) or None)
    message["To"] = reply.to_address
    message["Subject"] = reply.subject
    if item.message_id:
        message["In-Reply-To"] = item.message_id
        message["References"] = item.message_id
    message.set_content(reply.body)
    return message


ALREADY_SENT = (
    "Diese Antwort wurde inzwischen gesendet (zum Beispiel durch einen zweiten Klick). "
    "Nichts wurde doppelt verschickt."
)


def _claim(session: Session, reply: Reply) -> None:
    """Take the reply for this send: a second send of the same reply waits for this transaction's row lock
    (PostgreSQL) or write lock (SQLite), then finds it sent and is refused, so nothing goes out twice."""
    claimed = session.execute(
        update(Reply)
        .where(Reply.id == reply.id, Reply.status.in_([ReplyStatus.DRAFT, ReplyStatus.FAILED]))
        .values(error=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(reply)
        raise ReplyError(ALREADY_SENT)


def send_reply(*, session: Session, reply: Reply, actor: Actor, mail_settings: MailSettings) -> Reply:
    """Send ``reply`` now: only ever called from a person's confirmed POST. The caller commits either way.

    On success the reply is SENT, the person's decision on the AI draft is recorded (accepted or edited,
    with the edit distance) and the item is answered. When the server refuses or cannot be reached the
    reply is FAILED with a German message and can be sent again.
    """
    _check_editable(reply)
    item = session.get(Item, reply.item_id)
    assert item is not None
    if not reply.to_address or not EMAIL.match(reply.to_address):
        raise ReplyError(NO_ADDRESS)
    _claim(session, reply)
    try:
        message = message_for(session=session, reply=reply, item=item, mail_settings=mail_settings)
        message_id = send(mail_settings, message)
    except MailError as error:
        reply.status = ReplyStatus.FAILED
        reply.error = NOT_CONFIGURED if isinstance(error, MailNotConfiguredError) else SEND_FAILED
        session.flush()
        record(
            session=session,
            actor=actor,
            action=InboxAction.REPLY_FAILED,
            object_type="inbox_reply",
            object_id=reply.id,
            details={"item_id": item.id, "error": str(error)},
        )
        return reply
    reply.status, reply.error, reply.message_id = ReplyStatus.SENT, None, message_id
    reply.sent_at, reply.sent_by_id = utcnow(), actor.id
    draft = session.get(AIDraft, reply.draft_id) if reply.draft_id else None
    if draft is not None and draft.decision is None:
        decide_draft(session=session, actor=actor, draft=draft, final_text=reply.body)
    if item.status is not ItemStatus.ANSWERED:
        item.status, item.answered_at = ItemStatus.ANSWERED, utcnow()
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.REPLY_SENT,
        object_type="inbox_reply",
        object_id=reply.id,
        details={
            "item_id": item.id,
            "message_id": message_id,
            "edit_distance": draft.edit_distance if draft is not None else None,
            "decision": draft.decision.value if draft is not None and draft.decision else None,
        },
    )
    return reply
