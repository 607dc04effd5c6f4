"""What the question asks about, and whether a passage is about that: the signals of the refusal decision.

A by-law answers in its own terms and a citizen who names a service asks for that service's value; these
checks tell a neighbouring rule or service from the asked one (``answerability.signals`` weighs them, and
the rules of session 10 still decide without embeddings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rathaus.assistant import needs
from rathaus.assistant.models import SourceKind
from rathaus.assistant.schemas import PassageLike
from rathaus.assistant.wording import ASKED_NOUNS, WORD, contains, found_in, full_text, stem
from rathaus.assistant.wording import dense as _dense
from rathaus.assistant.wording import keyword_rank as _keyword_rank
from rathaus.assistant.wording import label as _label
from rathaus.assistant.wording import place_terms as _place_terms
from rathaus.assistant.wording import topic_terms as _topic_terms


@dataclass(frozen=True)
class Thresholds:
    """Where the signals decide (chosen on the tuning questions)."""

    sure: float = 0.84  # cosine from which the best passage answers without further signs (tuning sweep)
    unsure: float = 0.82  # cosine from which the LLM is asked (or a topic hit suffices)
    margin: float = 0.03  # a passage this far below the best cosine is not used
    words: float = 0.25  # share of the question's content words (0.34 before; 0.25 chosen on tuning)
    full: float = 0.75  # share above which the answer is taken as complete
    topic_rank: int = 3  # a topic hit counts among this many keyword-ranked passages
    specific: float = 0.015  # a noun in at most this share of the titles names a topic (tuning set)
    lead: float = 0.02  # cosine lead over other sources marking a by-law as the asked one (tuning, holdout)


DEFAULT = Thresholds()


def names_a_noun(passage: PassageLike, question: str) -> bool:
    """True when a noun of the question stands in the passage (or the question has none).

    A by-law answers in its own terms: a question about it names the thing ("Hundesteuer",
    "Grabnutzungsrecht"), so a by-law passage that names none of the question's nouns is a
    neighbouring rule of the same town, not the answer (the tuning questions: every by-law that
    answers one names one of its nouns).
    """
    nouns = _nouns(question, passage)
    haystack = full_text(passage)
    return not nouns or any(found_in(haystack, noun) for noun in nouns)


def _nouns(question: str, passage: PassageLike) -> set[str]:
    """The question's nouns naming a thing (not the passage's place, not an asked-for detail), as stems."""
    return {
        term
        for term in _topic_terms(question) - _place_terms(passage)
        if len(term) >= 4 and not term.startswith(ASKED_NOUNS)
    }


def names_by_head(title: str, noun: str) -> bool:
    """True when a word of ``title`` is ``noun`` or a compound ending in it (``noun`` a stem).

    In German the last part of a compound names the thing: "Kleiner Waffenschein" is a Waffenschein,
    "Jugendfischereischein" a Fischereischein, but "Baumschutz" is no Baum.
    """
    for word in WORD.findall(title.lower()):
        word_stem = stem(word)
        if word_stem == noun or (len(noun) >= 4 and word_stem.endswith(noun)):
            return True
    return False


def _of_source(passages: Sequence[PassageLike], passage: PassageLike) -> list[PassageLike]:
    return [p for p in passages if p.source_id == passage.source_id]


def named_service_lacks(
    passages: Sequence[PassageLike], chosen: Sequence[PassageLike], question: str
) -> bool:
    """True when the service the question names lacks the asked-for value (a sum, a time, a duration).

    A citizen who names the service ("Was kostet ein Waffenschein?", "die Begutachtung der Fahreignung")
    asks for that service's value; when its passages state none, another service's fee ("Kleiner
    Waffenschein", a car registration) is no answer. Of the services named, the best match by cosine counts.
    """
    named = [
        p
        for p in chosen
        if p.kind == SourceKind.SERVICE and any(names_by_head(p.title, noun) for noun in _nouns(question, p))
    ]
    if not named:
        return False
    best = max(named, key=lambda p: _dense(p) or 0.0)
    return needs.missing(_of_source(passages, best), question) is not None


def off_topic_bylaw(
    passages: Sequence[PassageLike], chosen: Sequence[PassageLike], question: str, limits: Thresholds
) -> bool:
    """True when the best chosen by-law is a neighbouring rule rather than the one asked about.

    A by-law is named by its title and section headings ("§ 7 Altglassammelbehälter"); when none of its
    headings names a noun of the question, keyword search does not rank it among the first few and its
    cosine does not stand out from the other sources', the embedding found only the town's vocabulary
    ("Wohnung", "Gebühr") — the by-law of the asked kind is missing ("Ferienwohnung" in a town without a
    rule on it), and the question is refused.
    """
    top = max(chosen, key=lambda p: _dense(p) or 0.0)
    cosine = _dense(top)
    if top.kind != SourceKind.BYLAW or cosine is None:
        return False
    own = _of_source(passages, top)
    label = " ".join(_label(p) for p in own)
    if any(contains(label, noun) for noun in _nouns(question, top)):
        return False
    ranks = [rank for rank in (_keyword_rank(p) for p in own) if rank is not None]
    if ranks and min(ranks) <= limits.topic_rank:
        return False
    others = [c for p in passages if p.source_id != top.source_id and (c := _dense(p)) is not None]
    return bool(others) and cosine - max(others) < limits.lead


def mentions_topic(passage: PassageLike, markers: set[str]) -> bool:
    """True when the passage (title, section or text) mentions one of the topic ``markers``."""
    haystack = full_text(passage)
    return any(marker in haystack for marker in markers)
