"""Citizen questions (issue 13): does the assistant answer what citizens really ask?

The question sets ``bench/data/citizen_tuning.json`` and ``bench/data/citizen_holdout.json`` were written
from the data before any answer was looked at (see their ``about``); both were looked at while tuning, so
``bench/data/citizen_fresh.json`` (split ``fresh``) was written afterwards from the data alone, on other
services and by-law files, and was run once at the end of session 10; since then it is a development set
too; ``bench/data/citizen_final.json`` (split ``final``) held the honest final figures of session 11, and
``bench/data/citizen_final2.json`` (split ``final2``) held those of session 12; both are development sets
since sessions 12 and 13, ``bench/data/citizen_final3.json`` (split ``final3``) is one since session 14, and
``bench/data/citizen_final4.json`` (split ``final4``) is one since session 15,
``bench/data/citizen_final5.json`` (split ``final5``) is one since session 16,
``bench/data/citizen_final6.json`` (split ``final6``) is one since session 17,
``bench/data/citizen_final7.json`` (split ``final7``) is one since session 18,
``bench/data/citizen_final8.json`` (split ``final8``) is one since session 19, and
``bench/data/citizen_final9.json`` (split ``final9``) is one since the end of session 19 (its answers were
read after the end run); the next session writes a new held-out set.
Every question goes through the product's own path, :func:`rathaus.assistant.asking.ask_stream` (retrieval,
answerability, answer, logging; streamed as the web page asks), as a public question in one tenant holding
all 287 Munich services and 351 by-laws of eight municipalities (an installation that serves several
municipalities). Figures, per set and per mode:

- ``fact_accuracy``: answerable questions (services and by-laws) whose answer text contains every
  asked-for fact (see ``bench/citizen_facts.py`` for the number formats treated as equal);
  ``fact_accuracy_with_box`` also counts the key-facts box shown beside the text.
- ``false_refusal_rate``: answerable questions not answered (mode other than extractive/llm).
- ``unanswerable_answered_rate``: questions no source answers that got an answer anyway.
- ``wrong_municipality_rate``: answered answerable questions citing a passage of another municipality than
  the expected one (a Kreis/Verband by-law counts as its district's); ``no_place_clarify_rate``: questions
  without a place that got a question back ("Für welche Gemeinde?"); ``no_place_mixed_rate``: such
  questions answered from two or more municipalities at once.
- ``right_source_first`` / ``right_source_top5``: the expected service or by-law file among the sources of
  the retrieved passages.
- ``p95_ms`` / ``p50_ms``: wall time of the whole answer per question; ``first_text_p50_ms`` /
  ``first_text_max_ms``: time until the first piece of answer text is streamed (in LLM mode, the first
  words the model writes).

LLM mode runs on an even sample (``RATHAUS_BENCH_CITIZEN_LLM``: questions per set, default 16 held-out,
8 tuning and 8 fresh) with the default local LLM; ``extractive_fact_accuracy_same_questions`` is the
extractive figure on that sample. ``RATHAUS_BENCH_CITIZEN_SETS=tuning,holdout`` runs only those
sets (development runs that must not see the final set's answers). Development sets written in session
10, each from the data before the code it measures changed, extractive only: ``dev_bylaw``
(``bench/data/citizen_dev_bylaw.json``, by-law questions over by-law files no other set uses),
``dev_refuse`` (``bench/data/citizen_dev_refuse.json``, for the refusal decision, never fitted on),
``dev_refuse2`` (``bench/data/citizen_dev_refuse2.json``, a second one with other kinds of unanswerable
questions, written before the next refusal rules, to check that they generalise), ``dev_refuse3``
(``bench/data/citizen_dev_refuse3.json``, session 14: tempting unanswerable questions whose topic has a near
service or by-law that lacks the asked value, with answerable twins of the same form) and ``dev_service``
(``bench/data/citizen_dev_service.json``, situation-style service questions over services no other set
uses). ``final`` (``bench/data/citizen_final.json``, session 11) was the held-out set for the final figures,
written from the data alone before any answer was looked at, over services, facts and by-law files the other
sets do not ask; it was run once at the end of session 11 and is a development set since session 12.
``final2`` (``bench/data/citizen_final2.json``, session 12) was written the same way from the data alone over
services, asked kinds and by-law files no earlier set (``final`` included) uses; it is a development set since
session 13. ``final3`` (``bench/data/citizen_final3.json``, session 13) was written the same way over what no
earlier set (``final`` and ``final2`` included) uses; it is a development set since session 14. ``final4``
(``bench/data/citizen_final4.json``, session 14) was written the same way; as the by-law files were nearly
used up it reuses them, but only for paragraphs and facts no earlier set asks; it is a development set since
session 15. ``final5`` (``bench/data/citizen_final5.json``, session 15) was written the same way (by-law files
reused only for other paragraphs and facts); it is a development set since session 16. ``final6``
(``bench/data/citizen_final6.json``, session 16) was written the same way (service kinds asked again only for
a fact no earlier question names); it is a development set since session 17. ``final7``
(``bench/data/citizen_final7.json``, session 17) was written the same way (nearly every service question asks
another fee line); it is a development set since session 18. ``final8`` (``bench/data/citizen_final8.json``,
session 18) was written the same way (every service question asks a fee line, period or rule no earlier
question on that service names); it is a development set since session 19. ``final9``
(``bench/data/citizen_final9.json``, session 19) was written the same way, mostly rule questions; it was
measured at the start and end of session 19 and is a development set since.
``RATHAUS_BENCH_CITIZEN_DETAILS=path`` writes every question's answer for inspection.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bench.citizen_facts import MUNICH, foreign, has_all, source_place
from bench.common import REPO_ROOT, console, percentile

SETS = {
    "holdout": REPO_ROOT / "bench" / "data" / "citizen_holdout.json",
    "tuning": REPO_ROOT / "bench" / "data" / "citizen_tuning.json",
    "fresh": REPO_ROOT / "bench" / "data" / "citizen_fresh.json",
    "dev_bylaw": REPO_ROOT / "bench" / "data" / "citizen_dev_bylaw.json",
    "dev_refuse": REPO_ROOT / "bench" / "data" / "citizen_dev_refuse.json",
    "dev_refuse2": REPO_ROOT / "bench" / "data" / "citizen_dev_refuse2.json",
    "dev_refuse3": REPO_ROOT / "bench" / "data" / "citizen_dev_refuse3.json",
    "dev_service": REPO_ROOT / "bench" / "data" / "citizen_dev_service.json",
    "final": REPO_ROOT / "bench" / "data" / "citizen_final.json",
    "final2": REPO_ROOT / "bench" / "data" / "citizen_final2.json",
    "final3": REPO_ROOT / "bench" / "data" / "citizen_final3.json",
    "final4": REPO_ROOT / "bench" / "data" / "citizen_final4.json",
    "final5": REPO_ROOT / "bench" / "data" / "citizen_final5.json",
    "final6": REPO_ROOT / "bench" / "data" / "citizen_final6.json",
    "final7": REPO_ROOT / "bench" / "data" / "citizen_final7.json",
    "final8": REPO_ROOT / "bench" / "data" / "citizen_final8.json",
    "final9": REPO_ROOT / "bench" / "data" / "citizen_final9.json",
}
# Questions per set in LLM mode; 0 runs the set in extractive mode only.
LLM_SAMPLE = {
    "holdout": 16,
    "tuning": 8,
    "fresh": 8,
    "dev_bylaw": 0,
    "dev_refuse": 0,
    "dev_refuse2": 0,
    "dev_refuse3": 0,
    "dev_service": 0,
    "final": 16,
    "final2": 16,
    "final3": 16,
    "final4": 16,
    "final5": 16,
    "final6": 16,
    "final7": 16,
    "final8": 16,
    "final9": 16,
}
ANSWERED = frozenset({"extractive", "llm"})
CLARIFY = re.compile(
    r"\bwelche[rnms]?\s+(?:gemeinde|stadt|kommune|ort|wohnort)\b|\bfür welchen ort\b", re.IGNORECASE
)
ANSWERABLE = ("services", "bylaws")


def load(name: str) -> list[dict[str, Any]]:
    """The questions of one set as flat rows with their ``category``."""
    data = json.loads(SETS[name].read_text(encoding="utf-8"))
    return [
        {**row, "category": category}
        for category in ("services", "bylaws", "unanswerable", "no_place")
        for row in data[category]
    ]


def sample(rows: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """An even sample over the set, each category in proportion (at least one of each); none for 0."""
    chosen: list[dict[str, Any]] = []
    if size <= 0:
        return chosen
    total = len(rows)
    if size <= 0 or not total:
        return chosen
    for category in ("services", "bylaws", "unanswerable", "no_place"):
        part = [row for row in rows if row["category"] == category]
        count = max(1, round(size * len(part) / total)) if part else 0
        step = max(1, len(part) // count) if count else 1
        chosen.extend(part[::step][:count])
    return chosen


def _expected_source(row: dict[str, Any]) -> str | None:
    if row["category"] == "services":
        return f"service:{row['service_id']}"
    if row["category"] == "bylaws":
        return f"file:{row['file']}"
    return None


def _box(result: Any) -> str:
    parts = []
    for facts in result.facts:
        parts.extend(
            [facts.service, facts.fees or "", facts.duration or "", *facts.documents, *facts.locations]
        )
    return "\n".join(parts)


def _clarified(result: Any) -> bool:
    return "clarif" in str(result.mode) or (result.mode not in ANSWERED and bool(CLARIFY.search(result.text)))


def judge(
    row: dict[str, Any], result: Any, source_order: list[str], places: Callable[[str], tuple[str, str]]
) -> dict[str, Any]:
    """One question's verdicts from its answer and the sources of its retrieved passages (best first)."""
    answered = result.mode in ANSWERED
    cited = sorted({places(external) for external in result.cited})
    verdict: dict[str, Any] = {"id": row["id"], "category": row["category"], "mode": str(result.mode)}
    verdict["answered"] = answered
    if row["category"] in ANSWERABLE:
        expected_place = (
            (MUNICH, MUNICH) if row["category"] == "services" else places(_expected_source(row) or "")
        )
        wanted = _expected_source(row)
        verdict["facts"] = answered and has_all(result.text, row["facts"])
        verdict["facts_with_box"] = answered and has_all(f"{result.text}\n{_box(result)}", row["facts"])
        verdict["first"] = bool(source_order) and source_order[0] == wanted
        verdict["top5"] = wanted in source_order[:5]
        verdict["wrong_municipality"] = answered and any(foreign(place, expected_place) for place in cited)
    elif row["category"] == "no_place":
        verdict["clarified"] = _clarified(result)
        verdict["mixed"] = answered and len({place[0] or place[1] for place in cited}) > 1
    return verdict


def _share(
    verdicts: list[dict[str, Any]], key: str, categories: tuple[str, ...], *, of_answered: bool = False
) -> Any:
    rows = [v for v in verdicts if v["category"] in categories and (v["answered"] or not of_answered)]
    if not rows:
        return None
    return round(sum(bool(v[key]) for v in rows) / len(rows), 3)


@dataclass(frozen=True)
class Timings:
    """Seconds per question: to the whole answer, and to its first streamed piece of text."""

    whole: list[float]
    first: list[float]


def summarise(verdicts: list[dict[str, Any]], timings: Timings) -> dict[str, Any]:
    """The figures of one set in one mode."""
    seconds = timings.whole
    refused = [v for v in verdicts if v["category"] in ANSWERABLE and not v["answered"]]
    answerable = [v for v in verdicts if v["category"] in ANSWERABLE]
    unanswerable = [v for v in verdicts if v["category"] == "unanswerable"]
    return {
        "questions": len(verdicts),
        "fact_accuracy": _share(verdicts, "facts", ANSWERABLE),
        "fact_accuracy_services": _share(verdicts, "facts", ("services",)),
        "fact_accuracy_bylaws": _share(verdicts, "facts", ("bylaws",)),
        "fact_accuracy_with_box": _share(verdicts, "facts_with_box", ANSWERABLE),
        "false_refusal_rate": round(len(refused) / len(answerable), 3) if answerable else None,
        "false_refusals": len(refused),
        "unanswerable_answered_rate": (
            round(sum(v["answered"] for v in unanswerable) / len(unanswerable), 3) if unanswerable else None
        ),
        "wrong_municipality_rate": _share(verdicts, "wrong_municipality", ANSWERABLE, of_answered=True),
        "wrong_municipality": sum(bool(v.get("wrong_municipality")) for v in verdicts),
        "no_place_clarify_rate": _share(verdicts, "clarified", ("no_place",)),
        "no_place_mixed_rate": _share(verdicts, "mixed", ("no_place",)),
        "right_source_first": _share(verdicts, "first", ANSWERABLE),
        "right_source_top5": _share(verdicts, "top5", ANSWERABLE),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 1) if seconds else None,
        "p50_ms": round(statistics.median(seconds) * 1000, 1) if seconds else None,
        "first_text_p50_ms": round(statistics.median(timings.first) * 1000, 1) if timings.first else None,
        "first_text_max_ms": round(max(timings.first) * 1000, 1) if timings.first else None,
    }


class _Result:
    """The parts of an answer the verdicts need, with cited sources as external ids."""

    def __init__(self, answer: Any, cited: list[str]) -> None:
        self.mode = answer.mode
        self.text = answer.text
        self.facts = answer.facts
        self.cited = cited


def run_questions(
    *,
    sessions: sessionmaker[Session],
    tenant_id: int,
    embedder: Any,
    chat: Any,
    rows: list[dict[str, Any]],
    bylaws_dir: Path,
) -> tuple[list[dict[str, Any]], Timings, list[dict[str, Any]]]:
    """Ask every question through the product (streamed, as the web page asks); the verdicts, the timings
    and the answers."""
    from rathaus.assistant.asking import Asked, QuestionError, ask_stream  # noqa: PLC0415
    from rathaus.assistant.config import AssistantSettings  # noqa: PLC0415
    from rathaus.assistant.models import KnowledgeSource  # noqa: PLC0415
    from rathaus.core.audit.service import Actor  # noqa: PLC0415
    from rathaus.core.db import open_session  # noqa: PLC0415
    from rathaus.core.security import models as _security_models  # noqa: F401, PLC0415 - the tenants table

    settings = AssistantSettings()
    actor = Actor.system("bench")
    verdicts: list[dict[str, Any]] = []
    seconds: list[float] = []
    firsts: list[float] = []
    answers: list[dict[str, Any]] = []

    def places(external: str) -> tuple[str, str]:
        return source_place(bylaws_dir, external)

    with open_session(sessions, tenant_id=tenant_id) as session:
        external = dict(
            session.execute(select(KnowledgeSource.id, KnowledgeSource.external_id)).tuples().all()
        )
        for row in rows:
            start = time.perf_counter()
            first: float | None = None
            asked = None
            try:
                for item in ask_stream(
                    session=session,
                    tenant_id=tenant_id,
                    question=row["question"],
                    audience="public",
                    embedder=embedder,
                    chat=chat,
                    settings=settings,
                    actor=actor,
                ):
                    if isinstance(item, Asked):
                        asked = item
                    elif first is None:
                        first = time.perf_counter() - start
            except QuestionError as error:
                session.rollback()
                console.print(f"[yellow]{row['id']}: question rejected:[/] {error}")
                continue
            assert asked is not None  # the stream ends with the logged answer
            seconds.append(time.perf_counter() - start)
            firsts.append(first if first is not None else seconds[-1])
            session.rollback()  # the logged conversation is not kept: the index stays as it was
            order: list[str] = []
            for passage in asked.passages:
                source = str(external.get(passage.source_id, ""))
                if source not in order:
                    order.append(source)
            cited = [str(external.get(citation.source_id, "")) for citation in asked.answer.citations]
            result = _Result(asked.answer, cited)
            verdict = judge(row, result, order, places)
            verdicts.append(verdict)
            answers.append({**verdict, "question": row["question"], "text": result.text, "cited": cited})
            if chat is not None:
                console.print(f"  {row['id']}: {result.mode}, {seconds[-1]:.1f} s")
    return verdicts, Timings(seconds, firsts), answers


def _default_chat() -> Any:
    from bench.assistant_answers import _default_llm  # noqa: PLC0415

    return _default_llm()


def measure(
    *, sessions: sessionmaker[Session], tenant_id: int, embedder: Any, bylaws_dir: Path, llm: bool = True
) -> dict[str, Any]:
    """Every set in extractive mode (all questions) and LLM mode (a sample): the section ``citizen``."""
    figures: dict[str, Any] = {}
    details: dict[str, Any] = {}
    chat = None
    if llm:
        from rathaus.core.ai.errors import AIError  # noqa: PLC0415

        try:
            chat = _default_chat()
        except (AIError, ImportError) as error:
            console.print(f"[yellow]LLM mode skipped:[/] {error}")
    sizes = os.environ.get("RATHAUS_BENCH_CITIZEN_LLM")
    chosen_sets = os.environ.get("RATHAUS_BENCH_CITIZEN_SETS")
    for name in chosen_sets.split(",") if chosen_sets else SETS:
        rows = load(name)
        verdicts, timings, answers = run_questions(
            sessions=sessions,
            tenant_id=tenant_id,
            embedder=embedder,
            chat=None,
            rows=rows,
            bylaws_dir=bylaws_dir,
        )
        figures[name] = {"extractive": summarise(verdicts, timings)}
        details[name] = {"extractive": answers}
        console.print(f"citizen {name} extractive: {figures[name]['extractive']}")
        size = int(sizes) if sizes else LLM_SAMPLE[name]
        if chat is None or size <= 0:
            continue
        chosen = sample(rows, size)
        ids = {row["id"] for row in chosen}
        llm_verdicts, llm_timings, llm_answers = run_questions(
            sessions=sessions,
            tenant_id=tenant_id,
            embedder=embedder,
            chat=chat,
            rows=chosen,
            bylaws_dir=bylaws_dir,
        )
        same = [v for v in verdicts if v["id"] in ids]
        figures[name]["llm"] = {
            **summarise(llm_verdicts, llm_timings),
            "extractive_fact_accuracy_same_questions": _share(same, "facts", ANSWERABLE),
        }
        details[name]["llm"] = llm_answers
        console.print(f"citizen {name} llm: {figures[name]['llm']}")
    target = os.environ.get("RATHAUS_BENCH_CITIZEN_DETAILS")
    if target:
        Path(target).write_text(json.dumps(details, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return figures
