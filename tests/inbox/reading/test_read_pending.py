"""The reading job's first stage on a real database: pages, confidences, the low-confidence flag, PDF/A."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.ai.ocr import OcrmypdfEngine
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.reading.scans import render_scan
from rathaus.core.storage import StoredFile, blob_path
from rathaus.inbox.models import DocumentStatus, Item, ItemSource
from rathaus.inbox.processing import read_pending
from rathaus.inbox.schemas import Incoming, IncomingFile
from rathaus.inbox.service import receive
from rathaus.modules import Settings
from tests.conftest import World
from tests.core.reading.conftest import LETTER, LIMITS, SECOND_LETTER

pytestmark = pytest.mark.slow


def _receive(sessions: sessionmaker[Session], tenant_id: int, files_dir: Path, *files: IncomingFile) -> int:
    with open_session(sessions, tenant_id=tenant_id) as session:
        incoming = Incoming(source=ItemSource.UPLOAD, files=files, subject="Brief")
        actor = Actor.system("test")
        received = receive(session=session, files_dir=files_dir, incoming=incoming, actor=actor)
        return received.item.id


def test_noisy_scan_is_flagged_and_clean_scan_is_not(
    world: World, settings: Settings, ocr: OcrmypdfEngine
) -> None:
    files_dir = settings.files_dir
    clean = IncomingFile("brief.pdf", render_scan(LETTER, seed=21, noise=0.1), "application/pdf")
    noisy = IncomingFile("fax.pdf", render_scan(SECOND_LETTER, seed=22, noise=1.0), "application/pdf")
    broken = IncomingFile("kaputt.pdf", b"%PDF-1.7\ntruncated", "application/pdf")
    item_id = _receive(world.sessions, world.tenant_a_id, files_dir, clean, noisy, broken)

    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        read_pending(session=session, item_id=item_id, files_dir=files_dir, limits=LIMITS, ocr=ocr)

    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        item = session.get(Item, item_id)
        assert item is not None
        first, second, third = item.documents
        assert first.status is DocumentStatus.READ
        assert first.text_method == "ocr"
        assert "Straßenlaternen" in first.text
        (page,) = first.pages
        assert page.confidence is not None
        assert page.confidence > LIMITS.low_confidence
        assert not page.low_confidence
        assert first.pdf_file_id is not None
        (noisy_page,) = second.pages
        assert noisy_page.confidence is not None
        assert noisy_page.confidence < LIMITS.low_confidence
        assert noisy_page.low_confidence
        assert third.status is DocumentStatus.UNREADABLE
        assert third.message is not None
        assert "unvollständig" in third.message
        assert item.needs_review
        assert "Weinberg" in item.text
        stored = session.get(StoredFile, first.pdf_file_id)
        assert stored is not None
        assert blob_path(files_dir, stored.sha256).read_bytes().startswith(b"%PDF-")
