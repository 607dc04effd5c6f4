"""The OpenAI-compatible backend against a real llama.cpp server (llama_cpp.server) on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest

from rathaus.core.ai.errors import BackendUnavailableError
from rathaus.core.ai.openai_chat import OpenAICompatibleChat, _sse_pieces, completions_url
from tests.core.ai.test_llama import LABELS, LETTER
from tests.requirements import require_module

# What a slow answer may take. The suite runs with -n 2 on two cores: each xdist worker that gets a test
# of this module starts its own server, next to Whisper or llama.cpp in the other worker. One thread per
# server (generation and prompt) keeps them from spinning against each other; the budget covers the rest.
READ_BUDGET_S = 300
START_BUDGET_S = 300
# The transport of a JSON-schema answer is under test here, not the grammar (test_llama has the big schema).
SMALL_SCHEMA = {
    "type": "object",
    "properties": {"amt": {"type": "string", "enum": LABELS}, "dringend": {"type": "boolean"}},
    "required": ["amt", "dringend"],
    "additionalProperties": False,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(llm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_module("llama_cpp.server.app", install="pip install 'llama-cpp-python[server]'")
    port = free_port()
    log = (tmp_path_factory.mktemp("llama-server") / "server.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(llm_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_threads",
            "1",
            "--n_threads_batch",
            "1",
            "--n_ctx",
            "1024",
            "--model_alias",
            "qwen-test",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_BUDGET_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {process.returncode}; see {log.name}")
            try:
                if httpx.get(f"{base_url}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within {START_BUDGET_S} s; see {log.name}")
            time.sleep(0.3)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def remote(server: str) -> Iterator[OpenAICompatibleChat]:
    chat = OpenAICompatibleChat(base_url=f"{server}/v1", model="qwen-test", timeout=READ_BUDGET_S)
    yield chat
    chat.close()


pytestmark = [pytest.mark.model, pytest.mark.slow]


def test_chat_answers(remote: OpenAICompatibleChat) -> None:
    result = remote.chat(
        [{"role": "user", "content": "Wie heißt die Hauptstadt von Deutschland? Ein Wort."}],
        max_tokens=8,
        temperature=0.0,
    )

    assert "Berlin" in result.text
    assert (result.backend, result.model) == ("openai", "qwen-test")


def test_stream_arrives_in_pieces(remote: OpenAICompatibleChat) -> None:
    pieces = list(
        remote.stream(
            [{"role": "user", "content": "Zähle von eins bis fünf, nur Ziffern."}],
            max_tokens=16,
            temperature=0.0,
        )
    )

    assert len(pieces) > 1
    assert "1" in "".join(pieces)
    assert "3" in "".join(pieces)


def test_choices_yield_exactly_one_label(remote: OpenAICompatibleChat) -> None:
    result = remote.chat(LETTER, choices=LABELS, max_tokens=1)  # the budget grows to fit the longest label

    assert result.text in LABELS


def test_json_schema_output_parses_and_validates(remote: OpenAICompatibleChat) -> None:
    result = remote.chat(LETTER, json_schema=SMALL_SCHEMA, max_tokens=40, temperature=0.0)

    value = result.json()
    jsonschema.validate(value, SMALL_SCHEMA)
    assert value["amt"] in LABELS


def test_unreachable_server_gives_a_clear_error() -> None:
    chat = OpenAICompatibleChat(base_url=f"http://127.0.0.1:{free_port()}", model="x", timeout=5)

    with pytest.raises(BackendUnavailableError, match="is unreachable") as caught:
        chat.chat([{"role": "user", "content": "Hallo"}])
    assert "RATHAUS_AI__OPENAI_BASE_URL" in str(caught.value)
    with pytest.raises(BackendUnavailableError, match="is unreachable"):
        list(chat.stream([{"role": "user", "content": "Hallo"}]))


def test_completions_url_accepts_base_urls_with_or_without_v1() -> None:
    assert completions_url("http://gpu:8000") == "http://gpu:8000/v1/chat/completions"
    assert completions_url("http://gpu:8000/v1/") == "http://gpu:8000/v1/chat/completions"
    assert completions_url("https://ki.example/openai/v1") == "https://ki.example/openai/v1/chat/completions"


def test_sse_parser_reads_deltas_until_done() -> None:
    lines = iter(
        [
            'data: {"choices":[{"delta":{"role":"assistant"}}]}',
            "",
            'data: {"choices":[{"delta":{"content":"Guten"}}]}',
            ": keep-alive",
            'data: {"choices":[{"delta":{"content":" Tag"}}]}',
            "data: [DONE]",
            'data: {"choices":[{"delta":{"content":"zu spät"}}]}',
        ]
    )

    assert list(_sse_pieces(lines)) == ["Guten", " Tag"]
