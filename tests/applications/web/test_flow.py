"""The citizen form through the real app, for each shipped type: start to receipt."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from fastapi.testclient import TestClient
from pdfminer.high_level import extract_text
from sqlalchemy import select

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.models import Application, ApplicationDraft, ApplicationStatus, Attachment
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.jobs import Job
from tests.applications.web.flow import (
    BASE,
    SAMPLES,
    UPLOADS,
    begin,
    fill,
    submit,
    tiny_pdf,
    tiny_png,
    upload,
)
from tests.conftest import World


def test_the_list_names_every_active_type_with_what_is_needed(client: TestClient, shipped: World) -> None:
    page = client.get(BASE)
    assert page.status_code == 200
    assert "Anmeldung zur Hundesteuer" in page.text
    assert "Antrag auf Sondernutzungserlaubnis" in page.text or "Sondernutzung" in page.text
    assert "Kämmerei – Steueramt" in page.text
    assert "Auszug aus dem Zuchtbuch" in page.text
    assert f'href="{BASE}/hundesteuer"' in page.text


def test_the_start_page_explains_the_application(client: TestClient, shipped: World) -> None:
    page = client.get(f"{BASE}/hundesteuer")
    assert page.status_code == 200
    assert "Satzung über die Erhebung der Hundesteuer" in page.text
    assert "Nachweis der Rettungshundeprüfung" in page.text
    assert "Zeitbedarf" in page.text
    assert "Datenschutz" in page.text
    assert "30 Tage nach der letzten Änderung gelöscht" in page.text
    assert "Antrag beginnen" in page.text
    assert client.get(f"{BASE}/gibt-es-nicht").status_code == 404


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_a_citizen_fills_in_uploads_and_submits(client: TestClient, shipped: World, key: str) -> None:
    first = begin(client, key)
    assert "Schritt 1 von" in first.text
    assert 'aria-current="step"' in first.text
    assert "Rechtsgrundlage:" in first.text
    assert 'autocomplete="given-name"' in first.text
    fill(client, key, SAMPLES[key])
    attachments = client.get(f"{BASE}/{key}/anlagen")
    assert attachments.status_code == 200
    document = tiny_pdf("Nachweis") if key != "kita-ermaessigung" else tiny_png()
    name, kind = (
        ("nachweis.pdf", "application/pdf") if key != "kita-ermaessigung" else ("pass.png", "image/png")
    )
    uploaded = upload(client, key, UPLOADS[key], name, document, kind)
    assert uploaded.status_code == 200, uploaded.text
    assert f"„{name}“ wurde hochgeladen." in uploaded.text
    assert f"„{name}“ entfernen" in uploaded.text

    summary = client.get(f"{BASE}/{key}/zusammenfassung")
    assert summary.status_code == 200
    assert "Antrag verbindlich absenden" in summary.text
    assert "Ändern" in summary.text
    assert name in summary.text
    assert "error-summary" not in summary.text

    sent = submit(client, key)
    assert sent.status_code == 303, sent.text
    status_path = sent.headers["location"]
    assert status_path.startswith(f"{BASE}/status/")
    receipt = client.get(status_path)
    reference = re.search(r"[A-Z]{2,5}-\d{4}-\d{5}", receipt.text)
    assert reference is not None
    assert "Eingangsbestätigung herunterladen" in receipt.text
    assert "Wie es weitergeht" in receipt.text

    pdf = client.get(f"{status_path}/eingangsbestaetigung.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    with pikepdf.open(io.BytesIO(pdf.content)) as parsed:
        assert "/OutputIntents" in parsed.Root  # PDF/A: embedded colour profile
        assert parsed.open_metadata().get("pdfaid:part") == "3"
    text = extract_text(io.BytesIO(pdf.content))
    assert reference.group(0) in text
    assert "Eingangsbestätigung" in text
    assert name in text
    again = client.get(f"{status_path}/eingangsbestaetigung.pdf")
    assert again.content == pdf.content  # kept: every download is the same document

    with open_session(shipped.sessions) as session:
        application = session.scalars(select(Application)).one()
        assert application.reference == reference.group(0)
        assert application.status == ApplicationStatus.CHECKING
        assert application.check_job_id is not None
        job = session.get(Job, application.check_job_id)
        assert job is not None
        assert job.kind == "applications.check"
        assert job.params == {"application_id": application.id}
        [attachment] = session.scalars(select(Attachment)).all()
        assert attachment.application_id == application.id
        assert attachment.draft_id is None
        draft = session.scalars(select(ApplicationDraft)).one()
        assert draft.application_id == application.id
        actions = session.scalars(select(AuditEvent.action)).all()
        assert ApplicationsAction.SUBMITTED in actions
