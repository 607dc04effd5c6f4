"""Text blocks: versions of one key, the position's blocks first, placeholders from the item, audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.inbox import textblocks
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import Item, TextBlock
from tests.inbox.reply_world import TODAY, ReplyWorld, reply_world

__all__ = ["reply_world"]


def test_the_demo_creates_five_approved_blocks_once(reply_world: ReplyWorld) -> None:
    with open_session(reply_world.sessions, tenant_id=reply_world.tenant_id) as session:
        blocks = textblocks.list_current(session=session)
        assert [b.title for b in blocks] == [
            "Abschluss",
            "Eingangsbestätigung",
            "Mängelmeldung aufgenommen",
            "Nachforderung von Unterlagen",
            "Weiterleitung an zuständige Stelle",
        ]
        assert {b.key for b in blocks} >= {"eingangsbestaetigung", "maengelmeldung-aufgenommen"}
        assert all(b.version == 1 and b.current and b.approved_by_id == reply_world.actor.id for b in blocks)
        assert textblocks.demo_text_blocks(session=session, actor=reply_world.actor) == []
    with open_session(reply_world.sessions, tenant_id=reply_world.other_tenant_id) as session:
        assert textblocks.list_current(session=session) == []


def test_editing_writes_a_new_version_and_keeps_the_old_one(reply_world: ReplyWorld) -> None:
    actor = reply_world.actor
    with open_session(reply_world.sessions, tenant_id=reply_world.tenant_id) as session:
        second = textblocks.save(
            session=session,
            actor=actor,
            key="abschluss",
            title="Abschluss",
            body="Ihr Anliegen {aktenzeichen} ist erledigt.",
            position_id=reply_world.position_id,
        )
        assert (second.key, second.version, second.current) == ("abschluss", 2, True)
        history = textblocks.versions(session=session, key="abschluss")
        assert [(b.version, b.current) for b in history] == [(2, True), (1, False)]
        assert history[1].body.startswith("Ihr Anliegen ({aktenzeichen}) ist abgeschlossen.")
        assert textblocks.get_current(session=session, key="abschluss") is second
        unchanged = textblocks.save(
            session=session,
            actor=actor,
            key="abschluss",
            title="Abschluss",
            body="Ihr Anliegen {aktenzeichen} ist erledigt.",
            position_id=reply_world.position_id,
        )
        assert unchanged is second
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == InboxAction.TEXT_BLOCK_SAVED.value)
        ).all()
        assert len(events) == 6  # five demo blocks and the one new version
        assert events[-1].details == {
            "key": "abschluss",
            "version": 2,
            "position_id": reply_world.position_id,
        }


def test_a_new_block_with_a_taken_title_gets_its_own_key(reply_world: ReplyWorld) -> None:
    with open_session(reply_world.sessions, tenant_id=reply_world.tenant_id) as session:
        block = textblocks.save(session=session, actor=reply_world.actor, title="Abschluss", body="Anders.")
        assert (block.key, block.version) == ("abschluss-2", 1)
        assert (
            session.scalar(select(TextBlock).where(TextBlock.key == "abschluss", TextBlock.current)).version
            == 1
        )


@pytest.mark.parametrize(
    ("title", "body", "key", "message"),
    [
        ("", "Text", None, "Bitte geben Sie einen Titel an."),
        ("Titel", "  ", None, "Bitte geben Sie den Text des Bausteins an."),
        ("Titel", "Text", "gibt-es-nicht", "Diesen Textbaustein gibt es nicht."),
    ],
)
def test_invalid_blocks_are_refused_in_german(
    reply_world: ReplyWorld, title: str, body: str, key: str | None, message: str
) -> None:
    with (
        open_session(reply_world.sessions, tenant_id=reply_world.tenant_id) as session,
        pytest.raises(textblocks.TextBlockError, match=message),
    ):
        textblocks.save(session=session, actor=reply_world.actor, title=title, body=body, key=key)


def test_the_blocks_of_the_items_position_come_first(reply_world: ReplyWorld) -> None:
    with open_session(reply_world.sessions, tenant_id=reply_world.tenant_id) as session:
        own = textblocks.save(
            session=session,
            actor=reply_world.actor,
            title="Reisepass: Unterlagen",
            body="Bitte bringen Sie ein biometrisches Passfoto mit.",
            position_id=reply_world.position_id,
        )
        item = session.get(Item, reply_world.item_id)
        letter = session.get(Item, reply_world.letter_id)
        assert item is not None
        assert letter is not None
        offered = textblocks.for_item(session=session, item=item)
        assert offered[0] is own
        assert len(offered) == 6
        assert own not in textblocks.for_item(session=session, item=letter)


def test_placeholders_are_filled_from_the_item(reply_world: ReplyWorld) -> None:
    with open_session(reply_world.sessions, tenant_id=reply_world.tenant_id) as session:
        item = session.get(Item, reply_world.item_id)
        letter = session.get(Item, reply_world.letter_id)
        assert item is not None
        assert letter is not None
        values = textblocks.placeholders(item, today=TODAY)
        assert values["anrede"] == "Sehr geehrte Frau Müller,"
        assert values["aktenzeichen"] == f"Eingang Nr. {item.id}"
        assert values["eingangsdatum"] == "03.03.2025"
        assert values["frist"] == "24.03.2025"  # no deadline in the item: two weeks from today
        assert values["stelle"] == "Bürgerbüro"
        text = textblocks.fill("{anrede} Az. {aktenzeichen}, bis {frist}: {unterlagen}", values)
        assert text == f"Sehr geehrte Frau Müller, Az. Eingang Nr. {item.id}, bis 24.03.2025: {{unterlagen}}"

        letter.due_date = date(2025, 4, 1)
        other = textblocks.placeholders(letter, today=TODAY)
        assert other["anrede"] == "Sehr geehrter Herr Becker,"
        assert other["aktenzeichen"] == "66.20-2025-17"
        assert other["frist"] == "01.04.2025"
        assert other["stelle"] == "die zuständige Stelle"


@pytest.mark.parametrize(
    ("name", "salutation"),
    [
        ("Herrn Dr. Klaus Meier", "Sehr geehrter Herr Dr. Meier,"),
        ("Erika Müller", "Sehr geehrte Damen und Herren,"),
        ("", "Sehr geehrte Damen und Herren,"),
    ],
)
def test_the_salutation_never_guesses_a_gender(name: str, salutation: str) -> None:
    assert textblocks.salutation(name) == salutation
