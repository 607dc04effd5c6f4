"""Which of the retrieved services answers: a learned ranking of the first few.

A citizen describing a situation ("Meine Aufenthaltskarte ist in der Waschmaschine kaputtgegangen …")
matches several services of one family ("Taxi oder Mietwagen – Unterlagen nachreichen",
"Mietwagengenehmigung – Erstantrag"), and the answer takes its facts from the first. What tells them
apart is weighed together here, for the distinct services among the first ``WINDOW`` passages:

- ``named``: its title names the thing asked about ("Was kostet die Genehmigung?" –
  "Mietwagengenehmigung"; ``preference.asked_things``);
- ``count``: a count of the question lies in the title's range (+1: "15 Kopien" – "bis zu 20 Dokumenten"),
  outside it (-1), or either has none (0);
- ``position``: its place in the fused ranking (log of 1 + the place);
- ``score``: its best fused score, as a share of the best service's;
- ``cosine``: its best passage's cosine, less the best cosine of the candidates;
- ``keyword``: 1 / the keyword rank of its best-ranked passage (0: no keyword match);
- ``keywords`` and ``text``: the share of the question's rarity (``core.text.frequency``) that the
  service's editor keywords ("Stichworte: …") and its whole text (title and every chunk) hold.

The candidate with the highest weighted sum goes first with its passages; the others keep their order.
The weights are those of a conditional logit (the right service among the candidates) fitted by
``bench/assistant_rerank.py`` on the development sets' service questions, leaving one set out for the
figures. It replaces session 10's two rules (a close service naming the asked-for thing or holding the
count goes first; between services scoring alike, the one whose text fits the situation): of the 367
questions of nine sets whose right service has rivals, it is first for 278 in the fused order, 286 after
the rules, and 298 after this ranking (each set scored with weights that never saw it). Refitted in
session 14 on eleven sets (with ``final3`` and ``dev_refuse3``): 362 → 378 of 473, but on the two new
sets alone no gain (``final3`` 61 → 60, ``dev_refuse3`` 23 → 23); the cosine's weight fell to almost
nothing, the fused score carries it. Refitted in session 15 on twelve sets (with ``final4``): 405 → 427 of
539, ``final4`` alone 43 → 48 (weights that never saw it); the weights moved little. Refitted in session
16 on thirteen sets (with ``final5``): 450 → 474 of 607, ``final5`` alone 45 → 45.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeVar

from rathaus.assistant.preference import asked_things, in_range, names
from rathaus.assistant.schemas import PassageLike
from rathaus.assistant.scope import without_places
from rathaus.assistant.wording import rare_words, rarity_share

P = TypeVar("P", bound=PassageLike)

WINDOW = 5  # passages whose services compete
WEIGHTS: dict[str, float] = {
    "named": 0.752,
    "count": 2.089,
    "position": -0.155,
    "score": 6.003,
    "cosine": 0.506,
    "keyword": 0.903,
    "keywords": 0.111,
    "text": 2.775,
}


def candidates(passages: Sequence[P]) -> list[P]:
    """The best passage of each service among the first ``WINDOW`` passages, in their order."""
    chosen: dict[int, P] = {}
    for passage in passages[:WINDOW]:
        if passage.kind == "service":
            chosen.setdefault(passage.source_id, passage)
    return list(chosen.values())


def features(
    passages: Sequence[PassageLike], question: str, texts: Mapping[int, str]
) -> list[dict[str, float]]:
    """The signals of each candidate service (see the module's docstring), in the candidates' order."""
    shown = passages[:WINDOW]
    found = candidates(shown)
    places = {name for p in found if (name := getattr(p, "municipality", None))}
    rare = rare_words(without_places(question, places))  # the town is named in every service's text

    def own(source_id: int) -> list[PassageLike]:
        return [p for p in shown if p.source_id == source_id]

    scores = {c.source_id: max(p.score for p in own(c.source_id)) for c in found}
    cosines = {c.source_id: max(_cosine(p) for p in own(c.source_id)) for c in found}
    best_score = max(scores.values(), default=0.0) or 1.0
    best_cosine = max(cosines.values(), default=0.0)
    things = asked_things(question)
    rows = []
    for place, candidate in enumerate(found):
        text = texts.get(candidate.source_id, candidate.text)
        keywords = " ".join(line for line in text.splitlines() if line.startswith("Stichworte:"))
        ranks = [rank for p in own(candidate.source_id) if (rank := getattr(p, "lexical_rank", None))]
        fits = in_range(candidate.title, question)
        rows.append(
            {
                "named": float(bool(things) and names(candidate.title, things)),
                "count": 0.0 if fits is None else (1.0 if fits else -1.0),
                "position": math.log(1 + place),
                "score": scores[candidate.source_id] / best_score,
                "cosine": cosines[candidate.source_id] - best_cosine,
                "keyword": 1.0 / min(ranks) if ranks else 0.0,
                "keywords": rarity_share(rare, keywords),
                "text": rarity_share(rare, f"{candidate.title}\n{text}"),
            }
        )
    return rows


def rerank(passages: Sequence[P], question: str, *, texts: Mapping[int, str]) -> list[P]:
    """``passages`` with the candidate service that scores best first (nothing moves when the best
    passage is no service or it scores best itself)."""
    result = list(passages)
    found = candidates(result)
    if not result or result[0].kind != "service" or len(found) < 2:
        return result
    weighed = [
        sum(WEIGHTS[name] * value for name, value in row.items()) for row in features(result, question, texts)
    ]
    best = found[max(range(len(found)), key=lambda index: (weighed[index], -index))]
    if best.source_id == result[0].source_id:
        return result
    own = [p for p in result if p.source_id == best.source_id]
    return [*own, *(p for p in result if p.source_id != best.source_id)]


def _cosine(passage: PassageLike) -> float:
    value = getattr(passage, "dense", None)
    return float(value) if value is not None else 0.0
