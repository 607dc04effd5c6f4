"""The caseworker's pages (``/antraege``): the queue, an application with its checklist, reviews, decision.

Routes are thin: the domain work is in ``rathaus.applications.casework``; a refused action
(:class:`CaseworkError`) comes back as the page with a German message.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import FileResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications import casework, checklist, correspondence, labels
from rathaus.applications.catalog import definition_of
from rathaus.applications.checks import computed_lines
from rathaus.applications.config import ApplicationsSettings
from rathaus.applications.forms import shown
from rathaus.applications.kinds import KIND_LABELS
from rathaus.applications.models import Application, ApplicationStatus, Decision, Finding, Outcome, Review
from rathaus.applications.paper import requirement_label
from rathaus.applications.service import current_findings, queue_counts
from rathaus.applications.web.casework_common import PREFIX, application_or_404, page_of, redirect, today
from rathaus.core.jobs import Job
from rathaus.core.storage import StoredFile, blob_path
from rathaus.web.deps import Caseworker, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Anträge: Sachbearbeitung"])
REVIEWS = {"bestaetigen": Review.ACCEPTED, "uebersteuern": Review.OVERRIDDEN}
OUTCOMES = {outcome.value: outcome for outcome in Outcome}


@router.get("", summary="Eingang der Anträge: alle Anträge mit dem Stand ihrer Prüfung")
def queue_page(
    request: Request, user: Caseworker, session: TenantSession, status: str = "", art: str = ""
) -> Response:
    chosen = ApplicationStatus(status) if status in set(ApplicationStatus) else None
    counts = queue_counts(session=session)
    return render(
        request,
        "applications/index.html",
        {
            "rows": casework.queue(session=session, status=chosen, type_key=art or None),
            "counts": [(s, labels.STATUS_LABELS[s], counts.get(s, 0)) for s in ApplicationStatus],
            "total": sum(counts.values()),
            "chosen_status": chosen.value if chosen else "",
            "chosen_type": art,
            "types": casework.type_choices(session=session),
            "outcomes": labels.OUTCOME_LABELS,
            "latest_outcome": _latest_outcomes(session),
        },
    )


def _latest_outcomes(session: Session) -> dict[int, str]:
    rows = session.execute(select(Decision.application_id, Decision.outcome).order_by(Decision.id)).all()
    return {application_id: labels.OUTCOME_LABELS[outcome] for application_id, outcome in rows}


def _application_context(session: Session, application: Application, context: Context) -> dict[str, Any]:
    definition = definition_of(application.type)
    job = session.get(Job, application.check_job_id) if application.check_job_id is not None else None
    values = shown(definition, application.data, today=application.submitted_at.date())
    sections = [
        (
            section,
            [
                (spec, checklist.value_text(definition, spec.key, application.data))
                for spec in values
                if spec.section == section.key
            ],
        )
        for section in definition.sections
    ]
    findings = current_findings(session=session, application=application)
    decisions = list(application.decisions)
    return {
        "application": application,
        "definition": definition,
        "status_label": labels.STATUS_LABELS[application.status],
        "sections": [(section, fields) for section, fields in sections if fields],
        "computed": computed_lines(definition, application.computed or {}),
        "groups": checklist.checklist(session=session, application=application),
        "open_errors": casework.unreviewed_errors(findings),
        "findings_count": len(findings),
        "job": job,
        "is_open": application.status in casework.OPEN_STATUSES,
        "decidable": application.status in casework.DECIDABLE,
        "decisions": decisions,
        "deciders": checklist.people(session=session, ids=[d.decided_by for d in decisions]),
        "outcomes": labels.OUTCOME_LABELS,
        "severity_labels": labels.SEVERITY_LABELS,
        "review_labels": labels.REVIEW_LABELS,
        "kind_labels": {kind.value: label for kind, label in KIND_LABELS.items()},
        "requirement_label": partial(requirement_label, definition),
        "letters": correspondence.letters_of(session=session, application=application),
        "letter_status": correspondence.LETTER_STATUS_LABELS,
        "history": checklist.history(session=session, application=application),
        "action_labels": labels.ACTION_LABELS,
        "documents_days": context.settings.section(ApplicationsSettings).documents_days,
    }


@router.get("/{application_id}", summary="Ein Antrag: Angaben, Anlagen, berechnete Werte und Prüfliste")
def application_page(
    request: Request, application_id: int, user: Caseworker, session: TenantSession, context: Context
) -> Response:
    application = application_or_404(session, application_id)
    return render(
        request, "applications/application.html", _application_context(session, application, context)
    )


@router.get("/{application_id}/anlagen/{attachment_id}", summary="Eine Anlage herunterladen")
def attachment_file(
    application_id: int, attachment_id: int, user: Caseworker, session: TenantSession, context: Context
) -> Response:
    application = application_or_404(session, application_id)
    attachment = next((a for a in application.attachments if a.id == attachment_id), None)
    stored = session.get(StoredFile, attachment.file_id) if attachment else None
    path = blob_path(context.settings.files_dir, stored.sha256) if stored else None
    if (
        attachment is None
        or stored is None
        or stored.deleted_at is not None
        or path is None
        or not path.is_file()
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Anlage gibt es nicht (mehr).")
    return FileResponse(
        path,
        media_type=stored.media_type,
        filename=attachment.filename,
        content_disposition_type="attachment",
    )


@router.post("/{application_id}/befunde/{finding_id}", summary="Einen Befund bestätigen oder übersteuern")
def review(
    request: Request,
    application_id: int,
    finding_id: int,
    user: Caseworker,
    session: TenantSession,
    aktion: Annotated[str, Form()],
    begruendung: Annotated[str, Form()] = "",
) -> Response:
    application = application_or_404(session, application_id)
    finding = session.get(Finding, finding_id)
    if finding is None or finding.application_id != application.id or aktion not in REVIEWS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Befund gibt es nicht.")
    try:
        casework.review_finding(
            session=session,
            application=application,
            finding=finding,
            review=REVIEWS[aktion],
            reason=begruendung,
            actor=actor_of(user),
        )
    except casework.CaseworkError as error:
        flash(request, str(error), "error")
        return redirect(page_of(application, f"#befund-{finding.id}"))
    label = labels.REVIEW_LABELS[REVIEWS[aktion]]
    flash(request, f"Befund „{finding.title}“ {label}.")
    return redirect(page_of(application, f"#befund-{finding.id}"))


@router.post("/{application_id}/pruefen", summary="Den Antrag erneut automatisch prüfen")
def recheck(
    request: Request, application_id: int, user: Caseworker, session: TenantSession, context: Context
) -> Response:
    application = application_or_404(session, application_id)
    try:
        casework.recheck(session=session, application=application, actor=actor_of(user), queue=context.queue)
    except casework.CaseworkError as error:
        flash(request, str(error), "error")
        return redirect(page_of(application))
    flash(request, "Die automatische Prüfung wurde erneut gestartet.")
    return redirect(page_of(application))


@router.get("/{application_id}/entscheiden", summary="Über einen Antrag entscheiden")
def decide_page(
    request: Request, application_id: int, user: Caseworker, session: TenantSession, context: Context
) -> Response:
    application = application_or_404(session, application_id)
    return render(request, "applications/decide.html", _application_context(session, application, context))


@router.post("/{application_id}/entscheiden", summary="Die Entscheidung mit Begründung festhalten")
def decide(
    request: Request,
    application_id: int,
    user: Caseworker,
    session: TenantSession,
    context: Context,
    ergebnis: Annotated[str, Form()] = "",
    begruendung: Annotated[str, Form()] = "",
    bescheid: Annotated[str, Form()] = "",
) -> Response:
    application = application_or_404(session, application_id)
    try:
        if ergebnis not in OUTCOMES:
            raise casework.CaseworkError(
                "Bitte wählen Sie ein Ergebnis: bewilligt, teilweise bewilligt oder abgelehnt."
            )
        decision = casework.decide(
            session=session,
            application=application,
            outcome=OUTCOMES[ergebnis],
            reason=begruendung,
            actor=actor_of(user),
        )
    except casework.CaseworkError as error:
        session.rollback()
        values = _application_context(session, application, context)
        values.update({"error": str(error), "chosen": ergebnis, "reason": begruendung})
        return render(request, "applications/decide.html", values, status_code=422)
    outcome = labels.OUTCOME_LABELS[decision.outcome]
    record_page = page_of(application, f"/entscheidung/{decision.id}")
    if not bescheid:
        flash(request, f"Entscheidung festgehalten: {outcome}.")
        return redirect(record_page)
    try:
        letter = correspondence.draft_decision_letter(
            session=session, application=application, decision=decision, actor=actor_of(user), today=today()
        )
    except casework.CaseworkError as error:  # the decision stands without a letter
        flash(request, f"Entscheidung festgehalten: {outcome}. {error}", "error")
        return redirect(record_page)
    flash(
        request,
        f"Entscheidung festgehalten: {outcome}. Der Bescheid ist entworfen; bitte prüfen Sie den Text.",
    )
    return redirect(page_of(application, f"/schreiben/{letter.id}"))


@router.get(
    "/{application_id}/entscheidung/{decision_id}",
    summary="Die Entscheidung mit den Befunden der Prüfung und dem, was die Person damit tat (zum Drucken)",
)
def decision_record(
    request: Request, application_id: int, decision_id: int, user: Caseworker, session: TenantSession
) -> Response:
    application = application_or_404(session, application_id)
    decision = session.get(Decision, decision_id)
    if decision is None or decision.application_id != application.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Entscheidung gibt es nicht.")
    return render(
        request,
        "applications/decision.html",
        {
            "application": application,
            "definition": definition_of(application.type),
            "decision": decision,
            "decider": checklist.people(session=session, ids=[decision.decided_by]).get(
                decision.decided_by or 0, ""
            ),
            "outcome": labels.OUTCOME_LABELS[decision.outcome],
            "severity_labels": labels.SEVERITY_LABELS,
            "category_labels": labels.CATEGORY_LABELS,
            "review_labels": {review.value: label for review, label in labels.REVIEW_LABELS.items()},
            "kind_labels": {kind.value: label for kind, label in KIND_LABELS.items()},
        },
    )
