"""Which retrieved service answers (``rerank``): the asked-for thing, the question's count, the citizen's
situation, weighed with the fused scores.

The examples are Munich services that scored alike for real citizen questions (tuning set of issue 13).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import service
from rathaus.assistant.models import KnowledgeSource
from rathaus.assistant.preference import asked_things, in_range, names
from rathaus.assistant.rerank import rerank
from rathaus.assistant.retrieval import Passage
from rathaus.assistant.sources import SourceInput
from rathaus.assistant.values import with_value_passage
from rathaus.core.db import open_session
from tests.assistant.conftest import passage
from tests.assistant.stand_ins import EDITOR, new_tenant

FEES = "Kosten und Dauer"


def titles(passages: list[Passage]) -> list[str]:
    return [p.title for p in passages]


def test_the_asked_for_thing_is_read_from_the_question() -> None:
    assert asked_things("Ich will einen Mietwagen anbieten. Was kostet die Genehmigung?") == {"genehmig"}
    assert asked_things("Kostet der Widerspruch etwas?") == {"widerspruch"}
    assert asked_things("Was kostet die Wiederanmeldung online?") == {"wiederanmeld"}
    # A pronoun or a clause names no thing: the situation has to decide.
    assert asked_things("Ich brauche einen zweiten Reisepass. Was kostet der für mich mit 40?") == set()
    assert asked_things("Mit welchen Kosten muss ich rechnen?") == set()


def test_a_title_names_the_thing_inside_a_compound_or_as_its_head() -> None:
    assert names("Mietwagengenehmigung – Erstantrag oder erneuter Antrag", {"genehmig"})
    assert names("Erneute Anmeldung eines Fahrzeugs", {"wiederanmeld"})
    assert not names("Taxi oder Mietwagen – Unterlagen nachreichen", {"genehmig"})
    assert not names("Fahrzeug abmelden", {"wiederanmeld"})


def test_the_service_naming_the_asked_for_thing_answers_first() -> None:
    found = [
        passage("Taxi oder Mietwagen – Unterlagen nachreichen", "Gebühren: …", source_id=1, score=0.885),
        passage(
            "Mietwagengenehmigung – Erstantrag oder erneuter Antrag",
            "Gebühren: 120 Euro",
            source_id=2,
            score=0.875,
        ),
        passage("Zulassung Taxi oder Mietwagen", "Gebühren: ab 40 Euro", source_id=3, score=0.733),
    ]
    question = "Ich will einen Chauffeurservice mit einem Mietwagen anbieten. Was kostet die Genehmigung?"
    assert titles(rerank(found, question, texts={})) == [
        "Mietwagengenehmigung – Erstantrag oder erneuter Antrag",
        "Taxi oder Mietwagen – Unterlagen nachreichen",
        "Zulassung Taxi oder Mietwagen",
    ]


def test_all_passages_of_the_service_ranked_first_move_and_the_rest_keep_their_order() -> None:
    found = [
        passage("Fahrzeug abmelden", "Verbleibskennzeichen …", source_id=1, score=0.903),
        passage("Fahrzeug abmelden", "Gebühren: 16,80 Euro", source_id=1, section=FEES, score=0.793),
        passage("Saisonkennzeichen", "Das Fahrzeug darf nur …", source_id=2, score=0.762),
        passage(
            "Erneute Anmeldung eines Fahrzeugs",
            "Gebühren: 17,10 Euro",
            source_id=3,
            section=FEES,
            score=0.880,
        ),
        passage(
            "Erneute Anmeldung eines Fahrzeugs",
            "Mit Ihrer Online-Ausweis-Funktion …",
            source_id=3,
            score=0.688,
        ),
    ]
    question = "Mein Auto war über den Winter abgemeldet. Was kostet die Wiederanmeldung online?"
    preferred = rerank(found, question, texts={})
    assert [(p.source_id, p.section) for p in preferred] == [
        (3, FEES),
        (3, "Beschreibung"),
        (1, "Beschreibung"),
        (1, FEES),
        (2, "Beschreibung"),
    ]


def test_a_count_in_the_question_picks_the_title_whose_range_holds_it() -> None:
    question = (
        "Für meine Anerkennung als Ärztin brauche ich 15 beglaubigte Kopien. Was kostet das je Dokument?"
    )
    assert in_range("Beglaubigung von bis zu 20 Dokumenten", question) is True
    assert in_range("Beglaubigung von mehr als 20 Dokumenten", question) is False
    assert in_range("Beglaubigung von bis zu 5 Dokumenten", question) is False
    assert in_range("Reisepass", question) is None
    found = [
        passage("Beglaubigung von mehr als 20 Dokumenten", "Gebühren: 5 Euro", source_id=1, score=0.824),
        passage("Beglaubigung von bis zu 5 Dokumenten", "Gebühren: 5 Euro", source_id=2, score=0.766),
        passage("Beglaubigung von bis zu 20 Dokumenten", "Gebühren: 5 Euro", source_id=3, score=0.711),
    ]
    assert rerank(found, question, texts={})[0].title == "Beglaubigung von bis zu 20 Dokumenten"


SOCIAL = (
    "Wenn Sie für Ihre Tätigkeit in der Pflege hilfsbedürftiger Personen auf Parkerleichterungen "
    "angewiesen sind, können Sie eine Ausnahmegenehmigung beantragen.\nGebühren: 12 Monate gültig: 30 Euro"
)
RESIDENT = (
    "Wenn Sie bereits eine Anwohnerparklizenz besitzen, sich aber das Kennzeichen geändert hat, können Sie "
    "die Umschreibung für die Restlaufzeit beantragen.\nGebühren: 10 Euro"
)
CARE = (
    "Ich arbeite in der ambulanten Pflege und brauche für die Hausbesuche einen Parkausweis. Was kostet der?"
)


def test_between_services_scoring_alike_the_one_whose_text_fits_the_situation_answers() -> None:
    found = [
        passage(
            "Bewohnerparkausweis – Umschreibung", "Gebühren: 10 Euro", source_id=1, section=FEES, score=0.750
        ),
        passage(
            "Parkausweis für Soziale Dienste", "Gebühren: 30 Euro", source_id=2, section=FEES, score=0.749
        ),
    ]
    texts = {1: RESIDENT, 2: SOCIAL}
    assert rerank(found, CARE, texts=texts)[0].title == "Parkausweis für Soziale Dienste"
    # A service scoring far below the best does not overtake it for its text alone.
    far = [found[0], replace(found[1], score=0.6)]
    assert rerank(far, CARE, texts=texts)[0].title == "Bewohnerparkausweis – Umschreibung"


def test_nothing_moves_when_the_best_fits_or_no_rival_is_close() -> None:
    question = "Ich komme als Au-pair nach München. Was kostet mein Aufenthaltstitel?"
    found = [
        passage("Aufenthaltserlaubnis – Au-pair", "Gebühren: 100 Euro", source_id=1, score=0.946),
        passage(
            "Übertrag des Aufenthaltstitels in den neuen Pass", "Gebühren: 67 Euro", source_id=2, score=0.587
        ),
    ]
    assert titles(rerank(found, question, texts={})) == titles(found)
    bylaw_first = [passage("Hundesteuersatzung", "§ 5 Steuersatz …", kind="bylaw", source_id=3), *found]
    assert titles(rerank(bylaw_first, question, texts={})) == titles(bylaw_first)


def test_with_value_passage_reads_the_services_whole_texts(sessions: sessionmaker[Session]) -> None:
    tenant = new_tenant(sessions, "praeferenz")
    items = [
        SourceInput(kind="service", title=title, body=body, external_id=f"service:{n}", meta={"fees": fee})
        for n, (title, body, fee) in enumerate(
            [
                ("Bewohnerparkausweis – Umschreibung", RESIDENT, "10 Euro"),
                ("Parkausweis für Soziale Dienste", SOCIAL, "30 Euro"),
            ]
        )
    ]
    with open_session(sessions, tenant_id=tenant) as session:
        service.import_sources(session=session, tenant_id=tenant, items=items, actor=EDITOR)
        service.reindex(session=session, embedder=None)
        ids = dict(session.execute(select(KnowledgeSource.title, KnowledgeSource.id)).all())
        # The retrieved passages are the fee chunks only: the situation stands in the other chunk.
        found = [
            passage(title, f"Gebühren: {fee}", source_id=ids[title], section=FEES, score=score)
            for title, fee, score in (
                ("Bewohnerparkausweis – Umschreibung", "10 Euro", 0.750),
                ("Parkausweis für Soziale Dienste", "30 Euro", 0.749),
            )
        ]
        chosen = with_value_passage(
            session=session, tenant_id=tenant, found=found, question=CARE, audience="public"
        )
    assert titles(chosen) == ["Parkausweis für Soziale Dienste", "Bewohnerparkausweis – Umschreibung"]
