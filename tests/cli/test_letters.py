"""`rathaus demo` and `rathaus tenants create` give a tenant the approved default letter templates."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from typer.testing import CliRunner

from rathaus.cli import app
from rathaus.core.db import make_engine, make_session_factory, open_session
from rathaus.core.letters.models import LetterTemplate
from rathaus.core.security.models import Tenant
from tests.cli.test_platform import DEMO, env

__all__ = ["env"]
runner = CliRunner()
DEFAULT_KEYS = {
    "eingangsbestaetigung",
    "nachforderung",
    "bescheid-bewilligung",
    "bescheid-ablehnung",
    "antwort",
}


def _templates(url: str, slug: str) -> Counter[tuple[str, str]]:
    engine = make_engine(url)
    try:
        with open_session(make_session_factory(engine)) as session:
            tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == slug))
            rows = session.scalars(select(LetterTemplate).where(LetterTemplate.tenant_id == tenant_id))
            return Counter((row.key, row.status.value) for row in rows)
    finally:
        engine.dispose()


def test_the_demo_tenant_gets_the_default_templates_once(env: str) -> None:
    first = runner.invoke(app, DEMO)
    assert first.exit_code == 0, first.output
    assert "Letter templates: 5 approved default templates created." in first.output
    assert _templates(env, "stadt-celle") == Counter({(key, "approved"): 1 for key in DEFAULT_KEYS})
    second = runner.invoke(app, DEMO)
    assert second.exit_code == 0, second.output
    assert "Letter templates" not in second.output
    assert _templates(env, "stadt-celle") == Counter({(key, "approved"): 1 for key in DEFAULT_KEYS})


def test_a_tenant_created_on_the_command_line_gets_them_too(env: str) -> None:
    result = runner.invoke(app, ["tenants", "create", "lk-celle", "Landkreis Celle"])
    assert result.exit_code == 0, result.output
    assert set(_templates(env, "lk-celle")) == {(key, "approved") for key in DEFAULT_KEYS}
