"""The assistant's module record: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.assistant.audit_actions import AssistantAction
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.demo import load_demo
from rathaus.assistant.jobs import PURGE_LOGS
from rathaus.assistant.provides import knowledge_search
from rathaus.assistant.web import routers
from rathaus.core.config import PlatformSettings
from rathaus.core.module import AITask, AIUseCase, Module, RetentionRule
from rathaus.core.ports import KNOWLEDGE_SEARCH, Provision
from rathaus.core.security.models import Role


def _log_retention(settings: PlatformSettings) -> str:
    return f"{settings.section(AssistantSettings).log_retention_days} Tage"


MODULE = Module(
    slug="assistant",
    title="Assistent",
    summary="Fragen aus eigenen Quellen beantworten – für Bürgerinnen, Bürger und Beschäftigte.",
    role=Role.KNOWLEDGE_EDITOR,
    path="/assistent",
    templates=Path(__file__).resolve().parent / "templates",
    routers=routers,
    public_paths=("/buerger/", "/api/assistant/"),
    job_modules=("rathaus.assistant.jobs",),
    table_modules=("rathaus.assistant.models",),
    # The public JSON API reads no cookie and no session (see ``rathaus.web.deps.csrf_exempt``).
    csrf_exempt_json=(r"^/api/assistant/[a-z0-9-]+/ask$",),
    demo=load_demo,
    settings=AssistantSettings,
    ai_uses=(
        AIUseCase(
            key="assistant.answers",
            title="Antworten des Bürger- und Mitarbeiter-Assistenten",
            purpose="Fragen werden aus den eigenen Quellen der Verwaltung (Dienstleistungen, Satzungen, "
            "Dokumente) beantwortet: Suche mit Texteinbettungen, Antwort auszugsweise oder vom Sprachmodell, "
            "immer mit Quellenangaben.",
            tasks=(AITask.EMBEDDING, AITask.LLM),
            human_oversight="Antworten nennen ihre Quellen und sind als KI-Auskunft gekennzeichnet; "
            "ohne Beleg verweist der Assistent an eine Ansprechperson. Rückmeldungen prüft die Redaktion.",
            affected="Bürgerinnen und Bürger, Beschäftigte",
        ),
    ),
    retention=(
        RetentionRule(
            key="assistant.logs",
            title="Gesprächsprotokolle, Rückmeldungen und Kontaktanfragen",
            period=_log_retention,
            job_kind=PURGE_LOGS,
        ),
    ),
    audit_actions=AssistantAction,
    provides=(Provision(KNOWLEDGE_SEARCH, knowledge_search),),
)
