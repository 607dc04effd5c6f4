"""``rathaus applications …``: the Anträge's application types from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from rathaus.cli.common import connect_migrated, console, fail, load_settings, out
from rathaus.core.db import make_session_factory, open_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

applications_app = typer.Typer(
    help="Anträge: application types (list, install, import, export).", no_args_is_help=True
)
TenantOption = Annotated[str, typer.Option("--tenant", help="slug of the tenant")]
CLI_ACTOR = "cli"


@contextmanager
def _tenant_session(slug: str) -> Iterator[Session]:
    """A session scoped to the tenant ``slug`` (exit 1 when there is none), committed on success."""
    from rathaus.core.security.models import Tenant  # noqa: PLC0415

    sessions = make_session_factory(connect_migrated(load_settings()))
    with open_session(sessions) as platform:
        tenant_id = platform.scalar(select(Tenant.id).where(Tenant.slug == slug))
    if tenant_id is None:
        raise fail(f"no tenant with slug '{slug}'. Create one with `rathaus tenants create`.", code=1)
    with open_session(sessions, tenant_id=tenant_id) as session:
        yield session


@applications_app.command("types")
def list_types(tenant: TenantOption) -> None:
    """List the tenant's application types with every version and its status."""
    from rathaus.applications.models import ApplicationType  # noqa: PLC0415

    with _tenant_session(tenant) as session:
        rows = session.scalars(
            select(ApplicationType).order_by(ApplicationType.key, ApplicationType.version.desc())
        ).all()
        table = Table(title=f"Application types of {escape(tenant)}")
        for column in ("Key", "Version", "Status", "Title"):
            table.add_column(column)
        for row in rows:
            table.add_row(row.key, str(row.version), row.status.value, escape(row.title))
    if not rows:
        console().print(f"No application types yet. Run `rathaus applications install --tenant {tenant}`.")
        return
    out().print(table)


@applications_app.command("install")
def install(tenant: TenantOption) -> None:
    """Install and activate the shipped types (Konstanz by-laws) the tenant does not have yet."""
    from rathaus.applications.catalog import install_shipped  # noqa: PLC0415
    from rathaus.core.audit.service import Actor  # noqa: PLC0415

    with _tenant_session(tenant) as session:
        rows = install_shipped(session=session, actor=Actor.system(CLI_ACTOR))
        names = [f"{row.key} (version {row.version})" for row in rows]
    if not names:
        console().print(f"{escape(tenant)} has every shipped application type already; nothing installed.")
        return
    out().print(f"Installed and activated in {escape(tenant)}: {escape(', '.join(names))}")


@applications_app.command("import")
def import_type(
    file: Annotated[Path, typer.Argument(help="the definition as JSON, e.g. hundesteuer.json")],
    tenant: TenantOption,
    activate: Annotated[bool, typer.Option("--activate", help="make the new version the active one")] = False,
) -> None:
    """Save a type definition (JSON) as a new version; refused with the problems named when it is wrong."""
    from rathaus.applications import catalog  # noqa: PLC0415
    from rathaus.applications.definition import DefinitionError  # noqa: PLC0415
    from rathaus.applications.editing import read_definition  # noqa: PLC0415
    from rathaus.core.audit.service import Actor  # noqa: PLC0415

    if not file.is_file():
        raise fail(f"no such file: {file}", code=1)
    try:
        definition = read_definition(file.read_text(encoding="utf-8"))
    except (DefinitionError, UnicodeDecodeError) as error:
        problems = error.problems if isinstance(error, DefinitionError) else ["not UTF-8 text"]
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise fail(f"the definition in {file} was not saved:\n{lines}", code=1) from None
    with _tenant_session(tenant) as session:
        row = catalog.save_version(session=session, definition=definition, actor=Actor.system(CLI_ACTOR))
        if activate:
            catalog.activate(session=session, row=row, actor=Actor.system(CLI_ACTOR))
        state = row.status.value
        saved = f"{row.key} version {row.version}"
    out().print(f"Saved {escape(saved)} in {escape(tenant)} as {state}.")
    if not activate:
        console().print("Activate it in the web UI (Anträge → Antragstypen) or import again with --activate.")


@applications_app.command("export")
def export_type(
    key: Annotated[str, typer.Argument(help="the type's key, e.g. hundesteuer")],
    tenant: TenantOption,
    version: Annotated[
        int | None, typer.Option("--version", help="this version (default: the active one, else the newest)")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to this file (default: stdout)")
    ] = None,
) -> None:
    """Print a type's definition as JSON (the same JSON `import` reads)."""
    from rathaus.applications import catalog  # noqa: PLC0415
    from rathaus.applications.definition import to_json  # noqa: PLC0415
    from rathaus.applications.models import TypeStatus  # noqa: PLC0415

    with _tenant_session(tenant) as session:
        rows = catalog.versions(session=session, key=key)
        if version is None:
            chosen = next((row for row in rows if row.status == TypeStatus.ACTIVE), rows[0] if rows else None)
        else:
            chosen = next((row for row in rows if row.version == version), None)
        if chosen is None:
            which = f" version {version}" if version else ""
            raise fail(f"{tenant} has no application type '{key}'{which}", code=1)
        text = to_json(catalog.definition_of(chosen)) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    console().print(f"Wrote {escape(key)} to {output}.")
