"""The module record of Anträge: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.config import ApplicationsSettings
from rathaus.applications.web import routers
from rathaus.core.module import Module
from rathaus.core.security.models import Role

MODULE = Module(
    slug="applications",
    title="Anträge",
    summary="Anträge auf Vollständigkeit und Plausibilität prüfen.",
    role=Role.CASEWORKER,
    path="/antraege",
    templates=Path(__file__).resolve().parent / "templates",
    routers=routers,
    job_modules=("rathaus.applications.jobs",),
    table_modules=("rathaus.applications.models",),
    settings=ApplicationsSettings,
    audit_actions=ApplicationsAction,
)
