"""The modules shown on the start page and in the navigation."""

from __future__ import annotations

from dataclasses import dataclass

from rathaus.core.security.models import Role


@dataclass(frozen=True)
class ModuleInfo:
    slug: str
    title: str
    summary: str
    role: Role | None
    path: str


MODULES: tuple[ModuleInfo, ...] = (
    ModuleInfo(
        "minutes",
        "Protokollhilfe",
        "Sitzungsaufnahmen transkribieren und Niederschriften entwerfen.",
        Role.MINUTES_CLERK,
        "/protokolle",
    ),
    ModuleInfo(
        "inbox",
        "Posteingang",
        "Post, Scans und E-Mails erfassen, zuordnen und Antworten entwerfen.",
        Role.CASEWORKER,
        "/posteingang",
    ),
    ModuleInfo(
        "assistant",
        "Assistent",
        "Fragen aus eigenen Quellen beantworten – für Bürgerinnen, Bürger und Beschäftigte.",
        Role.KNOWLEDGE_EDITOR,
        "/assistent",
    ),
    ModuleInfo(
        "appointments",
        "Terminvergabe",
        "Termine für Dienstleistungen buchen und Kapazitäten planen.",
        Role.CASEWORKER,
        "/termine",
    ),
    ModuleInfo(
        "applications",
        "Anträge",
        "Anträge auf Vollständigkeit und Plausibilität prüfen.",
        Role.CASEWORKER,
        "/antraege",
    ),
    ModuleInfo(
        "governance",
        "Governance",
        "KI-Verzeichnis, Transparenz, Kennzahlen und Berichte.",
        Role.REVIEWER,
        "/governance",
    ),
)
