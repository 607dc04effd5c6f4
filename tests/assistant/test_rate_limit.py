"""With Redis configured, the question limit holds across server processes (here: two app instances)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rathaus.app import create_app
from rathaus.assistant.config import AssistantSettings
from rathaus.core.config import AISettings
from rathaus.web.context import AppContext
from tests import servers
from tests.assistant.conftest import AssistantWorld

API = "/api/assistant/stadt-a/ask"


@pytest.mark.redis
@pytest.mark.slow
def test_two_processes_share_one_limit_through_redis(
    app_context: AppContext, assistant_world: AssistantWorld, tmp_path: Path
) -> None:
    with servers.redis_server(tmp_path / "redis") as redis_url:
        settings = app_context.settings.model_copy(
            update={
                "redis_url": redis_url,
                "ai": AISettings(llm_backend="none", embedding_backend="none"),
                "assistant": AssistantSettings(requests_per_minute=4),
            }
        )

        def app() -> TestClient:
            context = AppContext(settings=settings, engine=app_context.engine, sessions=app_context.sessions)
            return TestClient(create_app(context=context), base_url="http://127.0.0.1")

        with app() as first, app() as second:
            codes = [
                client.post(API, json={"question": "Reisepass gültig?"}).status_code
                for client in (first, second, first, second)
            ]
            assert codes == [200, 200, 200, 200]
            limited = second.post(API, json={"question": "Reisepass gültig?"})
            assert limited.status_code == 429
            assert "Bitte warten Sie eine Minute" in limited.json()["detail"]
            assert limited.headers["retry-after"] == "60"
            assert first.post(API, json={"question": "Reisepass gültig?"}).status_code == 429
