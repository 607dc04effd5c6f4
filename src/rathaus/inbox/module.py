"""The module record of Posteingang: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.core.module import Module
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
)
