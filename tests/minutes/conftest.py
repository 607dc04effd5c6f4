"""Fixtures of the Protokollhilfe tests: a tenant with a minutes clerk, a meeting with an agenda."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.service import Actor
from rathaus.core.config import AISettings
from rathaus.core.db import open_session
from rathaus.core.security.models import Role
from rathaus.minutes import service
from rathaus.modules import Settings
from tests.factories import make_tenant, make_user
from tests.minutes.scripted import ScriptedAI, register_scripted
from tests.requirements import require_bundle, require_module, require_tool

CLERK = "protokoll-a"
AGENDA = """1 Eröffnung und Feststellung der Beschlussfähigkeit
2 Bebauungsplan „Am Mühlbach“ (Vorlage 2023/0361)
2.1 Änderungsantrag der Fraktion
N 3 Grundstücksangelegenheit Flurstück 12/4
"""


@dataclass
class MinutesWorld:
    sessions: sessionmaker[Session]
    tenant_id: int
    other_tenant_id: int
    clerk_id: int
    meeting_id: int

    @property
    def actor(self) -> Actor:
        return Actor(id=self.clerk_id, name=CLERK)


@pytest.fixture
def minutes_world(sessions: sessionmaker[Session]) -> MinutesWorld:
    with open_session(sessions) as session:
        tenant = make_tenant(session, slug="jever", name="Stadt Jever", state="NI")
        other = make_tenant(session, slug="bergdorf", name="Gemeinde Bergdorf")
        clerk = make_user(session, tenant, CLERK, roles={Role.MINUTES_CLERK})
        make_user(session, other, "protokoll-b", roles={Role.MINUTES_CLERK})
        ids = (tenant.id, other.id, clerk.id)
    actor = Actor(id=ids[2], name=CLERK)
    with open_session(sessions, tenant_id=ids[0]) as session:
        meeting = service.create_meeting(
            session=session,
            tenant_id=ids[0],
            actor=actor,
            data=service.MeetingInput(
                name="Sitzung des Rates",
                session_date=date(2025, 4, 17),
                place="Ratssaal",
                chair="Bürgermeister Albers",
                clerk="Frau Janssen",
                organization="Rat der Stadt Jever",
            ),
        )
        service.set_agenda(
            session=session, meeting=meeting, entries=service.parse_agenda(AGENDA), actor=actor
        )
        service.set_attendees(
            session=session,
            meeting=meeting,
            actor=actor,
            attendees=service.parse_attendees(
                "Bürgermeister Albers; Vorsitz\nAnna Berends; SPD\nKarl Cordes; CDU; abwesend"
            ),
        )
        meeting_id = meeting.id
    return MinutesWorld(sessions, ids[0], ids[1], ids[2], meeting_id)


@pytest.fixture(scope="module")
def audio_tools() -> None:
    """ffmpeg, espeak-ng and sox, for the tests that synthesise and decode audio."""
    require_tool("ffmpeg", "espeak-ng", "sox", install="apt-get install ffmpeg espeak-ng sox")


@pytest.fixture
def scripted_ai(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ScriptedAI:
    """Deterministic speech-to-text and voice backends, registered for this test (tests.minutes.scripted)."""
    return register_scripted(monkeypatch, tmp_path / "asr-script.json")


@pytest.fixture
def scripted_settings(settings: Settings, scripted_ai: ScriptedAI) -> Settings:
    """The test settings with the scripted backends chosen the way an operator chooses backends."""
    ai = AISettings.model_validate({**settings.ai.model_dump(), **scripted_ai.settings_update()})
    return settings.model_copy(update={"ai": ai})


@pytest.fixture(scope="session")
def transcriber(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Whisper base int8 (the bundle assembled once into a temporary models directory)."""
    require_module("faster_whisper", install="pip install -e '.[ai]'")
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.whisper import FasterWhisperTranscriber  # noqa: PLC0415

    require_bundle("whisper-base")
    models = tmp_path_factory.mktemp("whisper-models")
    install_bundle(CATALOG["whisper-base"], models_dir=models)
    yield FasterWhisperTranscriber(locate_model("whisper-base", kind="asr", models_dir=models), cpu_threads=2)
    shutil.rmtree(models, ignore_errors=True)


@pytest.fixture(scope="session")
def chat_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The 0.5B test LLM (Qwen2.5-Coder, llama.cpp), its bundle assembled once into a temporary directory."""
    require_module("llama_cpp", install="pip install -e '.[ai]'")
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.llama import LlamaCppChat  # noqa: PLC0415

    name = "qwen2.5-coder-0.5b-instruct"
    require_bundle(name)
    models = tmp_path_factory.mktemp("llm-models")
    install_bundle(CATALOG[name], models_dir=models)
    yield LlamaCppChat(locate_model(name, kind="llm", models_dir=models), n_threads=2, n_ctx=4096)
    shutil.rmtree(models, ignore_errors=True)
