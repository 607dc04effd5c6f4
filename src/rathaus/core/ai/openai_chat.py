"""Chat with any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, a sovereign cloud) via httpx.

Structured output uses ``response_format`` with a JSON schema. Servers that only know the older
``{"type": "json_object", "schema": …}`` form (llama-cpp-python's server) are detected on the first
refusal and served in that form from then on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from rathaus.core.ai.errors import BackendResponseError, BackendUnavailableError
from rathaus.core.ai.protocols import ChatMessage, ChatModel, ChatResult
from rathaus.core.ai.registry import BackendContext, register
from rathaus.core.ai.structured import check_choice, check_json, choice_schema, choice_tokens


def completions_url(base_url: str) -> str:
    """``…/v1/chat/completions`` for a base URL given with or without ``/v1``."""
    base = base_url.rstrip("/")
    return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"


class OpenAICompatibleChat:
    """A remote chat model; nothing leaves the machine unless an administrator configured the URL."""

    name = "openai"

    def __init__(
        self, *, base_url: str, model: str, api_key: str | None = None, timeout: float = 120.0
    ) -> None:
        self.base_url = base_url
        self.url = completions_url(base_url)
        self._model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout, connect=10.0))
        self._legacy_json = False  # server wants {"type": "json_object", "schema": …}

    @property
    def model_name(self) -> str:
        return self._model

    @property
    def model_version(self) -> str:
        return f"served by {self.base_url}"

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _payload(
        self, messages: Sequence[ChatMessage], max_tokens: int, temperature: float
    ) -> dict[str, Any]:
        return {
            "model": self._model,
            "messages": [dict(message) for message in messages],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }

    def _post(self, payload: dict[str, Any]) -> httpx.Response:
        try:
            return self._client.post(self.url, json=payload)
        except httpx.TransportError as error:
            raise self._unreachable(error) from None

    def _unreachable(self, error: Exception) -> BackendUnavailableError:
        return BackendUnavailableError(
            f"the OpenAI-compatible server at {self.base_url} is unreachable "
            f"({type(error).__name__}: {error}). "
            "Check that it runs and RATHAUS_AI__OPENAI_BASE_URL."
        )

    def _structured(self, payload: dict[str, Any], schema: dict[str, Any]) -> httpx.Response:
        """POST with a JSON-schema response format, falling back to the legacy form once refused."""
        if not self._legacy_json:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema, "strict": True},
            }
            response = self._post(payload)
            if not _refuses_json_schema(response):
                return response
            self._legacy_json = True
        payload["response_format"] = {"type": "json_object", "schema": schema}
        return self._post(payload)

    def chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        json_schema: dict[str, Any] | None = None,
        choices: Sequence[str] | None = None,
    ) -> ChatResult:
        """One completion; ``choices``/``json_schema`` go to the server as a JSON-schema response format."""
        payload = self._payload(
            messages, choice_tokens(choices, max_tokens) + 16 if choices else max_tokens, temperature
        )
        schema = choice_schema(choices) if choices else json_schema
        response = self._structured(payload, schema) if schema is not None else self._post(payload)
        data = self._json(response)
        try:
            choice = data["choices"][0]
            text = (choice["message"].get("content") or "").strip()
        except (KeyError, IndexError, TypeError, AttributeError):
            raise BackendResponseError(f"unexpected answer from {self.url}: {str(data)[:300]}") from None
        if choices:
            text = check_choice(str(check_json(text, choice_schema(choices))["choice"]), choices)
        elif json_schema is not None:
            check_json(text, json_schema)
        usage = data.get("usage") or {}
        return ChatResult(
            text=text,
            model=str(data.get("model") or self._model),
            backend=self.name,
            finish_reason=choice.get("finish_reason"),
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
        )

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            raise BackendResponseError(
                f"{self.url} answered HTTP {response.status_code}: {response.text[:300]}"
            )
        try:
            data = response.json()
        except json.JSONDecodeError:
            raise BackendResponseError(
                f"{self.url} did not answer with JSON: {response.text[:200]!r}"
            ) from None
        if not isinstance(data, dict):
            raise BackendResponseError(f"unexpected answer from {self.url}: {str(data)[:300]}")
        return data

    def stream(
        self, messages: Sequence[ChatMessage], *, max_tokens: int = 512, temperature: float = 0.2
    ) -> Iterator[str]:
        """Yield the answer from the server's server-sent events as it arrives."""
        payload = {**self._payload(messages, max_tokens, temperature), "stream": True}
        try:
            with self._client.stream("POST", self.url, json=payload) as response:
                if response.status_code >= 400:
                    response.read()
                    raise BackendResponseError(
                        f"{self.url} answered HTTP {response.status_code}: {response.text[:300]}"
                    )
                yield from _sse_pieces(response.iter_lines())
        except httpx.TransportError as error:
            raise self._unreachable(error) from None


def _refuses_json_schema(response: httpx.Response) -> bool:
    """True when a server rejected the ``json_schema`` response format (some answer 500 for that)."""
    return response.status_code in (400, 422, 500) and "json_schema" in response.text


def _sse_pieces(lines: Iterator[str]) -> Iterator[str]:
    """The content deltas of an OpenAI streaming answer (``data: {...}`` lines, ending with [DONE])."""
    for line in lines:
        if not line.startswith("data:"):
            continue
        data = line.removeprefix("data:").strip()
        if data == "[DONE]":
            return
        event = json.loads(data)
        for choice in event.get("choices") or ():
            piece = (choice.get("delta") or {}).get("content")
            if piece:
                yield piece


@register("llm", "openai")
def build(context: BackendContext) -> ChatModel:
    """The OpenAI-compatible backend configured by RATHAUS_AI__OPENAI_*."""
    ai = context.ai
    if not ai.openai_base_url:
        raise BackendUnavailableError("llm_backend is 'openai' but RATHAUS_AI__OPENAI_BASE_URL is not set")
    return OpenAICompatibleChat(
        base_url=ai.openai_base_url, model=ai.openai_model or ai.llm_model, api_key=ai.openai_api_key
    )
