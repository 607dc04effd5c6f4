"""The platform commands: serve, worker, migrate, demo, users, tenants, audit."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from rathaus.cli.common import connect, connect_migrated, console, fail, load_settings, out
from rathaus.core.config import PlatformSettings
from rathaus.core.db import make_session_factory, open_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rathaus.core.audit.service import Actor

app = typer.Typer(
    help="Rathaus – on-premise AI assistance for German municipal administrations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
tenants_app = typer.Typer(help="Manage tenants (municipalities).", no_args_is_help=True)
audit_app = typer.Typer(help="Check the audit log.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tenants_app, name="tenants")
app.add_typer(audit_app, name="audit")


def _add_subcommands() -> None:
    from rathaus.cli.applications import applications_app  # noqa: PLC0415
    from rathaus.cli.appointments import appointments_app  # noqa: PLC0415
    from rathaus.cli.jobs import jobs_app  # noqa: PLC0415 - keeps `rathaus --help` light
    from rathaus.cli.models import models_app  # noqa: PLC0415

    app.add_typer(models_app, name="models")
    app.add_typer(jobs_app, name="jobs")
    app.add_typer(appointments_app, name="appointments")
    app.add_typer(applications_app, name="applications")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from rathaus.core.migrate import upgrade  # noqa: PLC0415

    settings = load_settings()
    engine = connect(settings)
    upgrade(engine)
    out().print(f"Database at {engine.url.render_as_string(hide_password=True)} is up to date.")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
    worker: Annotated[
        bool, typer.Option(help="start a job consumer next to the web server (SQLite mode)")
    ] = True,
) -> None:
    """Serve the web application (and, without Redis, a background-job consumer)."""
    import uvicorn  # noqa: PLC0415

    from rathaus.app import create_app  # noqa: PLC0415

    settings = load_settings()
    connect_migrated(settings)
    consumer: subprocess.Popen[bytes] | None = None
    if worker and not settings.redis_url:
        command = [sys.executable, "-m", "rathaus", "worker"]
        consumer = subprocess.Popen(command, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509
    # uvicorn shuts down gracefully on SIGTERM and then raises the signal again with the handler it
    # found: this one turns it into SystemExit so that the consumer below is stopped as well.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run(
            create_app(settings),
            host=host or settings.host,
            port=port or settings.port,
            proxy_headers=False,
            log_level="info",
        )
    finally:
        if consumer is not None:
            consumer.terminate()
            consumer.wait(timeout=30)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """In the consumer child: receive SIGTERM when `rathaus serve` dies, however it dies (Linux)."""
    import ctypes  # noqa: PLC0415

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


@app.command()
def worker(
    workers: Annotated[int | None, typer.Option(help="parallel job threads")] = None,
) -> None:
    """Consume background jobs (SqliteHuey by default, RedisHuey when RATHAUS_REDIS_URL is set)."""
    from rathaus.core.worker import run_consumer  # noqa: PLC0415
    from rathaus.modules import MODULES, job_modules  # noqa: PLC0415

    settings = load_settings()
    connect_migrated(settings)
    provisions = [provision for module in MODULES for provision in module.provides]
    run_consumer(settings, job_modules=job_modules(settings), workers=workers, provisions=provisions)


@app.command()
def demo(
    tenant_name: Annotated[str, typer.Option(help="name of the demo tenant")] = "Stadt Celle",
    data: Annotated[
        Path, typer.Option(help="folder with the public demo data (services, by-laws, OParl)")
    ] = Path("../shared/data"),
) -> None:
    """Create the demo tenant, the initial administrator (prints the password once) and demo data."""
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.security.models import Role, Tenant, User  # noqa: PLC0415
    from rathaus.core.security.service import create_tenant, create_user  # noqa: PLC0415

    settings = load_settings()
    engine = connect_migrated(settings)
    actor = Actor.system("demo")
    sessions = make_session_factory(engine)
    password = None
    with open_session(sessions) as session:
        tenant = session.scalar(select(Tenant).where(Tenant.slug == "stadt-celle"))
        if session.scalar(select(User.id).where(User.username == "admin")) is None:
            tenant = tenant or create_tenant(
                session=session, actor=actor, slug="stadt-celle", name=tenant_name, state="NI"
            )
            password = settings.admin_password or secrets.token_urlsafe(12)
            create_user(
                session=session,
                actor=actor,
                tenant=tenant,
                username="admin",
                full_name="Administration",
                password=password,
                roles={Role.ADMIN},
                is_superuser=True,
            )
        tenant_id = tenant.id if tenant is not None else None
    if password is None:
        out().print("The administrator 'admin' exists already and keeps its password.")
    else:
        out().print(f"Demo tenant '{tenant_name}' created.")
    if tenant_id is not None:
        with open_session(sessions, tenant_id=tenant_id) as session:
            _letter_templates(session, tenant_id, actor)
            _demo_data(session, tenant_id, data, actor, settings)
    if password is None:
        return
    if settings.admin_password:
        out().print("Administrator 'admin' created with the password from RATHAUS_ADMIN_PASSWORD.")
    else:
        out().print(f"Administrator 'admin' created. Initial password (shown only once): [bold]{password}[/]")


def _letter_templates(session: Session, tenant_id: int, actor: Actor) -> None:
    """Give the tenant the approved default letter templates it lacks."""
    from rathaus.core.letters.service import ensure_defaults  # noqa: PLC0415

    created = ensure_defaults(session=session, tenant_id=tenant_id, actor=actor)
    if created:
        out().print(f"Letter templates: {len(created)} approved default templates created.")


def _demo_data(
    session: Session, tenant_id: int, data: Path, actor: Actor, settings: PlatformSettings
) -> None:
    """Let every module load its public demo data into the demo tenant (each skips what it has already)."""
    from rathaus.core.jobs import dispatch_after_commit, make_huey  # noqa: PLC0415
    from rathaus.core.module import DemoInput  # noqa: PLC0415
    from rathaus.modules import MODULES  # noqa: PLC0415

    if not data.is_dir():
        out().print(f"[yellow]No demo data at {data}; the demo tenant starts empty.[/]")
        return
    demo_input = DemoInput(
        session=session, tenant_id=tenant_id, data_dir=data, actor=actor, settings=settings
    )
    queue = None
    for module in MODULES:
        if module.demo is None:
            continue
        result = module.demo(demo_input)
        out().print(f"{module.title}: {result.summary}")
        for path in result.missing:
            out().print(f"[yellow]Not found, skipped:[/] {path}")
        for job_id in result.job_ids:  # else the worker's recovery sends them within a minute
            queue = queue or make_huey(settings)
            dispatch_after_commit(session, queue, job_id)


@tenants_app.command("create")
def tenants_create(
    slug: Annotated[str, typer.Argument(help="short unique name, e.g. lk-musterkreis")],
    name: Annotated[str, typer.Argument(help="display name, e.g. 'Landkreis Musterkreis'")],
    state: Annotated[str, typer.Option(help="Bundesland code for holidays")] = "NI",
) -> None:
    """Create a tenant."""
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.security.service import ValidationProblem, create_tenant  # noqa: PLC0415

    engine = connect_migrated(load_settings())
    try:
        with open_session(make_session_factory(engine)) as session:
            tenant = create_tenant(
                session=session, actor=Actor.system("cli"), slug=slug, name=name, state=state
            )
            _letter_templates(session, tenant.id, Actor.system("cli"))
    except ValidationProblem as problem:
        raise fail(f"{problem.field}: {problem.message}") from None
    out().print(f"Tenant {tenant.slug} ({tenant.name}) created with id {tenant.id}.")


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument()],
    full_name: Annotated[str, typer.Option(help="the person's full name")],
    tenant: Annotated[str, typer.Option(help="slug of the tenant")],
    role: Annotated[
        list[str] | None, typer.Option(help="admin, minutes_clerk, caseworker, reviewer, knowledge_editor")
    ] = None,
    superuser: Annotated[bool, typer.Option(help="may manage tenants")] = False,
) -> None:
    """Create a user; the password is read from RATHAUS_NEW_PASSWORD or asked for."""
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.security.models import Role, Tenant  # noqa: PLC0415
    from rathaus.core.security.service import ValidationProblem, create_user  # noqa: PLC0415

    try:
        roles = {Role(value) for value in role or []}
    except ValueError:
        raise fail(f"unknown role in {role}; choose from {', '.join(r.value for r in Role)}") from None
    engine = connect_migrated(load_settings())
    password = os.environ.get("RATHAUS_NEW_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        with open_session(make_session_factory(engine)) as session:
            owner = session.scalar(select(Tenant).where(Tenant.slug == tenant))
            if owner is None:
                raise fail(
                    f"no tenant with slug '{tenant}'. List them with the web UI or create one: "
                    "`rathaus tenants create`."
                )
            user = create_user(
                session=session,
                actor=Actor.system("cli"),
                tenant=owner,
                username=username,
                full_name=full_name,
                password=password,
                roles=roles,
                is_superuser=superuser,
            )
    except ValidationProblem as problem:
        raise fail(f"{problem.field}: {problem.message}") from None
    out().print(
        f"User {user.username} created in {tenant} with roles {sorted(r.value for r in roles) or 'none'}."
    )


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit hash chain; exit 1 if an event was edited, removed or reordered."""
    from rathaus.core.audit.service import verify_chain  # noqa: PLC0415

    engine = connect_migrated(load_settings())
    with open_session(make_session_factory(engine)) as session:
        checked, problems = verify_chain(session)
    if not problems:
        out().print(f"Audit log intact: {checked} events, hash chain verified.")
        return
    table = Table(
        "event", "problem", title=f"Audit log damaged ({len(problems)} problems in {checked} events)"
    )
    for problem in problems:
        table.add_row("–" if problem.event_id is None else str(problem.event_id), problem.problem)
    console().print(table)
    raise typer.Exit(1)


_add_subcommands()
