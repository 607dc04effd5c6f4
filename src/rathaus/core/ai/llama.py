"""Chat with a local GGUF model through llama-cpp-python, with grammar-constrained output."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rathaus.core.ai.bundles import ModelRef, locate_model
from rathaus.core.ai.protocols import ChatMessage, ChatModel, ChatResult
from rathaus.core.ai.registry import BackendContext, register
from rathaus.core.ai.structured import check_choice, check_json, choice_grammar, choice_tokens

if TYPE_CHECKING:
    from llama_cpp import Llama
    from llama_cpp.llama_grammar import LlamaGrammar


class LlamaCppChat:
    """A GGUF model loaded in-process. One generation at a time (llama.cpp contexts are not thread-safe)."""

    name = "llama-cpp"

    def __init__(self, model: ModelRef, *, n_threads: int = 2, n_ctx: int = 4096, seed: int = 0) -> None:
        self.model = model
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self.seed = seed
        self._llama: Llama | None = None
        self._lock = threading.RLock()

    @property
    def model_name(self) -> str:
        return self.model.name

    @property
    def model_version(self) -> str:
        return self.model.version

    def warm_up(self) -> Llama:
        """Load the model (once)."""
        with self._lock:
            if self._llama is None:
                from llama_cpp import Llama  # noqa: PLC0415 - heavy

                self._llama = Llama(model_path=str(self.model.path), n_ctx=self.n_ctx,
                                    n_threads=self.n_threads, n_threads_batch=self.n_threads,
                                    seed=self.seed, verbose=False)
            return self._llama

    def chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        json_schema: dict[str, Any] | None = None,
        choices: Sequence[str] | None = None,
    ) -> ChatResult:
        """One completion; ``choices``/``json_schema`` constrain decoding with a llama.cpp grammar."""
        grammar = self._grammar(json_schema, choices)
        if choices:
            max_tokens = choice_tokens(choices, max_tokens)
        with self._lock:
            response: Any = self.warm_up().create_chat_completion(
                messages=[dict(message) for message in messages],  # type: ignore[misc]
                max_tokens=max_tokens, temperature=temperature, grammar=grammar, seed=self.seed,
            )
        choice = response["choices"][0]
        text = (choice["message"].get("content") or "").strip()
        if choices:
            text = check_choice(text, choices)
        elif json_schema is not None:
            check_json(text, json_schema)
        usage = response.get("usage") or {}
        return ChatResult(text=text, model=self.model_name, backend=self.name,
                          finish_reason=choice.get("finish_reason"),
                          prompt_tokens=usage.get("prompt_tokens"),
                          completion_tokens=usage.get("completion_tokens"))

    def stream(
        self, messages: Sequence[ChatMessage], *, max_tokens: int = 512, temperature: float = 0.2
    ) -> Iterator[str]:
        """Yield the answer as llama.cpp generates it."""
        with self._lock:
            chunks: Any = self.warm_up().create_chat_completion(
                messages=[dict(message) for message in messages],  # type: ignore[misc]
                max_tokens=max_tokens, temperature=temperature, seed=self.seed, stream=True,
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece

    @staticmethod
    def _grammar(json_schema: dict[str, Any] | None, choices: Sequence[str] | None) -> LlamaGrammar | None:
        if not choices and json_schema is None:
            return None
        from llama_cpp.llama_grammar import LlamaGrammar  # noqa: PLC0415 - heavy

        if choices:
            return LlamaGrammar.from_string(choice_grammar(choices), verbose=False)
        return LlamaGrammar.from_json_schema(json.dumps(json_schema), verbose=False)


@register("llm", "llama-cpp")
def build(context: BackendContext) -> ChatModel:
    """The llama-cpp backend for the configured GGUF model (bundle name or file)."""
    model = locate_model(context.ai.llm_model, kind="llm", models_dir=context.models_dir)
    return LlamaCppChat(model, n_threads=context.ai.cpu_threads, n_ctx=context.ai.llm_context)
