"""``rathaus appointments …``: the Terminvergabe's catalog from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from rathaus.cli.common import connect_migrated, console, fail, load_settings, out
from rathaus.core.db import make_session_factory, open_session

appointments_app = typer.Typer(help="Terminvergabe: catalog import.", no_args_is_help=True)


@appointments_app.command("import")
def import_catalog(
    services: Annotated[
        Path, typer.Option("--services", help="services export, e.g. munich_services_de.json")
    ],
    locations: Annotated[
        Path, typer.Option("--locations", help="locations export, e.g. munich_locations_de.json")
    ],
    tenant: Annotated[str, typer.Option("--tenant", help="slug of the tenant")],
    location: Annotated[
        list[str] | None,
        typer.Option("--location", help="import only this location (its id in the export) and its services"),
    ] = None,
) -> None:
    """Import services, locations and offers from the Munich-shaped JSON export (opening hours untouched)."""
    from rathaus.appointments.administration import import_catalog_files  # noqa: PLC0415
    from rathaus.appointments.catalog import CatalogError  # noqa: PLC0415
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.security.models import Tenant  # noqa: PLC0415

    for path in (services, locations):
        if not path.is_file():
            raise fail(f"no such file: {path}", code=1)
    engine = connect_migrated(load_settings())
    try:
        with open_session(make_session_factory(engine)) as session:
            owner = session.scalar(select(Tenant).where(Tenant.slug == tenant))
            if owner is None:
                raise fail(
                    f"no tenant with slug '{tenant}'. Create one with `rathaus tenants create`.", code=1
                )
            summary = import_catalog_files(
                session=session,
                tenant_id=owner.id,
                services_json=services,
                locations_json=locations,
                actor=Actor.system("cli"),
                location_keys=location or (),
            )
    except CatalogError as error:
        raise fail(f"the catalog was not imported: {error}", code=1) from None
    table = Table(title=f"Catalog imported into {escape(tenant)}")
    table.add_column("What")
    table.add_column("Count", justify="right")
    table.add_row("services", str(summary.services))
    table.add_row("locations", str(summary.locations))
    table.add_row("offers", str(summary.offers))
    out().print(table)
    console().print("Opening hours are set per location in the web UI (Terminvergabe → Verwaltung).")
