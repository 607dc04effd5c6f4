"""Redaction of names in what citizens type: ``python -m bench redaction``.

Two sides, each against a cue-only baseline (names after "ich heiße", "Frau", "Grüße" …, the way
simple PII scrubbers work), in one run:

- **recall**: ``bench/data/redaction_names.json``, 40 questions written with the names they contain;
  a name counts as removed when the word no longer stands in the stored text;
- **false alarms** on real text that names no private person: the 120 by-law benchmark questions,
  the names and keywords of the 287 Munich services, and the 2,132 reports of the Konstanz
  Mängelmelder (citizens' own words; the changed reports are printed so a person can read them).

Writes ``bench/results/redaction.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bench.common import REPO_ROOT, console, cpu_threads, shared_data, summary_ms, timed, write_results
from rathaus.assistant.redaction import NAME_CUES, NOT_NAMES, redact

NAMES_FILE = REPO_ROOT / "bench" / "data" / "redaction_names.json"


def cue_only(text: str) -> str:
    """The baseline: only names after a cue are replaced."""

    def name(match: re.Match[str]) -> str:
        if match.group("name").split()[0] in NOT_NAMES:
            return match.group(0)
        return match.group("cue") + "[Name]"

    return NAME_CUES.sub(name, text)


def full(text: str) -> str:
    return redact(text).text


def _recall(redactor: Callable[[str], str], questions: list[dict[str, Any]]) -> dict[str, Any]:
    found = total = clean = 0
    missed: list[str] = []
    for question in questions:
        stored = redactor(question["text"])
        left = [
            name for name in question["names"] if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", stored)
        ]
        total += len(question["names"])
        found += len(question["names"]) - len(left)
        clean += not left
        missed.extend(left)
    return {
        "name_recall": round(found / total, 3),
        "name_recall_n": f"{found}/{total}",
        "questions_clean": round(clean / len(questions), 3),
        "missed": missed,
    }


def _false_alarms(redactor: Callable[[str], str], texts: list[str]) -> dict[str, Any]:
    changed = [(text, redactor(text)) for text in texts]
    changed = [(text, stored) for text, stored in changed if "[Name]" in stored and "[Name]" not in text]
    return {
        "texts": len(texts),
        "changed": len(changed),
        "examples": [stored[:160] for _, stored in changed[:20]],
    }


def _real_texts() -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    questions: list[str] = []
    for name in ("bylaw_questions.json", "bylaw_questions_holdout.json"):
        questions += [
            item["question"]
            for item in json.loads((REPO_ROOT / "bench" / "data" / name).read_text())["questions"]
        ]
    sets["bylaw_questions"] = questions
    munich = shared_data("munich_services", "munich_services_de.json")
    if munich is not None:
        services = json.loads(munich.read_text(encoding="utf-8"))["data"]
        sets["munich_names_keywords"] = [service["name"] for service in services] + [
            keyword.strip()
            for service in services
            for keyword in ((service.get("meta") or {}).get("keywords") or "").split(",")
            if keyword.strip()
        ]
    reports = shared_data("konstanz_maengelmelder", "maengelmelder_konstanz.jsonl")
    if reports is not None:
        lines = reports.read_text(encoding="utf-8").splitlines()
        sets["konstanz_reports"] = [json.loads(line)["text_raw"] or "" for line in lines if line.strip()]
    return sets


def main() -> None:
    questions = json.loads(NAMES_FILE.read_text(encoding="utf-8"))["questions"]
    redact("Hans Müller fragt.")  # load the name lists and the tagger outside the timing
    figures: dict[str, Any] = {"recall": {}, "false_alarms": {}}
    for label, redactor in (("rathaus", full), ("cue_only", cue_only)):
        figures["recall"][label] = _recall(redactor, questions)
    real = _real_texts()
    for set_name, texts in real.items():
        figures["false_alarms"][set_name] = {
            label: _false_alarms(redactor, texts)
            for label, redactor in (("rathaus", full), ("cue_only", cue_only))
        }
    texts = [question["text"] for question in questions] + real.get("konstanz_reports", [])[:200]
    figures["redact_latency"] = summary_ms(
        [d / len(texts) for d in timed(lambda: [redact(t) for t in texts], 5)]
    )
    figures["redact_latency"]["note"] = f"mean per text over {len(texts)} texts, 5 runs"
    for set_name, by_label in figures["false_alarms"].items():
        for example in by_label["rathaus"]["examples"]:
            console.print(f"[dim]{set_name}:[/] {example}")
    console.print(f"missed by Rathaus: {', '.join(figures['recall']['rathaus']['missed']) or 'none'}")
    figures["threads"] = cpu_threads()
    write_results("redaction", figures)


if __name__ == "__main__":
    main()
