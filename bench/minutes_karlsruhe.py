"""Agenda alignment and decisions on Karlsruhe minutes (see bench/karlsruhe_data.py, karlsruhe_bodies.py).

Variants, each its own section of bench/results/minutes.json:
- ``karlsruhe``: the 12 Gemeinderat sessions, only items with discussion text in the transcript.
- ``karlsruhe_full``: the same 12 sessions with every agenda item in order; an item without
  discussion text (withdrawn, discussed under another number, voted without debate) is in the
  agenda and scored; an undebated item keeps at most the chair's short call/vote sentences.
- ``karlsruhe_no_chair``: ``karlsruhe_full`` with every sentence of the chair removed.
- ``karlsruhe_bodies``: 10 sessions of other Karlsruhe bodies (Hauptausschuss, Haupt- und
  Finanzausschuss …), chosen deterministically, prepared like ``karlsruhe_full``.
- ``karlsruhe_bodies_fresh``: the next 10 such sessions, added after ``karlsruhe_bodies``' errors had
  been read to write rules (session 10), so that one variant of other bodies stays unseen.

Definitions (per session and overall):
- agenda_placement: share of agenda numbers whose aligned span starts at a segment inside that
  item's own text (first entry per number; amendments share it). In the variants other than
  ``karlsruhe`` the numbers without text count too: right when the item has no span, or a span of at
  most 2 segments starting at the segment before or at the place where its text would be, or — for
  an item discussed in another item's text (joint heading, sub-item in its parent's text) — a span
  starting inside that text.
- agenda_placement_items_with_text: the same over the numbers with text only.
- segment_placement: share of segments assigned (first entry per number) to the item they belong to.
- stated_outcome_precision: right ÷ stated over all agenda entries (amendments included) with an
  OParl ``result``: stated = the transcript-only decision has a result, right = it is true of the
  OParl result (``outcomes.outcome_agrees``: same class, or a plain "zugestimmt" for any adoption —
  true but less specific). stated_outcome_specific: specific ÷ right, specific = as specific as the
  record (``outcomes.outcome_as_specific``: not a plain "zugestimmt" for an "einstimmig …" or
  "mehrheitlich …" record), so that stating every adoption as "zugestimmt" cannot look good.
  stated_outcome_coverage: stated ÷ all those entries (items without text included).
  ``_consistent_labels``: the precision without the entries whose OParl result contradicts the
  Niederschrift's own Abstimmungsergebnis (OParl "mehrheitlich", minutes "Einstimmig").
- outcome_accuracy (``karlsruhe`` only, kept from before): share of main agenda entries (first per
  number) with an OParl ``result`` and discussion text whose extracted result matches it
  (``outcomes.outcome_matches``: same class; a plain "zugestimmt" for "einstimmig …" is wrong); the
  same ``_consistent_labels``; amendment entries apart (``_amendments``).
- agenda_placement_numbers_lost: the same transcript with every item number after
  Tagesordnungspunkt/Punkt/TOP deleted (calls still mark boundaries, numbers misheard).
- counts_exact_with_records: share of entries with a complete count in the Abstimmungsergebnis
  (imported as VotingRecords) whose decision carries exactly those counts.
Both stages run with the conventions a clerk of this council would set (``CONVENTIONS``: the place
name "Karlsruhe") and the body's custom for votes with abstentions learned as Rathaus learns it
(``session_conventions``, ``text.conventions.abstention_custom``): from the body's results with counts
recorded before the session (``protocols_per_top_all.jsonl.gz``), the last ten "adopted, nobody
against, some abstained" read "mehrheitlich …" or "einstimmig …" (the Gemeinderat wrote
"mehrheitlich" from about 2016, "Einstimmige Zustimmung (43 Ja, 1 Enthaltung)" again from 2023);
too few (the earliest sessions, the committees) leave the default, abstentions do not break
unanimity. Each session's learned value is in its figures (``abstentions_break_unanimity``).
largest_item_share: the largest share of a session's segments that one item's span takes;
largest_item_share_true: the same for the items' own text (what the transcript "says"), so a share
above 0.5 can be told apart from an item swallowing others.
Baselines in the same run: a title-similarity-only aligner (each item placed at its best-matching
segment, no order, no calls) and a keyword-only outcome classifier (first outcome keyword in the
item's text, on the aligner's spans), each scored like the figure it stands beside.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.karlsruhe_bodies import body_sessions
from bench.karlsruhe_data import (
    KarlsruheSession,
    earlier_results,
    load_session,
    voting_records,
    without_call_numbers,
)
from rathaus.minutes.schemas import Segment
from rathaus.minutes.text.align import AlignAgenda, ItemSpan
from rathaus.minutes.text.conventions import CouncilConventions, abstention_custom
from rathaus.minutes.text.decisions import ExtractDecisions, ItemDecision
from rathaus.minutes.text.outcomes import outcome_agrees, outcome_as_specific, outcome_class, outcome_matches
from rathaus.minutes.text.terms import TermWeights, content_stems, overlap


def placement(
    session: KarlsruheSession, spans: Sequence[ItemSpan], *, with_text_only: bool = False
) -> tuple[int, int]:
    """(correct, total) agenda numbers whose span starts inside their own text (or, without text, none)."""
    correct = total = 0
    seen: set[str] = set()
    gaps = {} if with_text_only else session.gaps
    for span in spans:
        if span.number in seen or (span.number not in session.true_ranges and span.number not in gaps):
            continue
        seen.add(span.number)
        total += 1
        if span.number in gaps:
            joint = session.joint.get(span.number)
            inside = (
                joint is not None
                and span.first_segment is not None
                and joint[0] <= span.first_segment <= joint[1]
            )
            correct += inside or _short_at(span, gaps[span.number])
            continue
        first, last = session.true_ranges[span.number]
        correct += span.first_segment is not None and first <= span.first_segment <= last
    return correct, total


def _short_at(span: ItemSpan, gap: int) -> bool:
    """An item without text: no span, or at most 2 segments from the segment before its place on."""
    if span.first_segment is None or span.last_segment is None:
        return True
    return gap - 1 <= span.first_segment <= gap and span.last_segment - span.first_segment < 2


def segment_placement(session: KarlsruheSession, spans: Sequence[ItemSpan]) -> tuple[int, int]:
    """(correct, total) segments assigned to the item whose text they are."""
    truth: dict[int, str] = {}
    for number, (first, last) in session.true_ranges.items():
        truth.update(dict.fromkeys(range(first, last + 1), number))
    assigned: dict[int, str] = {}
    seen: set[str] = set()
    for span in spans:
        if span.number in seen:
            continue
        seen.add(span.number)
        for index in span.segment_indices():
            assigned.setdefault(index, span.number)
    return sum(assigned.get(i) == number for i, number in truth.items()), len(truth)


def stated_outcomes(session: KarlsruheSession, results: Sequence[str | None]) -> dict[str, tuple[int, int]]:
    """(right, stated), (specific, right), (stated, all) and (right, stated) without contradicting labels."""
    right = stated = everything = right_consistent = stated_consistent = specific = 0
    rows = zip(results, session.oparl_results, session.gold, strict=True)
    for predicted, expected, gold in rows:
        if not expected:
            continue
        everything += 1
        if predicted is None:
            continue
        hit = outcome_agrees(predicted, expected)
        stated += 1
        right += hit
        specific += outcome_as_specific(predicted, expected)
        recorded = (gold.get("abstimmungsergebnis") or "").lower()
        if not (outcome_class(expected) == "mehrheitlich" and recorded.startswith("einstimmig")):
            stated_consistent += 1
            right_consistent += hit
    return {
        "precision": (right, stated),
        "specific": (specific, right),
        "coverage": (stated, everything),
        "precision_consistent": (right_consistent, stated_consistent),
    }


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


# as a clerk would enter them in the body's conventions (bench data, not product code): the place
# name; how the body records votes with abstentions is learned per session (``session_conventions``)
CONVENTIONS = CouncilConventions(place_names=("Karlsruhe",))


def session_conventions(root: Path, session: KarlsruheSession) -> CouncilConventions:
    """``CONVENTIONS`` with the body's abstention custom learned from its results before the session.

    As ``minutes.conventions.earlier_abstention_custom`` does from the approved minutes in Rathaus;
    too few earlier results leave the default (abstentions do not break unanimity).
    """
    header = session.header
    earlier = earlier_results(root, str(header.get("gremium") or ""), str(header.get("date") or ""))
    return replace(CONVENTIONS, abstentions_break_unanimity=bool(abstention_custom(earlier)))


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


def session_figures(
    session: KarlsruheSession,
    total: dict[str, list[int]],
    variant: str,
    conventions: CouncilConventions = CONVENTIONS,
) -> dict[str, Any]:
    """Run the stages and the baselines on one session; adds the raw counts to ``total``."""
    started = time.perf_counter()
    spans = AlignAgenda(conventions=conventions).run(session.segments, session.agenda)
    decisions = ExtractDecisions(conventions=conventions).run(session.segments, session.agenda, spans)
    seconds = time.perf_counter() - started
    with_records = ExtractDecisions(conventions=conventions).run(
        session.segments, session.agenda, spans, voting_records(session)
    )
    robust = AlignAgenda(conventions=conventions).run(without_call_numbers(session.segments), session.agenda)
    baseline_spans = title_only_spans(session.segments, session)
    stated = stated_outcomes(session, [d.result for d in decisions])
    keyword = stated_outcomes(session, keyword_results(session, spans))
    pairs: dict[str, tuple[int, int]] = {
        "agenda_placement": placement(session, spans),
        "agenda_placement_numbers_lost": placement(session, robust),
        "baseline_title_only_placement": placement(session, baseline_spans),
        "agenda_placement_items_with_text": placement(session, spans, with_text_only=True),
        "segment_placement": segment_placement(session, spans),
        "baseline_title_only_segment_placement": segment_placement(session, baseline_spans),
        "stated_outcome_precision": stated["precision"],
        "stated_outcome_specific": stated["specific"],
        "stated_outcome_coverage": stated["coverage"],
        "stated_outcome_precision_consistent_labels": stated["precision_consistent"],
        "baseline_keyword_precision": keyword["precision"],
        "baseline_keyword_specific": keyword["specific"],
        "baseline_keyword_coverage": keyword["coverage"],
        "counts_exact_with_records": counts_exact(session, with_records),
    }
    if variant == "karlsruhe":
        found = outcomes(session, [d.result for d in decisions])
        pairs["outcome_accuracy"] = found["main"]
        pairs["outcome_accuracy_consistent_labels"] = found["consistent"]
        pairs["outcome_accuracy_amendments"] = found["amendments"]
        pairs["baseline_keyword_outcome"] = outcomes(session, keyword_results(session, spans))["main"]
    figures: dict[str, Any] = {
        "segments": len(session.segments),
        "seconds": round(seconds, 2),
        "largest_item_share": _largest_share(spans, len(session.segments)),
        "largest_item_share_true": _true_largest_share(session),
    }
    for key, pair in pairs.items():
        _add(total, key, pair)
        figures[key] = _share(pair)
        figures[f"{key}_n"] = f"{pair[0]}/{pair[1]}"
    return figures


def _largest_share(spans: Sequence[ItemSpan], n_segments: int) -> float:
    sizes = [len(span.segment_indices()) for span in spans if span.method != "shared"]
    return round(max(sizes, default=0) / n_segments, 3) if n_segments else 0.0


def _true_largest_share(session: KarlsruheSession) -> float:
    sizes = [last - first + 1 for first, last in session.true_ranges.values()]
    return round(max(sizes, default=0) / len(session.segments), 3) if session.segments else 0.0


VARIANTS = ("karlsruhe", "karlsruhe_full", "karlsruhe_no_chair", "karlsruhe_bodies", "karlsruhe_bodies_fresh")


def variant_sessions(root: Path, variant: str) -> list[KarlsruheSession]:
    """The prepared sessions of one variant; ``root`` is ../shared/data/karlsruhe."""
    if variant == "karlsruhe_bodies":
        return body_sessions(root, "full")
    if variant == "karlsruhe_bodies_fresh":
        return body_sessions(root, "full", skip=10)
    folders = sorted(p for p in (root / "sessions").iterdir() if (p / "oparl_meeting.json").exists())
    kind = variant.removeprefix("karlsruhe_") if variant != "karlsruhe" else "karlsruhe"
    return [load_session(folder, kind) for folder in folders]


def karlsruhe_figures(
    root: Path, variant: str = "karlsruhe", progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """One ``karlsruhe*`` section of bench/results/minutes.json; ``root`` is ../shared/data/karlsruhe."""
    total: dict[str, list[int]] = {}
    per_session = {}
    for session in variant_sessions(root, variant):
        conventions = session_conventions(root, session)
        per_session[session.name] = session_figures(session, total, variant, conventions)
        per_session[session.name]["abstentions_break_unanimity"] = conventions.abstentions_break_unanimity
        if progress:
            progress(f"{variant} {session.name}: {per_session[session.name]}")
    figures: dict[str, Any] = {key: _share((v[0], v[1])) for key, v in total.items()}
    figures.update({f"{key}_n": f"{v[0]}/{v[1]}" for key, v in total.items()})
    for key in ("largest_item_share", "largest_item_share_true"):
        figures[key] = max((f[key] for f in per_session.values()), default=0.0)
    figures["sessions"] = per_session
    figures["definitions"] = (__doc__ or "").strip()
    if variant == "karlsruhe":
        figures["outcome_classes"] = sorted({outcome_class(r) for r in _all_results(root / "sessions")})
    return figures


def _all_results(root: Path) -> set[str]:
    return {
        item["result"]
        for meeting in root.glob("*/oparl_meeting.json")
        for item in json.loads(meeting.read_text())["agendaItem"]
        if item.get("result")
    }
