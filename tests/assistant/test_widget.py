"""Who may frame the widget: this site by default, and the https origins named in the settings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from rathaus.app import create_app
from rathaus.assistant.config import AssistantSettings
from rathaus.modules import Settings
from rathaus.web.context import AppContext
from tests.assistant.conftest import AssistantWorld

WIDGET = "/buerger/stadt-a/assistent/widget"


def _frame_ancestors(csp: str) -> str:
    return next(part.strip() for part in csp.split(";") if part.strip().startswith("frame-ancestors"))


def test_widget_is_framed_by_this_site_only_by_default(assistant_client: TestClient) -> None:
    response = assistant_client.get(WIDGET)
    assert response.status_code == 200
    assert _frame_ancestors(response.headers["content-security-policy"]) == "frame-ancestors 'self'"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    # the other pages may not be framed at all
    page = assistant_client.get("/buerger/stadt-a/assistent")
    assert _frame_ancestors(page.headers["content-security-policy"]) == "frame-ancestors 'none'"


def test_configured_origins_may_frame_the_widget(
    app_context: AppContext, assistant_world: AssistantWorld
) -> None:
    assistant = AssistantSettings(
        widget_frame_ancestors=["https://www.bad-boll.de/", "https://*.Konstanz.de"]
    )
    settings = app_context.settings.model_copy(update={"assistant": assistant})
    context = AppContext(settings=settings, engine=app_context.engine, sessions=app_context.sessions)
    with TestClient(create_app(context=context), base_url="http://127.0.0.1") as client:
        response = client.get(WIDGET)
    assert response.status_code == 200
    assert _frame_ancestors(response.headers["content-security-policy"]) == (
        "frame-ancestors 'self' https://www.bad-boll.de https://*.konstanz.de"
    )


@pytest.mark.parametrize(
    "entry",
    [
        "*",
        "http://www.bad-boll.de",
        "https://www.bad-boll.de/assistent",
        "https://www.bad-boll.de?x=1",
        "www.bad-boll.de",
        "https://",
        "'unsafe-inline'",
        "https://bad boll.de",
        "https://www.bad-boll.de; script-src *",
    ],
)
def test_anything_but_https_origins_is_refused_at_load(entry: str) -> None:
    with pytest.raises(ValidationError, match="is not an https origin"):
        AssistantSettings(widget_frame_ancestors=[entry])


def test_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "development")
    monkeypatch.setenv(
        "RATHAUS_ASSISTANT__WIDGET_FRAME_ANCESTORS", "https://www.bad-boll.de, https://gemeinde.de:8443"
    )
    assert Settings().assistant.widget_frame_ancestors == [
        "https://www.bad-boll.de",
        "https://gemeinde.de:8443",
    ]
    monkeypatch.setenv("RATHAUS_ASSISTANT__WIDGET_FRAME_ANCESTORS", '["https://www.zell-u-a.de"]')
    assert Settings().assistant.widget_frame_ancestors == ["https://www.zell-u-a.de"]
    monkeypatch.setenv("RATHAUS_ASSISTANT__WIDGET_FRAME_ANCESTORS", "http://www.zell-u-a.de")
    with pytest.raises(ValidationError, match="is not an https origin"):
        Settings()
