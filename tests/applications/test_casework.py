"""The caseworker's domain functions: queue, reviews, the decision and its snapshot, the start page box."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications import casework, checklist
from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.casework import CaseworkError
from rathaus.applications.definition import Category, Severity
from rathaus.applications.models import ApplicationStatus, Outcome, Review
from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.jobs import Job, JobStatus
from rathaus.core.security.models import Role, Tenant
from tests.applications.factories import (
    add_attachment,
    add_finding,
    check_now,
    install_types,
    make_application,
)
from tests.conftest import World
from tests.factories import make_user


@pytest.fixture
def tenant_session(world: World) -> Iterator[Session]:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        yield session


def _caseworker(session: Session, world: World) -> Actor:
    tenant = session.get(Tenant, world.tenant_a_id)
    assert tenant is not None
    user = make_user(session, tenant, "sb-antraege", roles={Role.CASEWORKER})
    user.full_name = "Sabine Sachbearbeiterin"
    session.flush()
    return Actor(id=user.id, name=user.username)


def test_the_queue_is_oldest_first_filters_and_counts_the_newest_check(tenant_session: Session) -> None:
    session = tenant_session
    types = install_types(session, session.info["tenant_id"])
    dog_new = make_application(
        session, types["hundesteuer"], number=2, submitted_at=datetime(2026, 12, 3, tzinfo=UTC)
    )
    dog_old = make_application(
        session, types["hundesteuer"], number=1, submitted_at=datetime(2026, 12, 1, tzinfo=UTC)
    )
    street = make_application(
        session,
        types["sondernutzung"],
        data={"vorname": "Bodo", "nachname": "Baustelle"},
        number=3,
        submitted_at=datetime(2026, 12, 2, tzinfo=UTC),
    )
    check_now(session, dog_old)
    check_now(session, dog_old)  # a second run: only its findings count
    job = Job(
        kind="applications.check", status=JobStatus.RUNNING, progress=40, stage="Anlagen lesen", params={}
    )
    session.add(job)
    session.flush()
    dog_new.check_job_id, dog_new.status = job.id, ApplicationStatus.CHECKING

    rows = casework.queue(session=session)
    assert [row.application.reference for row in rows] == [
        dog_old.reference,
        street.reference,
        dog_new.reference,
    ]
    first = rows[0]
    assert first.type_title == "Anmeldung zur Hundesteuer"
    assert first.counts == {"fehler": 2}  # the missing proof and the old rescue-dog test, once
    assert not first.checking
    assert rows[2].checking
    assert rows[2].job is not None
    assert rows[2].job.progress == 40

    only_dogs = casework.queue(session=session, type_key="hundesteuer")
    assert {row.application.id for row in only_dogs} == {dog_old.id, dog_new.id}
    checked = casework.queue(session=session, status=ApplicationStatus.CHECKED)
    assert [row.application.id for row in checked] == [dog_old.id]
    assert ("hundesteuer", "Anmeldung zur Hundesteuer") in casework.type_choices(session=session)


def test_override_needs_a_reason_and_both_reviews_are_audited(tenant_session: Session, world: World) -> None:
    session = tenant_session
    actor = _caseworker(session, world)
    types = install_types(session, world.tenant_a_id)
    application = make_application(session, types["hundesteuer"])
    findings = {f.rule_id: f for f in check_now(session, application)}
    missing = findings["anlage.rettungshundepruefung.fehlt"]
    old_test = findings["hst.pruefung-aktuell"]

    with pytest.raises(CaseworkError, match="begründen"):
        casework.review_finding(
            session=session,
            application=application,
            finding=old_test,
            review=Review.OVERRIDDEN,
            reason="  ",
            actor=actor,
        )
    assert old_test.review is None
    casework.review_finding(
        session=session,
        application=application,
        finding=old_test,
        review=Review.OVERRIDDEN,
        reason="Wiederholungsprüfung vom 02.11.2026 liegt in Papierform vor.",
        actor=actor,
    )
    casework.review_finding(
        session=session,
        application=application,
        finding=missing,
        review=Review.ACCEPTED,
        reason="",
        actor=actor,
    )
    assert old_test.review == Review.OVERRIDDEN
    assert old_test.reviewed_by == actor.id
    assert old_test.reviewed_at is not None
    assert missing.review == Review.ACCEPTED
    events = checklist.history(session=session, application=application)
    reviewed = [e for e in events if e.action == ApplicationsAction.FINDING_REVIEWED]
    assert [(e.details["finding"], e.details["review"]) for e in reviewed] == [
        (old_test.id, "overridden"),
        (missing.id, "accepted"),
    ]
    assert reviewed[0].details["reason"].startswith("Wiederholungsprüfung")
    assert reviewed[0].actor_name == "sb-antraege"


def test_a_finding_of_an_older_run_cannot_be_reviewed(tenant_session: Session, world: World) -> None:
    session = tenant_session
    actor = _caseworker(session, world)
    types = install_types(session, world.tenant_a_id)
    application = make_application(session, types["hundesteuer"])
    old = check_now(session, application)[0]
    check_now(session, application)
    with pytest.raises(CaseworkError, match="neuesten Prüfung"):
        casework.review_finding(
            session=session,
            application=application,
            finding=old,
            review=Review.ACCEPTED,
            reason="",
            actor=actor,
        )


def test_a_decision_is_refused_while_an_error_is_unreviewed(tenant_session: Session, world: World) -> None:
    session = tenant_session
    actor = _caseworker(session, world)
    types = install_types(session, world.tenant_a_id)
    application = make_application(session, types["hundesteuer"])
    findings = check_now(session, application)
    with pytest.raises(CaseworkError) as refused:
        casework.decide(
            session=session,
            application=application,
            outcome=Outcome.REJECTED,
            reason="Nachweis fehlt.",
            actor=actor,
        )
    message = str(refused.value)
    assert "Noch offen" in message
    for finding in findings:
        assert f"„{finding.title}“" in message
    assert application.status == ApplicationStatus.CHECKED
    assert not application.decisions

    for finding in findings:
        casework.review_finding(
            session=session,
            application=application,
            finding=finding,
            review=Review.ACCEPTED,
            reason="",
            actor=actor,
        )
    with pytest.raises(CaseworkError, match="begründen"):
        casework.decide(
            session=session, application=application, outcome=Outcome.REJECTED, reason=" ", actor=actor
        )
    decision = casework.decide(
        session=session,
        application=application,
        outcome=Outcome.REJECTED,
        reason="Nachweis fehlt.",
        actor=actor,
    )
    assert decision.outcome == Outcome.REJECTED


def test_a_decision_keeps_a_snapshot_of_every_finding_and_its_review(
    tenant_session: Session, world: World, tmp_path: Path
) -> None:
    session = tenant_session
    actor = _caseworker(session, world)
    types = install_types(session, world.tenant_a_id)
    application = make_application(session, types["hundesteuer"])
    proof = add_attachment(
        session,
        application,
        tmp_path,
        requirement="rettungshundepruefung",
        text="Prüfungszeugnis Rettungshund Bello für Max Mustermann",
        kind="rettungshundepruefung",
        filename="pruefung.pdf",
    )
    findings = {f.rule_id: f for f in check_now(session, application)}
    consistency = add_finding(
        session,
        application,
        attachment_id=proof.id,
        page=1,
        line=3,
        snippet="für Max Mustermann",
        field="nachname",
        by_model=True,
    )
    note = add_finding(
        session,
        application,
        rule_id="hst.hinweis",
        title="Ein Hinweis",
        severity=Severity.NOTE,
        category=Category.PLAUSIBILITY,
    )
    casework.review_finding(
        session=session,
        application=application,
        finding=findings["hst.pruefung-aktuell"],
        review=Review.OVERRIDDEN,
        reason="Aktuelle Prüfung nachgewiesen.",
        actor=actor,
    )
    decision = casework.decide(
        session=session,
        application=application,
        outcome=Outcome.APPROVED,
        reason="Befreiung nach § 8 HStS gewährt.",
        actor=actor,
    )
    assert application.status == ApplicationStatus.DECIDED
    assert decision.decided_by == actor.id
    assert decision.reason == "Befreiung nach § 8 HStS gewährt."
    rows = {row["rule_id"]: row for row in decision.findings}
    assert set(rows) == {"hst.pruefung-aktuell", consistency.rule_id, note.rule_id}
    overridden = rows["hst.pruefung-aktuell"]
    assert overridden["review"] == "overridden"
    assert overridden["review_reason"] == "Aktuelle Prüfung nachgewiesen."
    assert overridden["reviewed_by_name"] == "Sabine Sachbearbeiterin"
    assert overridden["paragraph"] == "§ 8 Abs. 3 Nr. 3 und Abs. 1 HStS"
    assert overridden["severity"] == "fehler"
    evidence = rows[consistency.rule_id]
    assert (evidence["attachment"], evidence["page"], evidence["line"]) == ("pruefung.pdf", 1, 3)
    assert evidence["snippet"] == "für Max Mustermann"
    assert (evidence["field_label"], evidence["value"]) == ("Nachname", "Musterfrau")
    assert evidence["by_model"] is True
    assert evidence["review"] is None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == ApplicationsAction.DECIDED)).one()
    assert event.details["outcome"] == "approved"
    assert event.details["overridden"] == 1

    # later changes to a finding do not change what the decision recorded
    findings["hst.pruefung-aktuell"].review_reason = "nachträglich geändert"
    session.flush()
    session.refresh(decision)
    assert {row["review_reason"] for row in decision.findings} >= {"Aktuelle Prüfung nachgewiesen."}
    with pytest.raises(CaseworkError, match="bereits entschieden"):
        casework.decide(
            session=session, application=application, outcome=Outcome.REJECTED, reason="x", actor=actor
        )


def test_no_decision_before_the_check_has_a_result(tenant_session: Session, world: World) -> None:
    session = tenant_session
    actor = _caseworker(session, world)
    types = install_types(session, world.tenant_a_id)
    application = make_application(session, types["hundesteuer"])
    with pytest.raises(CaseworkError, match="noch nicht abgeschlossen"):
        casework.decide(
            session=session, application=application, outcome=Outcome.APPROVED, reason="gut", actor=actor
        )


def test_the_start_page_box_counts_what_needs_a_person(tenant_session: Session, world: World) -> None:
    session = tenant_session
    types = install_types(session, world.tenant_a_id)
    checked = make_application(session, types["hundesteuer"], number=1)
    check_now(session, checked)
    make_application(session, types["hundesteuer"], number=2)
    overdue = make_application(
        session, types["hundesteuer"], number=3, status=ApplicationStatus.DOCUMENTS_REQUESTED
    )
    overdue.documents_due = date(2026, 12, 1)
    running = make_application(
        session, types["hundesteuer"], number=4, status=ApplicationStatus.DOCUMENTS_REQUESTED
    )
    running.documents_due = date(2026, 12, 20)
    session.flush()
    counts = casework.attention(session=session, today=date(2026, 12, 6))
    assert (counts.to_review, counts.checking, counts.overdue) == (1, 1, 1)
    assert counts.by_status[ApplicationStatus.DOCUMENTS_REQUESTED] == 2
