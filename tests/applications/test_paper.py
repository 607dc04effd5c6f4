"""Paper forms from the Posteingang: matched to their type, read, taken in as applications and checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications import intake, paper
from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.catalog import active_type
from rathaus.applications.checking import check_application
from rathaus.applications.definition import shipped_types
from rathaus.applications.jobs import CHECK, local_today
from rathaus.applications.models import Application, ApplicationStatus, Finding
from rathaus.applications.service import SubmissionError, submit
from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.jobs import Job
from rathaus.core.storage import StoredFile, store_bytes
from rathaus.modules import Settings
from tests.applications.factories import install_types
from tests.applications.paper_forms import (
    DEREGISTRATION_LETTER,
    HUNDESTEUER_FORM,
    INCOMPLETE_FORM,
    STREET_LAMP_LETTER,
)
from tests.conftest import World

CLERK = Actor(id=None, name="poststelle")
SCAN = b"%PDF-1.4\n% der Scan eines Papierformulars\n"


@pytest.fixture
def tenant_session(world: World) -> Iterator[Session]:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        install_types(session, world.tenant_a_id)
        yield session


def _scan(session: Session, settings: Settings, tenant_id: int, data: bytes = SCAN) -> StoredFile:
    """The scan as the Posteingang stored it."""
    return store_bytes(
        session=session,
        files_dir=settings.files_dir,
        tenant_id=tenant_id,
        data=data,
        filename="scan.pdf",
        media_type="application/pdf",
        purpose="inbox",
    )


def _take(session: Session, scan: StoredFile, text: str) -> Application:
    result = intake.take_paper(
        session=session,
        type_key="hundesteuer",
        text=text,
        file_id=scan.id,
        filename="scan.pdf",
        media_type="application/pdf",
        actor=CLERK,
    )
    application = session.get(Application, result.application_id)
    assert application is not None
    return application


def test_a_filled_in_form_is_recognised_by_its_title_by_law_and_own_labels() -> None:
    matches = paper.match_types(list(shipped_types()), HUNDESTEUER_FORM)
    best = matches[0]
    assert (best.key, best.title) == ("hundesteuer", "Anmeldung zur Hundesteuer")
    assert best.score >= 0.75
    assert best.evidence[:3] == (
        "Titel „Anmeldung zur Hundesteuer“",
        "Satzung „HStS“",
        "Feld „Name des Hundes“",
    )
    assert "Feld „Vorname“" not in best.evidence  # every form asks for the first name: it tells nothing
    assert all(other.score < 0.1 for other in matches[1:])


def test_letters_that_are_no_form_are_not_taken_for_one() -> None:
    definitions = list(shipped_types())
    assert paper.match_types(definitions, STREET_LAMP_LETTER) == []
    deregistration = paper.match_types(definitions, DEREGISTRATION_LETTER)
    # "Abmeldung zur Hundesteuer" is close to the title, but no label of the form is there
    assert deregistration[0].evidence == ("Titel „Anmeldung zur Hundesteuer“",)
    assert deregistration[0].score < 0.55


def test_the_values_beside_the_labels_and_the_ticked_boxes_are_read() -> None:
    definition = next(item for item in shipped_types() if item.key == "hundesteuer")
    posted = paper.read_paper(definition, HUNDESTEUER_FORM)
    assert posted == {
        "vorname": "Erika",
        "nachname": "Musterfrau",
        "geburtsdatum": "01.05.1980",
        "strasse": "Lindenstraße",
        "hausnummer": "12",
        "plz": "78462",
        "ort": "Konstanz",  # not "Konstanz, 01.12.2026" from "Ort, Datum"
        "email": "erika.musterfrau@example.org",
        "hund_name": "Bello",
        "rasse": "Labrador-Mischling",  # on the line below its label
        "hund_geburtsdatum": "01.01.2022",
        "haltung_beginn": "20.11.2026",
        "listenhund": "",  # the box is empty (its label broken over two lines)
        "weitere_hunde": "0",
        "verguenstigung": "keine",
        "richtigkeit": "ja",
    }


def test_ocr_errors_in_labels_and_options_ticked_in_a_list_are_forgiven() -> None:
    definition = next(item for item in shipped_types() if item.key == "hundesteuer")
    text = (
        "Narne des Hundes: Luna\n"  # "m" read as "rn"
        "Rasse oder Kreuzunq: Pudel\n"
        "Beantragen Sie eine Steuervergünstigung?\n"
        "[ ] Nein\n"
        "[x] Befreiung: geprufter Rettungshund (§ 6 Abs. 1 Nr. 2)\n"
    )
    posted = paper.read_paper(definition, text)
    assert posted == {"hund_name": "Luna", "rasse": "Pudel", "verguenstigung": "befreiung_rettungshund"}


def test_take_paper_makes_an_application_with_the_values_and_the_scan(
    tenant_session: Session, settings: Settings, world: World
) -> None:
    scan = _scan(tenant_session, settings, world.tenant_a_id)
    result = intake.take_paper(
        session=tenant_session,
        type_key="hundesteuer",
        text=HUNDESTEUER_FORM,
        file_id=scan.id,
        filename="scan.pdf",
        media_type="application/pdf",
        actor=CLERK,
    )
    assert result.reference == f"HST-{local_today().year}-00001"
    assert result.type_title == "Anmeldung zur Hundesteuer"
    assert "Name des Hundes" in result.read_fields
    assert result.empty_fields == (
        "Telefon",
        "Der Hund gehört zu einer Rasse nach § 1 Abs. 2 oder 3 der Polizeiverordnung über das Halten "
        "gefährlicher Hunde (oder ist eine Kreuzung davon).",
    )
    application = tenant_session.get(Application, result.application_id)
    assert application is not None
    assert application.channel == "paper"
    assert application.applicant_name == "Erika Musterfrau"
    assert application.applicant_email == "erika.musterfrau@example.org"
    assert application.data["hund_name"] == "Bello"
    assert application.data["haltung_beginn"] == "2026-11-20"
    assert application.data["richtigkeit"] is True
    assert application.access_hash == ""  # no citizen's link: the answer goes by post
    (attachment,) = application.attachments
    assert (attachment.requirement, attachment.filename, attachment.readable) == (
        "papierformular",
        "scan.pdf",
        True,
    )
    assert "Name des Hundes: Bello" in attachment.pages[0]["text"]
    kept = tenant_session.get(StoredFile, attachment.file_id)
    assert kept is not None
    assert (kept.id != scan.id, kept.sha256, kept.purpose) == (True, scan.sha256, "application")
    job = tenant_session.get(Job, application.check_job_id)
    assert job is not None
    assert (job.kind, job.params) == (CHECK, {"application_id": application.id})
    assert application.status == ApplicationStatus.CHECKING
    event = tenant_session.scalars(
        select(AuditEvent).where(AuditEvent.action == ApplicationsAction.SUBMITTED)
    ).one()
    assert event.details["channel"] == "paper"
    assert event.details["reference"] == result.reference


def test_the_same_scan_handed_over_twice_is_one_application(
    tenant_session: Session, settings: Settings, world: World
) -> None:
    scan = _scan(tenant_session, settings, world.tenant_a_id)
    first = _take(tenant_session, scan, HUNDESTEUER_FORM)
    again = _take(tenant_session, scan, HUNDESTEUER_FORM)
    assert again.id == first.id
    assert len(tenant_session.scalars(select(Application)).all()) == 1
    assert len(first.attachments) == 1


def test_an_incomplete_paper_form_is_accepted_and_the_check_lists_what_is_missing(
    tenant_session: Session, settings: Settings, world: World
) -> None:
    scan = _scan(tenant_session, settings, world.tenant_a_id)
    application = _take(tenant_session, scan, INCOMPLETE_FORM)
    assert application.data["plz"] == "7846"  # kept as written: the caseworker sees it
    check_application(session=tenant_session, application_id=application.id, today=date(2026, 12, 6))
    tenant_session.flush()
    findings = tenant_session.scalars(select(Finding).where(Finding.application_id == application.id)).all()
    by_rule = {finding.rule_id: finding for finding in findings}
    for key in ("geburtsdatum", "strasse", "hausnummer", "rasse", "richtigkeit"):
        assert by_rule[f"feld.{key}"].category == "vollstaendigkeit", key
    assert by_rule["feld.plz"].category == "plausibilitaet"
    assert by_rule["feld.rasse"].title == "Angabe fehlt: Rasse oder Kreuzung"
    assert "feld.hund_name" not in by_rule
    # the scan of the form is no attachment the check knows or misses
    assert not [finding for finding in findings if "papierformular" in finding.rule_id]
    assert all(finding.attachment_id is None for finding in findings)
    assert application.status == ApplicationStatus.CHECKED


def test_online_submissions_are_still_refused_when_incomplete(tenant_session: Session) -> None:
    type_row = active_type(session=tenant_session, key="hundesteuer")
    assert type_row is not None
    with pytest.raises(SubmissionError) as refused:
        submit(
            session=tenant_session,
            type_row=type_row,
            values={"vorname": "Max"},
            submission_key="online-1",
            actor=CLERK,
            today=date(2026, 12, 6),
        )
    assert refused.value.errors["nachname"] == "Bitte füllen Sie dieses Feld aus."


def test_a_type_that_does_not_exist_is_refused_in_german(
    tenant_session: Session, settings: Settings, world: World
) -> None:
    scan = _scan(tenant_session, settings, world.tenant_a_id)
    with pytest.raises(ValueError, match="Diesen Antragstyp gibt es nicht"):
        intake.take_paper(
            session=tenant_session,
            type_key="fischereischein",
            text=HUNDESTEUER_FORM,
            file_id=scan.id,
            filename="scan.pdf",
            media_type="application/pdf",
            actor=CLERK,
        )


def test_the_port_is_provided_by_the_module_and_matches_through_the_database(tenant_session: Session) -> None:
    from rathaus.applications.module import MODULE  # noqa: PLC0415
    from rathaus.core.ports import APPLICATION_INTAKE  # noqa: PLC0415

    (provision,) = [item for item in MODULE.provides if item.port == APPLICATION_INTAKE]
    port = provision.factory(None)  # type: ignore[arg-type] # the intake needs no backend
    matches = port.match(session=tenant_session, text=HUNDESTEUER_FORM)
    assert matches[0].key == "hundesteuer"
