"""The module record of Anträge: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.config import ApplicationsSettings
from rathaus.applications.jobs import DRAFTS
from rathaus.applications.web import routers
from rathaus.core.module import Module, RetentionRule, UploadLimit
from rathaus.core.security.models import Role

if TYPE_CHECKING:
    from rathaus.core.config import PlatformSettings


def _upload_bytes(settings: PlatformSettings) -> int:
    return settings.section(ApplicationsSettings).max_upload_bytes


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
    # the citizen uploads (path prefixes cannot name the tenant, so every public page gets this limit)
    upload_limits=(UploadLimit("/buerger/", _upload_bytes),),
    job_modules=("rathaus.applications.jobs",),
    table_modules=("rathaus.applications.models",),
    settings=ApplicationsSettings,
    audit_actions=ApplicationsAction,
    retention=(
        RetentionRule(
            key="applications.drafts",
            title="Angefangene, nicht abgesendete Anträge",
            period=_draft_period,
            job_kind=DRAFTS,
        ),
    ),
)
