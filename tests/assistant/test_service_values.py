"""Service answers: the period, day or missing fee that only a service's description states is found."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import compose, service
from rathaus.assistant.models import Chunk
from rathaus.assistant.retrieval import passages as load_passages
from rathaus.assistant.sources import SourceInput
from rathaus.assistant.values import with_value_passage
from rathaus.core.db import open_session
from tests.assistant.conftest import passage
from tests.assistant.stand_ins import EDITOR, new_tenant

DESCRIPTION = (
    "Die Beratung ist ein kostenfreies Angebot der Stadt für gehörlose Menschen.\n\n"
    "Wir beraten in Deutscher Gebärdensprache. " + "Gesprächstermine vereinbaren Sie bitte vorab. " * 40
)

RULES = (
    "Wir beraten in Deutscher Gebärdensprache.\n\n"
    "Angehörige dürfen nur mit Einverständnis der beratenen Person teilnehmen."
)


def _ask(sessions: sessionmaker[Session], question: str, body: str = DESCRIPTION) -> list[str]:
    """The sections of the passages an answer gets when only the service's fact chunks were retrieved."""
    tenant = new_tenant(sessions, f"sozialdienst-{abs(hash(question)) % 10_000}")
    item = SourceInput(
        kind="service",
        title="Sozialdienst für Gehörlose",
        body=body,
        external_id="service:1",
        meta={"duration_minutes": 20, "locations": [{"name": "Sozialbürgerhaus", "address": "Weg 1"}]},
    )
    with open_session(sessions, tenant_id=tenant) as session:
        service.import_sources(session=session, tenant_id=tenant, items=[item], actor=EDITOR)
        service.reindex(session=session, embedder=None)
        rows = session.execute(select(Chunk.id, Chunk.section, Chunk.text)).all()
        hits = [(int(chunk_id), 0.9) for chunk_id, section, _text in rows if section in compose.FACT_SECTIONS]
        found = load_passages(session=session, tenant_id=tenant, hits=hits, audience="public")
        chosen = with_value_passage(
            session=session, tenant_id=tenant, found=found, question=question, audience="public"
        )
    return [f"{p.section}: {p.text[:40]}" for p in chosen]


def test_a_fee_the_service_has_no_list_of_is_found_in_its_description(
    sessions: sessionmaker[Session],
) -> None:
    chosen = _ask(sessions, "Gibt es eine Beratung in Gebärdensprache, und was kostet die?")
    assert chosen[1] == "Beschreibung: Die Beratung ist ein kostenfreies Angebo"
    assert len(chosen) == 2  # as many passages as were retrieved


def test_the_description_retrieved_beyond_the_shown_passages_moves_up(
    sessions: sessionmaker[Session],
) -> None:
    tenant = new_tenant(sessions, "sozialdienst-weit")
    items = [
        SourceInput(
            kind="service",
            title=title,
            body=body,
            external_id=f"service:{n}",
            meta={"duration_minutes": 20, "locations": [{"name": "Sozialbürgerhaus", "address": "Weg 1"}]},
        )
        for n, (title, body) in enumerate(
            [("Sozialdienst für Gehörlose", DESCRIPTION), ("Mietberatung", "Wir beraten Mieter.")], start=1
        )
    ]
    with open_session(sessions, tenant_id=tenant) as session:
        service.import_sources(session=session, tenant_id=tenant, items=items, actor=EDITOR)
        service.reindex(session=session, embedder=None)
        rows = session.execute(select(Chunk.id, Chunk.source_id, Chunk.section, Chunk.ordinal)).all()
        facts_first = [
            int(r.id) for r in rows if r.source_id == rows[0].source_id and r.section != "Beschreibung"
        ]
        others = [int(r.id) for r in rows if r.source_id != rows[0].source_id]
        description = min((r.ordinal, int(r.id)) for r in rows if r.source_id == rows[0].source_id)[1]
        order = [*[*facts_first, *others][:5], description]
        found = load_passages(
            session=session,
            tenant_id=tenant,
            hits=[(c, 1.0 - n / 10) for n, c in enumerate(order)],
            audience="public",
        )
        assert len(found) >= 6
        assert found[-1].chunk_id == description
        chosen = with_value_passage(
            session=session,
            tenant_id=tenant,
            found=found,
            question="Gibt es eine Beratung in Gebärdensprache, und was kostet die?",
            audience="public",
        )
    assert chosen[1].chunk_id == description
    assert [p.chunk_id for p in chosen].count(description) == 1


def test_a_question_its_structured_facts_answer_adds_nothing(sessions: sessionmaker[Session]) -> None:
    chosen = _ask(sessions, "Was muss ich zum Sozialdienst mitbringen?")
    assert all(not section.startswith("Beschreibung") for section in chosen)


def test_fact_chunks_take_no_place_of_the_prose() -> None:
    fees = passage("Pass", "Gebühren: 70 Euro", section="Kosten und Dauer", source_id=1)
    places = passage("Pass", "Zuständige Stellen: Bürgerbüro", section="Standorte und Termine", source_id=1)
    prose = [passage(f"Dienst {n}", "Text.", source_id=n) for n in range(2, 6)]
    shown = compose.shown_passages([fees, places, *prose])
    assert shown == [fees, places, *prose[:3]]
    assert compose.shown_passages(prose) == prose[:3]


def test_the_answering_service_shows_its_own_chunk_with_the_value_beside_the_one_that_matched() -> None:
    fees = passage("Fahrzeug abmelden", "Gebühren: 16,80 Euro", section="Kosten und Dauer", source_id=1)
    value = passage(
        "Fahrzeug abmelden", "Sie können das Kennzeichen für 12 Monate reservieren.", source_id=1, score=0.5
    )
    other = passage("Saisonkennzeichen", "Die Zulassung gilt für volle Monate.", source_id=2, score=0.4)
    far = passage("Wunschkennzeichen", "Ein Wunschkennzeichen können Sie reservieren.", source_id=3)
    more = [passage(f"Dienst {n}", "Text.", source_id=n) for n in range(4, 7)]
    retrieved = [fees, other, *more, value, far]
    # The decision kept the chunks matching the question; the answering service's other chunk comes back,
    # right after its best one (else it would be the fourth prose passage, not shown).
    shown = compose.shown_passages([fees, other, *more], retrieved=retrieved)
    assert shown == [fees, value, other, more[0]]
    # Another source's chunk the decision left out stays out.
    assert far not in compose.shown_passages([fees, other, value], retrieved=retrieved)


def test_a_bylaw_paragraph_left_out_comes_back_at_its_rank() -> None:
    rule = passage("Grillplatzsatzung", "§ 4 Benutzungsregeln", kind="bylaw", source_id=1)
    other = passage("Polizeiverordnung", "§ 2 Lärm", kind="bylaw", source_id=2)
    hours = passage("Grillplatzsatzung", "Die Nachtruhe nach 22:00 Uhr ist einzuhalten.", kind="bylaw")
    assert compose.with_own_chunks([rule, other], [rule, other, hours]) == [rule, other, hours]


def test_the_description_stating_the_asked_rule_follows_the_fact_chunks(
    sessions: sessionmaker[Session],
) -> None:
    # "Darf ich …?" asks a rule: the description says it, the fee and office chunks do not.
    chosen = _ask(sessions, "Darf meine Schwester bei der Beratung in Gebärdensprache dabei sein?", RULES)
    assert chosen[1].startswith("Beschreibung: Wir beraten in")


def test_a_rule_question_its_description_does_not_touch_adds_nothing(sessions: sessionmaker[Session]) -> None:
    chosen = _ask(sessions, "Darf ich meinen Hund mitbringen?", RULES)
    assert all(not section.startswith("Beschreibung") for section in chosen)
