"""The words of a question and a passage as the answerability checks compare them.

Light stems without stopwords (``terms``), a stem inside a compound (``contains``), the question's
nouns (``topic_terms``: in German the capitalised words inside a sentence), and the passage's signals
from retrieval (``dense``: its cosine; ``keyword_rank``). Split from ``answerability`` unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rathaus.assistant.schemas import PassageLike
from rathaus.core.text.coordination import expand_coordinations
from rathaus.core.text.frequency import rarity
from rathaus.core.text.morphology import compound_parts
from rathaus.core.text.sentences import sentences_and_items
from rathaus.core.text.stems import light_stem
from rathaus.core.text.stopwords import STOPWORDS as GERMAN_STOPWORDS

WORD = re.compile(r"[a-zäöüß0-9]+")
QUESTION_WORDS = (
    "tun lange lang viel viele teuer oft genau bekomme bekommen brauche brauchen benötige möchte "
    "möchten gerne muss müssen darf kostet "
    "the a an and how what where when do does can i my is are to of for in it you with please"
)
# The administration a citizen addresses names no topic: "Gibt die Gemeinde einen Zuschuss …?" asks
# about the Zuschuss, and every by-law of a town speaks of its Gemeinde ("Gemeindefeuerwehr").
ADMINISTRATION_WORDS = (
    "gemeinde gemeinden stadt landkreis kreis verwaltung stadtverwaltung gemeindeverwaltung"
)
STOPWORDS = GERMAN_STOPWORDS | frozenset(QUESTION_WORDS.split()) | frozenset(ADMINISTRATION_WORDS.split())
# "em" for an adjective's dative ("je laufendem Meter" – "für jeden laufenden Meter").
_SUFFIXES = ("ungen", "ung", "en", "em", "er", "es", "e", "n", "s")
# Nouns naming the asked-for detail, not the thing it is asked about: "Öffnungszeiten" in a cemetery's
# by-law is no evidence that it answers "Welche Öffnungszeiten hat das Rathaus?" (stems, lower case).
ASKED_NOUNS = ("öffnungszeit", "sprechzeit", "gebühr", "koste", "preis", "betrag", "höhe", "frist", "dauer")


def stem(word: str) -> str:
    """The light stem the overlap checks compare (``word`` in lower case)."""
    return light_stem(word, min_stem=4, suffixes=_SUFFIXES)


def terms(text: str) -> set[str]:
    """Content-word stems of ``text`` (stopwords dropped), for overlap checks."""
    words = WORD.findall(expand_coordinations(text).lower())
    return {stem(word) for word in words if len(word) >= 3 and word not in STOPWORDS}


def word_matcher(question: str) -> Callable[[str], int]:
    """How many of the question's content-word stems a text contains (see ``terms``, ``contains``).

    The decision's plain counterpart of ``matching.question_matcher`` (which builds on this module and
    ``answerability``, so they cannot call it): no compound parts or participles."""
    stems = terms(question)
    return lambda text: sum(contains(text.lower(), stem) for stem in stems)


def contains(text: str, term: str) -> bool:
    """Whether ``term`` (lower case) stands in ``text``: long stems also inside compounds.

    Long stems match inside compounds ("führerschein" in "Führerscheinverlust"). A short one matches a
    word it begins only as that word inflected ("Baumes") or as a part of the compound ("Baumschutz"):
    "Baumassenzahl" is Bau-Masse-Zahl, no Baum; "hundert" is no Hund.
    """
    if len(term) >= 5:
        return term in text
    for match in re.finditer(rf"\b{re.escape(term)}([a-zäöüß]*)", text):
        rest = match.group(1)
        if rest in INFLECTIONS or term in _parts(match.group(0)):
            return True
    return False


# Endings after a stem that make no new word ("Baumes", "Bäume" is another stem).
INFLECTIONS = frozenset({"", "e", "en", "es", "s", "n", "er", "ern", "ens", "ung", "ungen"})


def _parts(word: str) -> set[str]:
    """The stems of a compound's parts ("baumschutz" → {"baum", "schutz"}); none for a single word."""
    return {stem(part) for part in compound_parts(word)} | set(compound_parts(word))


def topic_terms(question: str) -> set[str]:
    """Stems of the capitalised words inside the question: in German, mostly its nouns."""
    words = re.findall(r"(?<!^)(?<![.!?]\s)\b[A-ZÄÖÜ][a-zäöüß]+", expand_coordinations(question.strip()))
    return {stem(word.lower()) for word in words if word.lower() not in STOPWORDS}


def place_terms(passage: PassageLike) -> set[str]:
    """The passage's municipality and district as terms: naming the place is no evidence of an answer."""
    place = " ".join(str(getattr(passage, key, None) or "") for key in ("municipality", "district"))
    return terms(place)


def word_share(passage: PassageLike, question: str) -> float:
    """How well a passage covers the question's content words (0 … 1); 0 misses the topic."""
    wanted = terms(question) - place_terms(passage)
    if not wanted:
        return 0.0
    haystack = full_text(passage)
    topics = topic_terms(question) - place_terms(passage)
    if topics and not any(contains(haystack, topic) for topic in topics):
        return 0.0
    return sum(contains(haystack, term) for term in wanted) / len(wanted)


def rare_words(question: str) -> dict[str, float]:
    """The question's content words (lower case) with their rarity: "Leichenpass" 1.0, "Mutter" 0.0."""
    words = WORD.findall(expand_coordinations(question).lower())
    return {w: rarity(w) for w in words if len(w) >= 3 and w not in STOPWORDS and not w.isdigit()}


UMLAUTS = str.maketrans("äöü", "aou")
UMLAUT_MIN = 6


def found_in(text: str, word: str) -> bool:
    """Whether a word of the question stands in ``text`` (lower case): its stem, or each part of a compound
    ("jahresfischereischein" in "Jahres… Fischereischein", "hundesteuer" in "die Steuer für jeden Hund"),
    also as a plural with umlaut ("Bolzplatz" in "Bolzplätze", "Unterkunft" in "Unterkünfte")."""
    if _found(text, word):
        return True
    # Long words only: "bär" is no "bar", "schön" no "schon".
    text_folded = text.translate(UMLAUTS)
    return len(word) >= UMLAUT_MIN and text_folded != text and _found(text_folded, word.translate(UMLAUTS))


def _found(text: str, word: str) -> bool:
    if contains(text, stem(word)):
        return True
    parts = compound_parts(word)
    return bool(parts) and all(_part_found(text, part) for part in parts)


def _part_found(text: str, part: str) -> bool:
    """Whether a compound's part stands in ``text`` as a word or a compound's first or last part:
    "schein" of "Fischereischein" in "Angelschein", not in "Bescheinigung" or "Entscheidung"."""
    return re.search(rf"\b{re.escape(stem(part))}|{re.escape(part)}(?:e|en|er|es|n|s)?\b", text) is not None


def line_coverage(near: Sequence[PassageLike], question: str, keep: Callable[[str], bool]) -> float:
    """The largest share of the question's rarity that one line or sentence of the ``near`` passages holds,
    among those ``keep`` accepts (those stating the asked-for value): a fee table's row "Leichenpass 30,00 €"
    answers "Was kostet der Leichenpass?" even where the question's situation lowers the cosine."""
    rare = rare_words(question)
    if not sum(rare.values()):
        return 0.0
    best = 0.0
    for passage in near:
        # A service's fee line belongs to the service its title names; a by-law's row to its section.
        context = passage.title if passage.kind == "service" else passage.section
        # split as sentences are (an ordinal or date ends none: "am 15. Juli und am 20. November"), and at ";"
        for line in (piece for part in sentences_and_items(passage.text) for piece in part.split("; ")):
            if len(line) < 4 or not keep(line):
                continue
            best = max(best, rarity_share(rare, f"{context} {line}"))
    return best


def rarity_share(rare: Mapping[str, float], text: str) -> float:
    """The share of the question's rarity (``rare_words``) that ``text`` holds (0 … 1)."""
    total = sum(rare.values())
    if not total:
        return 0.0
    lowered = expand_coordinations(text).lower()
    return sum(weight for word, weight in rare.items() if found_in(lowered, word)) / total


def label(passage: PassageLike) -> str:
    """Title, section and keywords: what the passage is about, in the editor's words."""
    keywords = " ".join(line for line in passage.text.splitlines() if line.startswith("Stichworte:"))
    return expand_coordinations(f"{passage.title} {passage.section} {keywords}").lower()


def full_text(passage: PassageLike) -> str:
    """Title, section and text in lower case, coordinated compounds written out ("Grund- und
    Gewerbesteuer" names the Grundsteuer)."""
    return expand_coordinations(f"{passage.title} {passage.section} {passage.text}").lower()


def topic_hit(passage: PassageLike, question: str) -> bool:
    """True when a noun of the question (else a content word) names the title, section or keywords."""
    text = label(passage)
    place = place_terms(passage)
    wanted = (topic_terms(question) - place) or (terms(question) - place)
    return any(len(term) >= 4 and contains(text, term) for term in wanted)


def dense(passage: PassageLike) -> float | None:
    value = getattr(passage, "dense", None)
    return float(value) if value is not None else None


def near(passages: Sequence[PassageLike], best: float, margin: float) -> list[PassageLike]:
    """The passages within ``margin`` of the ``best`` cosine, with their sources' passages without one.

    A passage without a cosine was added for the asked-for value of its source (``values``: the
    by-law's "§ 4 Steuersatz" after its "§ 1 Steuergegenstand"); it belongs to that source's answer.
    """
    close = [p for p in passages if (dense(p) or 0.0) >= best - margin]
    sources = {p.source_id for p in close}
    return close + [p for p in passages if dense(p) is None and p.source_id in sources and p not in close]


def keyword_rank(passage: PassageLike) -> int | None:
    value = getattr(passage, "lexical_rank", None)
    return int(value) if value is not None else None


@dataclass(frozen=True)
class Topics:
    """The topics the installation's sources treat, read from their titles and texts (lower case).

    ``titles`` are those of the sources within the question's scope, ``elsewhere`` the titles of the
    sources outside it (another municipality's); ``texts`` reads the texts in scope, called only when a
    noun of the question names titles elsewhere alone.
    """

    titles: tuple[str, ...]
    elsewhere: tuple[str, ...] = ()
    texts: Callable[[], Sequence[str]] = tuple

    def markers(self, question: str, share: float) -> set[str]:
        """The question's nouns that lead only elsewhere: in a few titles there, nowhere here.

        A noun in many titles ("Gebühr", "Satzung") says nothing about the topic; one in none is a
        word of the citizen's situation ("Friseursalon"), which the sources need not use. When a
        noun of the question names a title in scope, the question has its topic here: no markers.
        A noun the texts in scope use ("Jugendliche", "Verein") is no topic that only others treat.
        """
        most = max(1.0, share * (len(self.titles) + len(self.elsewhere)))
        found = set()
        texts: Sequence[str] | None = None
        for term in topic_terms(question):
            if len(term) < 5:
                continue
            inside = sum(term in title for title in self.titles)
            outside = sum(term in title for title in self.elsewhere)
            if not 1 <= inside + outside <= most:
                continue
            if inside:
                return set()
            texts = self.texts() if texts is None else texts
            if not any(term in text for text in texts):
                found.add(term)
        return found
