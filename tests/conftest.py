"""Shared fixtures: a fresh real database per test (SQLite or PostgreSQL), the app, users, servers.

Choose the backend with ``--db=sqlite`` (default) or ``--db=postgresql`` (or ``RATHAUS_TEST_DB``).
PostgreSQL runs as a throw-away cluster that the suite starts itself on loopback.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from rathaus.app import create_app
from rathaus.core.db import make_engine, make_session_factory, open_session
from rathaus.core.migrate import upgrade
from rathaus.modules import Settings
from rathaus.web.context import AppContext
from tests import servers

# The tests set what they need: a developer's .env (written by `make demo`: secret, mail pickup folder)
# must not change them.
Settings.model_config["env_file"] = None

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
TEST_PASSWORD = "richtig-langes-passwort"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default=os.environ.get("RATHAUS_TEST_DB", "sqlite"),
        choices=["sqlite", "postgresql"],
        help="database backend for the suite",
    )


@pytest.fixture(scope="session")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def worker_id_safe(request: pytest.FixtureRequest) -> str:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return str(worker)


@pytest.fixture(scope="session")
def postgres(db_backend: str) -> Iterator[servers.PostgresServer | None]:
    if db_backend != "postgresql":
        yield None
        return
    with servers.postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def template_database(
    tmp_path_factory: pytest.TempPathFactory, postgres: servers.PostgresServer | None, worker_id_safe: str
) -> str:
    """A migrated database that each test copies: a file for SQLite, a template database for PostgreSQL."""
    if postgres is None:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        return str(path)
    name = f"rathaus_template_{worker_id_safe}"
    admin = make_engine(postgres.url())
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(postgres.url(name))
    upgrade(engine)
    engine.dispose()
    return name


@pytest.fixture
def database_url(
    tmp_path: Path, template_database: str, postgres: servers.PostgresServer | None
) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    if postgres is None:
        target = tmp_path / "rathaus.sqlite3"
        shutil.copyfile(template_database, target)
        yield f"sqlite:///{target}"
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_engine(postgres.url())
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
    try:
        yield postgres.url(name)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A platform (unscoped) session, committed at the end of the test."""
    with open_session(sessions) as session:
        yield session


@pytest.fixture
def app_context(settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> AppContext:
    return AppContext(settings=settings, engine=engine, sessions=sessions)


@pytest.fixture
def client(app_context: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(context=app_context), base_url="http://127.0.0.1") as client:
        yield client


@dataclass
class World:
    """Two tenants with an admin each, for tests that need users."""

    sessions: sessionmaker[Session]
    tenant_a_id: int
    tenant_b_id: int
    admin_a: str
    admin_b: str


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    from tests.factories import make_tenant, make_user  # noqa: PLC0415 - factories import this module

    with open_session(sessions) as session:
        tenant_a = make_tenant(session, slug="stadt-a", name="Stadt Anfangsort")
        tenant_b = make_tenant(session, slug="stadt-b", name="Gemeinde Bergdorf")
        make_user(session, tenant_a, "admin-a", admin=True, superuser=True)
        make_user(session, tenant_b, "admin-b", admin=True)
        ids = (tenant_a.id, tenant_b.id)
    return World(
        sessions=sessions, tenant_a_id=ids[0], tenant_b_id=ids[1], admin_a="admin-a", admin_b="admin-b"
    )


def login(client: TestClient, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real login form (with its CSRF token)."""
    page = client.get("/anmelden")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/anmelden",
        data={"username": username, "password": password, "csrf_token": token, "weiter": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def csrf_from(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def shared_data(*parts: str) -> Path:
    """A path in ../shared/data, or skip the test with a clear message when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the shared data set at {path} (not part of a fresh clone)")
    return path
