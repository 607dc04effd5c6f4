"""What the Protokollhilfe records in the audit log.

One declared set per module, which the Governance module reads; ``record`` takes only these.
"""

from __future__ import annotations

import enum


class MinutesAction(enum.StrEnum):
    """The audit actions of the module minutes."""

    AGENDA_SET = "minutes.agenda_set"
    ATTENDEES_SET = "minutes.attendees_set"
    AUDIO_DELETED = "minutes.audio_deleted"
    AUDIO_RETENTION_PLANNED = "minutes.audio_retention_planned"
    ATTENDANCE_FROM_VOTES = "minutes.attendance_from_votes"
    BOUNDARY_MOVED = "minutes.boundary_moved"
    CONVENTIONS_EDITED = "minutes.conventions_edited"
    CONVENTIONS_SEEDED = "minutes.conventions_seeded"
    MEETING_CREATED = "minutes.meeting_created"
    OPARL_IMPORTED = "minutes.oparl_imported"
    RECORDING_ADDED = "minutes.recording_added"
    SPEAKER_NAMED = "minutes.speaker_named"
    SPEAKERS_MERGED = "minutes.speakers_merged"
    STATUS_ENTWURF = "minutes.status_entwurf"
    STATUS_FREIGEGEBEN = "minutes.status_freigegeben"
    STATUS_IN_PRUEFUNG = "minutes.status_in_pruefung"
    STATUS_VEROEFFENTLICHT = "minutes.status_veroeffentlicht"
    TEXT_EDITED = "minutes.text_edited"
    TRANSCRIPT_CORRECTED = "minutes.transcript_corrected"
    TRANSCRIPT_IMPORTED = "minutes.transcript_imported"
    VOICE_ENROLLED = "minutes.voice_enrolled"
    VOTES_IMPORTED = "minutes.votes_imported"
