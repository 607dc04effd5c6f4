"""The module record of Terminvergabe: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.web import routers
from rathaus.core.module import Module, Panel, PanelRequest
from rathaus.core.security.models import Role


def public_link_panel(asked: PanelRequest) -> Panel:
    """The start page's box with the link to the tenant's public booking page."""
    return Panel("appointments/_home_panel.html", {"slug": asked.user.tenant.slug})


MODULE = Module(
    slug="appointments",
    title="Terminvergabe",
    summary="Termine für Dienstleistungen buchen und Kapazitäten planen.",
    role=Role.CASEWORKER,
    path="/termine",
    templates=Path(__file__).resolve().parent / "templates",
    routers=routers,
    public_paths=("/buerger/",),
    home_panel=public_link_panel,
    job_modules=("rathaus.appointments.jobs",),
    table_modules=("rathaus.appointments.models",),
    settings=AppointmentsSettings,
    audit_actions=AppointmentsAction,
)
