"""The module record of Posteingang: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.core.module import AITask, AIUseCase, Module
from rathaus.core.security.models import Role
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.config import InboxSettings
from rathaus.inbox.web import routers
from rathaus.inbox.web.common import PREFIX

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
    settings=InboxSettings,
    audit_actions=InboxAction,
    ai_uses=(
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
)
