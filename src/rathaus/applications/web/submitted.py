"""Summary, submission, receipt and status of a citizen's application.

The summary shows every value by step with "Ändern" links and the attachments; "Antrag verbindlich
absenden" posts the draft's one-time ``submission_key``. ``service.submit`` validates everything again
and is idempotent, so a second post gives the same application and the same receipt. The receipt page is
the status page of the application's link (``/status/{token}``, the token of the draft): reference,
date, status in plain German, the receipt PDF, and, while documents are requested, an upload for them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from rathaus.applications import drafts
from rathaus.applications.catalog import definition_of
from rathaus.applications.forms import validate
from rathaus.applications.jobs import queue_check
from rathaus.applications.models import Application, ApplicationStatus
from rathaus.applications.present import by_section
from rathaus.applications.receipt import local_time, receipt_pdf
from rathaus.applications.service import SubmissionError
from rathaus.applications.web import common
from rathaus.applications.web.attachments import requirements, upload_problem
from rathaus.applications.web.common import PublicTenant
from rathaus.applications.web.public import Form, Loaded, continue_link, load
from rathaus.core.security.uploads import UploadRejectedError
from rathaus.core.storage import get_file, open_file, store_bytes
from rathaus.web.deps import flash

router = APIRouter(prefix="/buerger/{tenant_slug}/antraege", tags=["Anträge (Bürger)"])
STATUS_TEXT = {
    ApplicationStatus.SUBMITTED: "Eingegangen. Die Prüfung beginnt in Kürze.",
    ApplicationStatus.CHECKING: "In Prüfung. Wir prüfen Ihre Angaben und Nachweise.",
    ApplicationStatus.CHECKED: "Geprüft. Ihr Antrag liegt der Sachbearbeitung zur Entscheidung vor.",
    ApplicationStatus.DOCUMENTS_REQUESTED: (
        "Unterlagen nachgefordert. Bitte reichen Sie die erbetenen Unterlagen nach."
    ),
    ApplicationStatus.DECIDED: "Entschieden. Sie erhalten einen Bescheid.",
    ApplicationStatus.WITHDRAWN: "Zurückgezogen.",
}


def _summary(
    request: Request,
    who: PublicTenant,
    loaded: Loaded,
    *,
    errors: dict[str, str] | None = None,
    code: int = 200,
) -> Response:
    definition, draft = loaded.definition, loaded.draft
    today = common.today()
    found = validate(definition, draft.data, today=today) if errors is None else errors
    steps = common.steps_of(who, definition)
    step_path = {step.key: step.path for step in steps}
    listed = []
    for name, text in found.items():
        spec = definition.field(name)
        if spec is None:
            listed.append(("absenden", text))
        else:
            listed.append((f"{step_path[spec.section]}#feld-{name}", f"{spec.label}: {text}"))
    shown, others = requirements(definition, draft.data, draft.attachments)
    values = {
        "definition": definition,
        "sections": by_section(definition, draft.data, today=today),
        "step_path": step_path,
        "requirements": shown,
        "others": others,
        "missing": [item for item in shown if item.needed and not item.uploads],
        "summary_errors": listed,
        "steps": steps,
        "current": len(steps),
        "back": steps[-2].path,
        "action": f"{common.form_path(who, definition.key)}/absenden",
        "submission_key": draft.submission_key,
        "link": continue_link(request, who, loaded.token),
    }
    return common.page(request, who, "summary.html", values, code=code)


@router.get("/status/{token}", summary="Anträge: Eingangsbestätigung und Stand eines Antrags")
def status_page(request: Request, tenant_slug: str, token: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        application = drafts.application_by_token(session=session, token=token)
        if application is None:
            return _no_application(request, who)
        return _status(request, who, application, token)


def _no_application(request: Request, who: PublicTenant) -> Response:
    text = (
        "Zu diesem Link gibt es keinen Antrag. Bitte prüfen Sie, ob Sie den Link vollständig kopiert haben."
    )
    return common.message_page(
        request, who, 404, "Antrag nicht gefunden", text, common.base_path(who), "Zu den Anträgen"
    )


def _status(
    request: Request,
    who: PublicTenant,
    application: Application,
    token: str,
    errors: list[tuple[str, str]] | None = None,
    code: int = 200,
) -> Response:
    definition = definition_of(application.type)
    path = f"{common.base_path(who)}/status/{token}"
    values = {
        "application": application,
        "definition": definition,
        "received": local_time(application.submitted_at),
        "status_text": STATUS_TEXT[application.status],
        "requested": application.status == ApplicationStatus.DOCUMENTS_REQUESTED,
        "status_link": common.public_url(request, path),
        "receipt_path": f"{path}/eingangsbestaetigung.pdf",
        "upload_action": f"{path}/unterlagen",
        "errors": errors or [],
    }
    return common.page(request, who, "status.html", values, code=code)


@router.get("/status/{token}/eingangsbestaetigung.pdf", summary="Anträge: Eingangsbestätigung als PDF")
def receipt(request: Request, tenant_slug: str, token: str) -> Response:
    """The receipt PDF/A, rendered once and then kept, so that every download is the same document."""
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    files_dir = common.context_of(request).settings.files_dir
    with common.scoped(request, who) as session:
        application = drafts.application_by_token(session=session, token=token)
        if application is None:
            return _no_application(request, who)
        name = f"Eingangsbestaetigung-{application.reference}.pdf"
        if application.receipt_file_id is None:
            data = receipt_pdf(session=session, application=application, files_dir=files_dir)
            stored = store_bytes(
                session=session,
                files_dir=files_dir,
                tenant_id=application.tenant_id,
                data=data,
                filename=name,
                media_type="application/pdf",
                purpose="application-receipt",
            )
            application.receipt_file_id = stored.id
        else:
            with open_file(
                files_dir=files_dir, stored=get_file(session=session, file_id=application.receipt_file_id)
            ) as handle:
                data = handle.read()
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content=data, media_type="application/pdf", headers=headers)


@router.post("/status/{token}/unterlagen", summary="Anträge: nachgeforderte Unterlagen hochladen")
def add_documents(request: Request, tenant_slug: str, token: str, form: Form) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    context = common.context_of(request)
    limit = common.section(request).max_upload_bytes
    requirement = str(form.get("anlage") or "")
    file = form.get("datei")
    with common.scoped(request, who) as session:
        application = drafts.application_by_token(session=session, token=token)
        if application is None:
            return _no_application(request, who)
        if not isinstance(file, UploadFile) or not file.filename:
            problem = [("datei", "Bitte wählen Sie eine Datei aus.")]
            return _status(request, who, application, token, problem, status.HTTP_422_UNPROCESSABLE_CONTENT)
        try:
            with session.begin_nested():
                drafts.add_documents(
                    session=session,
                    application=application,
                    uploads=[(requirement, file)],
                    files_dir=context.settings.files_dir,
                    max_bytes=limit,
                )
                queue_check(session=session, application=application, queue=context.queue)
        except UploadRejectedError as error:
            problem = [("datei", upload_problem(error, file.filename, limit))]
            return _status(request, who, application, token, problem, error.status_code)
        except SubmissionError as error:
            problem = [("datei", text) for text in error.errors.values()]
            return _status(request, who, application, token, problem, status.HTTP_409_CONFLICT)
    flash(request, "Vielen Dank. Ihre Unterlagen sind eingegangen und werden geprüft.")
    return common.see_other(f"{common.base_path(who)}/status/{token}")


@router.get("/{key}/zusammenfassung", summary="Anträge: Zusammenfassung vor dem Absenden")
def summary_page(request: Request, tenant_slug: str, key: str) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    with common.scoped(request, who) as session:
        loaded = load(request, who, session, key)
        if isinstance(loaded, Response):
            return loaded
        if loaded.draft.application_id is not None:
            return common.see_other(f"{common.base_path(who)}/status/{loaded.token}")
        return _summary(request, who, loaded)


@router.post("/{key}/absenden", summary="Anträge: Antrag verbindlich absenden")
def submit(request: Request, tenant_slug: str, key: str, form: Form) -> Response:
    who = common.tenant(request, tenant_slug)
    common.check_rate(request, who)
    context = common.context_of(request)
    with common.scoped(request, who) as session:
        loaded = load(request, who, session, key)
        if isinstance(loaded, Response):
            return loaded
        try:
            with session.begin_nested():
                application, created = drafts.submit_draft(
                    session=session,
                    draft=loaded.draft,
                    token=loaded.token,
                    submission_key=str(form.get("submission_key") or ""),
                    today=common.today(),
                )
                if created:
                    queue_check(session=session, application=application, queue=context.queue)
        except SubmissionError as error:
            code = (
                status.HTTP_400_BAD_REQUEST if "" in error.errors else status.HTTP_422_UNPROCESSABLE_CONTENT
            )
            session.refresh(loaded.draft)
            return _summary(request, who, loaded, errors=error.errors, code=code)
    return common.see_other(f"{common.base_path(who)}/status/{loaded.token}")
