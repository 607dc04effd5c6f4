"""The module contract, checked for every module in ``rathaus.modules`` (in the style of datasette's
documentation tests): its parts exist, its routes live under its own prefix and need a login unless
declared public, its jobs, tables and audit actions carry its name, and every setting and CLI command
is in the operator guide."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import typer.main
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from rathaus.cli import app as cli_app
from rathaus.core.config import PlatformSettings
from rathaus.core.db import Base
from rathaus.core.jobs import KINDS, import_job_modules
from rathaus.core.module import Module
from rathaus.core.security.models import Role
from rathaus.modules import MODULES, Settings, import_tables, job_modules
from tests.conftest import World, login
from tests.factories import make_member

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "rathaus"
OPERATOR_GUIDE = ROOT / "docs" / "operator-guide.md"
PARTS = (
    "__init__.py",
    "module.py",
    "models.py",
    "schemas.py",
    "service.py",
    "jobs.py",
    "config.py",
    "audit_actions.py",
)
SLUGS = [module.slug for module in MODULES]
by_slug = pytest.mark.parametrize("module", MODULES, ids=SLUGS)


def test_every_domain_package_is_listed() -> None:
    packages = {path.parent.name for path in SRC.glob("*/module.py") if path.parent.name != "core"}
    assert packages == set(SLUGS)
    assert len(SLUGS) == len(set(SLUGS)) == 6
    assert len({module.path for module in MODULES}) == len(MODULES)


@by_slug
def test_the_record_is_the_one_its_package_declares(module: Module) -> None:
    declared = importlib.import_module(f"rathaus.{module.slug}.module").MODULE
    assert declared is module
    assert module.title
    assert module.summary
    assert module.path.startswith("/")
    assert module.role is None or isinstance(module.role, Role)


@by_slug
def test_the_package_has_every_part(module: Module) -> None:
    package = SRC / module.slug
    missing = [part for part in PARTS if not (package / part).is_file()]
    if not ((package / "web.py").is_file() or (package / "web" / "__init__.py").is_file()):
        missing.append("web.py or web/")
    templates = package / "templates" / module.slug
    if not templates.is_dir() or not any(templates.glob("*.html")):
        missing.append(f"templates/{module.slug}/*.html")
    assert missing == []
    assert module.templates == package / "templates"
    assert importlib.import_module(f"rathaus.{module.slug}").__doc__, "__init__.py: the package's public face"


@by_slug
def test_the_module_has_its_tests(module: Module) -> None:
    folder = ROOT / "tests" / module.slug
    assert (folder / "__init__.py").is_file()
    assert list(folder.glob("test_*.py")), f"tests/{module.slug}/ has no test file"


@by_slug
def test_routes_live_under_the_module_prefix_or_a_declared_public_path(module: Module) -> None:
    outside = [
        route.path
        for router in module.routers
        for route in router.routes
        if isinstance(route, APIRoute)
        and not route.path.startswith(module.path)
        and not any(route.path.startswith(public.rstrip("/")) for public in module.public_paths)
    ]
    assert outside == []
    assert module.routers, "a module without routes has no page"


def _sample_path(path: str) -> str:
    """A concrete URL for a route path: numbers for ids, the test tenant's slug for slugs."""
    path = re.sub(r"\{[a-z_]*slug\}", "stadt-a", path)
    return re.sub(r"\{[a-z_]+(:[a-z]+)?\}", "1", path)


@by_slug
def test_pages_outside_the_public_paths_need_a_login(
    module: Module, client: TestClient, world: World
) -> None:
    for router in module.routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            public = any(route.path.startswith(prefix.rstrip("/")) for prefix in module.public_paths)
            url = _sample_path(route.path)
            for method in sorted(route.methods & {"GET", "POST"}):
                response = client.request(method, url, follow_redirects=False)
                if public:
                    assert "/anmelden" not in response.headers.get("location", ""), (method, url)
                elif method == "GET":
                    assert response.status_code == 303, (method, url, response.status_code)
                    assert response.headers["location"].startswith("/anmelden"), (method, url)
                else:  # a POST without session also lacks the CSRF token; either way nothing happens
                    assert response.status_code in {303, 401, 403}, (method, url, response.status_code)


@by_slug
def test_the_start_page_of_the_module_answers_its_role(
    module: Module, client: TestClient, world: World
) -> None:
    role = module.role or Role.CASEWORKER
    other = next(r for r in (Role.CASEWORKER, Role.MINUTES_CLERK, Role.REVIEWER) if r != role)
    make_member(world.sessions, world.tenant_a_id, "mit-rolle", role)
    make_member(world.sessions, world.tenant_a_id, "ohne-rolle", other)
    login(client, "ohne-rolle")
    if module.role is not None:
        assert client.get(module.path).status_code == 403
        assert module.title not in client.get("/").text
    client.cookies.clear()
    login(client, "mit-rolle")
    page = client.get(module.path)
    assert page.status_code == 200
    assert module.title in page.text
    assert f'href="{module.path}"' in client.get("/").text


@by_slug
def test_job_kinds_are_named_after_the_module(module: Module) -> None:
    import_job_modules(module.job_modules)
    own = {kind for kind in KINDS if any(KINDS[kind].func.__module__ == name for name in module.job_modules)}
    assert all(kind.startswith(f"{module.slug}.") for kind in own), own
    for rule in module.retention:
        assert rule.job_kind is None or rule.job_kind in own, rule


def test_the_worker_imports_every_module_job_module() -> None:
    names = job_modules(Settings(environment="test", secret_key="x" * 40))
    assert set(names) == {name for module in MODULES for name in module.job_modules}


@by_slug
def test_tables_come_from_the_declared_modules(module: Module) -> None:
    import_tables()
    tables = {
        mapper.class_.__tablename__
        for mapper in Base.registry.mappers
        if mapper.class_.__module__ in module.table_modules
    }
    foreign = {
        mapper.class_.__module__
        for mapper in Base.registry.mappers
        if mapper.class_.__module__.startswith(f"rathaus.{module.slug}.")
        and mapper.class_.__module__ not in module.table_modules
    }
    assert foreign == set(), "tables outside the declared table modules are not migrated"
    if module.slug in {"minutes", "assistant"}:
        assert tables


@by_slug
def test_audit_actions_carry_the_module_name(module: Module) -> None:
    assert module.audit_actions is not None
    assert all(action.value.startswith(f"{module.slug}.") for action in module.audit_actions)
    source = "\n".join(path.read_text(encoding="utf-8") for path in (SRC / module.slug).rglob("*.py"))
    assert 'action="' not in source, "audit actions are members of the module's declared set"


@by_slug
def test_governance_declarations_are_complete(module: Module, settings: PlatformSettings) -> None:
    for use in module.ai_uses:
        assert use.key.startswith(f"{module.slug}.")
        assert use.title
        assert use.purpose
        assert use.human_oversight
        assert use.tasks
    for rule in module.retention:
        assert rule.key.startswith(f"{module.slug}.")
        assert rule.title
        assert rule.period(settings)
    for data in module.personal_data:
        assert data.key.startswith(f"{module.slug}.")
        assert data.legal_basis


def _env_names(prefix: str, model: type[BaseModel]) -> list[str]:
    return [f"{prefix}{name.upper()}" for name in model.model_fields]


def _all_settings() -> list[str]:
    names: list[str] = []
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.extend(_env_names(f"RATHAUS_{name.upper()}__", annotation))
        else:
            names.append(f"RATHAUS_{name.upper()}")
    return names


def test_every_setting_is_in_the_operator_guide() -> None:
    guide = OPERATOR_GUIDE.read_text(encoding="utf-8")
    missing = [name for name in _all_settings() if f"`{name}`" not in guide]
    assert missing == []


@by_slug
def test_the_module_settings_are_a_section_named_by_its_slug(module: Module) -> None:
    assert module.settings is not None
    settings = Settings(environment="test", secret_key="x" * 40)
    assert isinstance(settings.section(module.settings), module.settings)
    assert Settings.model_fields[module.slug].annotation is module.settings


def _commands(group: object, prefix: str = "rathaus") -> list[str]:
    found = []
    for name, command in getattr(group, "commands", {}).items():
        if hasattr(command, "commands"):
            found.extend(_commands(command, f"{prefix} {name}"))
        else:
            found.append(f"{prefix} {name}")
    return found


def test_every_cli_command_is_in_the_operator_guide() -> None:
    guide = OPERATOR_GUIDE.read_text(encoding="utf-8")
    commands = _commands(typer.main.get_command(cli_app))
    assert "rathaus models install" in commands
    assert "rathaus jobs watch" in commands
    assert [command for command in commands if command not in guide] == []
