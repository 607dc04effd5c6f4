"""Text blocks (Textbausteine): the tenant's approved, versioned paragraphs for replies.

Editing a block writes a new version of the same key; older versions stay (``current`` marks the
newest), so a sent reply names the exact wording it used. A block may be suggested for one position of
the filing plan. Placeholders in braces are filled from the item (:func:`placeholders`), e.g.
``{anrede}``, ``{aktenzeichen}``, ``{eingangsdatum}``, ``{frist}``; unknown ones stay visible for the
caseworker to fill in.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import Item, Position, TextBlock

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = {
    "anrede": "Anrede aus dem Absender, z. B. „Sehr geehrte Frau Müller,“",
    "aktenzeichen": "Aktenzeichen des Eingangs (sonst „Eingang Nr. …“)",
    "eingangsdatum": "Datum des Eingangs",
    "frist": "erkannte Frist des Eingangs, sonst heute in 14 Tagen",
    "betreff": "Betreff des Eingangs",
    "stelle": "zuständige Stelle (Organisationseinheit)",
}
DEFAULT_DAYS = 14
MAX_TITLE, MAX_KEY = 200, 80


class TextBlockError(ValueError):
    """A text block that cannot be saved; the message is German."""


def _key_from(title: str) -> str:
    ascii_title = (
        unicodedata.normalize(
            "NFKD", title.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        )
        .encode("ascii", "ignore")
        .decode()
        .lower()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:MAX_KEY] or "baustein"


def list_current(*, session: Session) -> list[TextBlock]:
    """The current version of every block, generic ones first, then by title."""
    blocks = session.scalars(select(TextBlock).where(TextBlock.current.is_(True)))
    return sorted(blocks, key=lambda block: (block.position_id is not None, block.title.lower()))


def versions(*, session: Session, key: str) -> list[TextBlock]:
    """Every version of the block ``key``, newest first."""
    return list(
        session.scalars(select(TextBlock).where(TextBlock.key == key).order_by(TextBlock.version.desc()))
    )


def get_current(*, session: Session, key: str) -> TextBlock | None:
    """The current version of the block ``key``."""
    return session.scalar(select(TextBlock).where(TextBlock.key == key, TextBlock.current.is_(True)))


def for_item(*, session: Session, item: Item) -> list[TextBlock]:
    """The current blocks to offer for ``item``: those of its position first, then the generic ones."""
    blocks = list_current(session=session)
    own = [
        block for block in blocks if item.position_id is not None and block.position_id == item.position_id
    ]
    generic = [block for block in blocks if block.position_id is None]
    return own + generic


def save(
    *,
    session: Session,
    actor: Actor,
    title: str,
    body: str,
    key: str | None = None,
    position_id: int | None = None,
) -> TextBlock:
    """Create a block, or write the next version of the block ``key``; ``actor`` approves it."""
    title, body = title.strip(), body.strip()
    if not title:
        raise TextBlockError("Bitte geben Sie einen Titel an.")
    if len(title) > MAX_TITLE:
        raise TextBlockError(f"Der Titel ist zu lang (höchstens {MAX_TITLE} Zeichen).")
    if not body:
        raise TextBlockError("Bitte geben Sie den Text des Bausteins an.")
    if position_id is not None and session.get(Position, position_id) is None:
        raise TextBlockError("Diese Position gibt es im Aktenplan nicht.")
    previous = get_current(session=session, key=key) if key else None
    if key and previous is None:
        raise TextBlockError("Diesen Textbaustein gibt es nicht.")
    if previous is None:
        key = _unique_key(session, _key_from(title))
    assert key is not None
    if previous is not None:
        if (previous.title, previous.body, previous.position_id) == (title, body, position_id):
            return previous
        session.execute(
            update(TextBlock).where(TextBlock.key == key, TextBlock.current.is_(True)).values(current=False)
        )
    block = TextBlock(
        key=key,
        version=previous.version + 1 if previous else 1,
        title=title,
        body=body,
        position_id=position_id,
        current=True,
        approved_by_id=actor.id,
        approved_at=utcnow(),
    )
    session.add(block)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=InboxAction.TEXT_BLOCK_SAVED,
        object_type="inbox_text_block",
        object_id=block.id,
        details={"key": key, "version": block.version, "position_id": position_id},
    )
    return block


def _unique_key(session: Session, base: str) -> str:
    taken = set(session.scalars(select(TextBlock.key).where(TextBlock.key.startswith(base))))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# -- placeholders ------------------------------------------------------------------------------------


def salutation(sender_name: str) -> str:
    """A German salutation from the sender's name: „Frau/Herr …“ when given, else the neutral form."""
    name = " ".join(sender_name.replace('"', " ").split())
    match = re.match(r"^(Frau|Herrn?)\s+(.+)$", name)
    if match:
        title = "Sehr geehrte Frau" if match.group(1) == "Frau" else "Sehr geehrter Herr"
        words = match.group(2).split()
        degrees = [word for word in words[:-1] if word.endswith(".")]  # Dr., Prof.
        return f"{title} {' '.join([*degrees, words[-1]])},"
    return "Sehr geehrte Damen und Herren,"


def _german_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def placeholders(item: Item, *, today: date | None = None) -> dict[str, str]:
    """The values of the placeholders for ``item``."""
    today = today or utcnow().astimezone().date()
    due = item.due_date if item.due_date and item.due_date >= today else today + timedelta(days=DEFAULT_DAYS)
    received = item.received_at.date() if item.received_at else today
    return {
        "anrede": salutation(item.sender_name),
        "aktenzeichen": item.file_reference or f"Eingang Nr. {item.id}",
        "eingangsdatum": _german_date(received),
        "frist": _german_date(due),
        "betreff": item.subject or "Ihr Schreiben",
        "stelle": item.org_unit.name if item.org_unit else "die zuständige Stelle",
    }


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with the known placeholders replaced; unknown ones stay for the caseworker."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


# -- demo ---------------------------------------------------------------------------------------------

DEMO_BLOCKS = (
    (
        "Eingangsbestätigung",
        "vielen Dank für Ihr Schreiben vom {eingangsdatum}. Wir haben es unter dem Zeichen {aktenzeichen} "
        "erfasst und bearbeiten es so schnell wie möglich. Bitte geben Sie dieses Zeichen bei Rückfragen an.",
    ),
    (
        "Weiterleitung an zuständige Stelle",
        "für Ihr Anliegen ist {stelle} zuständig. Wir haben Ihr Schreiben vom {eingangsdatum} dorthin "
        "weitergeleitet; Sie erhalten von dort weitere Nachricht.",
    ),
    (
        "Nachforderung von Unterlagen",
        "um Ihr Anliegen ({aktenzeichen}) bearbeiten zu können, benötigen wir noch folgende Unterlagen:\n"
        "- {unterlagen}\n\nBitte reichen Sie diese bis zum {frist} ein. Ohne die Unterlagen können wir "
        "über Ihr Anliegen nicht entscheiden.",
    ),
    (
        "Mängelmeldung aufgenommen",
        "vielen Dank für Ihren Hinweis. Wir haben die Meldung unter dem Zeichen {aktenzeichen} aufgenommen "
        "und an den zuständigen Bereich weitergegeben. Die Behebung erfolgt im Rahmen der verfügbaren "
        "Kapazitäten; eine gesonderte Nachricht erhalten Sie nur, wenn wir Rückfragen haben.",
    ),
    (
        "Abschluss",
        "Ihr Anliegen ({aktenzeichen}) ist abgeschlossen. Sollten Sie noch Fragen haben, antworten Sie "
        "gern auf diese Nachricht und geben Sie dabei das Zeichen an.",
    ),
)


def demo_text_blocks(*, session: Session, actor: Actor) -> list[TextBlock]:
    """Create the five demo blocks in the session's tenant (nothing when it has blocks already)."""
    if list_current(session=session):
        return []
    return [save(session=session, actor=actor, title=title, body=body) for title, body in DEMO_BLOCKS]
