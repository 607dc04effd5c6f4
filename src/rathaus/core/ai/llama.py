"""Chat with a local GGUF model through llama-cpp-python, with grammar-constrained output."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rathaus.core.ai.bundles import ModelRef, locate_model
from rathaus.core.ai.errors import BackendResponseError
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

                self._llama = Llama(
                    model_path=str(self.model.path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    n_threads_batch=self.n_threads,
                    seed=self.seed,
                    verbose=False,
                )
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
                max_tokens=max_tokens,
                temperature=temperature,
                grammar=grammar,
                seed=self.seed,
            )
        choice = response["choices"][0]
        text = (choice["message"].get("content") or "").strip()
        if choices:
            text = check_choice(text, choices)
        elif json_schema is not None:
            check_json(text, json_schema)
        usage = response.get("usage") or {}
        return ChatResult(
            text=text,
            model=self.model_name,
            backend=self.name,
            finish_reason=choice.get("finish_reason"),
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
        )

    def stream(
        self, messages: Sequence[ChatMessage], *, max_tokens: int = 512, temperature: float = 0.2
    ) -> Iterator[str]:
        """Yield the answer as llama.cpp generates it."""
        with self._lock:
            chunks: Any = self.warm_up().create_chat_completion(
                messages=[dict(message) for message in messages],  # type: ignore[misc]
                max_tokens=max_tokens,
                temperature=temperature,
                seed=self.seed,
                stream=True,
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece

    def choice_probabilities(
        self, messages: Sequence[ChatMessage], choices: Sequence[str]
    ) -> dict[str, float]:
        """How probable each label is when decoding may only follow the labels' tokens (summing to 1).

        Each label is read in its canonical tokenisation as a path through a token trie; at every
        branching point the model's next-token probabilities are renormalised over the tokens the
        labels allow there (what a sampler restricted to the trie does at temperature 1), and a
        label's probability is the product along its path. Unlike the GBNF grammar of ``chat``, other
        spellings of a label in token pieces are not admitted. The prompt is the one ``chat`` builds
        from the GGUF's chat template; the KV cache of a preceding call with the same prefix is
        reused, and only branch points cost a forward pass.
        """
        if not choices:
            raise ValueError("choices must not be empty")
        import numpy as np  # noqa: PLC0415

        with self._lock:
            llama = self.warm_up()
            prompt = _prompt_tokens(llama, messages)
            paths = {
                choice: llama.tokenize(choice.encode(), add_bos=False, special=False) for choice in choices
            }
            branches = choice_trie(list(paths.values()), end_token=llama.token_eos())
            steps: dict[tuple[int, ...], dict[int, float]] = {}
            for prefix in sorted(branches):
                logits = _logits_after(llama, [*prompt, *prefix])
                allowed = sorted(branches[prefix])
                chosen = np.asarray([logits[token] for token in allowed], dtype=np.float64)
                shares = np.exp(chosen - chosen.max())
                steps[prefix] = dict(zip(allowed, (shares / shares.sum()).tolist(), strict=True))
        return path_probabilities(paths, steps, end_token=llama.token_eos())

    @staticmethod
    def _grammar(json_schema: dict[str, Any] | None, choices: Sequence[str] | None) -> LlamaGrammar | None:
        if not choices and json_schema is None:
            return None
        from llama_cpp.llama_grammar import LlamaGrammar  # noqa: PLC0415 - heavy

        if choices:
            return LlamaGrammar.from_string(choice_grammar(choices), verbose=False)
        return LlamaGrammar.from_json_schema(json.dumps(json_schema), verbose=False)


def choice_trie(paths: Sequence[Sequence[int]], *, end_token: int) -> dict[tuple[int, ...], set[int]]:
    """The branching points of the labels' token paths: prefix → the tokens allowed next.

    Prefixes with a single continuation are left out (their step has probability 1). A label that
    is a proper prefix of another continues with ``end_token`` there.
    """
    nexts: dict[tuple[int, ...], set[int]] = {}
    for path in paths:
        for index in range(len(path)):
            nexts.setdefault(tuple(path[:index]), set()).add(path[index])
    for path in paths:
        if tuple(path) in nexts:
            nexts[tuple(path)].add(end_token)
    return {prefix: tokens for prefix, tokens in nexts.items() if len(tokens) > 1}


def path_probabilities(
    paths: Mapping[str, Sequence[int]], steps: Mapping[tuple[int, ...], dict[int, float]], *, end_token: int
) -> dict[str, float]:
    """Each label's probability: the product of its renormalised step probabilities at branch points."""
    probabilities = {}
    for label, path in paths.items():
        probability = 1.0
        for index, token in enumerate([*path, end_token]):
            step = steps.get(tuple(path[:index]))
            if step is not None:
                probability *= step.get(token, 0.0)
        probabilities[label] = probability
    return probabilities


def _prompt_tokens(llama: Llama, messages: Sequence[ChatMessage]) -> list[int]:
    """The prompt tokens ``create_chat_completion`` builds from the GGUF's chat template."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter  # noqa: PLC0415 - heavy

    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        raise BackendResponseError(f"{llama.model_path} has no chat template to score labels with")
    eos = llama.detokenize([llama.token_eos()], special=True).decode(errors="ignore")
    bos = llama.detokenize([llama.token_bos()], special=True).decode(errors="ignore")
    formatted = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)(
        messages=[dict(message) for message in messages]  # type: ignore[misc]
    )
    return list(llama.tokenize(formatted.prompt.encode(), add_bos=not formatted.added_special, special=True))


def _logits_after(llama: Llama, tokens: list[int]) -> Any:
    """The next-token logits after ``tokens``, evaluating only what the KV cache does not hold yet."""
    import llama_cpp  # noqa: PLC0415 - heavy
    import numpy as np  # noqa: PLC0415

    cached = 0
    for held, wanted in zip(llama.input_ids[: llama.n_tokens], tokens, strict=False):
        if held != wanted:
            break
        cached += 1
    llama.n_tokens = min(cached, len(tokens) - 1)  # at least one token is evaluated, for fresh logits
    llama.eval(tokens[llama.n_tokens :])
    pointer = llama_cpp.llama_get_logits_ith(llama.ctx, -1)
    return np.ctypeslib.as_array(pointer, shape=(llama.n_vocab(),)).copy()


@register("llm", "llama-cpp")
def build(context: BackendContext) -> ChatModel:
    """The llama-cpp backend for the configured GGUF model (bundle name or file)."""
    model = locate_model(context.ai.llm_model, kind="llm", models_dir=context.models_dir)
    return LlamaCppChat(model, n_threads=context.ai.cpu_threads, n_ctx=context.ai.llm_context)
