"""Associations (Verbände): which one a question names, so that another's rules do not answer it.

A Gemeindeverwaltungsverband or Zweckverband makes its own by-laws; the front matter says whose
(``verband: "GVV Oberdorf"``). They count as their Landkreis' rules for the municipality scope, but a
Landkreis has several associations, and one's allowance or fee is not another's: a question that names
an association is answered from that association's by-laws alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.assistant.models import KnowledgeSource
from rathaus.assistant.schemas import PassageLike
from rathaus.assistant.wording import terms

P = TypeVar("P", bound=PassageLike)
# A by-law title's head names its kind: the town's rule of that kind has most of the same words.
SAME_KIND = 0.75

# Words of an association's name that say what it is, not which one: they do not tell two apart.
_KIND_WORD = re.compile(r"verband|verbands|verbandes|gvv|raum|und|der|des|die|grundschul")
# A word in the question that speaks of an association ("Verbandsversammlung", "GVV").
_SPEAKS_OF_ONE = re.compile(r"verband|\bgvv\b", re.IGNORECASE)
_WORD = re.compile(r"[a-zäöüß]+")


def known_associations(*, session: Session, tenant_id: int) -> dict[str, str | None]:
    """The associations named in the front matter of the tenant's by-laws, each with its municipality."""
    association = KnowledgeSource.meta["verband"].as_string()
    rows = session.execute(
        select(association, KnowledgeSource.municipality)
        .where(KnowledgeSource.tenant_id == tenant_id, association.is_not(None))
        .distinct()
    ).all()
    return {str(name): town for name, town in rows}


def association_of(passage: object) -> str | None:
    """The association whose by-law a passage quotes (None: a town's, a Landkreis' own, a service)."""
    facts = getattr(passage, "facts", None) or {}
    name = facts.get("verband") if isinstance(facts, dict) else None
    return str(name) if name else None


def _telling_words(name: str) -> list[str]:
    """The words that tell this association from others: "GVV Raum Neustadt" → ["neustadt"]."""
    words = _WORD.findall(name.lower())
    return [w for w in words if len(w) > 3 and not _KIND_WORD.fullmatch(w) and "verband" not in w]


def _found(word: str, question_words: Collection[str]) -> bool:
    """``word`` in the question, also with a case ending ("Gruppenklärwerks")."""
    return any(seen.startswith(word) and len(seen) - len(word) <= 2 for seen in question_words)


def named_association(question: str, names: Collection[str], towns: Collection[str]) -> str | None:
    """The association of ``names`` that ``question`` names, or None.

    Named means: its telling words stand in the question, all of them, or at least two where the
    question speaks of an association (the "Abwasserverband Oberdorf-Unterdorf" of a longer name). A
    town's name alone names the town, not the association called after it: a name whose telling words
    are all towns' (``towns``) needs a word like "Verband" or "GVV" in the question. The one naming most
    words wins; a tie names none.
    """
    question_words = set(_WORD.findall(question.lower()))
    speaks_of_one = _SPEAKS_OF_ONE.search(question) is not None
    town_words = {word for town in towns for word in _WORD.findall(town.lower())}
    scored: list[tuple[int, str]] = []
    for name in names:
        telling = _telling_words(name)
        found = [word for word in telling if _found(word, question_words)]
        if not telling or not found:
            continue
        whole = len(found) == len(telling)
        only_towns = all(word in town_words for word in found)
        if (whole and (speaks_of_one or not only_towns)) or (speaks_of_one and len(found) >= 2):
            scored.append((len(found), name))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def own_rule_first(passages: Sequence[P], towns: Collection[str]) -> list[P]:
    """``passages`` with a named town's own by-law first where its Landkreis' or an association's of the
    same kind leads: "ehrenamtlich für die Gemeinde Hattenhofen gearbeitet" is paid by Hattenhofen's
    Entschädigungssatzung, not by that of the Gemeindeverwaltungsverband seated there (same kind: most
    words of the town's title, places aside, stand in the leading one's)."""
    if not passages or not towns:
        return list(passages)
    top = passages[0]
    if _place(top) in towns or top.kind != "bylaw":
        return list(passages)
    district = getattr(top, "district", None) or ""
    places = set().union(*(terms(town) for town in towns), terms(f"{_place(top)} {district}"))
    lead = terms(top.title) - places
    for index, passage in enumerate(passages[1:], start=1):
        if _place(passage) not in towns or passage.kind != "bylaw":
            continue
        own = terms(passage.title) - places
        if own and len(own & lead) / len(own) >= SAME_KIND:
            return [passage, *passages[:index], *passages[index + 1 :]]
    return list(passages)


def _place(passage: PassageLike) -> str:
    return str(getattr(passage, "municipality", None) or "")
