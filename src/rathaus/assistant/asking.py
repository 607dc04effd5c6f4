"""Asking the assistant: one flow for the citizen page, the widget, the JSON API and staff mode.

Check the question, find the municipality it is about (see ``scope``: named in the question, chosen
after "Für welche Gemeinde?", or the tenant's), retrieve the passages the audience may see, answer
from them (streaming or not),
log the conversation redacted and record an LLM answer as an AI draft. The routes add only what is
HTTP: forms, the rate limit, rendering and the event stream. Like every domain function here, this
takes a session and does not commit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.assistant import answerability, associations, conversations, places, scope
from rathaus.assistant.answers import question_problem, stream_answer
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.fusion import FusionParams, params_per_kind
from rathaus.assistant.handover import BookingLinks, pattern_links
from rathaus.assistant.models import KnowledgeSource
from rathaus.assistant.redaction import without_personal_data
from rathaus.assistant.retrieval import Audience, Passage, retrieve
from rathaus.assistant.schemas import Answer
from rathaus.assistant.values import with_value_passage
from rathaus.core.audit.service import Actor
from rathaus.core.text.coordination import expand_coordinations

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import ChatModel, Embedder


class QuestionError(ValueError):
    """A question that cannot be answered as typed (the message, in German, says why)."""


@dataclass(frozen=True)
class Asked:
    """A logged answer with the passages it was built from (staff mode shows them)."""

    answer: Answer
    passages: list[Passage]
    conversation_id: int


def clarifying_answer(choices: list[str]) -> Answer:
    """The question back "Für welche Gemeinde?" with the municipalities to choose from."""
    listed = ", ".join(choices[:-1]) + f" und {choices[-1]}" if len(choices) > 1 else choices[0]
    return Answer(
        text=f"Für welche Gemeinde möchten Sie das wissen? Regelungen dazu gibt es für {listed}.",
        mode="clarify",
        choices=choices,
    )


def _out_of_scope(named: str, served: scope.Scope, known: Collection[str] = ()) -> Answer:
    towns = served.municipalities or [name for name in known if not name.startswith(scope.DISTRICT_PREFIX)]
    listed = ", ".join(sorted(towns))
    return Answer(
        text=(
            f"Zu {named} habe ich keine Unterlagen: Dieser Assistent beantwortet Fragen zu {listed}"
            f"{'' if listed.endswith('.') else '.'} "  # "… und Zell u.A." ends the sentence already
            "Bitte wenden Sie sich an die zuständige Verwaltung."
        ),
        mode="handover",
    )


@dataclass(frozen=True)
class _Scoped:
    scope: scope.Scope
    named: list[str]  # the municipalities the question names (or the one chosen)
    about: str  # the question without place names
    refusal: Answer | None  # set when the question is about a municipality not served


def _in_services(session: Session, tenant_id: int) -> Callable[[str], bool]:
    """Whether the tenant's own services speak of a place (a federal office's seat, say)."""

    def mentioned(name: str) -> bool:
        found = session.scalar(
            select(KnowledgeSource.id)
            .where(
                KnowledgeSource.tenant_id == tenant_id,
                KnowledgeSource.kind == "service",
                KnowledgeSource.body.contains(name),
            )
            .limit(1)
        )
        return found is not None

    return mentioned


def _scoped(
    session: Session,
    tenant_id: int,
    question: str,
    municipality: str | None,
    settings: AssistantSettings,
    rows: Sequence[scope.SourceRow],
) -> _Scoped:
    """The scope of this question, the municipalities it names, or the answer that it is out of scope."""
    served = scope.served_scope(session=session, tenant_id=tenant_id, settings=settings)
    known = scope.known_municipalities(session=session, tenant_id=tenant_id)
    named = [municipality] if municipality else scope.named_in(question, known)
    about = scope.without_places(question, known) or question
    bodies = associations.known_associations(session=session, tenant_id=tenant_id)
    association = None if municipality else associations.named_association(question, bodies, known)
    if association and bodies[association]:  # "beim GVV Oberdorf": its Landkreis, its by-laws alone
        named = [str(bodies[association])]
    if not named:
        # "auf der Mainau": a word only one municipality's sources use names it, unless it is another
        # town ("in Oberdorf", a neighbour its by-laws mention, too large to be a part of it)
        by_word = scope.place_by_word(session=session, tenant_id=tenant_id, question=question, rows=rows)
        towns = [name for name in known if not name.startswith(scope.DISTRICT_PREFIX)]
        other = places.other_town(question, towns, mentioned=_in_services(session, tenant_id))
        if other and not (by_word and places.may_lie_in(other, by_word)):
            return _Scoped(served, [other], about, _out_of_scope(other, served, known))
        named = [by_word] if by_word else []
    inside = [name for name in named if served.serves(name)]
    if named and not inside:
        return _Scoped(served, named, about, _out_of_scope(named[0], served))
    if inside:
        narrowed = served.narrowed(scope.with_district(inside, known), association)
        return _Scoped(narrowed, inside, about, None)
    return _Scoped(served, [], about, None)


def source_topics(
    *, session: Session, tenant_id: int, within: scope.Scope, rows: Sequence[scope.SourceRow] | None = None
) -> answerability.Topics:
    """The topics of the tenant's sources: titles in and outside scope; the texts in scope read on demand.

    ``rows``: the tenant's ``scope.source_rows`` when the caller has read them already.
    """
    if rows is None:
        rows = scope.source_rows(session=session, tenant_id=tenant_id)
    inside: list[tuple[int, str]] = []
    outside: list[str] = []
    for row in rows:
        if row.shared or row.municipality is None or within.serves(row.municipality):
            inside.append((row.id, expand_coordinations(row.title).lower()))
        else:
            outside.append(expand_coordinations(row.title).lower())
    ids = [source_id for source_id, _ in inside]

    @cache
    def texts() -> tuple[str, ...]:
        if not outside:  # every topic lies in scope: no text is needed
            return ()
        bodies = session.scalars(select(KnowledgeSource.body).where(KnowledgeSource.id.in_(ids)))
        return tuple(body.lower() for body in bodies)

    return answerability.Topics(
        titles=tuple(title for _, title in inside), elsewhere=tuple(outside), texts=texts
    )


@dataclass(frozen=True)
class Gathered:
    """What a question has before its answer is written (see :func:`gather`)."""

    scoped: _Scoped
    passages: list[Passage]
    topics: answerability.Topics
    settled: Answer | None  # out of scope, or "Für welche Gemeinde?"

    @property
    def clarifies(self) -> bool:
        """True when the question is asked back "Für welche Gemeinde?"."""
        return self.settled is not None and self.scoped.refusal is None


def gather(
    *,
    session: Session,
    tenant_id: int,
    question: str,
    audience: Audience,
    departments: Collection[str] = (),
    embedder: Embedder | None,
    settings: AssistantSettings,
    municipality: str | None = None,
) -> Gathered:
    """The scope, the passages and the topics of a question, or its answer when settled before retrieval.

    The benchmarks call it too (``bench/assistant_gate_data.py``), so that they see what the product sees.
    """
    rows = scope.source_rows(session=session, tenant_id=tenant_id)
    scoped = _scoped(session, tenant_id, question, municipality, settings, rows)
    named = scoped.named
    passages: list[Passage] = []
    final: Answer | None = scoped.refusal
    topics = source_topics(session=session, tenant_id=tenant_id, within=scoped.scope, rows=rows)
    if final is None:
        passages = retrieve(
            session=session,
            tenant_id=tenant_id,
            query=without_personal_data(question),
            audience=audience,
            departments=departments,
            # Without a named place, more passages show which municipalities have such a rule.
            k=settings.answer_passages * (1 if named else 2),
            embedder=embedder,
            candidates=settings.candidates,
            scope=scoped.scope,
            fusion=params_per_kind(
                rrf_k=settings.rrf_k,
                dense_weight=settings.dense_weight,
                service=FusionParams(settings.service_rrf_k, settings.service_dense_weight),
            ),
        )
        passages = with_value_passage(
            session=session,
            tenant_id=tenant_id,
            found=associations.own_rule_first(passages, named),
            question=question,
            audience=audience,
            departments=departments,
        )
        if not named:
            answering = answerability.decide(
                passages, scoped.about, need_amount=False, topics=topics
            ).passages
            # "A rule of that kind": only sources of the best one's kind compete (by-laws with by-laws).
            choices = scope.competing([p for p in answering if p.kind == answering[0].kind])
            if len(choices) > 1:
                final = clarifying_answer(choices)
        passages = passages[: settings.answer_passages]
    return Gathered(scoped=scoped, passages=passages, topics=topics, settled=final)


def ask_stream(
    *,
    session: Session,
    tenant_id: int,
    question: str,
    audience: Audience,
    departments: Collection[str] = (),
    easy_language: bool = False,
    embedder: Embedder | None,
    chat: ChatModel | None,
    settings: AssistantSettings,
    actor: Actor,
    booking_links: BookingLinks | None = None,
    municipality: str | None = None,
) -> Iterator[str | Asked]:
    """Yield the answer text piece by piece, then the logged :class:`Asked` (see :func:`ask`)."""
    problem = question_problem(question, max_chars=settings.max_question_chars)
    if problem:
        raise QuestionError(problem)
    found = gather(
        session=session,
        tenant_id=tenant_id,
        question=question,
        audience=audience,
        departments=departments,
        embedder=embedder,
        settings=settings,
        municipality=municipality,
    )
    scoped, passages, topics, final = found.scoped, found.passages, found.topics, found.settled
    if final is not None:
        yield final.text
    else:
        for item in stream_answer(
            passages=passages,
            question=question,
            chat=chat,
            easy_language=easy_language,
            max_tokens=settings.answer_max_tokens,
            booking_links=booking_links or pattern_links(settings.booking_url_pattern),
            about=scoped.about,
            topics=topics,
        ):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
    assert final is not None
    conversation = conversations.log_conversation(
        session=session, audience=audience, question=question, result=final
    )
    conversations.record_answer_draft(session=session, actor=actor, result=final, conversation=conversation)
    final.conversation_id = conversation.id
    yield Asked(answer=final, passages=passages, conversation_id=conversation.id)


def ask(
    *,
    session: Session,
    tenant_id: int,
    question: str,
    audience: Audience,
    departments: Collection[str] = (),
    easy_language: bool = False,
    embedder: Embedder | None,
    chat: ChatModel | None,
    settings: AssistantSettings,
    actor: Actor,
    booking_links: BookingLinks | None = None,
    municipality: str | None = None,
) -> Asked:
    """Answer ``question`` from the sources ``audience`` (with ``departments``) may see, and log it.

    ``municipality`` is the one chosen after "Für welche Gemeinde?" (else the question's or the tenant's).
    Raises QuestionError for an empty, too long or wordless question; nothing is logged then.
    """
    stream = ask_stream(
        session=session,
        tenant_id=tenant_id,
        question=question,
        audience=audience,
        departments=departments,
        easy_language=easy_language,
        embedder=embedder,
        chat=chat,
        settings=settings,
        actor=actor,
        booking_links=booking_links,
        municipality=municipality,
    )
    return [item for item in stream if isinstance(item, Asked)][-1]
