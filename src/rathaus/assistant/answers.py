"""Answers built only from retrieved passages: extractive, or by an LLM under a grounding prompt.

``stream_answer`` yields the answer text piece by piece and, last, the finished :class:`Answer`;
``answer`` returns only the latter. Both decide first whether the passages support an answer at
all; if not, the answer says so and hands over to a person (contacts, contact form, booking link).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Generator, Iterator, Sequence
from dataclasses import is_dataclass, replace

from rathaus.assistant import answerability, compose, easy
from rathaus.assistant.answerability import contains, terms, word_share
from rathaus.assistant.asked import wanted
from rathaus.assistant.handover import BookingLinks, handover, key_facts
from rathaus.assistant.matching import question_matcher
from rathaus.assistant.needs import asked_unit
from rathaus.assistant.prompts import (
    EASY_LANGUAGE,
    EASY_LANGUAGE_SCHEMA,
    FACT_ANSWER,
    NO_ANSWER,
    easy_language_messages,
    fact_messages,
    neutralise,
)
from rathaus.assistant.redaction import without_personal_data
from rathaus.assistant.schemas import (
    Answer,
    Citation,
    KeyFacts,
    PassageLike,
    Provenance,
)
from rathaus.assistant.scope import numbers_in_cited, one_municipality
from rathaus.core.ai.errors import AIError
from rathaus.core.ai.protocols import ChatMessage, ChatModel
from rathaus.core.audit.service import input_hash

MAX_PASSAGES = 3
CITATION = re.compile(r"\[(\d{1,2})\]")
# Not core's plain_words: the spelling stays (ß too), because terms are looked up in the raw passage text.
WORD = re.compile(r"[a-zäöüß0-9]+")
ENGLISH_MARKERS = frozenset(
    ["the", "how", "what", "where", "when", "do", "does", "can", "my", "is", "are", "you", "please", "with"]
)
NOT_SUPPORTED = (
    "Dazu finde ich in den Unterlagen der Verwaltung keine verlässliche Antwort. "
    "Bitte wenden Sie sich an die Verwaltung – die Kontaktmöglichkeiten stehen unten."
)
PARTIAL = "Die Unterlagen beantworten Ihre Frage vielleicht nicht vollständig."
MIN_ANSWER_WORDS = 4
CITATION_MARK = re.compile(r"\[\d+\]")
GERMAN_ONLY = "Dieser Assistent antwortet auf Deutsch. (This assistant answers in German.)"


# --- questions ----------------------------------------------------------------------------------


def question_problem(question: str, *, max_chars: int) -> str | None:
    """A German message why ``question`` cannot be answered as typed, or None when it can."""
    stripped = question.strip()
    if not stripped:
        return "Bitte geben Sie eine Frage ein."
    if len(stripped) > max_chars:
        return (
            f"Ihre Frage ist zu lang ({len(stripped):,} Zeichen). Bitte fassen Sie sie in höchstens "
            f"{max_chars:,} Zeichen zusammen.".replace(",", ".")
        )
    if not any(char.isalpha() for char in stripped):
        return "Bitte stellen Sie Ihre Frage in Worten – nur mit Zeichen oder Emojis kann ich nicht suchen."
    return None


def looks_english(question: str) -> bool:
    """True when the question reads as English (answers stay German, with a note)."""
    words = WORD.findall(question.lower())
    return len(words) >= 2 and sum(word in ENGLISH_MARKERS for word in words) >= max(2, len(words) // 4)


def support(passage: PassageLike, question: str) -> float:
    """How well a passage covers the question's content words (0 … 1); 0 misses the topic."""
    return word_share(passage, question)


def supported_passages(
    passages: Sequence[PassageLike],
    question: str,
    *,
    min_support: float | None = None,
    min_score: float = 0.0,
) -> list[PassageLike]:
    """The passages (in retrieval order) that answer ``question`` (see ``answerability.decide``)."""
    limits = replace(answerability.DEFAULT, words=min_support) if min_support else None
    decision = answerability.decide(passages, question, limits=limits, min_score=min_score)
    return one_municipality(decision.passages)


# --- answering ----------------------------------------------------------------------------------


def _citations(passages: Sequence[PassageLike]) -> list[Citation]:
    return [
        Citation(
            number=n,
            source_id=p.source_id,
            title=p.title,
            section=p.section,
            url=p.url,
            score=p.score,
        )
        for n, p in enumerate(passages, start=1)
    ]


def best_sentences(
    text: str, question: str, limit: int = compose.SENTENCES_PER_PASSAGE, *, skip: Collection[str] = ()
) -> list[str]:
    """The sentences of ``text`` that match the question best, in their original order (see compose)."""
    return compose.best_sentences(text, wanted(question), question_matcher(question), limit, skip=skip)


def asked_lines(
    passages: Sequence[PassageLike], question: str, facts: Sequence[KeyFacts]
) -> tuple[list[str], set[str], set[str]]:
    """The lines that answer what ``question`` asks for (see :func:`compose.asked_lines`)."""
    return compose.asked_lines(
        passages, wanted(question), facts, question_matcher(question), dimension=asked_unit(question)
    )


def extractive_text(passages: Sequence[PassageLike], question: str, facts: Sequence[KeyFacts]) -> str:
    """The answer text: the asked-for facts first, then the best sentences of each passage, each cited."""
    return compose.extractive_text(
        passages, wanted(question), facts, question_matcher(question), dimension=asked_unit(question)
    )


def _unique_facts(passages: Sequence[PassageLike], booking_links: BookingLinks | None) -> list[KeyFacts]:
    found: dict[str, KeyFacts] = {}
    for number, passage in enumerate(passages, start=1):
        fact = key_facts(passage, number, booking_links=booking_links)
        if fact is not None and fact.service not in found:
            found[fact.service] = fact
    return list(found.values())


def verify_citations(text: str, count: int) -> tuple[str, set[int]]:
    """Drop citation markers that point to no passage; return the text and the valid numbers."""
    valid: set[int] = set()

    def check(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if 1 <= number <= count:
            valid.add(number)
            return match.group(0)
        return ""

    return CITATION.sub(check, text).strip(), valid


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_grounded(text: str, passages: Sequence[PassageLike]) -> bool:
    """True when every number in ``text`` (fees, dates, §§) occurs in a cited passage of one municipality."""
    return numbers_in_cited(text, passages)


def grounded_in(text: str, passages: Sequence[PassageLike]) -> list[int]:
    """Numbers of the passages that contain most content words of ``text`` (empty: not grounded)."""
    wanted = terms(CITATION.sub("", text))
    if not wanted:
        return []
    shares = []
    for number, passage in enumerate(passages, start=1):
        haystack = f"{passage.title} {passage.text}".lower()
        shares.append((sum(contains(haystack, t) for t in wanted) / len(wanted), number))
    return [number for share, number in sorted(shares, reverse=True) if share >= 0.5][:2]


def stream_answer(
    *,
    passages: Sequence[PassageLike],
    question: str,
    chat: ChatModel | None,
    easy_language: bool,
    max_tokens: int = 320,
    min_score: float = 0.0,
    booking_links: BookingLinks | None = None,
    about: str | None = None,
    topics: answerability.Topics | None = None,
) -> Iterator[str | Answer]:
    """Yield pieces of the answer text as they are ready, then the finished :class:`Answer`.

    ``about`` is the question without its place names (see ``scope.without_places``), for deciding
    whether the passages answer it; ``topics`` are those of the installation's sources.
    """
    question = without_personal_data(question)
    notice = GERMAN_ONLY if looks_english(question) else None
    passages = [_without_instructions(p) for p in passages]
    decision = answerability.decide(
        passages, about or question, chat=chat, min_score=min_score, topics=topics
    )
    usable = compose.shown_passages(one_municipality(decision.passages), MAX_PASSAGES, retrieved=passages)
    if not usable:
        reason = "Die Quellen der Verwaltung beantworten diese Frage nicht."
        # Offices are suggested only from passages that touch the question at all.
        related = answerability.related(passages, about or question)
        result = Answer(
            text=NOT_SUPPORTED,
            mode="handover",
            notice=notice,
            handover=handover(related, reason, booking_links=booking_links),
        )
        yield from _finish(result, easy_language=easy_language, chat=None)
        return
    citations = _citations(usable)
    facts = _unique_facts(usable, booking_links)
    partial = None
    language_notice = notice
    if not decision.complete:
        # The sources touch the topic but not every part of the question: answer and hand over.
        partial = handover(usable, PARTIAL, booking_links=booking_links)
        notice = " ".join(filter(None, [notice, PARTIAL]))
    text = extractive_text(usable, about or question, facts)  # a place name is no sign of the answer
    if chat is not None and text.strip():
        llm = yield from _llm_answer(
            usable,
            question,
            chat,
            facts=facts,
            evidence=text,
            easy_language=easy_language,
            max_tokens=max_tokens,
        )
        if llm is not None:
            llm.citations, llm.facts, llm.notice, llm.handover = citations, facts, notice, partial
            if llm.mode == "handover":
                # The passages touch the question but do not answer it: they stay as related reading.
                llm.handover = handover(
                    usable, "Die Quellen beantworten die Frage nicht sicher.", booking_links=booking_links
                )
                llm.facts, llm.notice = [], language_notice  # the text itself says it found no answer
            yield from _finish(llm, easy_language=easy_language, chat=chat)
            return
        notice = "Die KI-Antwort ließ sich nicht mit den Quellen belegen. Hier die passenden Stellen."
    if not text.strip():  # nothing to show (a preamble ending "… beschlossen:"): no answer, hand over
        reason = "Die Quellen beantworten die Frage nicht sicher."
        empty = Answer(text=NOT_SUPPORTED, mode="handover", notice=language_notice)
        empty.handover = handover(usable, reason, booking_links=booking_links)
        yield from _finish(empty, easy_language=easy_language, chat=None)
        return
    result = Answer(
        text=text,
        mode="extractive",
        citations=citations,
        facts=facts,
        notice=notice,
        handover=partial,
    )
    yield from _finish(result, easy_language=easy_language, chat=None)


def _without_instructions(passage: PassageLike) -> PassageLike:
    cleaned = neutralise(passage.text)
    if cleaned == passage.text or not is_dataclass(passage) or isinstance(passage, type):
        return passage
    return replace(passage, text=cleaned)


def llm_facts(passages: Sequence[PassageLike], question: str, facts: Sequence[KeyFacts]) -> str:
    """What the LLM may use: the asked-for fact lines, else the extractive answer."""
    first, _attributes, _shown = asked_lines(passages, question, facts)
    return "\n".join(first) if first else extractive_text(passages, question, facts)


def llm_messages(
    passages: Sequence[PassageLike], question: str, facts: Sequence[KeyFacts]
) -> list[ChatMessage]:
    """The chat messages of an LLM answer: the extracted facts and the question (see :func:`llm_facts`)."""
    return fact_messages(llm_facts(passages, question, facts), question)


def numbers_from(text: str, source: str) -> bool:
    """True when every number in ``text`` (citation marks aside) is one of the numbers of ``source``."""
    known = set(NUMBER.findall(CITATION.sub("", source)))
    return all(number in known for number in NUMBER.findall(CITATION.sub("", text)))


def _llm_answer(
    passages: Sequence[PassageLike],
    question: str,
    chat: ChatModel,
    *,
    facts: Sequence[KeyFacts],
    evidence: str,
    easy_language: bool,
    max_tokens: int,
) -> Generator[str, None, Answer | None]:
    """Stream an LLM answer built from the extracted facts; return it verified (None: use the extractive one).

    The model only rephrases: it sees the asked-for fact lines, not the passages, and every number it
    writes must be one of theirs. The extractive answer (``evidence``) follows its sentences, so the
    answer holds every value the extractive answer holds: never less accurate than that on the same
    question.
    """
    source = llm_facts(passages, question, facts)
    messages = fact_messages(source, question)
    pieces: list[str] = []
    try:
        if easy_language:  # the rewrite replaces the text, so it is not streamed twice
            pieces.append(chat.chat(messages, max_tokens=max_tokens, temperature=0.0).text)
        else:
            for piece in chat.stream(messages, max_tokens=max_tokens, temperature=0.0):
                pieces.append(piece)
                yield piece
    except AIError:
        return None
    raw = "".join(pieces).strip()
    provenance = Provenance(
        backend=chat.name,
        model_name=chat.model_name,
        model_version=chat.model_version,
        prompt_template=FACT_ANSWER.id,
        prompt_version=FACT_ANSWER.version,
        input_digest=input_hash(FACT_ANSWER.id, *(m["content"] for m in messages)),
    )
    if not raw or NO_ANSWER in raw:
        return Answer(text=NOT_SUPPORTED, mode="handover", provenance=provenance)
    text, valid = verify_citations(raw, len(passages))
    if len(WORD.findall(CITATION_MARK.sub(" ", text.lower()))) < MIN_ANSWER_WORDS:
        return None  # only citation marks or a word or two: the passages themselves say more
    if not numbers_from(text, source) or not numbers_grounded(text, passages):
        return None  # a fee, date or duration that is not one of the extracted facts
    if not valid:
        grounded = grounded_in(text, passages)
        if not grounded:
            return None
        cited = sorted({int(n) for n in CITATION.findall(source) if 1 <= int(n) <= len(passages)})
        text += " " + "".join(f"[{n}]" for n in (cited[:2] or grounded))
    if not easy_language:
        yield "\n" + evidence
    return Answer(text=f"{text}\n{evidence}", mode="llm", provenance=provenance)


def _finish(result: Answer, *, easy_language: bool, chat: ChatModel | None) -> Iterator[str | Answer]:
    if easy_language:
        result.text = _easy(result, chat)
        result.easy_language = True
        yield result.text
    elif result.mode != "llm":
        yield result.text
    yield result


def _easy(result: Answer, chat: ChatModel | None) -> str:
    if chat is not None and result.mode == "llm":
        try:
            reply = chat.chat(
                easy_language_messages(result.text),
                max_tokens=300,
                temperature=0.0,
                json_schema=EASY_LANGUAGE_SCHEMA,
            )
            lines = [str(line).strip() for line in reply.json()["zeilen"] if str(line).strip()]
            rewritten, valid = verify_citations("\n".join(lines), len(result.citations))
            if rewritten and (valid or not result.citations):
                if result.provenance is not None:
                    result.provenance = replace(
                        result.provenance,
                        prompt_template=f"{result.provenance.prompt_template}+{EASY_LANGUAGE.id}",
                        prompt_version=f"{result.provenance.prompt_version}+{EASY_LANGUAGE.version}",
                    )
                return rewritten
        except (AIError, ValueError, KeyError):
            pass
    return easy.simplify(result.text, result.facts)


def answer(
    *,
    passages: Sequence[PassageLike],
    question: str,
    chat: ChatModel | None,
    easy_language: bool,
    max_tokens: int = 320,
    min_score: float = 0.0,
    booking_links: BookingLinks | None = None,
) -> Answer:
    """The finished answer to ``question`` from ``passages`` (see :func:`stream_answer`)."""
    final: Answer | None = None
    for item in stream_answer(
        passages=passages,
        question=question,
        chat=chat,
        easy_language=easy_language,
        max_tokens=max_tokens,
        min_score=min_score,
        booking_links=booking_links,
    ):
        if isinstance(item, Answer):
            final = item
    assert final is not None
    return final
