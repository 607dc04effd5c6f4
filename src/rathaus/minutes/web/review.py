"""Routes of the editor (transcript with audio, speakers, boundaries, minutes text) and the exports."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import FileResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core import documents
from rathaus.core.db import utcnow
from rathaus.core.storage import StoredFile, blob_path
from rathaus.minutes import export, review, service
from rathaus.minutes.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    MinutesDraft,
    Speaker,
    TranscriptSegment,
    speaker_title,
)
from rathaus.minutes.web.common import PREFIX, meeting_or_404, to_editor
from rathaus.web.deps import (
    Context,
    MinutesClerk,
    TenantSession,
    actor_of,
    flash,
)
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Protokollhilfe"])
EXPORTS = {"docx", "pdf", "oparl", "json", "vtt", "srt", "txt"}


def _editor_values(session: Session, meeting: Meeting) -> dict[str, Any]:
    names = {
        label: speaker_title(name) if name == label else name
        for label, name in export.speaker_names(session, meeting.id).items()
    }
    segments = list(
        session.scalars(
            select(TranscriptSegment)
            .where(TranscriptSegment.meeting_id == meeting.id)
            .order_by(TranscriptSegment.position)
        )
    )
    items = service.agenda_of(session, meeting)
    starts: dict[int, list[Any]] = {}
    for item in items:
        first = next((s for s in segments if item.start_s is not None and s.start_s >= item.start_s), None)
        if first is not None:
            starts.setdefault(first.id, []).append(item)
    drafts = {
        d.agenda_item_id: d
        for d in session.scalars(
            select(MinutesDraft).where(
                MinutesDraft.meeting_id == meeting.id, MinutesDraft.kind == meeting.kind
            )
        )
    }
    recordings = [(r, session.get(StoredFile, r.file_id)) for r in service.recordings_of(session, meeting)]
    return {
        "unresolved": unresolved(items),
        "meeting": meeting,
        "segments": segments,
        "names": names,
        "items": items,
        "starts": starts,
        "drafts": drafts,
        "speakers": list(
            session.scalars(select(Speaker).where(Speaker.meeting_id == meeting.id).order_by(Speaker.label))
        ),
        "recordings": [(r, f) for r, f in recordings if f is not None and r.deleted_at is None],
        "editable": meeting.status in {MeetingStatus.DRAFT, MeetingStatus.IN_REVIEW},
        "clock": lambda seconds: export.timestamp(seconds or 0)[:8],
        "speaker_title": speaker_title,
    }


def unresolved(items: list[AgendaItem]) -> list[AgendaItem]:
    """The items whose result the Protokollhilfe looked for and did not find, and nobody entered since."""
    return [item for item in items if not item.result and (item.decision_details or {}).get("method")]


@router.get("/{meeting_id}/bearbeiten", summary="Wortlaut und Entwurf prüfen")
def editor(request: Request, meeting_id: int, user: MinutesClerk, session: TenantSession) -> Response:
    values = _editor_values(session, meeting_or_404(session, meeting_id))
    return render(request, "minutes/editor.html", values)


def _edit(request: Request, meeting_id: int, anchor: str, action: Any) -> Response:
    try:
        action()
    except review.ReviewError as problem:
        flash(request, str(problem), "error")
    return to_editor(meeting_id, anchor)


@router.post("/{meeting_id}/sprecher", summary="Stimme benennen oder zusammenführen")
def speaker_edit(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    stimme: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    zusammen_mit: Annotated[str, Form()] = "",
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    if zusammen_mit:
        return _edit(
            request,
            meeting_id,
            "#sprecher",
            lambda: review.merge_speakers(
                session=session, meeting=meeting, label=stimme, into=zusammen_mit, actor=actor_of(user)
            ),
        )
    return _edit(
        request,
        meeting_id,
        "#sprecher",
        lambda: review.rename_speaker(
            session=session, meeting=meeting, label=stimme, name=name, actor=actor_of(user)
        ),
    )


@router.post("/{meeting_id}/stimmprofil", summary="Stimme mit Einwilligung dauerhaft speichern")
def voice_enroll(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    stimme: Annotated[str, Form()] = "",
    einwilligung: Annotated[str, Form()] = "",
) -> Response:
    meeting = meeting_or_404(session, meeting_id)

    def enroll() -> None:
        try:
            consent = date.fromisoformat(einwilligung)
        except ValueError as error:
            raise review.ReviewError(
                "Bitte geben Sie das Datum der schriftlichen Einwilligung an."
            ) from error
        review.enroll_voice(
            session=session, meeting=meeting, label=stimme, consent_date=consent, actor=actor_of(user)
        )
        flash(request, "Die Stimme wird in künftigen Sitzungen wiedererkannt.")

    return _edit(request, meeting_id, "#sprecher", enroll)


@router.post("/{meeting_id}/abschnitte/{segment_id}", summary="Wortlaut eines Abschnitts korrigieren")
def segment_edit(
    request: Request,
    meeting_id: int,
    segment_id: int,
    user: MinutesClerk,
    session: TenantSession,
    text: Annotated[str, Form()] = "",
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    return _edit(
        request,
        meeting_id,
        f"#abschnitt-{segment_id}",
        lambda: review.correct_segment(
            session=session, meeting=meeting, segment_id=segment_id, text=text, actor=actor_of(user)
        ),
    )


@router.post("/{meeting_id}/grenze", summary="Beginn eines Tagesordnungspunkts verschieben")
def boundary_edit(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    top: Annotated[int, Form()] = 0,
    abschnitt: Annotated[int, Form()] = 0,
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    return _edit(
        request,
        meeting_id,
        f"#abschnitt-{abschnitt}",
        lambda: review.move_boundary(
            session=session, meeting=meeting, item_id=top, segment_id=abschnitt, actor=actor_of(user)
        ),
    )


@router.post("/{meeting_id}/text/{item_id}", summary="Text eines Tagesordnungspunkts bearbeiten")
def text_edit(
    request: Request,
    meeting_id: int,
    item_id: int,
    user: MinutesClerk,
    session: TenantSession,
    text: Annotated[str, Form()] = "",
    ergebnis: Annotated[str, Form()] = "",
    beschluss: Annotated[str, Form()] = "",
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    return _edit(
        request,
        meeting_id,
        f"#top-{item_id}",
        lambda: review.edit_item_text(
            session=session,
            meeting=meeting,
            item_id=item_id,
            text=text,
            result=ergebnis,
            resolution_text=beschluss,
            actor=actor_of(user),
        ),
    )


@router.get("/{meeting_id}/aufnahmen/{recording_id}", summary="Aufnahme abspielen")
def recording_audio(
    meeting_id: int, recording_id: int, user: MinutesClerk, session: TenantSession, context: Context
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    recording = next((r for r in service.recordings_of(session, meeting) if r.id == recording_id), None)
    stored = session.get(StoredFile, recording.file_id) if recording else None
    path = blob_path(context.settings.files_dir, stored.sha256) if stored else None
    if stored is None or stored.deleted_at is not None or path is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Aufnahme gibt es nicht (mehr).")
    return FileResponse(
        path, media_type=stored.media_type, filename=stored.filename, content_disposition_type="inline"
    )


def render_export(
    request: Request, session: Session, meeting: Meeting, fmt: str, files_dir: Any, *, public_only: bool
) -> Response:
    """The minutes of ``meeting`` in format ``fmt`` as a download."""
    if fmt not in EXPORTS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieses Format gibt es nicht.")
    stem = f"niederschrift-{meeting.session_date.isoformat()}"
    if fmt in {"vtt", "srt", "txt"}:
        lines = export.transcript_lines(session, meeting, public_only=public_only)
        body = {"vtt": export.webvtt, "srt": export.srt, "txt": export.plain_text}[fmt](lines)
        media = {"vtt": "text/vtt", "srt": "application/x-subrip", "txt": "text/plain"}[fmt]
        return _download(body.encode(), f"wortlaut-{meeting.session_date.isoformat()}.{fmt}", media)
    document = export.minutes_document(session, meeting, public_only=public_only)
    if fmt == "json":
        return _download(
            json.dumps(document, ensure_ascii=False, indent=2).encode(), f"{stem}.json", "application/json"
        )
    head = documents.letterhead(session, files_dir, meeting.tenant_id)
    if fmt == "docx":
        return _download(export.docx_bytes(document, header_image=head), f"{stem}.docx", documents.DOCX_TYPE)
    html = request.app.state.templates.get_template("minutes/export.html").render(
        document=document,
        rows=export.header_rows(document),
        letterhead=documents.data_uri(head),
        result_line=export.result_line,
    )
    pdf = documents.pdf_bytes(html)
    if fmt == "pdf":
        return _download(pdf, f"{stem}.pdf", "application/pdf")
    base = str(request.base_url).rstrip("/")
    oparl_body = export.oparl_meeting(document, base_url=base, protocol_bytes=pdf, generated=utcnow())
    return _download(
        json.dumps(oparl_body, ensure_ascii=False, indent=2).encode(),
        f"{stem}-oparl.json",
        "application/json",
    )


def _download(body: bytes, filename: str, media_type: str) -> Response:
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(
    "/{meeting_id}/export/{fmt}", summary="Niederschrift exportieren (docx, pdf, oparl, json, vtt, srt, txt)"
)
def export_minutes(
    request: Request, meeting_id: int, fmt: str, user: MinutesClerk, session: TenantSession, context: Context
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    return render_export(request, session, meeting, fmt, context.settings.files_dir, public_only=False)
