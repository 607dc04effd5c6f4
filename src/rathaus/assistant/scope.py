"""Which municipalities' sources an answer may use: the tenant's, the one the question names, never two.

A source belongs to a municipality (a Gemeinde, or "Landkreis …" for the district's own rules) or is
``shared`` (valid everywhere); a source without one is the tenant's own. A tenant serves the
municipalities listed for it in ``assistant.municipalities`` (all of its sources when it is not
listed). Retrieval reads only served and shared sources (:func:`clause`). A question that names a
municipality is answered from that one (and its Landkreis); one that names none, where several
municipalities have a rule of the asked kind, gets the question "Für welche Gemeinde?"
(:func:`competing`); an answer's passages never come from two municipalities (:func:`one_municipality`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from rathaus.assistant.associations import association_of
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.models import KnowledgeSource
from rathaus.core.security.models import Tenant
from rathaus.core.text.stopwords import STOPWORDS

DISTRICT_PREFIX = "Landkreis "
DISTRICT_BODIES = (
    "kreis",
    "kreises",
    "landkreises",
    "landratsamt",
    "landratsamts",
    "landratsamtes",
    "kreistag",
    "kreistags",
    "kreistages",
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _aliases(lowered: str) -> list[str]:
    """Other ways a question writes a place name: without umlauts, "u. A." spelled out as "unter A…",
    the adjective of a name ending in "-en" ("…chen" → "…chner")."""
    found = [lowered.translate(_UMLAUTS)]
    # "Zell u. A." = "Zell unter A…" (the place it lies under)
    abbreviated = re.search(r"\bu\. ?(\w)\.", lowered)
    if abbreviated:
        found.append(lowered[: abbreviated.start()] + "unter " + abbreviated.group(1))
        found.append(lowered.replace(abbreviated.group(0), f"u. {abbreviated.group(1)}."))
        found.append(lowered.replace(abbreviated.group(0), f"u.{abbreviated.group(1)}."))
    if lowered.endswith("chen"):
        found.append(lowered.removesuffix("en") + "ner")
    return [alias for alias in dict.fromkeys(found) if alias != lowered]


@dataclass(frozen=True)
class Scope:
    """The municipalities whose sources may answer (None: all of the tenant's), and of an association's
    by-laws only those of ``association`` when the question names one (see ``associations``)."""

    municipalities: frozenset[str] | None = None
    association: str | None = None

    def narrowed(self, names: Collection[str], association: str | None = None) -> Scope:
        """Only ``names`` (within this scope), and only ``association``'s by-laws when given."""
        wanted = frozenset(names)
        return Scope(wanted if self.municipalities is None else wanted & self.municipalities, association)

    def serves(self, name: str) -> bool:
        """Whether sources of ``name`` may answer."""
        return self.municipalities is None or name in self.municipalities


def served_scope(*, session: Session, tenant_id: int, settings: AssistantSettings) -> Scope:
    """The scope of a tenant from ``assistant.municipalities`` (by tenant slug; unlisted: everything)."""
    slug = session.scalar(select(Tenant.slug).where(Tenant.id == tenant_id))
    names = settings.municipalities.get(slug or "")
    return Scope(frozenset(names)) if names else Scope()


def default_municipality(*, session: Session, tenant_id: int, settings: AssistantSettings) -> str | None:
    """The municipality that a tenant's own sources (services, FAQ, uploads without one) belong to."""
    slug = session.scalar(select(Tenant.slug).where(Tenant.id == tenant_id))
    names = settings.municipalities.get(slug or "")
    return names[0] if names else None


def clause(scope: Scope) -> ColumnElement[bool] | None:
    """The WHERE condition on KnowledgeSource for ``scope`` (None: no condition)."""
    if scope.municipalities is None and scope.association is None:
        return None
    own = or_(KnowledgeSource.shared.is_(True), KnowledgeSource.municipality.is_(None))
    served = (
        KnowledgeSource.municipality.in_(sorted(scope.municipalities))
        if scope.municipalities is not None
        else KnowledgeSource.municipality.is_not(None)
    )
    if scope.association is not None:
        return or_(own, and_(served, KnowledgeSource.meta["verband"].as_string() == scope.association))
    return or_(own, served)


@dataclass(frozen=True)
class SourceRow:
    """What a question's scope checks read of a source: its title and where it belongs."""

    id: int
    title: str
    municipality: str | None
    district: str | None
    shared: bool


def source_rows(*, session: Session, tenant_id: int) -> list[SourceRow]:
    """Title and place of every source of the tenant, read once per question."""
    rows = session.execute(
        select(
            KnowledgeSource.id,
            KnowledgeSource.title,
            KnowledgeSource.municipality,
            KnowledgeSource.district,
            KnowledgeSource.shared,
        ).where(KnowledgeSource.tenant_id == tenant_id)
    ).all()
    return [
        SourceRow(int(source_id), str(title), town, district, bool(shared))
        for source_id, title, town, district, shared in rows
    ]


def known_municipalities(*, session: Session, tenant_id: int) -> dict[str, str | None]:
    """Every municipality of the tenant's sources with its Landkreis (None when unknown)."""
    rows = session.execute(
        select(KnowledgeSource.municipality, KnowledgeSource.district)
        .where(KnowledgeSource.tenant_id == tenant_id, KnowledgeSource.municipality.is_not(None))
        .distinct()
    ).all()
    found: dict[str, str | None] = {}
    for name, district in rows:
        found[str(name)] = found.get(str(name)) or district
    return found


def _patterns(name: str, towns: Collection[str]) -> list[str]:
    lowered = name.lower()
    spellings = [lowered, *_aliases(lowered)]
    if lowered.startswith(DISTRICT_PREFIX.lower()):
        bare = lowered.removeprefix(DISTRICT_PREFIX.lower())
        # the district's bodies and the genitive name it too, not its town of that name: "beim Landratsamt
        # Neustadt", "der Kreistag Neustadt", "des Landkreises Neustadt"
        spellings.extend(f"{body} {bare}" for body in DISTRICT_BODIES)
        if bare not in {town.lower() for town in towns}:
            spellings.append(bare)  # "in Göppingen" means the district when no town of that name is known
    found = []
    for spelling in spellings:
        stem = spelling.removesuffix("en") if spelling.endswith("en") and len(spelling) >= 8 else spelling
        found.append(rf"(?<![\w]){re.escape(stem)}")  # the town's adjective ("…er") names it too
    head = _bare(lowered)
    if head and not any(town.lower() != lowered and town.lower().startswith(head) for town in towns):
        found.append(rf"(?<![\w]){re.escape(head)}(?:er[nms]?)?(?![\w])")
    return found


# A place name with the qualifier that tells it from others of that name: "Zell u. A.", "Zell unter
# Aichelberg", "Weil am Rhein", "Neustadt an der Weinstraße", "Hausen ob Verena".
_QUALIFIED = re.compile(r"^([a-zäöüß][\w-]{2,})\s+(?:u\.\s?\w\.|unter|am|an der|an|im|ob|bei)(?:\s|$)")


def _bare(lowered: str) -> str | None:
    """The name without its qualifier, as people living there say it ("in Zell", "die Zeller Feuerwehr").

    Not when it is a common word ("Weil am Rhein": "weil"); the caller also drops it when another town
    of the installation begins with it.
    """
    match = _QUALIFIED.match(lowered)
    return match.group(1) if match and match.group(1) not in STOPWORDS else None


def _mentions(question: str, known: Collection[str]) -> list[tuple[int, int, str]]:
    """Where ``question`` names municipalities of ``known``: (start, end, name), longest first, no overlap."""
    text = question.lower()
    towns = [name for name in known if not name.startswith(DISTRICT_PREFIX)]
    spans: list[tuple[int, int, str]] = []
    for name in known:
        for pattern in _patterns(name, towns):
            spans.extend((match.start(), match.end(), name) for match in re.finditer(pattern, text))
    spans.sort(key=lambda span: (-(span[1] - span[0]), span[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, name in spans:
        if not any(start < other_end and other_start < end for other_start, other_end, _ in kept):
            kept.append((start, end, name))  # "X unter Y" is X, not Y
    return kept


# The words before a town that is part of an association's name: "…verband Raum ", "…verbands Oberdorf-".
ASSOCIATION = re.compile(r"verband(?:es|s)?\s+(?:Raum\s+)?(?:[A-ZÄÖÜ][\wäöüß.]*(?:\s+|\s*[-/]\s*))*$")


def named_in(question: str, known: Collection[str] | Mapping[str, str | None]) -> list[str]:
    """The municipalities among ``known`` that ``question`` names, longest mention first.

    A town named as part of an association's name ("Gemeindeverwaltungsverband Raum Neustadt",
    "Abwasserverband Oberdorf-Unterdorf-Neustadt") names the association, whose rules are
    its Landkreis' (``known`` as a mapping gives each town's Landkreis), not the town's own by-laws.
    """
    districts = known if isinstance(known, Mapping) else {}
    found = []
    for start, _end, name in _mentions(question, known):
        district = districts.get(name)
        in_association = ASSOCIATION.search(question[:start]) is not None
        found.append(f"{DISTRICT_PREFIX}{district}" if in_association and district else name)
    return list(dict.fromkeys(found))


def without_places(question: str, known: Collection[str]) -> str:
    """``question`` with its mentions of municipalities blanked: a place name is no sign of an answer."""
    text = question
    for start, end, _name in sorted(_mentions(question, known), reverse=True):
        word_end = re.match(r"\w*", text[end:])
        text = text[:start] + " " + text[end + (word_end.end() if word_end else 0) :]
    return " ".join(text.split())


# A capitalised word inside a sentence (not its first): a noun or a name ("auf der Mainau").
_INNER_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-ZÄÖÜ][a-zäöüß]{3,}\b")
_TITLE_WORD = re.compile(r"[a-zäöüß]+")


def place_by_word(
    *, session: Session, tenant_id: int, question: str, rows: Sequence[SourceRow] | None = None
) -> str | None:
    """The one municipality a word of ``question`` belongs to, when it names no municipality itself.

    Citizens name a part of a town ("der Ruhewald auf der Mainau") rather than the town. A word that
    stands in the titles of one municipality's sources and in no other source's title or text (its
    Landkreis' aside) identifies that municipality; a word two municipalities use says nothing.
    ``rows``: the tenant's ``source_rows`` when the caller has read them already.
    """
    words = [
        w for w in dict.fromkeys(_INNER_CAPITALISED.findall(question.strip())) if w.lower() not in STOPWORDS
    ]
    if not words:
        return None
    if rows is None:
        rows = source_rows(session=session, tenant_id=tenant_id)
    found = {place for word in words if (place := _owner(session, tenant_id, word, rows))}
    return next(iter(found)) if len(found) == 1 else None


def _owner(session: Session, tenant_id: int, word: str, rows: Sequence[SourceRow]) -> str | None:
    """The municipality whose titles alone hold ``word`` (as a word) and whose texts alone use it."""
    lowered = word.lower()
    holders = [row for row in rows if lowered in row.title.lower()]
    places = {row.municipality or "" for row in holders}
    if len(places) != 1 or any(row.shared or not row.municipality for row in holders):
        return None
    (place,) = places
    own_titles = (row.title.lower() for row in rows if row.municipality == place)
    if not any(lowered in _TITLE_WORD.findall(title) for title in own_titles):
        return None
    district = next((f"{DISTRICT_PREFIX}{row.district}" for row in holders if row.district), None)
    elsewhere = session.scalar(
        select(KnowledgeSource.id)
        .where(
            KnowledgeSource.tenant_id == tenant_id,
            or_(
                KnowledgeSource.shared.is_(True),
                KnowledgeSource.municipality.is_(None),
                KnowledgeSource.municipality.not_in([place, district or place]),
            ),
            or_(KnowledgeSource.body.contains(word), KnowledgeSource.body.contains(lowered)),
        )
        .limit(1)
    )
    return None if elsewhere is not None else place


def with_district(names: Sequence[str], known: dict[str, str | None]) -> set[str]:
    """``names`` and the Landkreis each lies in: a district's rules hold in its towns too."""
    found = set(names)
    for name in names:
        district = known.get(name)
        if district and not name.startswith(DISTRICT_PREFIX):
            found.add(f"{DISTRICT_PREFIX}{district}")
    return found


def municipality_of(passage: Any) -> str | None:
    """The municipality a passage speaks for (None: shared or the tenant's own)."""
    if getattr(passage, "shared", False):
        return None
    name = getattr(passage, "municipality", None)
    return str(name) if name else None


def compatible(first: str | None, second: str | None, district_of: dict[str, str | None]) -> bool:
    """Whether two municipalities' values may stand in one answer (same one, or a town and its district)."""
    if first is None or second is None or first == second:
        return True
    for town, district in ((first, second), (second, first)):
        if district.startswith(DISTRICT_PREFIX) and district_of.get(town) == district.removeprefix(
            DISTRICT_PREFIX
        ):
            return True
    return False


def one_municipality(passages: Sequence[Any]) -> list[Any]:
    """The passages that agree with the best-ranked one's municipality (shared and own ones always),
    and with its association: two associations of one Landkreis do not answer together.

    A town's answer may quote its Landkreis (the district's rule holds there too); a Landkreis's answer
    quotes no town: one town's Geschäftsordnung is no rule of the Kreistag.
    """
    districts = {str(getattr(p, "municipality", "")): getattr(p, "district", None) for p in passages}
    first = next((municipality_of(p) for p in passages if municipality_of(p)), None)
    body = next((name for p in passages if (name := association_of(p))), None)
    return [
        p
        for p in passages
        if _may_join(first, municipality_of(p), districts) and association_of(p) in (None, body)
    ]


def _may_join(first: str | None, other: str | None, district_of: dict[str, str | None]) -> bool:
    """Whether ``other``'s passage may join an answer led by ``first``'s (no town under its district)."""
    if first is not None and other is not None and first.startswith(DISTRICT_PREFIX) and other != first:
        return False
    return compatible(first, other, district_of)


def competing(passages: Sequence[Any]) -> list[str]:
    """The municipalities (best first) whose passages answer: two or more mean "Für welche Gemeinde?".

    A Landkreis whose towns are among them is not counted apart: its rules hold in those towns.
    """
    districts = {str(getattr(p, "municipality", "")): getattr(p, "district", None) for p in passages}
    names: list[str] = []
    for passage in passages:
        name = municipality_of(passage)
        if name and name not in names:
            names.append(name)
    towns = [name for name in names if not name.startswith(DISTRICT_PREFIX)]
    return [
        name
        for name in names
        if not name.startswith(DISTRICT_PREFIX)
        or not any(compatible(town, name, districts) for town in towns)
    ]


CITED = re.compile(r"\[(\d{1,2})\]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])|\n+")


def _source_text(passage: Any) -> str:
    return f"{passage.title} {passage.section} {passage.text} {getattr(passage, 'facts', '')}"


def numbers_in_cited(text: str, passages: Sequence[Any]) -> bool:
    """True when each number of ``text`` occurs in a passage its sentence cites, all of one municipality.

    A sentence without a citation is checked against every passage the answer cites (all passages
    when it cites none). Citing passages of two municipalities fails: one answer never mixes them.
    """
    cited_all = [int(n) for n in CITED.findall(text) if 1 <= int(n) <= len(passages)]
    pool = [passages[n - 1] for n in dict.fromkeys(cited_all)] or list(passages)
    if len(competing(pool)) > 1:
        return False
    for sentence in SENTENCE_END.split(text):
        numbers = NUMBER.findall(CITED.sub("", sentence))
        if not numbers:
            continue
        own = [int(n) for n in CITED.findall(sentence) if 1 <= int(n) <= len(passages)]
        sources = [passages[n - 1] for n in own] or pool
        known = set(NUMBER.findall(" ".join(_source_text(p) for p in sources)))
        if not all(number in known for number in numbers):
            return False
    return True
