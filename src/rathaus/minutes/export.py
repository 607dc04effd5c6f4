"""Exports of the minutes: structured JSON, OParl JSON, DOCX, PDF/A, and the transcript as VTT/SRT/text.

Everything starts from ``minutes_document``: one plain dict of the meeting, its attendees and its
agenda items with their results and minutes text. ``public_only=True`` leaves out the non-public
items entirely – the public page and every published export use it.
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.minutes import oparl, service
from rathaus.minutes.models import Meeting, MinutesDraft, Speaker, TranscriptSegment

OPARL = "https://schema.oparl.org/1.1/"


def timestamp(seconds: float, *, separator: str = ".") -> str:
    """``3725.5`` → ``01:02:05.500`` (WebVTT) or with ``separator=","`` ``01:02:05,500`` (SRT)."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def speaker_names(session: Session, meeting_id: int) -> dict[str, str]:
    """Cluster label → the name the clerk (or a voice profile) gave it, else "Sprecher 1" for "S1"."""
    rows = session.scalars(select(Speaker).where(Speaker.meeting_id == meeting_id))
    return {row.label: row.title for row in rows}


def minutes_document(session: Session, meeting: Meeting, *, public_only: bool) -> dict[str, Any]:
    """The minutes as one structured dict (speakers, motions, votes and text per agenda item)."""
    names = speaker_names(session, meeting.id)
    segments = list(
        session.scalars(
            select(TranscriptSegment)
            .where(TranscriptSegment.meeting_id == meeting.id)
            .order_by(TranscriptSegment.position)
        )
    )
    drafts = {
        d.agenda_item_id: d
        for d in session.scalars(
            select(MinutesDraft).where(
                MinutesDraft.meeting_id == meeting.id, MinutesDraft.kind == meeting.kind
            )
        )
    }
    votes: dict[int, list[dict[str, Any]]] = {}
    for vote in service.votes_of(session, meeting):
        votes.setdefault(vote.agenda_item_id, []).append(
            {
                "motion": vote.motion,
                "yes": vote.yes,
                "no": vote.no,
                "abstain": vote.abstain,
                "named_votes": vote.named_votes,
            }
        )
    items = []
    for item in service.agenda_of(session, meeting):
        if public_only and not item.public:
            continue
        inside = [
            s
            for s in segments
            if item.start_s is not None and item.end_s is not None and item.start_s <= s.start_s < item.end_s
        ]
        speakers = list(
            dict.fromkeys(names.get(s.speaker_label or "", s.speaker_label or "") for s in inside)
        )
        draft = drafts.get(item.id)
        counts = None
        if item.votes_yes is not None:
            counts = {
                "yes": item.votes_yes,
                "no": item.votes_no or 0,
                "abstain": item.votes_abstain or 0,
                "source": item.votes_source,
            }
        items.append(
            {
                "id": item.id,
                "number": item.number,
                "title": item.title,
                "public": item.public,
                "paper_reference": item.paper_reference,
                "proposed_resolution": item.proposed_resolution,
                "start": item.start_s,
                "end": item.end_s,
                "speakers": [s for s in speakers if s],
                "result": item.result,
                "resolution_text": item.resolution_text,
                "votes": counts,
                "vote_records": votes.get(item.id, []),
                "motions": (item.decision_details or {}).get("motions", []),
                "text": draft.text if draft else "",
                "sources": draft.sources if draft else [],
                "oparl_id": item.oparl_id,
            }
        )
    attendance = service.attendance_of(session, meeting)
    return {
        "meeting": {
            "id": meeting.id,
            "name": meeting.name,
            "organization": meeting.organization.name if meeting.organization else None,
            "date": meeting.session_date.isoformat(),
            "start": meeting.start.isoformat() if meeting.start else None,
            "end": meeting.end.isoformat() if meeting.end else None,
            "place": meeting.place,
            "chair": meeting.chair,
            "clerk": meeting.clerk,
            "status": meeting.status.value,
            "kind": meeting.kind.value,
            "oparl_id": meeting.oparl_id,
        },
        "attendees": [{"name": a.person.name, "role": a.role} for a in attendance if a.present],
        "absent": [{"name": a.person.name, "role": a.role} for a in attendance if not a.present],
        "items": items,
    }


def oparl_meeting(
    document: dict[str, Any], *, base_url: str, protocol_bytes: bytes | None = None, generated: datetime
) -> dict[str, Any]:
    """The meeting as an OParl 1.1 Meeting with ``agendaItem[].result``/``resolutionText`` and the
    minutes as ``resultsProtocol`` File; validated against the OParl schema before it is returned."""
    meeting = document["meeting"]
    meeting_url = meeting["oparl_id"] or f"{base_url}/protokolle/{meeting['id']}/export/oparl"
    agenda = []
    for order, item in enumerate(document["items"], start=1):
        entry: dict[str, Any] = {
            "id": item["oparl_id"] or f"{meeting_url}#top-{item['id']}",
            "type": OPARL + "AgendaItem",
            "meeting": meeting_url,
            "number": item["number"],
            "order": order,
            "name": item["title"],
            "public": item["public"],
        }
        if item["result"]:
            entry["result"] = item["result"]
        if item["resolution_text"]:
            entry["resolutionText"] = item["resolution_text"]
        agenda.append(entry)
    result: dict[str, Any] = {
        "id": meeting_url,
        "type": OPARL + "Meeting",
        "name": meeting["name"],
        "agendaItem": agenda,
        "modified": generated.isoformat(timespec="seconds"),
    }
    for key in ("start", "end"):
        if meeting[key]:
            result[key] = meeting[key]
    if meeting["place"]:
        result["location"] = {
            "id": f"{meeting_url}#ort",
            "type": OPARL + "Location",
            "description": meeting["place"],
        }
    if protocol_bytes is not None:
        result["resultsProtocol"] = {
            "id": f"{meeting_url}#niederschrift",
            "type": OPARL + "File",
            "name": "Niederschrift",
            "fileName": f"niederschrift-{meeting['date']}.pdf",
            "mimeType": "application/pdf",
            "size": len(protocol_bytes),
            "sha1Checksum": hashlib.sha1(protocol_bytes, usedforsecurity=False).hexdigest(),
            "accessUrl": f"{base_url}/protokolle/{meeting['id']}/export/pdf",
        }
    oparl.validate(result, "Meeting")
    return result


def transcript_lines(
    session: Session, meeting: Meeting, *, public_only: bool
) -> list[tuple[float, float, str, str]]:
    """(start, end, speaker, text) per segment; ``public_only`` cuts the spans of non-public items."""
    names = speaker_names(session, meeting.id)
    hidden: list[tuple[float, float]] = [
        (i.start_s, i.end_s)
        for i in service.agenda_of(session, meeting)
        if public_only and not i.public and i.start_s is not None and i.end_s is not None
    ]
    lines = []
    for segment in session.scalars(
        select(TranscriptSegment)
        .where(TranscriptSegment.meeting_id == meeting.id)
        .order_by(TranscriptSegment.position)
    ):
        if any(start <= segment.start_s < end for start, end in hidden):
            continue
        speaker = names.get(segment.speaker_label or "", segment.speaker_label or "")
        lines.append((segment.start_s, segment.end_s, speaker, segment.text.strip()))
    return lines


def webvtt(lines: list[tuple[float, float, str, str]]) -> str:
    """The transcript as WebVTT with ``<v Speaker>`` voice tags."""
    cues = [
        f"{timestamp(a)} --> {timestamp(b)}\n<v {who}>{text}"
        if who
        else f"{timestamp(a)} --> {timestamp(b)}\n{text}"
        for a, b, who, text in lines
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def srt(lines: list[tuple[float, float, str, str]]) -> str:
    """The transcript as SubRip."""
    blocks = [
        f"{n}\n{timestamp(a, separator=',')} --> {timestamp(b, separator=',')}\n"
        f"{who + ': ' if who else ''}{text}"
        for n, (a, b, who, text) in enumerate(lines, start=1)
    ]
    return "\n\n".join(blocks) + "\n"


def plain_text(lines: list[tuple[float, float, str, str]]) -> str:
    """The transcript as plain text, one turn per paragraph with its time."""
    return (
        "\n\n".join(f"[{timestamp(a)[:8]}] {who + ': ' if who else ''}{text}" for a, _b, who, text in lines)
        + "\n"
    )


def result_line(item: dict[str, Any]) -> str:
    """The vote result as a sentence, e.g. ``mehrheitlich zugestimmt (20 Ja, 3 Nein, 1 Enthaltung)``."""
    text = item["result"] or ""
    votes = item["votes"]
    if votes:
        counts = f"{votes['yes']} Ja, {votes['no']} Nein, {votes['abstain']} Enthaltung"
        text = f"{text} ({counts})" if text else counts
    return text


def docx_bytes(document: dict[str, Any], *, header_image: tuple[bytes, str] | None) -> bytes:
    """The minutes as a Word document with the letterhead in the page header."""
    from docx import Document  # noqa: PLC0415 - only exports need it
    from docx.shared import Cm  # noqa: PLC0415

    doc = Document()
    if header_image is not None:
        header = doc.sections[0].header.paragraphs[0]
        header.add_run().add_picture(io.BytesIO(header_image[0]), width=Cm(16))
    meeting = document["meeting"]
    doc.core_properties.title = f"Niederschrift: {meeting['name']}"
    doc.core_properties.language = "de-DE"
    doc.add_heading(f"Niederschrift – {meeting['name']}", level=1)
    for label, value in header_rows(document):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    for item in document["items"]:
        doc.add_heading(f"TOP {item['number']} {item['title']}".replace("TOP  ", "TOP "), level=2)
        if not item["public"]:
            doc.add_paragraph("Nicht öffentlich.")
        if item["paper_reference"]:
            doc.add_paragraph(f"Vorlage: {item['paper_reference']}")
        if item["speakers"]:
            doc.add_paragraph(f"Wortmeldungen: {', '.join(item['speakers'])}")
        for part in (item["text"] or "").split("\n\n"):
            if part.strip():
                doc.add_paragraph(part.strip())
        if item["resolution_text"]:
            doc.add_paragraph().add_run("Beschluss: ").bold = True
            doc.add_paragraph(item["resolution_text"])
        if result_line(item):
            doc.add_paragraph(f"Abstimmungsergebnis: {result_line(item)}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def header_rows(document: dict[str, Any]) -> list[tuple[str, str]]:
    """The header of the minutes as (label, value) rows."""
    meeting = document["meeting"]
    time = ""
    if meeting["start"]:
        time = datetime.fromisoformat(meeting["start"]).strftime("%H:%M")
        if meeting["end"]:
            time += " – " + datetime.fromisoformat(meeting["end"]).strftime("%H:%M")
        time += " Uhr"
    rows = [
        ("Gremium", meeting["organization"] or ""),
        ("Datum", _german_date(meeting["date"])),
        ("Zeit", time),
        ("Ort", meeting["place"] or ""),
        ("Vorsitz", meeting["chair"] or ""),
        ("Schriftführung", meeting["clerk"] or ""),
        ("Anwesend", ", ".join(_who(a) for a in document["attendees"])),
        ("Abwesend", ", ".join(_who(a) for a in document["absent"])),
    ]
    return [(label, value) for label, value in rows if value]


def _who(person: dict[str, Any]) -> str:
    return f"{person['name']} ({person['role']})" if person.get("role") else str(person["name"])


def _german_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"
