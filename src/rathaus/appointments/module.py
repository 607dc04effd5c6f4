"""The module record of Terminvergabe: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.web import routers
from rathaus.core.module import Module
from rathaus.core.security.models import Role

MODULE = Module(
    slug="appointments",
    title="Terminvergabe",
    summary="Termine für Dienstleistungen buchen und Kapazitäten planen.",
    role=Role.CASEWORKER,
    path="/termine",
    public_paths=("/buerger/",),
    templates=Path(__file__).resolve().parent / "templates",
    routers=routers,
    job_modules=("rathaus.appointments.jobs",),
    table_modules=("rathaus.appointments.models",),
    settings=AppointmentsSettings,
    audit_actions=AppointmentsAction,
)
