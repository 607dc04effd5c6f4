"""Agenda alignment and decisions on the 12 Karlsruhe Gemeinderat sessions (see bench/karlsruhe_data.py).

Definitions (per session and overall):
- agenda_placement: share of agenda numbers that have discussion text whose aligned span starts
  at a segment inside that item's own text (first entry per number; amendments share it).
- outcome_accuracy: share of main agenda entries (first per number) with an OParl ``result`` and
  discussion text whose extracted result matches it (``outcomes.outcome_matches``: same class,
  e.g. "einstimmig beschlossen" = "einstimmig zugestimmt"). Amendment entries are reported apart.
- outcome_accuracy_consistent_labels: the same without the main entries whose OParl result
  contradicts the Niederschrift's own Abstimmungsergebnis (OParl "mehrheitlich", minutes "Einstimmig").
- agenda_placement_numbers_lost: the same transcript with every item number after
  Tagesordnungspunkt/Punkt/TOP deleted (calls still mark boundaries, numbers misheard).
- counts_exact_with_records: share of entries with a complete count in gold_agenda_resolutions.json
  (imported as VotingRecords) whose decision carries exactly those counts.
Baselines in the same run: a title-similarity-only aligner (each item placed at its best-matching
segment, no order, no calls) and a keyword-only outcome classifier (first outcome keyword in the
item's text).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.karlsruhe_data import KarlsruheSession, load_session, voting_records, without_call_numbers
from rathaus.minutes.schemas import Segment
from rathaus.minutes.text.align import AlignAgenda, ItemSpan
from rathaus.minutes.text.decisions import ExtractDecisions, ItemDecision
from rathaus.minutes.text.outcomes import outcome_class, outcome_matches
from rathaus.minutes.text.terms import TermWeights, content_stems, overlap


def placement(session: KarlsruheSession, spans: Sequence[ItemSpan]) -> tuple[int, int]:
    """(correct, total) agenda numbers whose span starts inside their own text."""
    correct = total = 0
    seen: set[str] = set()
    for span in spans:
        if span.number in seen or span.number not in session.true_ranges:
            continue
        seen.add(span.number)
        first, last = session.true_ranges[span.number]
        total += 1
        correct += span.first_segment is not None and first <= span.first_segment <= last
    return correct, total


def outcomes(session: KarlsruheSession, results: Sequence[str | None]) -> dict[str, tuple[int, int]]:
    """(correct, total) for main entries, amendment entries, and main entries whose labels agree.

    "consistent" leaves out the main entries whose OParl result contradicts the minutes' own
    Abstimmungsergebnis (OParl "mehrheitlich …" where the Niederschrift says "Einstimmig …").
    """
    figures = {"main": [0, 0], "amendments": [0, 0], "consistent": [0, 0]}
    seen: set[str] = set()
    rows = zip(session.agenda, results, session.oparl_results, session.gold, strict=True)
    for entry, predicted, expected, gold in rows:
        group = "amendments" if entry.number in seen else "main"
        seen.add(entry.number)
        if not expected or entry.number not in session.true_ranges:
            continue
        right = predicted is not None and outcome_matches(predicted, expected)
        figures[group][1] += 1
        figures[group][0] += right
        recorded = (gold.get("abstimmungsergebnis") or "").lower()
        conflict = outcome_class(expected) == "mehrheitlich" and recorded.startswith("einstimmig")
        if group == "main" and not conflict:
            figures["consistent"][1] += 1
            figures["consistent"][0] += right
    return {k: (v[0], v[1]) for k, v in figures.items()}


def counts_exact(session: KarlsruheSession, decisions: Sequence[ItemDecision]) -> tuple[int, int]:
    """(exact, total) decisions carrying the imported record's counts."""
    records = {r.item_number: r.counts for r in voting_records(session)}
    done: set[str] = set()
    exact = 0
    for decision in decisions:
        if decision.number in records and decision.number not in done:
            done.add(decision.number)
            exact += decision.counts == records[decision.number]
    return exact, len(records)


def title_only_spans(segments: Sequence[Segment], session: KarlsruheSession) -> list[ItemSpan]:
    """Baseline: each entry at the segment most similar to its title, no calls, no monotonic pass."""
    tokens = [content_stems(s.text) for s in segments]
    weights = TermWeights(tokens)
    spans = []
    for index, entry in enumerate(session.agenda):
        terms = content_stems(entry.title)
        scores = [overlap(terms, t, weights) for t in tokens]
        best = max(range(len(scores)), key=scores.__getitem__) if scores and max(scores) > 0 else None
        spans.append(
            ItemSpan(index, entry.number, entry.key, best, best, None, None, 0.0, "title", "baseline")
        )
    return spans


_KEYWORDS = [
    ("einstimmig", "einstimmig zugestimmt"),
    ("mehrheitlich", "mehrheitlich zugestimmt"),
    ("abgelehnt", "mehrheitlich abgelehnt"),
    ("verwiesen", "verwiesen in Fachausschuss"),
    ("vertagt", "vertagt"),
    ("zurückgezogen", "Antrag zurückgezogen"),
    ("kenntnis", "Kenntnisnahme"),
    ("einverstanden", "mit Stellungnahme einverstanden"),
]


def keyword_results(session: KarlsruheSession, spans: Sequence[ItemSpan]) -> list[str | None]:
    """Baseline: the first outcome keyword in the item's text."""
    results: list[str | None] = []
    for span in spans:
        text = " ".join(session.segments[i].text.lower() for i in span.segment_indices())
        hits = [(text.find(word), result) for word, result in _KEYWORDS if word in text]
        results.append(min(hits)[1] if hits else None)
    return results


def _share(pair: tuple[int, int]) -> float | None:
    return round(pair[0] / pair[1], 4) if pair[1] else None


def _add(total: dict[str, list[int]], key: str, pair: tuple[int, int]) -> None:
    slot = total.setdefault(key, [0, 0])
    slot[0] += pair[0]
    slot[1] += pair[1]


def session_figures(session: KarlsruheSession, total: dict[str, list[int]]) -> dict[str, Any]:
    """Run the stages and the baselines on one session; adds the raw counts to ``total``."""
    started = time.perf_counter()
    spans = AlignAgenda().run(session.segments, session.agenda)
    decisions = ExtractDecisions().run(session.segments, session.agenda, spans)
    seconds = time.perf_counter() - started
    with_records = ExtractDecisions().run(session.segments, session.agenda, spans, voting_records(session))
    robust = AlignAgenda().run(without_call_numbers(session.segments), session.agenda)
    baseline_spans = title_only_spans(session.segments, session)
    found = outcomes(session, [d.result for d in decisions])
    pairs: dict[str, tuple[int, int]] = {
        "agenda_placement": placement(session, spans),
        "agenda_placement_numbers_lost": placement(session, robust),
        "baseline_title_only_placement": placement(session, baseline_spans),
        "outcome_accuracy": found["main"],
        "outcome_accuracy_consistent_labels": found["consistent"],
        "outcome_accuracy_amendments": found["amendments"],
        "baseline_keyword_outcome": outcomes(session, keyword_results(session, spans))["main"],
        "counts_exact_with_records": counts_exact(session, with_records),
    }
    figures: dict[str, Any] = {"segments": len(session.segments), "seconds": round(seconds, 2)}
    for key, pair in pairs.items():
        _add(total, key, pair)
        figures[key] = _share(pair)
        figures[f"{key}_n"] = f"{pair[0]}/{pair[1]}"
    return figures


def karlsruhe_figures(root: Path, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The ``karlsruhe`` section of bench/results/minutes.json."""
    total: dict[str, list[int]] = {}
    per_session = {}
    for folder in sorted(p for p in root.iterdir() if (p / "oparl_meeting.json").exists()):
        per_session[folder.name] = session_figures(load_session(folder), total)
        if progress:
            progress(f"{folder.name}: {per_session[folder.name]}")
    figures: dict[str, Any] = {key: _share((v[0], v[1])) for key, v in total.items()}
    figures.update({f"{key}_n": f"{v[0]}/{v[1]}" for key, v in total.items()})
    figures["sessions"] = per_session
    figures["definitions"] = (__doc__ or "").strip()
    figures["outcome_classes"] = sorted({outcome_class(r) for r in _all_results(root)})
    return figures


def _all_results(root: Path) -> set[str]:
    return {
        item["result"]
        for meeting in root.glob("*/oparl_meeting.json")
        for item in json.loads(meeting.read_text())["agendaItem"]
        if item.get("result")
    }
