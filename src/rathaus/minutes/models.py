"""Tables of the Protokollhilfe, named after OParl 1.1 where OParl has a name.

Times inside a session (``start_s``/``end_s``) are seconds from the start of the first recording;
several recordings of one session are laid end to end.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rathaus.core.db import Base, TenantOwned, utcnow


class MeetingStatus(enum.StrEnum):
    """Where the minutes of a meeting stand: Entwurf → in Prüfung → freigegeben → veröffentlicht."""

    DRAFT = "entwurf"
    IN_REVIEW = "in_pruefung"
    APPROVED = "freigegeben"
    PUBLISHED = "veroeffentlicht"

    @property
    def label(self) -> str:
        """The German label shown to people."""
        return STATUS_LABELS[self]


STATUS_LABELS = {
    MeetingStatus.DRAFT: "Entwurf",
    MeetingStatus.IN_REVIEW: "in Prüfung",
    MeetingStatus.APPROVED: "freigegeben",
    MeetingStatus.PUBLISHED: "veröffentlicht",
}


class MinutesKind(enum.StrEnum):
    """Ergebnisprotokoll (default), Verlaufsprotokoll or verbatim transcript (Wortprotokoll)."""

    RESULTS = "ergebnis"
    COURSE = "verlauf"
    VERBATIM = "wort"

    @property
    def label(self) -> str:
        """The German label shown to people."""
        return {"ergebnis": "Ergebnisprotokoll", "verlauf": "Verlaufsprotokoll", "wort": "Wortprotokoll"}[
            self.value
        ]


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda cls: [m.value for m in cls])


class Organization(TenantOwned, Base):
    """A body or committee (Gemeinderat, Ausschuss) – OParl Organization."""

    __tablename__ = "minutes_organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(80), default=None)
    classification: Mapped[str | None] = mapped_column(String(120), default=None)
    oparl_id: Mapped[str | None] = mapped_column(String(500), default=None, index=True)
    # the body's customs as ``CouncilConventions.to_json()``; None until seeded or edited
    conventions: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class Person(TenantOwned, Base):
    """A council member or another participant – OParl Person."""

    __tablename__ = "minutes_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    faction: Mapped[str | None] = mapped_column(String(200), default=None)
    oparl_id: Mapped[str | None] = mapped_column(String(500), default=None, index=True)


class Meeting(TenantOwned, Base):
    """One session of a body – OParl Meeting – and the state of its minutes."""

    __tablename__ = "minutes_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("minutes_organizations.id", ondelete="SET NULL"), default=None, index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    start: Mapped[datetime | None] = mapped_column(default=None)
    end: Mapped[datetime | None] = mapped_column(default=None)
    session_date: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(300), default=None)
    chair: Mapped[str | None] = mapped_column(String(200), default=None, doc="Vorsitz")
    clerk: Mapped[str | None] = mapped_column(String(200), default=None, doc="Schriftführung")
    status: Mapped[MeetingStatus] = mapped_column(
        _enum(MeetingStatus), default=MeetingStatus.DRAFT, index=True
    )
    kind: Mapped[MinutesKind] = mapped_column(_enum(MinutesKind), default=MinutesKind.RESULTS)
    due_date: Mapped[date | None] = mapped_column(Date, default=None, doc="3 working days after the session")
    oparl_id: Mapped[str | None] = mapped_column(String(500), default=None, index=True)
    pipeline_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="SET NULL"), default=None
    )
    chair_approval: Mapped[str | None] = mapped_column(String(200), default=None, doc="chair who approved")
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.order", cascade="all, delete-orphan"
    )


class Paper(TenantOwned, Base):
    """A council paper (Vorlage) with its reference and proposed resolution – OParl Paper."""

    __tablename__ = "minutes_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(80), default=None, index=True)
    name: Mapped[str] = mapped_column(String(500), default="")
    paper_type: Mapped[str | None] = mapped_column(String(120), default=None)
    proposed_resolution: Mapped[str | None] = mapped_column(Text, default=None)
    oparl_id: Mapped[str | None] = mapped_column(String(500), default=None, index=True)


class AgendaItem(TenantOwned, Base):
    """One item of a meeting's agenda, and what the session decided on it – OParl AgendaItem."""

    __tablename__ = "minutes_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("minutes_meetings.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    order: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=True)
    paper_id: Mapped[int | None] = mapped_column(
        ForeignKey("minutes_papers.id", ondelete="SET NULL"), default=None
    )
    paper_reference: Mapped[str | None] = mapped_column(String(80), default=None)
    proposed_resolution: Mapped[str | None] = mapped_column(Text, default=None)
    oparl_id: Mapped[str | None] = mapped_column(String(500), default=None)
    # Filled by the pipeline and the review:
    start_s: Mapped[float | None] = mapped_column(Float, default=None)
    end_s: Mapped[float | None] = mapped_column(Float, default=None)
    alignment_method: Mapped[str | None] = mapped_column(String(40), default=None)
    result: Mapped[str | None] = mapped_column(String(120), default=None, doc="OParl result, e.g. vertagt")
    resolution_text: Mapped[str | None] = mapped_column(Text, default=None)
    votes_yes: Mapped[int | None] = mapped_column(default=None)
    votes_no: Mapped[int | None] = mapped_column(default=None)
    votes_abstain: Mapped[int | None] = mapped_column(default=None)
    votes_source: Mapped[str | None] = mapped_column(String(20), default=None, doc="transcript | record")
    decision_details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, doc="motions, evidence")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")


class Attendance(TenantOwned, Base):
    """Whether a person attended a meeting, and in which role."""

    __tablename__ = "minutes_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("minutes_meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("minutes_persons.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(default=True)
    role: Mapped[str | None] = mapped_column(String(120), default=None)

    person: Mapped[Person] = relationship(lazy="joined")


class Recording(TenantOwned, Base):
    """One stored audio/video file of a session; ``position`` orders several files of one session."""

    __tablename__ = "minutes_recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("minutes_meetings.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(default=0)
    duration_s: Mapped[float | None] = mapped_column(Float, default=None)
    offset_s: Mapped[float | None] = mapped_column(Float, default=None, doc="start within the session")
    deleted_at: Mapped[datetime | None] = mapped_column(default=None, doc="audio removed (retention)")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TranscriptSegment(TenantOwned, Base):
    """A stretch of the transcript by one speaker, with word times as JSON."""

    __tablename__ = "minutes_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("minutes_meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    speaker_label: Mapped[str | None] = mapped_column(String(40), default=None)
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[list[Any]] = mapped_column(JSON, default=list, doc="[[start, end, text, prob], …]")
    edited: Mapped[bool] = mapped_column(default=False)


class Speaker(TenantOwned, Base):
    """A voice cluster of one meeting ("S1") and the person it was named as."""

    __tablename__ = "minutes_speakers"
    __table_args__ = (UniqueConstraint("meeting_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("minutes_meetings.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("minutes_persons.id", ondelete="SET NULL"), default=None
    )
    display_name: Mapped[str | None] = mapped_column(String(200), default=None)
    named_by: Mapped[str | None] = mapped_column(String(20), default=None, doc="voice | clerk")
    embedding: Mapped[list[float] | None] = mapped_column(JSON, default=None, doc="mean voice embedding")

    @property
    def title(self) -> str:
        """The name shown in the editor and the exports: the person's, else "Sprecher 1" for "S1"."""
        return self.display_name or speaker_title(self.label)


def speaker_title(label: str) -> str:
    """How an unnamed voice is called: "S1" → "Sprecher 1"."""
    return f"Sprecher {label[1:]}" if label[:1] == "S" and label[1:].isdigit() else label


class VoiceProfile(TenantOwned, Base):
    """An enrolled voice of a person, kept across sessions – only with the person's recorded consent."""

    __tablename__ = "minutes_voice_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("minutes_persons.id", ondelete="CASCADE"), index=True)
    consent_date: Mapped[date] = mapped_column(Date)
    embedding: Mapped[list[float]] = mapped_column(JSON)
    embedding_bytes: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    model: Mapped[str] = mapped_column(String(120), default="resemblyzer")
    source_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("minutes_meetings.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(TenantOwned, Base):
    """One vote of the electronic voting system (or entered by hand) on an agenda item."""

    __tablename__ = "minutes_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("minutes_meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("minutes_agenda_items.id", ondelete="CASCADE"))
    motion: Mapped[str] = mapped_column(Text, default="")
    yes: Mapped[int] = mapped_column(default=0)
    no: Mapped[int] = mapped_column(default=0)
    abstain: Mapped[int] = mapped_column(default=0)
    named_votes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(40), default="import")


class MinutesDraft(TenantOwned, Base):
    """The minutes text of one agenda item (or the header, ``agenda_item_id`` None) with its sources.

    ``sources`` holds one entry per sentence: ``{"text": …, "ranges": [[start_s, end_s], …]}``;
    ``ai_draft_id`` points to the AI draft record the text started from (provenance).
    """

    __tablename__ = "minutes_drafts"
    __table_args__ = (UniqueConstraint("meeting_id", "kind", "agenda_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("minutes_meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MinutesKind] = mapped_column(_enum(MinutesKind), default=MinutesKind.RESULTS)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("minutes_agenda_items.id", ondelete="CASCADE"), default=None
    )
    text: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    method: Mapped[str] = mapped_column(String(20), default="extractive", doc="extractive | llm | clerk")
    ai_draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("ai_drafts.id", ondelete="SET NULL"), default=None
    )
    edited: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


__all__ = [
    "AgendaItem",
    "Attendance",
    "Meeting",
    "MeetingStatus",
    "MinutesDraft",
    "MinutesKind",
    "Organization",
    "Paper",
    "Person",
    "Recording",
    "Speaker",
    "TranscriptSegment",
    "VoiceProfile",
    "Vote",
]
