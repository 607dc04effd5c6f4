"""Fixtures for the assistant tests: the real 0.5B LLM (loaded once), Munich services, stand-ins."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from rathaus.app import create_app
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.retrieval import Passage
from rathaus.core.ai.bundles import install_bundle, locate_model
from rathaus.core.ai.catalog import CATALOG
from rathaus.core.ai.errors import ModelNotInstalledError
from rathaus.core.ai.protocols import ChatMessage, ChatResult
from rathaus.core.config import AISettings
from rathaus.core.db import open_session
from rathaus.web.context import AppContext
from tests.conftest import REPO_ROOT, shared_data
from tests.requirements import require_bundle, require_module

TEST_LLM = "qwen2.5-coder-0.5b-instruct"


@pytest.fixture(scope="session")
def small_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real Qwen2.5-Coder-0.5B through Rathaus's llama-cpp backend (installed bundle or a fresh copy)."""
    require_module("llama_cpp", install="pip install -e '.[ai]'")
    from rathaus.core.ai.llama import LlamaCppChat  # noqa: PLC0415 - heavy

    try:
        model = locate_model(TEST_LLM, kind="llm", models_dir=REPO_ROOT / "data" / "models")
    except ModelNotInstalledError:
        spec = CATALOG[TEST_LLM]
        require_bundle(TEST_LLM)
        directory = tmp_path_factory.mktemp("models")
        install_bundle(spec, models_dir=directory)
        model = locate_model(TEST_LLM, kind="llm", models_dir=directory)
    chat = LlamaCppChat(model, n_threads=2, n_ctx=2048)
    chat.warm_up()
    return chat


class ScriptedChat:
    """A deterministic stand-in ChatModel that answers with fixed text (for the logic around the LLM)."""

    name = "scripted"
    model_name = "scripted"
    model_version = "1"

    def __init__(self, reply: str, structured: dict[str, Any] | None = None) -> None:
        self.reply = reply
        self.structured = structured
        self.calls: list[Sequence[ChatMessage]] = []

    def chat(self, messages: Sequence[ChatMessage], **options: Any) -> ChatResult:
        self.calls.append(messages)
        text = json.dumps(self.structured) if options.get("json_schema") and self.structured else self.reply
        return ChatResult(text=text, model=self.model_name, backend=self.name)

    def stream(self, messages: Sequence[ChatMessage], **options: Any) -> Iterator[str]:
        self.calls.append(messages)
        for word in self.reply.split(" "):
            yield word + " "


def passage(
    title: str,
    text: str,
    *,
    source_id: int = 1,
    section: str = "Beschreibung",
    kind: str = "service",
    score: float = 0.03,
    facts: dict[str, Any] | None = None,
    url: str | None = "https://stadt.example/dienstleistung",
) -> Passage:
    """A hand-made retrieved passage."""
    return Passage(
        chunk_id=source_id * 10,
        source_id=source_id,
        title=title,
        kind=kind,
        url=url,
        section=section,
        text=text,
        score=score,
        facts=facts or {},
    )


@pytest.fixture(scope="session")
def munich_services() -> tuple[dict[str, Any], dict[str, Any]]:
    """The Munich service export and its locations (skips without ../shared/data)."""
    folder: Path = shared_data("munich_services")
    services = json.loads((folder / "munich_services_de.json").read_text(encoding="utf-8"))
    locations = json.loads((folder / "munich_locations_de.json").read_text(encoding="utf-8"))
    return services, locations


SERVICES = [
    {
        "title": "Reisepass beantragen",
        "body": "Den Reisepass beantragen Sie persönlich im Bürgerbüro. Der Reisepass ist zehn Jahre gültig.",
        "meta": {
            "fees": "70 Euro",
            "duration_minutes": 20,
            "documents": ["Personalausweis", "Passfoto"],
            "locations": [{"name": "Bürgerbüro Mitte", "address": "Marktplatz 1", "phone": "0711 123456"}],
            "appointment_url": "https://termine.example/reisepass",
        },
    },
    {
        "title": "Hund anmelden",
        "body": "Einen Hund melden Sie innerhalb von zwei Wochen bei der Steuerstelle an.",
        "meta": {"fees": "keine", "locations": [{"name": "Steuerstelle", "email": "steuer@example.org"}]},
    },
]


@dataclass
class AssistantWorld:
    """Two tenants; A has public services, an internal by-law and a knowledge editor."""

    slug: str
    tenant_id: int
    other_tenant_id: int


@pytest.fixture
def assistant_world(sessions: sessionmaker[Session]) -> AssistantWorld:
    from rathaus.assistant import service  # noqa: PLC0415
    from rathaus.assistant.sources import SourceInput  # noqa: PLC0415
    from rathaus.core.security.models import Role  # noqa: PLC0415
    from tests.assistant.stand_ins import EDITOR  # noqa: PLC0415
    from tests.factories import make_tenant, make_user  # noqa: PLC0415

    with open_session(sessions) as session:
        tenant = make_tenant(session, slug="stadt-a", name="Stadt Anfangsort")
        other = make_tenant(session, slug="stadt-b", name="Gemeinde Bergdorf")
        make_user(session, tenant, "redaktion-a", roles={Role.KNOWLEDGE_EDITOR})
        make_user(session, tenant, "sachbearbeitung-a", roles={Role.CASEWORKER})
        ids = (tenant.id, other.id)
    with open_session(sessions, tenant_id=ids[0]) as session:
        items = [
            SourceInput(
                kind="service",
                title=s["title"],
                body=s["body"],
                url=None,
                external_id=f"service:{n}",
                meta=s["meta"],
            )
            for n, s in enumerate(SERVICES)
        ]
        service.import_sources(session=session, tenant_id=ids[0], items=items, actor=EDITOR)
        bylaw = SourceInput(
            kind="bylaw",
            title="Dienstanweisung Kassenführung",
            url=None,
            external_id="da:kasse",
            body="# § 3 Barkasse\n\nDie Barkasse wird täglich um 16 Uhr abgerechnet.",
            meta={},
        )
        service.import_sources(
            session=session, tenant_id=ids[0], items=[bylaw], visibility="internal", actor=EDITOR
        )
        service.reindex(session=session, embedder=None)
    with open_session(sessions, tenant_id=ids[1]) as session:
        secret = SourceInput(
            kind="service",
            title="Bergdorfer Sonderdienst",
            url=None,
            external_id="s:b",
            body="Der Reisepass kostet in Bergdorf 999 Euro.",
            meta={},
        )
        service.import_sources(session=session, tenant_id=ids[1], items=[secret], actor=EDITOR)
        service.reindex(session=session, embedder=None)
    return AssistantWorld(slug="stadt-a", tenant_id=ids[0], other_tenant_id=ids[1])


@pytest.fixture
def assistant_client(app_context: AppContext, assistant_world: AssistantWorld) -> Iterator[TestClient]:
    """The app without AI backends (lexical retrieval, extractive answers) and a low rate limit."""
    settings = app_context.settings.model_copy(
        update={
            "ai": AISettings(llm_backend="none", embedding_backend="none"),
            "assistant": AssistantSettings(requests_per_minute=8, max_question_chars=2000),
        }
    )
    context = AppContext(settings=settings, engine=app_context.engine, sessions=app_context.sessions)
    with TestClient(create_app(context=context), base_url="http://127.0.0.1") as client:
        yield client
