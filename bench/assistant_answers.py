"""Answer-side assistant benchmarks: fact accuracy, extractive answer latency, LLM time to first token.

Called by ``bench/assistant.py`` (``measure``) on its index of all Munich services and by-laws:

- ``fact_accuracy``: for every indexed service with a fee or a duration, "Was kostet <Dienstleistung>?"
  and "Wie lange dauert <Dienstleistung>?" go through retrieval and the extractive answer; an answer
  is right when its text contains the service's fee (as stored) or "<n> Minuten".
- ``extractive_p95_ms``: retrieval plus extractive answer, per question, over the same questions.
- ``llm_answered_share`` / ``llm_text_has_fact``: see :func:`llm_facts` (24 fact questions, real LLM).
- ``llm_first_token_s``: the default local LLM (Qwen2.5-Coder-1.5B) streaming the product's answer from the
  facts extracted from the best three passages: seconds until the first piece of text (model loaded).
"""

from __future__ import annotations

import atexit
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bench.common import REPO_ROOT, console, cpu_threads, percentile

DEFAULT_LLM = "qwen2.5-coder-1.5b-instruct"
LLM_QUESTIONS = (
    "Was kostet ein Reisepass?",
    "Wie melde ich einen Hund an?",
    "Ich habe meinen Führerschein verloren, was muss ich tun?",
)


def _fact_questions(session: Session) -> list[tuple[str, str, str]]:
    """(question, expected text, kind) for every service with a fee or a duration."""
    from rathaus.assistant.models import KnowledgeSource  # noqa: PLC0415

    rows = session.scalars(select(KnowledgeSource).where(KnowledgeSource.kind == "service")).all()
    questions = []
    for source in rows:
        meta = source.meta or {}
        if meta.get("fees"):
            questions.append((f"Was kostet {source.title}?", str(meta["fees"]), "fees"))
        if meta.get("duration_minutes"):
            questions.append(
                (f"Wie lange dauert {source.title}?", f"{meta['duration_minutes']} Minuten", "duration")
            )
    return questions


def _public_passages(session: Session, tenant_id: int, question: str, embedder: Any) -> list[Any]:
    """The five passages a citizen's question retrieves, as the benchmark's answers use them."""
    from rathaus.assistant.retrieval import retrieve  # noqa: PLC0415

    return retrieve(
        session=session, tenant_id=tenant_id, query=question, audience="public", k=5, embedder=embedder
    )


def _normalise(text: str) -> str:
    """Lower case, one space, list markers gone: a fee list counts whether it is set with "-" or "–"."""
    unmarked = re.sub(r"(?m)^\s*[-–•]\s+", " ", text)
    return re.sub(r"\s+", " ", unmarked).strip().lower()


def fact_accuracy(*, sessions: sessionmaker[Session], tenant_id: int, embedder: Any) -> dict[str, Any]:
    """Share of fee/duration questions whose extractive answer contains the right value; answer latency."""
    from rathaus.assistant.answers import answer  # noqa: PLC0415
    from rathaus.core.db import open_session  # noqa: PLC0415

    right = {"fees": 0, "duration": 0}
    total = {"fees": 0, "duration": 0}
    durations: list[float] = []
    answer_only: list[float] = []
    with open_session(sessions, tenant_id=tenant_id) as session:
        questions = _fact_questions(session)
        for question, expected, kind in questions:
            start = time.perf_counter()
            passages = _public_passages(session, tenant_id, question, embedder)
            middle = time.perf_counter()
            result = answer(passages=passages, question=question, chat=None, easy_language=False)
            end = time.perf_counter()
            durations.append(end - start)
            answer_only.append(end - middle)
            total[kind] += 1
            right[kind] += _normalise(expected)[:60] in _normalise(result.text)
    count = sum(total.values())
    return {
        "fact_accuracy": round(sum(right.values()) / count, 3) if count else None,
        "fact_accuracy_detail": {
            kind: {
                "right": right[kind],
                "questions": total[kind],
                "share": round(right[kind] / total[kind], 3) if total[kind] else None,
            }
            for kind in total
        },
        "extractive_p95_ms": round(percentile(durations, 0.95) * 1000, 1),
        "extractive_p50_ms": round(percentile(durations, 0.5) * 1000, 1),
        "extractive_answer_only_p95_ms": round(percentile(answer_only, 0.95) * 1000, 2),
        "extractive_questions": len(durations),
    }


def extractive_latency(*, sessions: sessionmaker[Session], tenant_id: int, embedder: Any) -> dict[str, Any]:
    """Retrieval plus extractive answer latency (the fact questions); see :func:`fact_accuracy`."""
    figures = fact_accuracy(sessions=sessions, tenant_id=tenant_id, embedder=embedder)
    return {key: value for key, value in figures.items() if key.startswith("extractive")}


def _default_llm() -> Any:
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.errors import AIError  # noqa: PLC0415
    from rathaus.core.ai.llama import LlamaCppChat  # noqa: PLC0415

    try:
        model = locate_model(DEFAULT_LLM, kind="llm", models_dir=REPO_ROOT / "data" / "models")
    except AIError:
        directory = Path(tempfile.mkdtemp(prefix="rathaus-bench-llm-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)  # 1.1 GB per run otherwise
        install_bundle(CATALOG[DEFAULT_LLM], models_dir=directory)
        model = locate_model(DEFAULT_LLM, kind="llm", models_dir=directory)
    chat = LlamaCppChat(model, n_threads=cpu_threads(), n_ctx=4096)
    chat.warm_up()
    return chat


# the first amount with its unit: "Personen ab 24 Jahren: 100 Euro" → 100 (not the age)
AMOUNT = re.compile(r"(\d+(?:,\d+)?)\s*(?:Euro|€|Minuten)")
LLM_FACT_SAMPLE = 24


def llm_facts(*, sessions: sessionmaker[Session], tenant_id: int, embedder: Any, chat: Any) -> dict[str, Any]:
    """The LLM path on an even sample of the fact questions: how often it answers, and with the right value.

    Each answer goes through the product's own ``answer`` (grounding check, fallback to the passages,
    handover). ``llm_text_has_fact``: the answer's own text (not the key-facts box beside it) contains the
    service's first amount in Euro or its duration in minutes.
    """
    from rathaus.assistant.answers import answer  # noqa: PLC0415
    from rathaus.core.db import open_session  # noqa: PLC0415

    modes: dict[str, int] = {}
    has_fact = 0
    seconds: list[float] = []
    with open_session(sessions, tenant_id=tenant_id) as session:
        questions = _fact_questions(session)
        sample = questions[:: max(1, len(questions) // LLM_FACT_SAMPLE)][:LLM_FACT_SAMPLE]
        for question, expected, _kind in sample:
            passages = _public_passages(session, tenant_id, question, embedder)
            start = time.perf_counter()
            result = answer(passages=passages, question=question, chat=chat, easy_language=False)
            seconds.append(time.perf_counter() - start)
            modes[result.mode] = modes.get(result.mode, 0) + 1
            value = AMOUNT.search(expected)
            has_fact += result.mode == "llm" and value is not None and value.group(1) in result.text
    return {
        "llm_sample_questions": len(sample),
        "llm_modes": modes,
        "llm_answered_share": round(modes.get("llm", 0) / len(sample), 3) if sample else None,
        "llm_text_has_fact": round(has_fact / len(sample), 3) if sample else None,
        "llm_answer_s_median": round(statistics.median(seconds), 1) if seconds else None,
    }


def llm_first_token(
    *, sessions: sessionmaker[Session], tenant_id: int, embedder: Any, chat: Any
) -> dict[str, Any]:
    """Seconds to the first streamed token of a grounded answer with the default local LLM."""
    from rathaus.assistant.answers import llm_messages, supported_passages  # noqa: PLC0415
    from rathaus.assistant.handover import key_facts  # noqa: PLC0415
    from rathaus.core.db import open_session  # noqa: PLC0415

    first: list[float] = []
    whole: list[float] = []
    with open_session(sessions, tenant_id=tenant_id) as session:
        for question in LLM_QUESTIONS:
            passages = _public_passages(session, tenant_id, question, embedder)
            usable = supported_passages(passages, question)[:3] or passages[:3]
            facts = [f for n, p in enumerate(usable, start=1) if (f := key_facts(p, n)) is not None]
            messages = llm_messages(usable, question, facts)  # the product's prompt: the extracted facts
            start = time.perf_counter()
            seen = None
            for _piece in chat.stream(messages, max_tokens=64, temperature=0.0):
                if seen is None:
                    seen = time.perf_counter() - start
            whole.append(time.perf_counter() - start)
            first.append(seen if seen is not None else whole[-1])
    return {
        "llm_first_token_s": round(statistics.median(first), 2),
        "llm_first_token_max_s": round(max(first), 2),
        "llm_64_tokens_s": round(statistics.median(whole), 2),
        "llm_model": DEFAULT_LLM,
    }


def measure(*, sessions: sessionmaker[Session], tenant_id: int, embedder: Any) -> dict[str, Any]:
    """All answer-side figures, for ``bench/assistant.py``."""
    figures = fact_accuracy(sessions=sessions, tenant_id=tenant_id, embedder=embedder)
    console.print(
        f"fact accuracy {figures['fact_accuracy']}, extractive p95 {figures['extractive_p95_ms']} ms"
    )
    from rathaus.core.ai.errors import AIError  # noqa: PLC0415

    try:
        chat = _default_llm()
    except (AIError, ImportError) as error:
        console.print(f"[yellow]LLM figures skipped:[/] {error}")
        return {**figures, "llm_first_token_s": None}
    figures.update(llm_first_token(sessions=sessions, tenant_id=tenant_id, embedder=embedder, chat=chat))
    console.print(f"LLM first token {figures.get('llm_first_token_s')} s")
    figures.update(llm_facts(sessions=sessions, tenant_id=tenant_id, embedder=embedder, chat=chat))
    console.print(f"LLM answers {figures['llm_modes']}, text has the fact {figures['llm_text_has_fact']}")
    return figures
