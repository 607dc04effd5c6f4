"""``rathaus appointments import`` against a real database and the real Munich export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from rathaus.appointments.models import Location, Offer, Service
from rathaus.cli import app
from rathaus.core.db import make_engine, make_session_factory, open_session
from tests.conftest import shared_data
from tests.factories import make_tenant

runner = CliRunner()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> str:
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "test")
    monkeypatch.setenv("RATHAUS_SECRET_KEY", "cli-test-secret-" + "y" * 32)
    monkeypatch.setenv("RATHAUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RATHAUS_DATABASE_URL", database_url)
    engine = make_engine(database_url)
    with open_session(make_session_factory(engine)) as session:
        make_tenant(session, slug="stadt-m", name="Stadt M")
    engine.dispose()
    return database_url


def test_import_of_one_munich_location(env: str) -> None:
    folder = shared_data("munich_services")
    services, locations = folder / "munich_services_de.json", folder / "munich_locations_de.json"
    arguments = ["appointments", "import", "--services", str(services), "--locations", str(locations)]
    result = runner.invoke(app, [*arguments, "--tenant", "stadt-m", "--location", "10308013"])
    assert result.exit_code == 0, result.output
    assert "Catalog imported into stadt-m" in result.output
    engine = make_engine(env)
    with open_session(make_session_factory(engine)) as session:
        rows = session.scalars(select(Location)).all()
        offers = session.scalars(select(Offer)).all()
        assert [(row.key, row.slot_min) for row in rows] == [("10308013", 15)]
        printed = re.search(r"offers\W+(\d+)", result.output)
        assert printed is not None
        assert int(printed.group(1)) == len(offers) > 0
        assert {offer.service.key for offer in offers} == {s.key for s in session.scalars(select(Service))}
    engine.dispose()


def test_bad_input_is_named_and_exits_1(env: str, tmp_path: Path) -> None:
    broken = tmp_path / "services.json"
    broken.write_text("{not json", encoding="utf-8")
    empty = tmp_path / "locations.json"
    empty.write_text('{"data": []}', encoding="utf-8")
    base = ["appointments", "import", "--services", str(broken), "--locations", str(empty)]
    result = runner.invoke(app, [*base, "--tenant", "stadt-m"])
    assert result.exit_code == 1
    assert "the catalog was not imported" in result.output
    assert "cannot read the file as JSON" in result.output
    missing = runner.invoke(app, [*base[:3], str(tmp_path / "fehlt.json"), *base[4:], "--tenant", "stadt-m"])
    assert missing.exit_code == 1
    assert "no such file" in missing.output
    unknown = runner.invoke(app, [*base, "--tenant", "gibt-es-nicht"])
    assert unknown.exit_code == 1
    assert "no tenant with slug 'gibt-es-nicht'" in unknown.output
