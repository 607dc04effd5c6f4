"""Do the retrieved passages answer the question? Decided without needing the question's words in them.

Citizens describe their situation ("Ich werde nächstes Jahr 67 …"), not the service's words, so word
overlap alone refused answers the sources held. The decision reads, per passage:

- the **semantic match**: the cosine of question and passage embeddings, absolutely and against the
  best passage of this question (a passage far below the best one is not what was asked for);
- the **topic**: the question's words in the passage's title, section and keywords (``Stichworte``);
- the **keyword rank** and the share of the question's content words in the passage (the old check);
- where an LLM is configured and the signals are unsure, the LLM asked only "ja" or "nein" with
  output constrained to those two labels;
- for a by-law passage, one of the question's **nouns** in it: a by-law is asked about in its own terms
  (a noun naming the asked-for detail, "Öffnungszeiten", "Gebühr", is no evidence of the topic);
- the **asked-for value** (``needs``): a question for a sum, a time or a duration is answered only
  when a chosen passage states one; a line holding the question's rare words next to such a quantity
  ("Leichenpass … 30,00 €", ``wording.line_coverage``) is strong evidence of the answer;
- the **thing asked about** (``specifics``): a service the question names by its noun ("Waffenschein" names
  "Waffenschein beantragen" and "Kleiner Waffenschein", not "Baumschutz" for "Baum") must state the asked-for
  value itself: another service's fee is not its fee; a by-law whose titles and sections name none of the
  question's nouns, that keyword search does not rank near the top and that leads the other sources by no
  clear cosine margin is a neighbouring rule of the town, not the answer;
- the **topics of the installation**: a noun of the question that names a few sources' titles, all
  of them outside the question's scope ("Zweitwohnungssteuer in <a town without one>"), is a topic
  treated elsewhere; only a passage that mentions it may answer, so the question is refused rather
  than answered from a neighbouring rule of the town it names.

Titles, sections and texts are read with coordinated compounds written out ("Grund- und
Gewerbesteuer" names the Grundsteuer); a passage added for the asked-for value, without a cosine,
counts with the passages of its source near the best cosine.

Where the passages carry cosines, these signals (``signals``) are weighed by one learned rule
(``gate``: a logistic model fitted leaving one development question set out at a time); without
them, and for "Für welche Gemeinde?", the rules above decide as before and a question is refused
only when no passage passes. ``Decision.reason`` says why a question was refused. The thresholds were
chosen on the tuning questions (``bench/data/citizen_tuning.json``; e5-small scores a related
passage at about 0.82–0.9).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rathaus.assistant import gate, needs
from rathaus.assistant.asked import QUANTITIES, Wanted, beyond_appointment, wanted
from rathaus.assistant.chunking import APPOINTMENT_LENGTH
from rathaus.assistant.facts import concrete
from rathaus.assistant.gate import llm_says_yes
from rathaus.assistant.models import SourceKind
from rathaus.assistant.schemas import PassageLike
from rathaus.assistant.specifics import (
    DEFAULT,
    Thresholds,
    mentions_topic,
    named_service_lacks,
    names_a_noun,
    names_by_head,
    off_topic_bylaw,
)
from rathaus.assistant.wording import (
    STOPWORDS,
    WORD,
    Topics,
    contains,
    line_coverage,
    stem,
    terms,
    topic_hit,
    word_matcher,
    word_share,
)
from rathaus.assistant.wording import dense as _dense
from rathaus.assistant.wording import keyword_rank as _keyword_rank
from rathaus.assistant.wording import near as _near
from rathaus.core.ai.protocols import ChatModel

__all__ = [
    "DEFAULT",
    "STOPWORDS",
    "WORD",
    "Decision",
    "Method",
    "Reason",
    "Thresholds",
    "Topics",
    "contains",
    "decide",
    "mentions_topic",
    "named_service_lacks",
    "names_a_noun",
    "names_by_head",
    "off_topic_bylaw",
    "related",
    "signals",
    "stem",
    "terms",
    "topic_hit",
    "word_share",
]

Method = Literal["semantic", "topic", "words", "llm", "learned", "none"]
# Why a question was refused (the first gate that left no passage); "" when it is answered.
Reason = Literal[
    "",
    "no_passages",  # nothing retrieved (or nothing above ``min_score``)
    "elsewhere",  # the question names a topic only sources outside its scope treat (``Topics.markers``)
    "no_noun",  # every by-law passage names none of the question's nouns (``names_a_noun``)
    "no_match",  # no passage passes the semantic, topic or word test (nor the LLM)
    "value_missing",  # the passages lack the asked-for sum, time, duration or count (``needs.missing``)
    "named_service_lacks",  # the service the question names lacks the asked-for value
    "off_topic_bylaw",  # the best by-law is a neighbouring rule, not the asked one
]


@dataclass(frozen=True)
class Decision:
    """Which passages answer the question, whether completely, and how that was decided."""

    passages: list[PassageLike]
    complete: bool
    method: Method
    reason: Reason = ""  # why it was refused (for staff and the benchmarks; never shown to citizens)

    @property
    def answerable(self) -> bool:
        """True when some passage answers the question."""
        return bool(self.passages)


def _passes(passage: PassageLike, question: str, best: float | None, limits: Thresholds) -> Method | None:
    cosine = _dense(passage)
    if cosine is not None and best is not None and cosine >= limits.sure and cosine >= best - limits.margin:
        return "semantic"
    rank = _keyword_rank(passage)
    near = cosine is None or best is None or cosine >= best - limits.margin
    ranked = rank is not None and rank <= limits.topic_rank
    if near and ranked and (cosine is None or cosine >= limits.unsure) and topic_hit(passage, question):
        return "topic"
    if word_share(passage, question) >= limits.words and (cosine is None or cosine >= limits.unsure):
        return "words"
    return None


def decide(
    passages: Sequence[PassageLike],
    question: str,
    *,
    chat: ChatModel | None = None,
    limits: Thresholds | None = None,
    min_score: float = 0.0,
    need_amount: bool = True,
    topics: Topics | None = None,
    learned: bool = True,
) -> Decision:
    """Which of ``passages`` (in retrieval order) answer ``question``; none: refuse and hand over.

    Where the passages carry cosines, the learned decision (``gate``) weighs their ``signals``: the
    cosine, the asked-for value (``needs.missing``), the service the question names lacking it, a
    by-law naming none of its nouns …; refused, ``Decision.reason`` names the sign that weighed most.
    Without cosines (keyword search alone), without ``need_amount`` (only the topic matters, as for
    "Für welche Gemeinde?") and with ``learned`` off, the rules of session 10 decide: a passage must
    pass the semantic, topic or word test; with ``need_amount`` it must state the asked-for value, a
    service the question names must state it itself, a by-law must be the asked one; with ``topics``
    a question naming a topic only sources outside its scope treat is answered only from passages
    that mention it.
    """
    limits = limits or DEFAULT
    candidates = [p for p in passages if p.score >= min_score]
    if not candidates:
        return Decision(passages=[], complete=False, method="none", reason="no_passages")
    markers = topics.markers(question, limits.specific) if topics is not None else set()
    if learned and need_amount and any(_dense(p) is not None for p in candidates):
        return _learned(candidates, question, markers, limits)
    return _by_rules(passages, candidates, question, markers, limits, chat, need_amount=need_amount)


def _by_rules(
    passages: Sequence[PassageLike],
    candidates: Sequence[PassageLike],
    question: str,
    markers: set[str],
    limits: Thresholds,
    chat: ChatModel | None,
    *,
    need_amount: bool,
) -> Decision:
    """The rules of session 10, kept where the learned decision has no cosines (keyword search alone)
    and for "Für welche Gemeinde?" (which municipalities have a passage on the topic at all)."""
    if markers:
        candidates = [p for p in candidates if mentions_topic(p, markers)]
        if not candidates:
            return Decision(passages=[], complete=False, method="none", reason="elsewhere")
    candidates = [p for p in candidates if p.kind != SourceKind.BYLAW or names_a_noun(p, question)]
    if not candidates:
        return Decision(passages=[], complete=False, method="none", reason="no_noun")
    cosines = [c for c in (_dense(p) for p in candidates) if c is not None]
    best = max(cosines) if cosines else None
    chosen: list[PassageLike] = []
    methods: list[Method] = []
    for passage in candidates:
        method = _passes(passage, question, best, limits)
        if method is not None:
            chosen.append(passage)
            methods.append(method)
    if not chosen and chat is not None and best is not None and best >= limits.unsure:
        near = [p for p in candidates if (_dense(p) or 0.0) >= best - limits.margin][:3]
        if llm_says_yes(near, question, chat):
            return Decision(passages=near, complete=True, method="llm")
    reason = _refusal(passages, chosen, question, limits) if need_amount else ""
    if not chosen or reason:
        return Decision(passages=[], complete=False, method="none", reason=reason or "no_match")
    complete = methods[0] == "semantic" or max(word_share(p, question) for p in chosen) >= limits.full
    return Decision(passages=chosen, complete=complete, method=methods[0])


def _learned(
    candidates: Sequence[PassageLike],
    question: str,
    markers: set[str],
    limits: Thresholds,
) -> Decision:
    """The learned decision (``gate``) over the candidates' signals, and which of them answer.

    Answered from the passages that pass the cosine, topic or word test (without by-law passages
    naming none of the question's nouns, or passages not mentioning a topic marker, when others are
    left), with the value passage of their sources, else from those near the best cosine. The LLM is not
    asked here: LLM mode refuses what extractive mode refuses.
    """
    found = signals(candidates, question, markers=markers, limits=limits)
    best = found["cosine"]
    near = [p for p in candidates if (_dense(p) or 0.0) >= best - limits.margin][:3]
    # Certain, whatever else the signals say: the passages list other variants than the one asked
    # ("Grundsteuer C"), state no quantity in the unit asked ("Wie viel Prozent …?"), or no processing time
    # where one is asked (only the appointment's length).
    if found["variant_missing"] or found["unit_missing"] or found["processing_missing"]:
        return Decision(passages=[], complete=False, method="none", reason="value_missing")
    if not gate.answers(found):
        # The LLM is not asked to overrule the signals: on refused development questions its "ja" took 13
        # of 25 answerable ones back but also 3 of 25 unanswerable ones, at about 9 s each before the first
        # word (session 18, ``bench/assistant_gate.py``'s data).
        return Decision(passages=[], complete=False, method="none", reason=_reason(found))
    pool = [p for p in candidates if not markers or mentions_topic(p, markers)] or list(candidates)
    pool = [p for p in pool if p.kind != SourceKind.BYLAW or names_a_noun(p, question)] or pool
    passed = [(p, m) for p in pool if (m := _passes(p, question, best, limits)) is not None]
    if not passed:
        return Decision(passages=near, complete=False, method="learned")
    chosen = [p for p, _ in passed]
    # The passage added for the asked-for value (no cosine, see ``values``) answers with its source.
    sources = {p.source_id for p in chosen}
    chosen += [p for p in candidates if _dense(p) is None and p.source_id in sources and p not in chosen]
    method = passed[0][1]
    complete = method == "semantic" or max(word_share(p, question) for p in chosen) >= limits.full
    return Decision(passages=chosen, complete=complete, method=method)


SIGNAL_REASONS: dict[str, Reason] = {
    "elsewhere": "elsewhere",
    "bylaw_no_noun": "no_noun",
    "value_missing": "value_missing",
    "sum_name_missing": "value_missing",
    "variant_missing": "value_missing",
    "unit_missing": "value_missing",
    "processing_missing": "value_missing",
    "named_lacks": "named_service_lacks",
    "off_topic": "off_topic_bylaw",
}


def _reason(found: dict[str, float]) -> Reason:
    """The sign against answering that weighed most; "no_match" when none did (too weak a match)."""
    pulls = {name: gate.WEIGHTS.get(name, 0.0) * found.get(name, 0.0) for name in SIGNAL_REASONS}
    strongest = min(pulls, key=lambda name: pulls[name])
    return SIGNAL_REASONS[strongest] if pulls[strongest] < 0 else "no_match"


def _refusal(
    passages: Sequence[PassageLike], chosen: Sequence[PassageLike], question: str, limits: Thresholds
) -> Reason:
    """Why the ``chosen`` passages do not answer after all ("" when they do, or none was chosen)."""
    if not chosen:
        return ""
    if needs.missing(chosen, question):
        return "value_missing"  # the topic is there, the asked-for value is not (a pool's entrance fee)
    if (
        needs.unit_missing(chosen, question)
        or needs.variant_missing(chosen, question)
        or needs.processing_time_missing(chosen, question)
    ):
        return "value_missing"  # no share for "Wie viel Prozent …?", A and B for C, no processing time
    if named_service_lacks(passages, chosen, question):
        return "named_service_lacks"  # another service's fee is not the named service's fee
    if off_topic_bylaw(passages, chosen, question, limits):
        return "off_topic_bylaw"  # a neighbouring rule of the town, not the asked one
    return ""


def _states_asked(question: str) -> Callable[[str], bool]:
    """Whether a line states a quantity of a kind the question asks for (any line when it asks none).

    A service's appointment length ("Dauer des Termins: etwa 15 Minuten") states no period the question
    asks for unless it asks about the appointment: "Wie viele Tage darf ich mit einem Kurzzeitkennzeichen
    fahren?" is not answered by the 15 minutes at the counter.
    """
    kinds = [kind for kind in wanted(question) if kind in QUANTITIES]
    matches = word_matcher(question)

    def states(line: str, kind: Wanted) -> bool:
        if line.startswith(APPOINTMENT_LENGTH) and beyond_appointment(kind, matches):
            return False
        return concrete(line, kind)

    return lambda line: not kinds or any(states(line, kind) for kind in kinds)


def related(passages: Sequence[PassageLike], question: str) -> list[PassageLike]:
    """Passages that touch the question at all: their offices are suggested on a refusal."""
    return [p for p in passages if word_share(p, question) > 0 or topic_hit(p, question)]


def signals(
    passages: Sequence[PassageLike], question: str, *, markers: set[str], limits: Thresholds
) -> dict[str, float]:
    """What the passages say about answering ``question``: the features of the learned decision.

    Every signal the old gates computed, as a number (1.0/0.0 for yes/no), for ``gate.probability``.
    ``passages`` are the candidates in retrieval order with their cosines.
    """
    ranked = sorted(passages, key=lambda p: _dense(p) or 0.0, reverse=True)
    top = ranked[0]
    best = _dense(top) or 0.0
    others = [c for p in passages if p.source_id != top.source_id and (c := _dense(p)) is not None]
    ranks = [r for r in (_keyword_rank(p) for p in passages) if r is not None]
    near = _near(passages, best, limits.margin)
    bylaw = top.kind == SourceKind.BYLAW
    return {
        "cosine": best,
        "lead": best - max(others) if others else limits.lead,
        "keyword": 1.0 / min(ranks) if ranks else 0.0,
        "topic": float(any(topic_hit(p, question) for p in near)),
        "words": max(word_share(p, question) for p in passages),
        "passes": float(any(_passes(p, question, best, limits) for p in passages)),
        "noun": float(names_a_noun(top, question)),
        "bylaw": float(bylaw),
        "bylaw_no_noun": float(bylaw and not any(names_a_noun(p, question) for p in near)),
        "asks_value": float(needs.missing([], question) is not None),
        "value_missing": float(needs.missing(near, question) is not None),
        "named_lacks": float(named_service_lacks(passages, near, question)),
        "off_topic": float(off_topic_bylaw(passages, near, question, limits)),
        "elsewhere": float(bool(markers) and not any(mentions_topic(p, markers) for p in passages)),
        "value_line": line_coverage(near, question, _states_asked(question)),
        "sum_name_missing": float(needs.sum_name_missing(near, question)),
        "variant_missing": float(needs.variant_missing(near, question)),
        "unit_missing": float(needs.unit_missing(near, question)),
        "processing_missing": float(needs.processing_time_missing(near, question)),
    }
