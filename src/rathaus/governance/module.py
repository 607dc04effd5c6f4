"""The module record of Governance: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.core.module import Module
from rathaus.core.security.models import Role
from rathaus.governance.audit_actions import GovernanceAction
from rathaus.governance.config import GovernanceSettings
from rathaus.governance.web import router

MODULE = Module(
    slug="governance",
    title="Governance",
    summary="KI-Verzeichnis, Transparenz, Kennzahlen und Berichte.",
    role=Role.REVIEWER,
    path="/governance",
    templates=Path(__file__).resolve().parent / "templates",
    routers=(router,),
    job_modules=("rathaus.governance.jobs",),
    table_modules=("rathaus.governance.models",),
    settings=GovernanceSettings,
    audit_actions=GovernanceAction,
)
