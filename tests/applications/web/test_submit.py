"""Bad input at submission and upload, the sweep of old drafts, and documents sent in later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.drafts import sweep_expired
from rathaus.applications.models import Application, ApplicationDraft, ApplicationStatus, Attachment
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session, utcnow
from rathaus.core.storage import StoredFile, blob_path
from rathaus.modules import Settings
from tests.applications.web.flow import (
    BASE,
    HUNDESTEUER,
    begin,
    csrf,
    fill,
    submit,
    tiny_pdf,
    tiny_png,
    upload,
)
from tests.conftest import World

KEY = "hundesteuer"


def _filled(client: TestClient) -> None:
    begin(client, KEY)
    fill(client, KEY, HUNDESTEUER)


def test_a_second_post_gives_the_same_application_and_receipt(client: TestClient, shipped: World) -> None:
    _filled(client)
    first = submit(client, KEY)
    page = client.get(f"{BASE}/{KEY}/zusammenfassung", follow_redirects=False)
    assert page.status_code == 303  # the form is done: the summary leads to the receipt
    key = _submission_key(shipped)
    second = client.post(
        f"{BASE}/{KEY}/absenden",
        data={"csrf_token": csrf(client.get(f"{BASE}/{KEY}")), "submission_key": key},
        follow_redirects=False,
    )
    assert second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    receipt = client.get(f"{first.headers['location']}/eingangsbestaetigung.pdf").content
    assert client.get(f"{second.headers['location']}/eingangsbestaetigung.pdf").content == receipt
    with open_session(shipped.sessions) as session:
        assert len(session.scalars(select(Application)).all()) == 1
        submitted = session.scalars(
            select(AuditEvent).where(AuditEvent.action == ApplicationsAction.SUBMITTED)
        ).all()
        assert len(submitted) == 1


def _submission_key(world: World) -> str:
    with open_session(world.sessions) as session:
        return session.scalars(select(ApplicationDraft.submission_key)).one()


def test_a_manipulated_hidden_field_is_refused(client: TestClient, shipped: World) -> None:
    _filled(client)
    answer = submit(client, KEY, submission_key="0" * 64)
    assert answer.status_code == 400
    assert "Dieses Formular passt nicht mehr zu Ihrem Antrag." in answer.text
    with open_session(shipped.sessions) as session:
        assert session.scalars(select(Application)).all() == []


def test_a_value_outside_the_schema_is_refused_at_submission(client: TestClient, shipped: World) -> None:
    _filled(client)
    with open_session(shipped.sessions) as session:  # as if a step had been bypassed
        draft = session.scalars(select(ApplicationDraft)).one()
        draft.data = {**draft.data, "weitere_hunde": 99, "plz": "ABCDE"}
    answer = submit(client, KEY)
    assert answer.status_code == 422
    assert (
        "Wie viele andere Hunde werden in Ihrem Haushalt schon gehalten?: Der Wert darf höchstens 30 sein."
        in answer.text
    )
    assert "Postleitzahl: Bitte prüfen Sie die Schreibweise." in answer.text
    assert f'href="{BASE}/{KEY}/schritt/person#feld-plz"' in answer.text
    with open_session(shipped.sessions) as session:
        assert session.scalars(select(Application)).all() == []
        assert session.scalars(select(ApplicationDraft)).one().data["nachname"] == "Mustermann"


def test_forged_empty_and_wrong_uploads_are_refused_and_nothing_is_lost(
    client: TestClient, shipped: World
) -> None:
    _filled(client)
    assert (
        upload(client, KEY, "rettungshundepruefung", "gut.pdf", tiny_pdf(), "application/pdf").status_code
        == 200
    )
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    forged = upload(client, KEY, "rettungshundepruefung", "nachweis.pdf", program, "application/pdf")
    assert forged.status_code == 415
    assert "Die Datei ist keine PDF- oder Bilddatei" in forged.text
    renamed = upload(client, KEY, "rettungshundepruefung", "foto.pdf", tiny_png(), "application/pdf")
    assert renamed.status_code == 415
    assert "trägt aber die Endung .pdf" in renamed.text
    empty = upload(client, KEY, "rettungshundepruefung", "leer.pdf", b"", "application/pdf")
    assert empty.status_code == 400
    foreign = upload(client, KEY, "gibt_es_nicht", "gut.pdf", tiny_pdf(), "application/pdf")
    assert foreign.status_code == 400
    assert "gut.pdf" in forged.text  # the good upload is still listed
    with open_session(shipped.sessions) as session:
        [kept] = session.scalars(select(Attachment)).all()
        assert kept.filename == "gut.pdf"
        assert session.scalars(select(ApplicationDraft)).one().data["vorname"] == "Erika"


def test_an_oversized_upload_is_refused(client: TestClient, shipped: World, settings: Settings) -> None:
    _filled(client)
    limit = 10 * 1024 * 1024
    big = tiny_pdf() + b"%" * (limit + 1)
    answer = upload(client, KEY, "rettungshundepruefung", "gross.pdf", big, "application/pdf")
    assert answer.status_code == 413
    assert "Die Datei „gross.pdf“ ist zu groß (höchstens 10 MB)." in answer.text
    with open_session(shipped.sessions) as session:
        assert session.scalars(select(Attachment)).all() == []
    assert not any(path.is_file() for path in (settings.files_dir / ".tmp").glob("*"))


def test_an_upload_can_be_removed(client: TestClient, shipped: World, settings: Settings) -> None:
    _filled(client)
    page = upload(client, KEY, "rettungshundepruefung", "weg.pdf", tiny_pdf("weg"), "application/pdf")
    with open_session(shipped.sessions) as session:
        attachment = session.scalars(select(Attachment)).one()
        stored = session.get(StoredFile, attachment.file_id)
        assert stored is not None
        path = blob_path(settings.files_dir, stored.sha256)
    assert path.is_file()
    removed = client.post(f"{BASE}/{KEY}/anlagen/{attachment.id}/entfernen", data={"csrf_token": csrf(page)})
    assert removed.status_code == 200
    assert "Die Datei wurde entfernt." in removed.text
    assert "weg.pdf" not in removed.text
    assert not path.exists()


def test_expired_drafts_are_swept_with_their_files(
    client: TestClient, shipped: World, settings: Settings
) -> None:
    _filled(client)
    upload(client, KEY, "rettungshundepruefung", "alt.pdf", tiny_pdf("alt"), "application/pdf")
    with open_session(shipped.sessions, tenant_id=shipped.tenant_a_id) as session:
        draft = session.scalars(select(ApplicationDraft)).one()
        stored = session.get(StoredFile, draft.attachments[0].file_id)
        assert stored is not None
        path = blob_path(settings.files_dir, stored.sha256)
        assert sweep_expired(session=session, files_dir=settings.files_dir, now=utcnow()) == 0
        later = draft.expires_at + timedelta(seconds=1)
        assert sweep_expired(session=session, files_dir=settings.files_dir, now=later) == 1
    assert not path.exists()
    with open_session(shipped.sessions) as session:
        assert session.scalars(select(ApplicationDraft)).all() == []
        assert session.scalars(select(Attachment)).all() == []
        assert session.scalars(select(StoredFile)).one().deleted_at is not None


@pytest.mark.parametrize("requested", [True, False])
def test_requested_documents_are_sent_in_on_the_status_page(
    client: TestClient, shipped: World, requested: bool
) -> None:
    _filled(client)
    status_path = submit(client, KEY).headers["location"]
    with open_session(shipped.sessions) as session:
        application = session.scalars(select(Application)).one()
        first_job = application.check_job_id
        if requested:
            application.status = ApplicationStatus.DOCUMENTS_REQUESTED
    page = client.get(status_path)
    assert ("Unterlagen nachreichen" in page.text) is requested
    answer = client.post(
        f"{status_path}/unterlagen",
        data={"csrf_token": csrf(client.get(f"{BASE}/{KEY}")), "anlage": "rettungshundepruefung"},
        files={"datei": ("nachtrag.pdf", tiny_pdf("Nachtrag"), "application/pdf")},
    )
    if not requested:
        assert answer.status_code == 409
        assert "keine Unterlagen nachgefordert" in answer.text
        return
    assert answer.status_code == 200
    assert "Ihre Unterlagen sind eingegangen" in answer.text
    with open_session(shipped.sessions) as session:
        application = session.scalars(select(Application)).one()
        assert application.status == ApplicationStatus.CHECKING
        assert application.check_job_id != first_job
        assert [item.filename for item in application.attachments] == ["nachtrag.pdf"]
        added = session.scalars(
            select(AuditEvent).where(AuditEvent.action == ApplicationsAction.DOCUMENTS_ADDED)
        ).one()
        assert added.details["attachments"] == [
            {"requirement": "rettungshundepruefung", "filename": "nachtrag.pdf"}
        ]


def test_an_unknown_status_link_is_404(client: TestClient, shipped: World) -> None:
    answer = client.get(f"{BASE}/status/unbekannt")
    assert answer.status_code == 404
    assert "Zu diesem Link gibt es keinen Antrag." in answer.text
