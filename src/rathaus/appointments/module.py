"""The module record of Terminvergabe: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.demo import load_demo
from rathaus.appointments.jobs import RETENTION
from rathaus.appointments.privacy import erase_person, export_person
from rathaus.appointments.service import bookable_services_port, booking_path, today_counts
from rathaus.appointments.web import routers
from rathaus.core.db import utcnow
from rathaus.core.module import AITask, AIUseCase, Module, Panel, PanelRequest, PersonalData, RetentionRule
from rathaus.core.ports import BOOKABLE_SERVICES, Provision
from rathaus.core.security.models import Role

if TYPE_CHECKING:
    from rathaus.core.config import PlatformSettings


def _retention(settings: PlatformSettings) -> str:
    days = settings.section(AppointmentsSettings).retention_days
    return (
        f"Name, E-Mail und Telefon {days} Tage nach dem Termin gelöscht; die Zählung bleibt für die Statistik"
    )


def today_panel(asked: PanelRequest) -> Panel:
    """The "Termine heute" box: per location today's appointments, who is waiting, what is still free."""
    counts = today_counts(session=asked.session, now=utcnow())
    return Panel(
        "appointments/_home_panel.html",
        {"counts": counts, "public_url": booking_path(asked.user.tenant.slug)},
    )


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
    demo=load_demo,
    home_panel=today_panel,
    provides=(Provision(BOOKABLE_SERVICES, bookable_services_port),),
    ai_uses=(
        AIUseCase(
            key="appointments.forecast",
            title="Prognose der Terminnachfrage und Kapazitätsvorschlag",
            purpose="Ein statistisches Modell (negativ-binomiale Regression mit Wochentag, Jahreszeit, "
            "Feiertagen und Trend) schätzt aus den bisherigen Buchungen die Nachfrage je Dienstleistung, "
            "Standort und Tag und schlägt daraus die Zahl der online buchbaren Plätze je Zeitfenster vor.",
            tasks=(AITask.FORECAST,),
            human_oversight="Ein Vorschlag ändert nichts, bis eine berechtigte Person ihn annimmt oder "
            "andere Zahlen einträgt; jede Entscheidung wird protokolliert. Überbuchung ist ausgeschaltet.",
            affected="Bürgerinnen und Bürger, die Termine buchen; Beschäftigte an den Schaltern",
        ),
    ),
    personal_data=(
        PersonalData(
            key="appointments.contacts",
            title="Name, E-Mail-Adresse und Telefon von Terminbuchungen und Wartelisten-Einträgen",
            legal_basis="Art. 6 Abs. 1 lit. e DSGVO (Erfüllung der Aufgaben der Verwaltung)",
            export=export_person,
            erase=erase_person,
        ),
    ),
    retention=(
        RetentionRule(
            key="appointments.contacts",
            title="Kontaktdaten vergangener Termine",
            period=_retention,
            job_kind=RETENTION,
        ),
    ),
)
