"""The module record of Anträge: how Rathaus plugs it in (see ``rathaus.core.module``)."""

from __future__ import annotations

from pathlib import Path

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.casework import home_panel
from rathaus.applications.config import ApplicationsSettings
from rathaus.applications.privacy import erase_person, export_person
from rathaus.applications.web import routers
from rathaus.core.module import Module, PersonalData
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
    home_panel=home_panel,
    personal_data=(
        PersonalData(
            key="applications.applicants",
            title="Angaben, Anlagen und Schreiben von Anträgen (Name, Anschrift, E-Mail, Nachweise)",
            legal_basis="Art. 6 Abs. 1 lit. c und e DSGVO (Verwaltungsverfahren nach der jeweiligen Satzung)",
            export=export_person,
            erase=erase_person,
        ),
    ),
)
