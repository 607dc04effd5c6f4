"""How an extractive answer is composed: the asked-for facts first, then the best sentences, then key facts.

Services answer from their structured facts (fee, duration, documents, offices), by-laws and other texts
from the sentence, list or table row with the value under its paragraph. The question comes in as what
it asks for (``asked.wanted``) and a matcher counting its content words (``matching.question_matcher``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from rathaus.assistant import facts as facts_module
from rathaus.assistant.asked import ADDRESS, VALUE_KINDS, Wanted, beyond_appointment, carries
from rathaus.assistant.schemas import KeyFacts, PassageLike
from rathaus.assistant.titles import short_title

SENTENCES_PER_PASSAGE = 3
SENTENCE_CHARS = 700  # longer sentences are cut after a clause
LONG_SENTENCE = 400
# Sections of the fact chunks of a service (see chunking.service_fact_groups).
FACT_SECTIONS = frozenset({"Kosten und Dauer", "Unterlagen und Formulare", "Standorte und Termine"})


def _unit_text(unit: facts_module.Unit) -> str:
    """A unit as one line of prose: its lead-in with whole items up to ``SENTENCE_CHARS``; a longer list
    says that more follow in the source instead of being cut inside an item."""
    if not unit.items:
        return unit.text
    shown: list[str] = []
    for item in unit.items[: facts_module.MAX_ITEMS]:
        if shown and len(unit.text) + sum(len(x) + 2 for x in (*shown, item)) > SENTENCE_CHARS:
            break
        shown.append(item)
    if len(shown) < len(unit.items) or unit.whole_list:
        shown.append(facts_module.MORE)
    return f"{unit.text} {_joined(shown)}".strip()


def _joined(items: Sequence[str]) -> str:
    """Items as one run: "; " between them, a space after one that ends its own sentence ("… beurkunden.")."""
    text = ""
    for item in items:
        text += item if not text else (" " if text.endswith((".", "!", "?", ";")) else "; ") + item
    return text


def best_sentences(
    text: str,
    kinds: Sequence[Wanted],
    matches: facts_module.Matcher,
    limit: int = SENTENCES_PER_PASSAGE,
    *,
    skip: Collection[str] = (),
) -> list[str]:
    """The sentences of ``text`` that match the question best, in their original order.

    A sentence that carries a value of the asked kind (an amount when the question asks what something
    costs; not a rule's "muss" or "nicht", which most sentences have) counts one word more; sentences
    already shown (``skip``), repeated ones and sub-headings are left out.
    """
    # A web text may say a sentence twice ("Die Verlängerung erfolgt für drei Jahre." in two sections).
    units = [unit for unit in facts_module.units(text) if not facts_module.is_heading(unit)]
    candidates = list(dict.fromkeys(_unit_text(unit) for unit in units))
    candidates = [c for c in candidates if c not in skip]
    scored = []
    for i, sentence in enumerate(candidates):
        score = matches(sentence) + any(carries(sentence, kind) for kind in kinds if kind in VALUE_KINDS)
        if len(sentence) > LONG_SENTENCE:
            score -= 1  # a long sentence only when it matches better than the others
        scored.append((score, i))
    chosen = sorted(i for score, i in sorted(scored, key=lambda x: (-x[0], x[1]))[:limit] if score > 0)
    if not chosen and not skip:
        chosen = list(range(min(2, len(candidates))))
    return [_trim(candidates[i]) for i in chosen]


def _trim(sentence: str) -> str:
    """A whole sentence; only one longer than ``SENTENCE_CHARS`` is cut, after a clause ("; " or ", ")."""
    if len(sentence) <= SENTENCE_CHARS:
        return sentence
    cut = max(sentence.rfind("; ", 0, SENTENCE_CHARS), sentence.rfind(", ", 0, SENTENCE_CHARS))
    if cut < SENTENCE_CHARS // 2:
        return sentence
    return sentence[:cut] + " …"


def _fee_block(label: str, service: str, value: str, citation: int | None) -> list[str]:
    lines = facts_module.fee_lines(value)
    ref = f" [{citation}]" if citation else ""
    if len(lines) == 1:
        return [f"{label} ({service}): {lines[0]}{ref}"]
    return [f"{label} ({service}){ref}:", *(f"– {line}" for line in lines)]


def _facts_lines(facts: Sequence[KeyFacts], *, skip: Collection[str] = ()) -> list[str]:
    """Fee, duration and documents of the best-ranked services that have them, each cited.

    A fee list stays a list (one line per fee); ``skip`` leaves out the attributes already shown first.
    """
    lines: list[str] = []
    for label, attribute in (("Gebühr", "fees"), ("Dauer", "duration"), ("Mitbringen", "documents")):
        if attribute in skip:
            continue
        fact = next((f for f in facts if getattr(f, attribute)), None)
        if fact is None:
            continue
        value = getattr(fact, attribute)
        if isinstance(value, tuple):
            lines.extend(_fee_block(label, fact.service, "\n".join(value), fact.citation))
        else:
            lines.extend(_fee_block(label, fact.service, value, fact.citation))
    return lines


# A service scoring at least this share of the best service's score answers too: when two services fit
# nearly alike ("Reisepass" and "Vorläufiger Reisepass"), the citizen sees the asked-for fact of both,
# each under its service's name, rather than only the one ranked first by a hair.
CLOSE_SHARE = 0.9
MAX_ANSWERING = 2


def close_services(passages: Sequence[PassageLike]) -> set[str]:
    """Titles of the services scoring at least ``CLOSE_SHARE`` of the best service's score."""
    scores: dict[str, float] = {}
    for passage in passages:
        if passage.kind == "service":
            scores[passage.title] = max(scores.get(passage.title, passage.score), passage.score)
    best = max(scores.values(), default=0.0)
    return {title for title, score in scores.items() if best > 0 and score >= CLOSE_SHARE * best}


# What a service's structured facts answer for each kind of question (attribute, label).
SERVICE_FACT = {
    Wanted.FEE: ("fees", "Gebühr"),
    Wanted.AMOUNT: ("fees", "Gebühr"),
    Wanted.PERIOD: ("duration", "Dauer"),
    Wanted.DOCUMENTS: ("documents", "Mitbringen"),
    Wanted.OFFICE: ("locations", "Zuständig"),
}


def _fact_value(fact: KeyFacts, attribute: str) -> tuple[str, str | tuple[str, ...]] | None:
    """(label, value) of ``attribute``; a service without a list of documents answers with its forms."""
    value = getattr(fact, attribute)
    if value:
        return "", value
    if attribute == "documents" and fact.forms:
        return "Formulare", tuple(dict.fromkeys(name for name, _link in fact.forms))
    return None


def _service_fact_lines(
    kind: Wanted, facts: Sequence[KeyFacts], close: Collection[str] = ()
) -> tuple[str, list[str]] | None:
    """The structured fact of the best-ranked service that has one, and of a service scoring nearly alike.

    ``close`` names the services scoring nearly as well as the best (see :func:`close_services`); at most
    ``MAX_ANSWERING`` services answer, each under its name. (Choosing by the service's name instead won one
    tuning question and lost another: the ranking decides.)
    """
    attribute, label = SERVICE_FACT.get(kind, ("", ""))
    if not attribute:
        return None
    lines: list[str] = []
    answered = 0
    for fact in facts:
        found = _fact_value(fact, attribute)
        if found is None or (answered and fact.service not in close):
            continue
        own_label, value = found
        text = "\n".join(value) if isinstance(value, tuple) else str(value)
        lines.extend(_fee_block(own_label or label, fact.service, text, fact.citation))
        answered += 1
        if answered >= MAX_ANSWERING:
            break
    return (attribute, lines) if lines else None


# Kinds whose answer a service's text may say better than its structured fact: the stored duration is the
# appointment's length, the description says how long the making takes ("Die Herstellung dauert vier Wochen");
# the forms are what to fill in, the description says what to bring ("Bringen Sie … mit"); the office is the
# service's, the description may name where one step is done (with its address, see ``_text_fact_lines``).
TEXT_FIRST = frozenset({Wanted.PERIOD, Wanted.DOCUMENTS, Wanted.OFFICE})


def _text_fact_lines(
    passages: Sequence[PassageLike],
    texts: Sequence[tuple[str, str]],
    kind: Wanted,
    matches: facts_module.Matcher,
    shown: set[str],
    *,
    strict: bool,
    dimension: re.Pattern[str] | None = None,
) -> list[str]:
    """The sentence, list or table row with a value of ``kind`` under its passage and paragraph, cited.

    With ``dimension`` (the question names a unit: "Wie viel Prozent …?"), only a value in it answers:
    "80 v. H." of the advance payment, not the 6,59 Euro per square metre of the rate paragraph before it.

    Where a service's offices answer, only a sentence with an address and two of the question's words
    does: "Wo muss ich mich registrieren?" – "… zum Ankunftszentrum in die Dachauer Straße 122 zur
    Registrierung kommen", a place for that step rather than the service's office.
    """
    office = kind is Wanted.OFFICE and strict
    picked = facts_module.pick(
        texts,
        kind=kind,
        matches=matches,
        min_words=1 if strict else 0,
        also=ADDRESS if office else dimension,
    )
    if picked is None:
        return []
    index, found = picked
    passage = passages[index]
    paragraph = (
        passage.section if passage.kind != "service" else ""
    )  # a service's "Beschreibung" says nothing
    where = f"{short_title(passage)}, {paragraph}" if paragraph else short_title(passage)
    lines: list[str] = []
    for unit in found:
        if _unit_text(unit) in shown:
            continue
        shown.add(_unit_text(unit))
        if unit.whole_list:  # the whole list is not repeated below the items shown of it
            shown.add(_unit_text(facts_module.Unit(unit.text, unit.whole_list)))
        lead, *items = unit.lines()
        lines.append(f"{where}: {lead} [{index + 1}]" if not lines else f"{lead} [{index + 1}]")
        lines.extend(items)
    return lines


def _top_service_text(
    kind: Wanted,
    passages: Sequence[PassageLike],
    texts: Sequence[tuple[str, str]],
    facts: Sequence[KeyFacts],
    matches: facts_module.Matcher,
    shown: set[str],
    dimension: re.Pattern[str] | None = None,
) -> list[str]:
    """The value from the best-ranked service's own text, when its structured facts lack it.

    A period beyond the appointment's length is looked for in its text too (see
    :func:`asked.beyond_appointment`). Its forms stand in for a list of documents only after its text:
    "Bitte bringen Sie ein biometrisches Passfoto mit" says what to bring, the form "Informationen zum
    biometrischen Foto" does not.
    """
    attribute = SERVICE_FACT.get(kind, ("", ""))[0]
    top = next((p for p in passages if p.kind == "service"), None)
    if top is None or not attribute:
        return []
    fact = next((f for f in facts if f.service == top.title), None)
    if fact is not None and getattr(fact, attribute) and not beyond_appointment(kind, matches):
        return []
    pairs = zip(passages, texts, strict=True)
    own = [text if p.source_id == top.source_id else ("", "") for p, text in pairs]
    return _text_fact_lines(passages, own, kind, matches, shown, strict=False, dimension=dimension)


def asked_lines(
    passages: Sequence[PassageLike],
    kinds: Sequence[Wanted],
    facts: Sequence[KeyFacts],
    matches: facts_module.Matcher,
    *,
    dimension: re.Pattern[str] | None = None,
) -> tuple[list[str], set[str], set[str]]:
    """The lines that answer what ``question`` asks for, first; the attributes and sentences they show.

    Services answer from their structured facts (fee, duration, documents, offices); by-laws and other
    texts from the sentence, list or table row with the value under its paragraph ("§ 5 Steuersatz").
    """
    lines: list[str] = []
    attributes: set[str] = set()
    shown: set[str] = set()
    close = close_services(passages)
    texts = [
        ("" if is_fact_chunk(p) or not _answers(p, passages, close) else p.text, p.section) for p in passages
    ]
    for kind in kinds:
        service = _service_fact_lines(kind, facts, close)
        own = _top_service_text(kind, passages, texts, facts, matches, shown, dimension)
        if own:  # the best service says it in its description: not another service's structured fee
            lines.extend(own)
            if kind is Wanted.DOCUMENTS and service is not None and service[0] not in attributes:
                attributes.add(service[0])
                lines.extend(service[1])  # its forms follow what its text says to bring
            continue
        text_first = service is None or kind in TEXT_FIRST
        found = (
            _text_fact_lines(
                passages,
                texts,
                kind,
                matches,
                shown,
                strict=service is not None or kind is Wanted.RULE,
                dimension=dimension,
            )
            if text_first
            else []
        )
        lines.extend(found)
        if found and kind is Wanted.PERIOD:
            continue  # the text says the asked period; the appointment's length follows among the key facts
        if service is not None and service[0] not in attributes:
            attributes.add(service[0])
            lines.extend(service[1])
    return lines, attributes, shown


def _answers(passage: PassageLike, passages: Sequence[PassageLike], close: Collection[str]) -> bool:
    """Whether ``passage`` may give the asked-for value: when a service ranks first, only its own text and
    that of a service fitting nearly alike do ("Bis wann gilt meine Aufenthaltserlaubnis?" is answered by the
    refugees' permit, not by the students' permit ranked third, whose "drei Jahre" would be another's rule).
    """
    top = passages[0] if passages else None
    if top is None or top.kind != "service" or passage.kind != "service":
        return True
    return passage.source_id == top.source_id or passage.title in close


def with_own_chunks(chosen: Sequence[PassageLike], passages: Sequence[PassageLike]) -> list[PassageLike]:
    """The passages that answer (``chosen``) with the other retrieved chunks of the best one's source.

    The chunk that matches the question best is often not the one stating the asked-for value: "Wie lange
    wird das Kennzeichen reserviert?" matches the fees chunk of "Fahrzeug abmelden", and its description
    chunk (added as the value passage, see ``values``) says "für 12 Monate zu reservieren". Whether to
    answer is decided as before; the answering source's own chunks only show what it says. A service's
    chunks follow its best one at once (its description, retrieved fifth, would not be shown otherwise);
    a by-law's paragraphs keep their retrieval rank (moved up, they pushed other sources' rates out).
    """
    if not chosen:
        return []
    first = chosen[0]
    own = [p for p in passages if p is not first and p.source_id == first.source_id and p.kind == first.kind]
    if first.kind != "service":
        kept = {id(p) for p in (*chosen, *own)}
        return [p for p in passages if id(p) in kept]
    return [first, *own, *(p for p in chosen[1:] if all(p is not o for o in own))]


def shown_passages(
    passages: Sequence[PassageLike], prose: int = 3, most: int = 5, *, retrieved: Sequence[PassageLike] = ()
) -> list[PassageLike]:
    """The passages an answer is built from: the first ``prose`` that are not a service's fact chunk, with
    the fact chunks ranked among them (``most`` in all); with the ``retrieved`` passages, the answering
    ones come with the best source's other retrieved chunks (see :func:`with_own_chunks`).

    A service's fees, documents and offices chunks rank high for "Was kostet …?" and fill the first places,
    while the sentence with the asked-for value stands in its description ranked fourth ("Die Beratung ist
    ein kostenfreies Angebot"); the fact chunks are shown as key facts and take no place of the prose.
    """
    if retrieved:
        passages = with_own_chunks(passages, retrieved)
    chosen: list[PassageLike] = []
    count = 0
    for passage in passages:
        if count >= prose or len(chosen) >= most:
            break
        chosen.append(passage)
        count += not is_fact_chunk(passage)
    return chosen


def is_fact_chunk(passage: PassageLike) -> bool:
    """True for the fees/documents/places chunks of a service: shown as key facts, not as prose."""
    return passage.kind == "service" and passage.section in FACT_SECTIONS


def extractive_text(
    passages: Sequence[PassageLike],
    kinds: Sequence[Wanted],
    facts: Sequence[KeyFacts],
    matches: facts_module.Matcher,
    *,
    dimension: re.Pattern[str] | None = None,
) -> str:
    """The answer text: the asked-for facts first, then the best sentences of each passage, each cited."""
    first, attributes, shown = asked_lines(passages, kinds, facts, matches, dimension=dimension)
    # The sentence stating the asked rule comes first, but the passages' best sentences say the rest of it.
    limit = 2 if first and Wanted.RULE not in kinds else SENTENCES_PER_PASSAGE
    paragraphs = []
    for number, passage in enumerate(passages, start=1):
        if is_fact_chunk(passage) and facts:
            continue
        picked = best_sentences(passage.text, kinds, matches, limit, skip=shown)
        if picked:
            paragraphs.append(f"{short_title(passage)}: {' '.join(picked)} [{number}]")
    return "\n".join([*first, *paragraphs, *_facts_lines(facts, skip=attributes)])
