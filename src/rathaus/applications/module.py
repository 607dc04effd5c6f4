"""The module record of Anträge: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.applications import intake
from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.casework import home_panel
from rathaus.applications.config import ApplicationsSettings
from rathaus.applications.demo import load_demo
from rathaus.applications.jobs import DRAFTS, RETENTION
from rathaus.applications.privacy import erase_person, export_person
from rathaus.applications.web import routers
from rathaus.core.module import AITask, AIUseCase, Module, PersonalData, RetentionRule, UploadLimit
from rathaus.core.ports import APPLICATION_INTAKE, Provision
from rathaus.core.security.models import Role

if TYPE_CHECKING:
    from rathaus.core.config import PlatformSettings


def _upload_bytes(settings: PlatformSettings) -> int:
    return settings.section(ApplicationsSettings).max_upload_bytes


def _closed_period(settings: PlatformSettings) -> str:
    days = settings.section(ApplicationsSettings).retention_days
    return f"{days} Tage nach der Entscheidung (oder Rücknahme) mit Anlagen, Prüfpunkten und Briefen gelöscht"


def _draft_period(settings: PlatformSettings) -> str:
    days = settings.section(ApplicationsSettings).draft_days
    return f"angefangene Anträge mit ihren Uploads {days} Tage nach der letzten Änderung gelöscht"


MODULE = Module(
    slug="applications",
    title="Anträge",
    summary="Anträge auf Vollständigkeit und Plausibilität prüfen.",
    role=Role.CASEWORKER,
    path="/antraege",
    templates=Path(__file__).resolve().parent / "templates",
    public_paths=("/buerger/",),
    routers=routers,
    # the citizen uploads, on the forms of every tenant (``*`` is one path segment)
    upload_limits=(UploadLimit("/buerger/*/antraege/", _upload_bytes),),
    job_modules=("rathaus.applications.jobs",),
    table_modules=("rathaus.applications.models",),
    settings=ApplicationsSettings,
    audit_actions=ApplicationsAction,
    demo=load_demo,
    # the module's own functions ``match`` and ``take_paper`` are the port (a module is a protocol value)
    provides=(Provision(APPLICATION_INTAKE, lambda _context: intake),),
    ai_uses=(
        AIUseCase(
            key="applications.check",
            title="Vorprüfung von Anträgen: Texterkennung und Dokumentart der Anlagen",
            purpose="Die Anlagen eines Antrags werden mit Texterkennung (Tesseract) gelesen; eine "
            "nachvollziehbare Zuordnung nach Schlüsselbegriffen erkennt die Art des Dokuments, und Name, "
            "Anschrift und Beträge aus dem Antrag werden in der Anlage gesucht. Die Prüfregeln selbst sind "
            "feste Regeln aus der Satzung, jede mit ihrem Paragrafen.",
            tasks=(AITask.OCR,),
            human_oversight="Das Ergebnis ist eine Checkliste für die Sachbearbeitung: jeder Punkt wird "
            "bestätigt oder mit Begründung übersteuert, und entschieden wird nur von einer Person; das "
            "Entscheidungsprotokoll zeigt die Prüfpunkte und was mit ihnen geschah.",
            affected="Antragstellerinnen und Antragsteller",
        ),
    ),
    retention=(
        RetentionRule(
            key="applications.closed",
            title="Entschiedene und zurückgenommene Anträge",
            period=_closed_period,
            job_kind=RETENTION,
        ),
        RetentionRule(
            key="applications.drafts",
            title="Angefangene, nicht abgesendete Anträge",
            period=_draft_period,
            job_kind=DRAFTS,
        ),
    ),
    home_panel=home_panel,
    personal_data=(
        PersonalData(
            key="applications.applicants",
            title="Angaben, Anlagen und Schreiben von Anträgen (Name, Anschrift, E-Mail, Nachweise)",
            legal_basis="Art. 6 Abs. 1 lit. c und e DSGVO (Verwaltungsverfahren nach der jeweiligen Satzung)",
            export=export_person,
            erase=erase_person,
        ),
    ),
)
