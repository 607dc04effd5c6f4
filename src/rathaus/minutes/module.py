"""The Protokollhilfe's module record: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.core.config import PlatformSettings
from rathaus.core.module import AITask, AIUseCase, Module, Panel, PanelRequest, RetentionRule, UploadLimit
from rathaus.core.security.models import Role
from rathaus.minutes import due_minutes
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.config import MinutesSettings
from rathaus.minutes.demo import load_demo
from rathaus.minutes.jobs import RETENTION
from rathaus.minutes.web import routers
from rathaus.minutes.web.common import PREFIX

DEADLINES_SHOWN = 10


def deadlines_panel(asked: PanelRequest) -> Panel:
    """The "Fristen" box for minutes clerks: open minutes with their due date, overdue ones named.

    The start page asks only modules the user may see, so the role is checked there.
    """
    rows = due_minutes(session=asked.session, today=asked.today)
    return Panel("minutes/_home_panel.html", {"deadlines": rows, "shown": DEADLINES_SHOWN})


def _recording_bytes(settings: PlatformSettings) -> int:
    return settings.section(MinutesSettings).max_recording_bytes


def _transcript_bytes(settings: PlatformSettings) -> int:
    """A transcript with recordings for playback in one form."""
    minutes = settings.section(MinutesSettings)
    return minutes.max_transcript_bytes + minutes.max_recording_bytes


def _audio_retention(settings: PlatformSettings) -> str:
    days = settings.section(MinutesSettings).audio_retention_days
    return f"{days} Tage nach Freigabe der Niederschrift"


MODULE = Module(
    slug="minutes",
    title="Protokollhilfe",
    summary="Sitzungsaufnahmen transkribieren und Niederschriften entwerfen.",
    role=Role.MINUTES_CLERK,
    path=PREFIX,
    templates=Path(__file__).resolve().parent / "templates",
    routers=routers,
    public_paths=(f"{PREFIX}/oeffentlich/",),
    job_modules=("rathaus.minutes.jobs",),
    table_modules=("rathaus.minutes.models",),
    upload_limits=(
        UploadLimit(f"{PREFIX}/aufnahmen/", _recording_bytes),
        UploadLimit(f"{PREFIX}/wortlaut/", _transcript_bytes),
    ),
    home_panel=deadlines_panel,
    demo=load_demo,
    settings=MinutesSettings,
    ai_uses=(
        AIUseCase(
            key="minutes.transcript",
            title="Wortprotokoll aus der Sitzungsaufnahme",
            purpose="Spracherkennung (Whisper) und Sprechertrennung machen aus der Aufnahme einen Wortlaut "
            "mit Zeitmarken und Stimmen.",
            tasks=(AITask.ASR, AITask.DIARIZATION),
            human_oversight="Die Protokollführung prüft und korrigiert den Wortlaut im Editor, benennt die "
            "Stimmen und gibt frei; nichts wird ohne Freigabe veröffentlicht.",
            affected="Mitglieder des Gremiums, Verwaltung, Gäste der Sitzung",
        ),
        AIUseCase(
            key="minutes.draft",
            title="Entwurf der Niederschrift",
            purpose="Tagesordnungspunkte werden dem Wortlaut zugeordnet, Beschlüsse und Abstimmungen erkannt "
            "und ein Entwurf geschrieben (Sprachmodell oder auszugsweise), jeder Satz mit Zeitmarke.",
            tasks=(AITask.LLM,),
            human_oversight="Der Entwurf ist ein Entwurf: Protokollführung und Vorsitz prüfen, ändern "
            "und geben frei; jede Änderung wird mit ihrem Umfang protokolliert.",
            affected="Mitglieder des Gremiums, Öffentlichkeit (veröffentlichte Niederschrift)",
        ),
    ),
    retention=(
        RetentionRule(
            key="minutes.audio",
            title="Sitzungsaufnahmen",
            period=_audio_retention,
            job_kind=RETENTION,
        ),
    ),
    audit_actions=MinutesAction,
)
