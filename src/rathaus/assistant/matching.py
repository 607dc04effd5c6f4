"""How many of a question's content words a text contains: the matcher by-law answers select sentences with.

Beyond the stems of ``answerability.terms``, a compound of the question also counts as its two parts
("Hundesteuer" – "Die Steuer beträgt für jeden Hund …") and a separable verb's participle as its root
("zugelassen" – "Die Zulassung wird auf 3 Jahre befristet"), and a separable verb as its zu-infinitive or
participle ("anmelden" – "Sie sind 4 Tage vorher anzumelden").
"""

from __future__ import annotations

import re

from rathaus.assistant.answerability import contains, terms
from rathaus.assistant.asked import LOWER_BOUND, UPPER_BOUND
from rathaus.assistant.facts import Matcher


def _compound_parts(term: str) -> list[tuple[str, str]]:
    """Head and tail of a compound stem, with and without a linking e/s ("hunde|steu", "hund|steu")."""
    parts = []
    for cut in range(4, len(term) - 3):
        parts.append((term[:cut], term[cut:]))
        if term[cut] in "es" and len(term) - cut > 4:
            parts.append((term[:cut], term[cut + 1 :]))
    return parts


# The participle of a separable verb puts "ge" after the prefix ("zugelassen", "angemeldet"); the noun
# and the infinitive do not ("Zulassung", "anmelden").
PARTICIPLE = re.compile(
    r"(ab|an|auf|aus|bei|ein|fest|her|mit|nach|vor|weg|zu|zurück)ge([a-zäöüß]{3,}?)(?:et|t|en)?"
)


# A separable verb of the question ("anmelden", "abgeben") stands in a rule as its zu-infinitive or its
# participle: "Sie sind spätestens 4 Tage vorher anzumelden", "… ist beim Bürgermeisteramt abzugeben".
SEPARABLE = re.compile(r"(ab|an|auf|aus|bei|ein|fest|her|mit|nach|vor|weg|zu|zurück)([a-zäöüß]{4,})")


def _separated(term: str) -> tuple[str, ...]:
    """The zu-infinitive and participle stems of a separable verb's stem ("anmeld" → "anzumeld",
    "angemeld"); none for other words."""
    found = SEPARABLE.fullmatch(term)
    if found is None:
        return ()
    prefix, root = found.groups()
    return (f"{prefix}zu{root}", f"{prefix}ge{root}")


# A weak verb's participle or third person ("verlängert", "reserviert") keeps its "-t"; the verb and its
# noun do not ("verlängern", "Verlängerung"); a verb on "-ieren" names its noun without it ("transportieren"
# – "Beim Transport …", "kontrollieren" – "Kontrolle").
WEAK_FORM = re.compile(r"([a-zäöüß]{5,}(?:ier|er|el))t")
IER_VERB = re.compile(r"([a-zäöüß]{6,})ier")


def _participle_root(term: str) -> str | None:
    """The verb root of a participle stem ("zugelass" → "zulass", "verlängert" → "verlänger") or the noun
    of an "-ieren" verb ("transportier" → "transport"); None for other words."""
    found = PARTICIPLE.fullmatch(term)
    root = found.group(1) + found.group(2) if found else ""
    if len(root) >= 5:
        return root
    weak = WEAK_FORM.fullmatch(term)
    if weak is not None:  # "geändert" → "änder"
        stem = weak.group(1)[2:] if term.startswith("ge") and len(weak.group(1)) >= 7 else weak.group(1)
        return _participle_root(stem) or stem
    verb = IER_VERB.fullmatch(term)
    return verb.group(1) if verb is not None else None


# A bound the question asks for ("höchstens", "mindestens") counts when the text states a bound of the same
# side in any of its forms (see ``asked.UPPER_BOUND``, ``asked.LOWER_BOUND``).
BOUNDS = {"höchsten": UPPER_BOUND, "maximal": UPPER_BOUND, "mindesten": LOWER_BOUND}


def question_matcher(question: str) -> Matcher:
    """How many of the question's content words a text contains; a compound also counts as its two parts.

    "Hundesteuer" in the question matches "Die Steuer beträgt für jeden Hund …"; a participle matches the
    noun of its verb ("zugelassen" – "Die Zulassung wird auf 3 Jahre befristet", "verlängert" – "Die
    Verlängerung erfolgt auf 5 Jahre"); an "-ieren" verb its noun ("transportieren" – "Beim Transport …"); a
    bound matches the same bound in other words ("höchstens" – "längstens 18 Monate", see ``BOUNDS``).
    """
    wanted_terms = {term: _compound_parts(term) if len(term) >= 9 else [] for term in terms(question)}
    roots = {term: root for term in wanted_terms if (root := _participle_root(term))}
    separated = {term: forms for term in wanted_terms if (forms := _separated(term))}

    def matches(text: str) -> int:
        lowered = text.lower()
        return sum(
            contains(lowered, term)
            or any(head in lowered and tail in lowered for head, tail in parts)
            or (term in roots and roots[term] in lowered)
            or any(form in lowered for form in separated.get(term, ()))
            or (term in BOUNDS and BOUNDS[term].search(text) is not None)
            for term, parts in wanted_terms.items()
        )

    return matches
