"""``rathaus applications …`` on a real database: list, install, import (German problems), export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from rathaus.applications.definition import TYPES_DIR, TypeDefinition
from rathaus.applications.models import ApplicationType, TypeStatus
from rathaus.cli import app
from rathaus.core.db import make_engine, make_session_factory, open_session
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
        make_tenant(session, slug="stadt-k", name="Stadt K")
        make_tenant(session, slug="stadt-l", name="Stadt L")
    engine.dispose()
    return database_url


def _versions(url: str) -> list[tuple[int, str, int, TypeStatus]]:
    engine = make_engine(url)
    with open_session(make_session_factory(engine)) as session:
        rows = session.scalars(select(ApplicationType).order_by(ApplicationType.key, ApplicationType.version))
        result = [(row.tenant_id, row.key, row.version, row.status) for row in rows]
    engine.dispose()
    return result


def test_install_list_and_export(env: str, tmp_path: Path) -> None:
    empty = runner.invoke(app, ["applications", "types", "--tenant", "stadt-k"])
    assert empty.exit_code == 0
    assert "No application types yet" in empty.output
    installed = runner.invoke(app, ["applications", "install", "--tenant", "stadt-k"])
    assert installed.exit_code == 0, installed.output
    assert "hundesteuer (version 1)" in installed.output
    again = runner.invoke(app, ["applications", "install", "--tenant", "stadt-k"])
    assert "nothing installed" in again.output
    assert {(key, status) for _, key, _, status in _versions(env)} == {
        ("hundesteuer", TypeStatus.ACTIVE),
        ("kita-ermaessigung", TypeStatus.ACTIVE),
        ("sondernutzung", TypeStatus.ACTIVE),
    }
    listed = runner.invoke(app, ["applications", "types", "--tenant", "stadt-k"])
    assert "sondernutzung" in listed.output
    assert "active" in listed.output
    exported = runner.invoke(app, ["applications", "export", "hundesteuer", "--tenant", "stadt-k"])
    assert exported.exit_code == 0
    shipped = TypeDefinition.model_validate_json((TYPES_DIR / "hundesteuer.json").read_text(encoding="utf-8"))
    assert TypeDefinition.model_validate_json(exported.stdout) == shipped
    missing = runner.invoke(app, ["applications", "export", "hundesteuer", "--tenant", "stadt-l"])
    assert missing.exit_code == 1
    assert "stadt-l has no application type 'hundesteuer'" in missing.output


def test_import_saves_a_draft_or_activates_it(env: str, tmp_path: Path) -> None:
    source = TYPES_DIR / "kita-ermaessigung.json"
    first = runner.invoke(app, ["applications", "import", str(source), "--tenant", "stadt-l"])
    assert first.exit_code == 0, first.output
    assert "Saved kita-ermaessigung version 1 in stadt-l as draft." in first.output
    second = runner.invoke(app, ["applications", "import", str(source), "--tenant", "stadt-l", "--activate"])
    assert "version 2 in stadt-l as active" in second.output
    assert [(v, s) for _, _, v, s in _versions(env)] == [(1, TypeStatus.DRAFT), (2, TypeStatus.ACTIVE)]
    target = tmp_path / "out.json"
    written = runner.invoke(
        app,
        [
            "applications",
            "export",
            "kita-ermaessigung",
            "--tenant",
            "stadt-l",
            "--version",
            "1",
            "-o",
            str(target),
        ],
    )
    assert written.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["key"] == "kita-ermaessigung"


def test_import_of_a_rule_naming_an_unknown_field_is_refused_with_the_german_problem(
    env: str, tmp_path: Path
) -> None:
    definition = json.loads((TYPES_DIR / "hundesteuer.json").read_text(encoding="utf-8"))
    definition["rules"][0]["check"] = "hund_geburtstag <= haltung_beginn"
    broken = tmp_path / "hundesteuer.json"
    broken.write_text(json.dumps(definition), encoding="utf-8")
    result = runner.invoke(app, ["applications", "import", str(broken), "--tenant", "stadt-k"])
    assert result.exit_code == 1
    assert "was not saved" in result.output
    assert "verweist auf das Feld „hund_geburtstag“, das es in diesem Antragstyp nicht gibt." in result.output
    assert _versions(env) == []
    unknown = runner.invoke(app, ["applications", "install", "--tenant", "stadt-x"])
    assert unknown.exit_code == 1
    assert "no tenant with slug 'stadt-x'" in unknown.output
