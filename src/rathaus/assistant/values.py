"""The paragraph with the asked-for value, when retrieval found the right by-law but not that paragraph.

"Wie viel Hundesteuer zahle ich in Eschenbach?" retrieves the Hundesteuersatzung's § 1 (it says
"Hundesteuer" twice), not its § 5 Steuersatz with the amount. When the question asks for an amount,
a fee, a period or a time and another chunk of the best source carries one that fits better than the
first two passages do (its heading announces the value, it has more of the question's words, it states
the value as a quantity), that chunk is added right after it, and so is the paragraph stating the asked
rule ("Darf mein Sohn allein in den Ruhewald?": § 4 "Kinder unter 10 Jahren … nur in Begleitung"); when
retrieval found it but ranked it further down (fourth, fifth), it moves up there. A retrieved annex of
the best source counts as part of it ("Gebührenverzeichnis … (Anlage zur Verwaltungsgebührensatzung)");
other by-laws of the municipality do not (tried: they lent a Feuerwehrentschädigungssatzung's rate to a
question on the Ehrenamt allowance).

For services the fee, documents and offices sit in every candidate's structured facts; there the question
decides which of the close services answers first (see ``rerank``: the asked-for thing, the situation
and the retrieval signals weighed together). A period, a day, or a fee the service has no list of stands
only in its description ("… ist bis zum 4. März 2027 gültig"), and so do the documents of a service
that has only forms, and so does a rule ("Darf ich nebenbei arbeiten?"): when its shown chunks lack it,
the description chunk stating it follows the best passage (see ``_service_value``). With rules included,
three development questions more got their fact in session 19 and none fewer
(``python -m bench.assistant citizen`` on the sixteen development sets).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.assistant import facts
from rathaus.assistant.asked import QUANTITIES, Wanted, wanted
from rathaus.assistant.compose import SERVICE_FACT
from rathaus.assistant.matching import question_matcher
from rathaus.assistant.models import Chunk
from rathaus.assistant.needs import asked_unit
from rathaus.assistant.rerank import WINDOW, rerank
from rathaus.assistant.retrieval import Audience, Passage
from rathaus.assistant.retrieval import passages as load_passages
from rathaus.assistant.scope import without_places

# The best passage and the one after it are the ones an answer surely shows (see answers.MAX_PASSAGES).
SHOWN = 2


def with_value_passage(
    *,
    session: Session,
    tenant_id: int,
    found: Sequence[Passage],
    question: str,
    audience: Audience,
    departments: Collection[str] = (),
) -> list[Passage]:
    """``found`` with the best source's passage that carries the asked-for value, when it lacked one.

    When the best passage is a service, the service that fits the question best comes first instead, and
    the chunk of its description with a value its structured facts cannot give follows it (see
    :func:`_service_value`).
    """
    asked = wanted(question)
    kinds = [kind for kind in asked if kind in QUANTITIES or kind is Wanted.RULE]
    result = list(found)
    if result and result[0].kind == "service":
        texts = service_texts(session=session, tenant_id=tenant_id, found=result[:WINDOW])
        result = rerank(result, question, texts=texts)
        chunk = _service_value(
            session=session, tenant_id=tenant_id, found=result, question=question, asked=asked
        )
        if chunk is None:
            return result
        passages = load_passages(
            session=session,
            tenant_id=tenant_id,
            hits=[(chunk, result[0].score)],
            audience=audience,
            departments=departments,
        )
        rest = [p for p in result[1:] if p.chunk_id != chunk]  # moved up when retrieved further down
        return [result[0], *passages, *rest][: len(result)] if passages else result
    if not kinds or not result:
        return result
    top = result[0]
    # The source's own place name is no sign of the value ("… der Bücherei Bad Boll …" in every paragraph).
    places = [name for name in (top.municipality, top.district) if name]
    matches = question_matcher(without_places(question, places) or question)
    dimension = asked_unit(question)  # "Wie viel Prozent …?": only a share is the value

    def best_in(text: str, section: str) -> float:
        scores = [
            found[0][0]
            for kind in kinds
            if (
                found := facts.best_units(
                    text, section=section, kind=kind, matches=matches, limit=1, also=dimension
                )
            )
        ]
        return max(scores, default=0.0)

    sources = {top.source_id} | {p.source_id for p in result if annex_of(p.title, top.title)}
    own = [(index, p) for index, p in enumerate(result) if p.source_id in sources]
    shown = max((best_in(p.text, p.section) for index, p in own if index < SHOWN), default=0.0)
    later = [(best_in(p.text, p.section), index) for index, p in own if index >= SHOWN]
    best_later = max(later, key=lambda entry: (entry[0], -entry[1]), default=(0.0, -1))
    seen = {p.chunk_id for p in result}
    rows = session.execute(
        select(Chunk.id, Chunk.section, Chunk.text).where(
            Chunk.tenant_id == tenant_id, Chunk.source_id.in_(sources)
        )
    ).all()
    best: tuple[float, int] | None = None
    for chunk_id, section, text in rows:
        score = 0.0 if chunk_id in seen else best_in(text, section)
        if score > max(shown, best_later[0]) and (best is None or score > best[0]):
            best = (score, chunk_id)
    if best is None:
        return _moved_up(result, best_later[1]) if best_later[0] > shown else result
    added = load_passages(
        session=session,
        tenant_id=tenant_id,
        hits=[(best[1], top.score)],
        audience=audience,
        departments=departments,
    )
    return [top, *added, *result[1:]][: max(len(result), 1)] if added else result


# "Gebührenverzeichnis der Gemeinde Gammelshausen (Anlage zur Verwaltungsgebührensatzung)"
ANNEX = re.compile(r"\bAnlage\s+(?:\d+\s+)?zu[rm]?\s+(?:der\s+|dem\s+)?([\wÄÖÜäöüß-]{6,})", re.IGNORECASE)


def annex_of(title: str, parent: str) -> bool:
    """True when the source titled ``title`` is an annex of the one titled ``parent`` (it names it)."""
    found = ANNEX.search(title)
    return found is not None and title != parent and found.group(1).lower() in parent.lower()


def _moved_up(found: list[Passage], index: int) -> list[Passage]:
    """``found`` with the passage at ``index`` right after the best one (the value passage was retrieved,
    but so far down that the answer would not show it: "§ 5 Steuersatz" fifth after § 1, § 11 …)."""
    return [found[0], found[index], *(p for i, p in enumerate(found) if i not in {0, index})]


# A service's structured facts answer fees, documents and offices; its duration is the appointment's length
# ("etwa 15 Minuten (Termin vor Ort)"). How long a permit is valid, how long a service may last, on which
# day something happens: only its description says that ("… ist bis zum 4. März 2027 gültig").
TEXT_ONLY = (Wanted.PERIOD, Wanted.DAY, Wanted.HOURS)
FACT_SECTIONS = ("Kosten und Dauer", "Unterlagen und Formulare", "Standorte und Termine")


def _service_value(
    *, session: Session, tenant_id: int, found: Sequence[Passage], question: str, asked: Sequence[Wanted]
) -> int | None:
    """The chunk of the best service's description with the asked-for value its passages lack, if any.

    A value its text says beside the structured facts (a period, a day; a fee or documents it has no list
    of) is looked up in its other chunks when none of its retrieved ones states it with a word of the
    question.
    """
    top = found[0]
    kinds = [k for k in asked if k in TEXT_ONLY or k is Wanted.RULE or _lacks(top, k)]
    if not kinds:
        return None
    matches = question_matcher(question)

    def best_in(text: str) -> float:
        scores = [
            units[0][0]
            for kind in kinds
            if (units := facts.best_units(text, section="", kind=kind, matches=matches, limit=1, min_words=1))
        ]
        return max(scores, default=0.0)

    # Only the first passages are shown (``WINDOW``); a chunk retrieved further down counts as not found.
    own = [p for p in found[:WINDOW] if p.source_id == top.source_id and p.section not in FACT_SECTIONS]
    shown = max((best_in(p.text) for p in own), default=0.0)
    seen = {p.chunk_id for p in found[:WINDOW]}
    rows = session.execute(
        select(Chunk.id, Chunk.section, Chunk.text).where(
            Chunk.tenant_id == tenant_id, Chunk.source_id == top.source_id
        )
    ).all()
    scored = [
        (best_in(text), chunk_id)
        for chunk_id, section, text in rows
        if chunk_id not in seen and section not in FACT_SECTIONS
    ]
    best = max(scored, default=(0.0, 0))
    if Wanted.RULE in asked:  # most sentences state some rule: the asked one matches better than the shown
        return best[1] if best[0] > shown else None
    return best[1] if best[0] > 0 and not shown else None


# A fee or documents the service has no list of stand in its description ("Bitte bringen Sie Ihren gültigen
# Personalausweis mit"); its forms are no list of documents.
LISTED = (Wanted.FEE, Wanted.DOCUMENTS)


def _lacks(passage: Passage, kind: Wanted) -> bool:
    """Whether the service of ``passage`` has no structured list answering ``kind`` (fees, documents)."""
    return kind in LISTED and not passage.facts.get(SERVICE_FACT[kind][0])


def service_texts(*, session: Session, tenant_id: int, found: Sequence[Passage]) -> dict[int, str]:
    """The whole text (every chunk, in order) of each service among ``found``, by source id."""
    ids = sorted({p.source_id for p in found if p.kind == "service"})
    if len(ids) <= 1:  # one service has no rival
        return {}
    rows = session.execute(
        select(Chunk.source_id, Chunk.text)
        .where(Chunk.tenant_id == tenant_id, Chunk.source_id.in_(ids))
        .order_by(Chunk.source_id, Chunk.ordinal)
    ).all()
    texts: dict[int, list[str]] = {}
    for source_id, text in rows:
        texts.setdefault(int(source_id), []).append(text)
    return {source_id: "\n".join(parts) for source_id, parts in texts.items()}
