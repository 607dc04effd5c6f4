"""Routes of the Protokollhilfe: meetings, agenda, attendees, imports, recordings, the pipeline."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rathaus.core.jobs import Job, enqueue
from rathaus.core.security.session_user import SessionUser
from rathaus.core.security.uploads import UploadRejectedError, format_size, labels
from rathaus.minutes import oparl, service, workflow
from rathaus.minutes.config import MinutesSettings
from rathaus.minutes.jobs import PIPELINE, TRANSCRIPT
from rathaus.minutes.models import Meeting, MeetingStatus
from rathaus.minutes.transcript_import import transcript_imported
from rathaus.minutes.voting import VotingImportError, parse_records
from rathaus.minutes.web.common import PREFIX, meeting_or_404, to_meeting
from rathaus.web.deps import Context, MinutesClerk, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Protokollhilfe"])
LOCAL = ZoneInfo("Europe/Berlin")
ACCEPT_RECORDINGS = ".wav,.mp3,.m4a,.ogg,.opus,.mp4,.webm,audio/*,video/mp4,video/webm"
ACCEPT_TRANSCRIPTS = ".vtt,.srt,.json,text/vtt,application/x-subrip,application/json"


@router.get("", summary="Sitzungen und Niederschriften")
def index(request: Request, user: MinutesClerk, session: TenantSession) -> Response:
    today = datetime.now(LOCAL).date()
    rows = [(m, workflow.is_overdue(m, today=today)) for m in service.meetings(session)]
    return render(request, "minutes/index.html", {"rows": rows, "overdue": sum(o for _, o in rows)})


def _new_page(
    request: Request,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request, "minutes/new.html", {"error": error, "values": values or {}}, status_code=status_code
    )


@router.get("/neu", summary="Sitzung anlegen oder importieren")
def new_meeting(request: Request, user: MinutesClerk) -> Response:
    return _new_page(request)


def _time(day: date, value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        return datetime.combine(day, time.fromisoformat(value.strip()), tzinfo=LOCAL)
    except ValueError:
        return None


@router.post("/neu", summary="Sitzung mit eingegebener Tagesordnung anlegen")
def create_meeting(
    request: Request,
    user: MinutesClerk,
    session: TenantSession,
    context: Context,
    name: Annotated[str, Form()] = "",
    datum: Annotated[str, Form()] = "",
    beginn: Annotated[str, Form()] = "",
    ende: Annotated[str, Form()] = "",
    ort: Annotated[str, Form()] = "",
    gremium: Annotated[str, Form()] = "",
    vorsitz: Annotated[str, Form()] = "",
    schriftfuehrung: Annotated[str, Form()] = "",
    tagesordnung: Annotated[str, Form()] = "",
    teilnehmende: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "name": name,
        "datum": datum,
        "beginn": beginn,
        "ende": ende,
        "ort": ort,
        "gremium": gremium,
        "vorsitz": vorsitz,
        "schriftfuehrung": schriftfuehrung,
        "tagesordnung": tagesordnung,
        "teilnehmende": teilnehmende,
    }
    try:
        day = date.fromisoformat(datum)
    except ValueError:
        return _new_page(
            request,
            error="Bitte geben Sie das Datum der Sitzung an (TT.MM.JJJJ).",
            values=values,
            status_code=400,
        )
    try:
        entries = service.parse_agenda(tagesordnung)
        attendees = service.parse_attendees(teilnehmende)
        data = service.MeetingInput(
            name=name,
            session_date=day,
            start=_time(day, beginn),
            end=_time(day, ende),
            place=ort or None,
            chair=vorsitz or None,
            clerk=schriftfuehrung or None,
            organization=gremium or None,
        )
        meeting = service.create_meeting(
            session=session,
            tenant_id=user.tenant_id,
            data=data,
            actor=actor_of(user),
            working_days=context.settings.section(MinutesSettings).due_working_days,
        )
    except service.MinutesInputError as problem:
        return _new_page(request, error=str(problem), values=values, status_code=400)
    service.set_agenda(session=session, meeting=meeting, entries=entries, actor=actor_of(user))
    if attendees:
        service.set_attendees(session=session, meeting=meeting, attendees=attendees, actor=actor_of(user))
    flash(request, f"Die Sitzung „{meeting.name}“ wurde angelegt.")
    return to_meeting(meeting.id)


@router.post("/import", summary="Sitzung aus OParl importieren (Datei oder Adresse)")
def import_meeting(
    request: Request,
    user: MinutesClerk,
    session: TenantSession,
    context: Context,
    datei: Annotated[UploadFile | None, File()] = None,
    adresse: Annotated[str, Form()] = "",
) -> Response:
    try:
        if datei is not None and datei.filename:
            data = datei.file.read(context.settings.uploads.max_bytes + 1)
            if len(data) > context.settings.uploads.max_bytes:
                raise oparl.OParlError(
                    f"Die Datei ist größer als {format_size(context.settings.uploads.max_bytes)}."
                )
            imported = oparl.read_document(oparl.parse_json(data))
        elif adresse.strip():
            imported = oparl.fetch_meeting(
                adresse.strip(), timeout=context.settings.section(MinutesSettings).oparl_timeout_seconds
            )
        else:
            raise oparl.OParlError("Bitte wählen Sie eine OParl-Datei aus oder geben Sie eine Adresse an.")
    except oparl.OParlError as problem:
        return _new_page(request, error=str(problem), values={"adresse": adresse}, status_code=400)
    meeting = service.import_oparl(
        session=session,
        tenant_id=user.tenant_id,
        imported=imported,
        actor=actor_of(user),
        working_days=context.settings.section(MinutesSettings).due_working_days,
    )
    note = f" Hinweise: {' '.join(imported.warnings[:3])}" if imported.warnings else ""
    flash(
        request,
        f"Die Sitzung „{meeting.name}“ wurde mit {len(imported.items)} Tagesordnungspunkten "
        f"importiert.{note}",
    )
    return to_meeting(meeting.id)


def meeting_values(session: Session, meeting: Meeting, context: Any) -> dict[str, Any]:
    """What the meeting page shows."""
    job = session.get(Job, meeting.pipeline_job_id) if meeting.pipeline_job_id else None
    items = service.agenda_of(session, meeting)
    agenda_text = "\n".join(f"{'N ' if not i.public else ''}{i.number} {i.title}" for i in items)
    attendance = service.attendance_of(session, meeting)
    attendee_text = "\n".join(
        "; ".join(p for p in (a.person.name, a.role or "", "" if a.present else "abwesend") if p)
        for a in attendance
    )
    return {
        "meeting": meeting,
        "items": items,
        "attendance": attendance,
        "job": job,
        "recordings": service.recordings_of(session, meeting),
        "votes": service.votes_of(session, meeting),
        "overdue": workflow.is_overdue(meeting, today=datetime.now(LOCAL).date()),
        "agenda_text": agenda_text,
        "attendee_text": attendee_text,
        "accept": ACCEPT_RECORDINGS,
        "types": labels(service.RECORDING_TYPES),
        "max_size": format_size(context.settings.section(MinutesSettings).max_recording_bytes),
        "accept_transcripts": ACCEPT_TRANSCRIPTS,
        "max_transcript": format_size(context.settings.section(MinutesSettings).max_transcript_bytes),
        "transcript_imported": transcript_imported(session, meeting),
        "editable": meeting.status in workflow.OPEN_STATES,
        "Status": MeetingStatus,
        "item_numbers": {i.id: i.number for i in items},
    }


def meeting_response(
    request: Request,
    session: Session,
    meeting: Meeting,
    context: Any,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    """The meeting page, with an error message when a form was refused."""
    values = meeting_values(session, meeting, context)
    values["error"] = error
    return render(request, "minutes/meeting.html", values, status_code=status_code)


@router.get("/{meeting_id}", summary="Sitzung")
def meeting_page(
    request: Request, meeting_id: int, user: MinutesClerk, session: TenantSession, context: Context
) -> Response:
    return meeting_response(request, session, meeting_or_404(session, meeting_id), context)


@router.post("/{meeting_id}/tagesordnung", summary="Tagesordnung ersetzen")
def replace_agenda(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    context: Context,
    tagesordnung: Annotated[str, Form()] = "",
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    try:
        if meeting.status not in workflow.OPEN_STATES:
            raise service.MinutesInputError(
                "Die Tagesordnung einer freigegebenen Niederschrift bleibt unverändert."
            )
        entries = service.parse_agenda(tagesordnung)
    except service.MinutesInputError as problem:
        return meeting_response(request, session, meeting, context, error=str(problem), status_code=400)
    service.set_agenda(session=session, meeting=meeting, entries=entries, actor=actor_of(user))
    flash(request, f"Die Tagesordnung wurde gespeichert ({len(entries)} Punkte).")
    return to_meeting(meeting.id, "#tagesordnung")


@router.post("/{meeting_id}/teilnehmende", summary="Anwesenheit ersetzen")
def replace_attendees(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    context: Context,
    teilnehmende: Annotated[str, Form()] = "",
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    try:
        attendees = service.parse_attendees(teilnehmende)
    except service.MinutesInputError as problem:
        return meeting_response(request, session, meeting, context, error=str(problem), status_code=400)
    service.set_attendees(session=session, meeting=meeting, attendees=attendees, actor=actor_of(user))
    flash(request, f"Die Anwesenheitsliste wurde gespeichert ({len(attendees)} Personen).")
    return to_meeting(meeting.id, "#anwesenheit")


@router.post("/{meeting_id}/abstimmungen", summary="Abstimmungsdaten importieren (CSV/JSON)")
def import_votes(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    context: Context,
    datei: Annotated[UploadFile | None, File()] = None,
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    try:
        if datei is None or not datei.filename:
            raise VotingImportError("Bitte wählen Sie eine CSV- oder JSON-Datei mit den Abstimmungen aus.")
        records = parse_records(datei.file.read(context.settings.uploads.max_bytes), filename=datei.filename)
        count = service.import_votes(session=session, meeting=meeting, records=records, actor=actor_of(user))
    except VotingImportError as problem:
        return meeting_response(request, session, meeting, context, error=str(problem), status_code=400)
    named = (
        " Die Anwesenheit kann aus den namentlichen Stimmen vorgeschlagen werden."
        if any(record.named_votes for record in records)
        else ""
    )
    flash(request, f"{count} Abstimmungen wurden übernommen.{named}")
    return to_meeting(meeting.id, "#abstimmungen")


@router.post("/aufnahmen/{meeting_id}", summary="Aufnahmen hochladen (mehrere Dateien in Reihenfolge)")
def upload_recordings(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    context: Context,
    dateien: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    chosen = [upload for upload in dateien or [] if upload.filename]
    if not chosen:
        return meeting_response(
            request,
            session,
            meeting,
            context,
            status_code=400,
            error="Bitte wählen Sie mindestens eine Aufnahme aus.",
        )
    names = []
    for upload in sorted(chosen, key=lambda u: u.filename or ""):
        try:
            recording = service.add_recording(
                session=session,
                meeting=meeting,
                files_dir=context.settings.files_dir,
                upload=upload,
                max_bytes=context.settings.section(MinutesSettings).max_recording_bytes,
                uploaded_by_id=user.id,
                actor=actor_of(user),
            )
        except UploadRejectedError as rejected:
            session.rollback()
            return meeting_response(
                request,
                session,
                meeting_or_404(session, meeting_id),
                context,
                error=rejected.message,
                status_code=rejected.status_code,
            )
        names.append(str(recording.position + 1))
    flash(
        request, f"{len(names)} Aufnahme(n) gespeichert. Die Dateien werden in Namensreihenfolge verarbeitet."
    )
    return to_meeting(meeting.id, "#aufnahmen")


def queue_pipeline(session: Session, meeting: Meeting, kind: str, user: SessionUser, context: Context) -> Job:
    """Queue the meeting's pipeline job (from a recording or an imported transcript) and remember it."""
    job = enqueue(
        session=session,
        kind=kind,
        params={"meeting_id": meeting.id},
        tenant_id=user.tenant_id,
        created_by=user.id,
        max_attempts=context.settings.jobs.max_attempts,
        queue=context.queue,
    )
    meeting.pipeline_job_id = job.id
    return job


@router.post("/{meeting_id}/verarbeiten", summary="Protokollentwurf aus der Aufnahme erstellen (Auftrag)")
def start_pipeline(
    request: Request, meeting_id: int, user: MinutesClerk, session: TenantSession, context: Context
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    imported = transcript_imported(session, meeting)  # then the recordings are for listening only
    if not imported and not service.recordings_of(session, meeting):
        return meeting_response(
            request,
            session,
            meeting,
            context,
            status_code=400,
            error="Bitte laden Sie zuerst die Aufnahme der Sitzung hoch.",
        )
    if not service.agenda_of(session, meeting):
        return meeting_response(
            request,
            session,
            meeting,
            context,
            status_code=400,
            error="Die Tagesordnung enthält keine Punkte. Bitte geben Sie sie zuerst ein.",
        )
    job = queue_pipeline(session, meeting, TRANSCRIPT if imported else PIPELINE, user, context)
    flash(request, f"Der Protokollentwurf wird als Auftrag {job.id} erstellt.")
    return RedirectResponse(f"/auftraege/{job.id}", status_code=status.HTTP_303_SEE_OTHER)
