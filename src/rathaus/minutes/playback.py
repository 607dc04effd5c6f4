"""Recordings for listening only, beside an imported transcript: measured for the player, not transcribed.

The editor's player needs each recording's place in the session (``offset_s``) and its length; the
audio pipeline learns both while decoding, a transcript import only asks ffprobe.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from rathaus.core.storage import StoredFile, blob_path
from rathaus.minutes import service
from rathaus.minutes.models import Meeting

logger = logging.getLogger(__name__)


def measure_recordings(*, session: Session, meeting_id: int, files_dir: Path) -> dict[str, Any]:
    """Length and place of each recording in the session, for the player (no transcription).

    A recording that cannot be read is reported, not fatal: the transcript does not depend on it.
    """
    from rathaus.minutes.audio.decode import AudioError, probe  # noqa: PLC0415 - subprocess tools

    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return {"recordings": 0}
    offset, measured, unreadable = 0.0, 0, []
    for recording in service.recordings_of(session, meeting):
        stored = session.get(StoredFile, recording.file_id)
        if recording.deleted_at is not None or stored is None or stored.deleted_at is not None:
            continue
        try:
            duration = probe(blob_path(files_dir, stored.sha256))
        except AudioError as error:
            logger.warning("recording %s of meeting %s: %s", recording.id, meeting_id, error)
            unreadable.append(recording.position + 1)
            continue
        recording.offset_s, recording.duration_s = offset, duration or None
        offset += duration
        measured += 1
    return {"recordings": measured, "unreadable": unreadable, "seconds": round(offset, 1)}
