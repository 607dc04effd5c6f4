"""The rathaus command line against a real database."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from rathaus.assistant.demo import DEMO_BYLAWS
from rathaus.assistant.models import KnowledgeSource
from rathaus.cli import app
from rathaus.core.db import make_engine, make_session_factory, open_session
from rathaus.core.jobs import Job
from rathaus.core.security.service import LoginOutcome, authenticate
from rathaus.minutes.models import AgendaItem, Meeting
from tests.conftest import shared_data

runner = CliRunner()
DEMO = ["demo", "--data", "keine-demo-daten"]  # without the public data; see test_demo_loads_the_public_data


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> str:
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "test")
    monkeypatch.setenv("RATHAUS_SECRET_KEY", "cli-test-secret-" + "y" * 32)
    monkeypatch.setenv("RATHAUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RATHAUS_DATABASE_URL", database_url)
    monkeypatch.delenv("RATHAUS_ADMIN_PASSWORD", raising=False)
    return database_url


def _can_login(url: str, username: str, password: str) -> bool:
    engine = make_engine(url)
    try:
        with open_session(make_session_factory(engine)) as session:
            result = authenticate(
                session=session,
                username=username,
                password=password,
                client="cli-test",
                max_failures=5,
                lockout=timedelta(minutes=1),
                client_attempts_per_minute=100,
            )
        return result.outcome is LoginOutcome.OK
    finally:
        engine.dispose()


def test_migrate_creates_the_schema(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "development")
    monkeypatch.setenv("RATHAUS_DATABASE_URL", f"sqlite:///{tmp_path / 'neu.sqlite3'}")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "is up to date" in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'neu.sqlite3'}")
    with engine.connect() as connection:
        tables = {
            row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        }
    assert {"tenants", "users", "audit_events", "jobs", "ai_drafts"} <= tables


def test_commands_refuse_an_unmigrated_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "development")
    monkeypatch.setenv("RATHAUS_DATABASE_URL", f"sqlite:///{tmp_path / 'leer.sqlite3'}")
    result = runner.invoke(app, DEMO)
    assert result.exit_code == 2
    assert "Run `rathaus migrate` first" in result.output


def test_demo_prints_the_password_once(env: str) -> None:
    first = runner.invoke(app, DEMO)
    assert first.exit_code == 0, first.output
    assert "Initial password (shown only once)" in first.output
    password = first.output.split("shown only once):", 1)[1].split()[0]
    assert _can_login(env, "admin", password)
    second = runner.invoke(app, DEMO)
    assert second.exit_code == 0
    assert password not in second.output
    assert "keeps its password" in second.output
    assert "Initial password" not in second.output


def test_demo_takes_the_admin_password_from_the_environment(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATHAUS_ADMIN_PASSWORD", "vom-betrieb-gesetzt-123")
    result = runner.invoke(app, DEMO)
    assert result.exit_code == 0, result.output
    assert "vom-betrieb-gesetzt-123" not in result.output
    assert _can_login(env, "admin", "vom-betrieb-gesetzt-123")


def test_demo_loads_the_public_data(env: str) -> None:
    data = shared_data()
    result = runner.invoke(app, ["demo", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert f"287 services and {DEMO_BYLAWS} by-laws" in " ".join(result.output.split())
    assert "Posteingang: filing plan of 24 positions (Konstanz categories)" in " ".join(result.output.split())
    assert "Terminvergabe: Kfz office with 18 services" in " ".join(result.output.split())
    engine = make_engine(env)
    try:
        with open_session(make_session_factory(engine)) as session:
            sources = session.scalars(select(KnowledgeSource)).all()
            visibility = Counter(source.visibility for source in sources)
            assert visibility == {"public": 287 + DEMO_BYLAWS, "internal": 1}
            towns = {  # file names start with the town's code, e.g. "ABG_Polizeiverordnung.md"
                (source.external_id or "").removeprefix("file:").split("_")[0]
                for source in sources
                if (source.external_id or "").startswith("file:")
            }
            meeting = session.scalars(select(Meeting)).one()
            assert meeting.name
            assert meeting.session_date.year == 2025
            assert (session.scalar(select(func.count()).select_from(AgendaItem)) or 0) > 10
            job = session.scalars(select(Job).where(Job.kind == "assistant.reindex")).one()
            assert (job.kind, job.status.value, job.params) == (
                "assistant.reindex",
                "queued",
                {"refetch": False},
            )
    finally:
        engine.dispose()
    assert len(towns) > 3, towns
    again = runner.invoke(app, ["demo", "--data", str(data)])
    assert again.exit_code == 0, again.output
    assert "has meetings already; nothing loaded" in again.output
    assert "has knowledge sources already; nothing loaded" in again.output
    assert "Posteingang: filing plan present, demo data left as it is" in again.output


def test_demo_without_data_starts_empty(env: str) -> None:
    result = runner.invoke(app, DEMO)
    assert result.exit_code == 0, result.output
    assert "No demo data at keine-demo-daten" in result.output


def test_tenants_and_users_create(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["tenants", "create", "lk-celle", "Landkreis Celle"]).exit_code == 0
    duplicate = runner.invoke(app, ["tenants", "create", "lk-celle", "Landkreis Celle"])
    assert duplicate.exit_code == 2
    assert "bereits vergeben" in duplicate.output
    monkeypatch.setenv("RATHAUS_NEW_PASSWORD", "ein-sicheres-passwort")
    created = runner.invoke(
        app,
        [
            "users",
            "create",
            "m.muster",
            "--full-name",
            "Maria Muster",
            "--tenant",
            "lk-celle",
            "--role",
            "minutes_clerk",
        ],
    )
    assert created.exit_code == 0, created.output
    assert _can_login(env, "m.muster", "ein-sicheres-passwort")
    unknown = runner.invoke(app, ["users", "create", "x.y", "--full-name", "X", "--tenant", "nirgendwo"])
    assert unknown.exit_code == 2
    assert "no tenant with slug 'nirgendwo'" in unknown.output
    bad_role = runner.invoke(
        app, ["users", "create", "x.y", "--full-name", "X", "--tenant", "lk-celle", "--role", "kaiser"]
    )
    assert bad_role.exit_code == 2
    assert "unknown role" in bad_role.output


def test_audit_verify_detects_tampering(env: str) -> None:
    assert runner.invoke(app, DEMO).exit_code == 0
    intact = runner.invoke(app, ["audit", "verify"])
    assert intact.exit_code == 0
    assert "Audit log intact" in intact.output
    engine = make_engine(env)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        connection.execute(text("UPDATE audit_events SET actor_name = 'mallory' WHERE id = 1"))
    engine.dispose()
    damaged = runner.invoke(app, ["audit", "verify"])
    assert damaged.exit_code == 1
    assert "Audit log damaged" in damaged.output


def test_unreachable_database_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "development")
    monkeypatch.setenv("RATHAUS_DATABASE_URL", "postgresql+psycopg://rathaus@127.0.0.1:1/rathaus")
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 2
    assert "Cannot reach the database at postgresql+psycopg://rathaus@127.0.0.1:1/rathaus" in result.output
    assert "RATHAUS_DATABASE_URL" in result.output


def test_production_without_secret_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "production")
    monkeypatch.delenv("RATHAUS_SECRET_KEY", raising=False)
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 2
    assert "invalid configuration" in result.output
    assert "RATHAUS_SECRET_KEY" in result.output
