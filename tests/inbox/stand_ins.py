"""Deterministic stand-ins for the Posteingang's tests: an embedder and the factories around an item.

``HashedWords`` is a hashed bag of words; registered as the embedding backend ``hashed-words`` it lets
the production jobs run with a fixed, fast embedder (the real e5 is tested in test_routing and the
benchmark). The factories put a small filing plan and text items into a tenant the way intake does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from rathaus.core.ai import registry
from rathaus.core.audit.service import Actor
from rathaus.inbox import filing, service
from rathaus.inbox.models import DocumentRole, DocumentStatus, Item, ItemSource
from rathaus.inbox.schemas import Incoming, IncomingFile
from tests.assistant.stand_ins import HashEmbedder

CLERK = Actor(id=None, name="sachbearbeitung")


class HashedWords(HashEmbedder):
    """The assistant's hashed bag of words, with more dimensions: filing plans have more labels."""

    name = "hashed-words"
    model_name = "hashed-words"
    dimension = 512


def register_hashed_words(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Register ``hashed-words`` for one test; returns the AI settings that select it (and no OCR, no LLM)."""
    registry.registered("embedding")  # the built-in backends register on import: load them first
    monkeypatch.setitem(registry._FACTORIES, ("embedding", "hashed-words"), lambda _context: HashedWords())
    return {"embedding_backend": "hashed-words", "llm_backend": "none"}


PLAN_CSV = """kennzeichen;titel;beschreibung;amt;email
63.10;Bauanträge;Bauantrag Baugenehmigung Bauvorhaben;Bauamt;bauamt@example.org
66.20;Straßenbeleuchtung;Laterne defekt Straßenlaterne Licht Beleuchtung dunkel;Tiefbauamt;tiefbau@example.org
70.10;Abfall;Müll Mülltonne Abfuhr Sperrmüll Container Glas;Tiefbauamt;tiefbau@example.org
"""


def import_small_plan(session: Session) -> None:
    """Three positions in two departments (Bauamt; Tiefbauamt with two)."""
    rows = filing.parse_plan(data=PLAN_CSV.encode(), filename="plan.csv")
    filing.import_plan(session=session, rows=rows, actor=CLERK)


def text_incoming(subject: str, body: str, *, sender: str = "buerger@example.org") -> Incoming:
    """An e-mail whose body is known text, as intake hands it over."""
    return Incoming(
        source=ItemSource.EMAIL,
        subject=subject,
        sender_address=sender,
        files=(
            IncomingFile(
                filename="nachricht.txt",
                data=f"{subject}\n{body}".encode(),
                media_type="text/plain",
                role=DocumentRole.BODY,
                status=DocumentStatus.READ,
                text=body,
            ),
        ),
    )


def receive_text(session: Session, files_dir: Path, subject: str, body: str, **kwargs: str) -> Item:
    """Receive a text e-mail and return its item (flushed, not committed)."""
    return service.receive(
        session=session, files_dir=files_dir, incoming=text_incoming(subject, body, **kwargs), actor=CLERK
    ).item
