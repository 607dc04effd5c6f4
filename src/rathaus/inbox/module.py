"""The module record of Posteingang: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.core.module import (
    AITask,
    AIUseCase,
    Module,
    Panel,
    PanelRequest,
    PersonalData,
    RetentionRule,
    UploadLimit,
)
from rathaus.core.security.models import Role
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.config import InboxSettings
from rathaus.inbox.demo import load_demo
from rathaus.inbox.jobs import RETENTION
from rathaus.inbox.privacy import erase_person, export_person
from rathaus.inbox.service import queue_counts
from rathaus.inbox.web import routers
from rathaus.inbox.web.common import PREFIX

if TYPE_CHECKING:
    from rathaus.core.config import PlatformSettings


def queues_panel(asked: PanelRequest) -> Panel:
    """The "Posteingang" box for caseworkers: open and overdue items per department, the Poststelle first."""
    counts = [count for count in queue_counts(session=asked.session, today=asked.today) if count.open]
    return Panel("inbox/_home_panel.html", {"counts": counts})


def _retention(settings: PlatformSettings) -> str:
    days = settings.section(InboxSettings).retention_days
    return f"{days} Tage nach Antwort oder Erledigung, dann mit allen Dateien gelöscht"


def _upload_bytes(settings: PlatformSettings) -> int:
    return settings.section(InboxSettings).max_upload_bytes


MODULE = Module(
    slug="inbox",
    title="Posteingang",
    summary="Post, Scans und E-Mails erfassen, zuordnen und Antworten entwerfen.",
    role=Role.CASEWORKER,
    path=PREFIX,
    templates=Path(__file__).resolve().parent / "templates",
    routers=routers,
    job_modules=("rathaus.inbox.jobs",),
    table_modules=("rathaus.inbox.models",),
    upload_limits=(UploadLimit(f"{PREFIX}/hochladen", _upload_bytes),),
    home_panel=queues_panel,
    demo=load_demo,
    settings=InboxSettings,
    ai_uses=(
        AIUseCase(
            key="inbox.reading",
            title="Texterkennung eingehender Scans",
            purpose="Tesseract liest gescannte Briefe; unsicher erkannte Seiten werden markiert.",
            tasks=(AITask.OCR,),
            human_oversight="Die Sachbearbeitung sieht den erkannten Text neben dem Scan und prüft "
            "markierte Seiten.",
            affected="Absenderinnen und Absender von Briefen",
        ),
        AIUseCase(
            key="inbox.routing",
            title="Zuordnung eingehender Post zum Aktenplan",
            purpose="Regeln, ein aus bestätigten Fällen gelernter Klassifikator und Ähnlichkeit zu den "
            "Positionsbeschreibungen (optional ein Sprachmodell, nur mit Positionen des Aktenplans) "
            "schlagen Position und Abteilung vor, mit Sicherheit und Begründung.",
            tasks=(AITask.CLASSIFIER, AITask.EMBEDDING, AITask.LLM),
            human_oversight="Jeder Vorschlag wird von der Abteilung bestätigt oder umgeleitet; unsichere "
            "Vorschläge gehen an die Poststelle.",
            affected="Absenderinnen und Absender von Briefen und E-Mails",
        ),
        AIUseCase(
            key="inbox.reply",
            title="Antwortentwürfe im Posteingang",
            purpose="Aus freigegebenen Textbausteinen, Hinweisen aus den Wissensquellen "
            "(mit Quellenangabe) und – wenn eingerichtet – einem Sprachmodell entsteht ein Entwurf "
            "der Antwort auf ein Schreiben.",
            tasks=(AITask.LLM, AITask.EMBEDDING),
            human_oversight="Der Entwurf wird nie selbsttätig versandt: Sachbearbeiterinnen und "
            "Sachbearbeiter prüfen und bearbeiten ihn und senden ihn nach einer Bestätigung selbst. "
            "Entwurf, Änderungen (mit Änderungsabstand) und Versand werden protokolliert.",
            affected="Bürgerinnen und Bürger, die an die Verwaltung schreiben",
        ),
    ),
    personal_data=(
        PersonalData(
            key="inbox.senders",
            title="Absender und Inhalte eingehender Briefe und E-Mails, Antworten an sie",
            legal_basis="Art. 6 Abs. 1 lit. e DSGVO (Erfüllung der Aufgaben der Verwaltung)",
            export=export_person,
            erase=erase_person,
        ),
    ),
    retention=(
        RetentionRule(
            key="inbox.items",
            title="Eingänge mit Dokumenten, Scans und Antworten",
            period=_retention,
            job_kind=RETENTION,
        ),
    ),
    audit_actions=InboxAction,
)
