"""Municipality scope: each source's municipality, answers only from served ones, "Für welche Gemeinde?"."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.app import create_app
from rathaus.assistant import asking, scope, service
from rathaus.assistant.answers import answer
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.models import Conversation, KnowledgeSource
from rathaus.assistant.retrieval import Passage, retrieve
from rathaus.assistant.sources import SourceInput, parse_markdown
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.web.context import AppContext
from tests.assistant.conftest import ScriptedChat, passage
from tests.assistant.stand_ins import EDITOR, as_any
from tests.conftest import csrf_from
from tests.factories import make_tenant

CITIZEN = Actor.system("assistant-public")


def bylaw(title: str, town: str, district: str, body: str, *, level: str = "gemeinde") -> str:
    place = f'gemeinde: "{town}"\n' if town else ""
    front = f'titel: {title}\nebene: {level}\nrechtsnatur: satzung\nkreis: "{district}"\n{place}'
    return f"---\n{front}---\n\n{body}\n"


BYLAWS = {
    "boll_hund.md": bylaw(
        "Hundesteuersatzung",
        "Bad Boll",
        "Göppingen",
        "## § 5 Steuersatz\n\nDie Hundesteuer beträgt 108 Euro im Jahr.",
    ),
    "abg_hund.md": bylaw(
        "Hundesteuersatzung",
        "Aichelberg",
        "Göppingen",
        "## § 5 Steuersatz\n\nDie Hundesteuer beträgt 96 Euro im Jahr.",
    ),
    "kn_friedhof.md": bylaw(
        "Friedhofssatzung",
        "Konstanz",
        "Konstanz",
        "## § 9 Ruhezeit\n\nDie Ruhezeit der Gräber beträgt 20 Jahre.",
    ),
    "gp_abfall.md": bylaw(
        "Abfallwirtschaftssatzung",
        "",
        "Göppingen",
        "## § 4 Abfuhr\n\nDie Restmülltonne wird alle zwei Wochen geleert.",
        level="kreis",
    ),
}
BOLL = AssistantSettings(municipalities={"kreis-gp": ["Bad Boll", "Landkreis Göppingen"]})


@dataclass(frozen=True)
class World:
    tenant_id: int


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    with open_session(sessions) as session:
        tenant_id = make_tenant(session, slug="kreis-gp", name="Kreis Göppingen").id
    with open_session(sessions, tenant_id=tenant_id) as session:
        items = [parse_markdown(text, name=name) for name, text in BYLAWS.items()]
        items.append(
            SourceInput(
                kind="service",
                title="Hund anmelden",
                body="Einen Hund melden Sie im Rathaus an.",
                external_id="s:1",
            )
        )
        service.import_sources(
            session=session, tenant_id=tenant_id, items=items, municipality="Bad Boll", actor=EDITOR
        )
        service.reindex(session=session, embedder=None)
    return World(tenant_id)


def ask(
    sessions: sessionmaker[Session], world: World, question: str, settings: AssistantSettings, **extra: str
) -> asking.Asked:
    with open_session(sessions, tenant_id=world.tenant_id) as session:
        return asking.ask(
            session=session,
            tenant_id=world.tenant_id,
            question=question,
            audience="public",
            embedder=None,
            chat=None,
            settings=settings,
            actor=CITIZEN,
            **extra,  # type: ignore[arg-type]
        )


def test_each_source_has_its_municipality_from_the_front_matter_or_the_tenant(
    sessions: sessionmaker[Session], world: World
) -> None:
    with open_session(sessions, tenant_id=world.tenant_id) as session:
        rows = {
            (s.external_id, s.municipality, s.district, s.shared)
            for s in session.scalars(select(KnowledgeSource))
        }
    assert rows == {
        ("file:boll_hund.md", "Bad Boll", "Göppingen", False),
        ("file:abg_hund.md", "Aichelberg", "Göppingen", False),
        ("file:kn_friedhof.md", "Konstanz", "Konstanz", False),
        ("file:gp_abfall.md", "Landkreis Göppingen", "Göppingen", False),
        ("s:1", "Bad Boll", None, False),  # a service of the tenant: the tenant's first municipality
    }
    shared = parse_markdown(
        "---\ntitel: Landesgebührenordnung\ngilt_ueberall: true\n---\n\nText", name="l.md"
    )
    assert shared.shared
    assert shared.municipality is None


def test_retrieval_reads_only_the_served_municipalities(
    sessions: sessionmaker[Session], world: World
) -> None:
    served = scope.Scope(frozenset({"Bad Boll", "Landkreis Göppingen"}))
    with open_session(sessions, tenant_id=world.tenant_id) as session:
        for question in ("Hundesteuer", "Ruhezeit der Gräber", "Restmülltonne"):
            found = retrieve(
                session=session, tenant_id=world.tenant_id, query=question, audience="public", scope=served
            )
            assert {p.municipality for p in found} <= {"Bad Boll", "Landkreis Göppingen"}
        everything = retrieve(
            session=session, tenant_id=world.tenant_id, query="Hundesteuer", audience="public"
        )
    assert {p.municipality for p in everything} >= {"Bad Boll", "Aichelberg"}


def test_without_a_place_several_municipalities_with_such_a_rule_get_the_question_back(
    sessions: sessionmaker[Session], world: World
) -> None:
    asked = ask(sessions, world, "Wie hoch ist die Hundesteuer?", AssistantSettings())
    assert asked.answer.mode == "clarify"
    assert "Für welche Gemeinde" in asked.answer.text
    assert set(asked.answer.choices) == {"Bad Boll", "Aichelberg"}
    assert "Euro" not in asked.answer.text
    with open_session(sessions, tenant_id=world.tenant_id) as session:
        logged = session.scalars(select(Conversation)).one()
        assert (logged.mode, logged.answered) == ("clarify", False)


@pytest.mark.parametrize(
    ("question", "chosen", "value", "other"),
    [
        ("Wie hoch ist die Hundesteuer?", "Aichelberg", "96 Euro", "108 Euro"),
        ("Wie hoch ist die Hundesteuer in Bad Boll?", "", "108 Euro", "96 Euro"),
        ("Was kostet die Hundesteuer in Aichelberg?", "", "96 Euro", "108 Euro"),
    ],
)
def test_a_chosen_or_named_municipality_is_answered_from_its_sources_only(
    sessions: sessionmaker[Session], world: World, question: str, chosen: str, value: str, other: str
) -> None:
    extra = {"municipality": chosen} if chosen else {}
    result = ask(sessions, world, question, AssistantSettings(), **extra).answer
    assert result.mode == "extractive"
    assert value in result.text
    assert other not in result.text


def test_a_tenant_serving_one_town_answers_from_it_and_refuses_other_towns(
    sessions: sessionmaker[Session], world: World
) -> None:
    own = ask(sessions, world, "Wie hoch ist die Hundesteuer?", BOLL).answer
    assert own.mode == "extractive"
    assert "108 Euro" in own.text
    assert "96 Euro" not in own.text
    district = ask(sessions, world, "Wie oft wird die Restmülltonne geleert?", BOLL).answer
    assert "alle zwei Wochen" in district.text
    elsewhere = ask(sessions, world, "Wie lang ist die Ruhezeit der Gräber in Konstanz?", BOLL).answer
    assert elsewhere.mode == "handover"
    assert "Zu Konstanz habe ich keine Unterlagen" in elsewhere.text
    assert "20 Jahre" not in elsewhere.text


def test_named_in_finds_towns_by_their_spellings_and_prefers_the_longer_name() -> None:
    known = ["Zell u.A.", "Aichelberg", "Konstanz", "Landkreis Göppingen", "München"]
    assert scope.named_in("Hundesteuer in Zell unter Aichelberg?", known) == ["Zell u.A."]
    assert scope.named_in("Die Konstanzer Friedhofsgebühren", known) == ["Konstanz"]
    assert scope.named_in("Abfall im Landkreis Göppingen", known) == ["Landkreis Göppingen"]
    assert scope.named_in("Reisepass in Muenchen", known) == ["München"]
    assert scope.named_in("Wie hoch ist die Hundesteuer?", known) == []
    # the district's bodies name the district, not its town of the same name
    kreis = ["Konstanz", "Landkreis Konstanz"]
    assert scope.named_in("Was kostet das beim Landratsamt Konstanz?", kreis) == ["Landkreis Konstanz"]
    assert scope.named_in("Wie oft tagt der Kreistag Konstanz?", kreis) == ["Landkreis Konstanz"]
    assert scope.named_in("Die Abfallsatzung des Landkreises Konstanz", kreis) == ["Landkreis Konstanz"]
    assert scope.named_in("Die Friedhöfe in Konstanz", kreis) == ["Konstanz"]


def test_a_town_in_an_associations_name_names_the_association_of_its_district() -> None:
    known = {"Bad Boll": "Göppingen", "Eschenbach": "Göppingen", "Landkreis Göppingen": None}
    district = ["Landkreis Göppingen"]
    question = "Was erhält der Vorsitzende des Gemeindeverwaltungsverbands Raum Bad Boll?"
    assert scope.named_in(question, known) == district
    assert scope.named_in("Wer sitzt im Abwasserverband Heiningen-Dürnau-Eschenbach?", known) == district
    assert scope.named_in("Der Musikverband in Bad Boll probt wo?", known) == ["Bad Boll"]
    assert scope.named_in("Was zahlt der Verband? In Bad Boll gilt was?", known) == ["Bad Boll"]


def test_a_qualified_name_is_also_named_without_its_qualifier() -> None:
    known = ["Zell u.A.", "Aichelberg", "Weil am Rhein", "Hausen ob Verena", "Hausen im Tal", "Konstanz"]
    assert scope.named_in("Ich schreibe in Zell die Protokolle.", known) == ["Zell u.A."]
    assert scope.named_in("Die Zeller Feuerwehr kam mit dem LF 10.", known) == ["Zell u.A."]
    assert scope.named_in("Wer putzt die Gefängniszelle?", known) == []
    assert scope.named_in("Eine Zelle im Rathaus?", known) == []
    # "weil" is a common word, "Hausen" names two towns: only the full names count.
    assert scope.named_in("Weil ich umziehe: Was kostet es?", known) == []
    assert scope.named_in("Was kostet es in Hausen?", known) == []
    assert scope.named_in("Was kostet es in Hausen im Tal?", known) == ["Hausen im Tal"]
    assert scope.named_in("Was kostet es in Weil am Rhein?", known) == ["Weil am Rhein"]


def place(item: Passage, town: str, district: str = "Göppingen") -> Passage:
    return Passage(**{**vars(item), "municipality": town, "district": district})


BOLL_TAX = place(
    passage("Hundesteuersatzung (Bad Boll)", "Die Hundesteuer beträgt 108 Euro.", source_id=1, kind="bylaw"),
    "Bad Boll",
)
ABG_TAX = place(
    passage("Hundesteuersatzung (Aichelberg)", "Die Hundesteuer beträgt 96 Euro.", source_id=2, kind="bylaw"),
    "Aichelberg",
)
GP_WASTE = place(
    passage("Abfallsatzung", "Die Gebühr beträgt 12 Euro.", source_id=3, kind="bylaw"), "Landkreis Göppingen"
)


def test_numbers_must_stand_in_a_cited_passage_of_one_municipality() -> None:
    passages = [BOLL_TAX, ABG_TAX, GP_WASTE]
    assert scope.numbers_in_cited("Die Hundesteuer beträgt 108 Euro [1].", passages)
    assert not scope.numbers_in_cited("Die Hundesteuer beträgt 96 Euro [1].", passages)  # Aichelberg's value
    assert not scope.numbers_in_cited("In Bad Boll 108 Euro [1], in Aichelberg 96 Euro [2].", passages)
    assert scope.numbers_in_cited(
        "Hundesteuer 108 Euro [1]. Abfallgebühr 12 Euro [3].", passages
    )  # town + district


def test_an_llm_answer_with_another_towns_value_falls_back_to_the_extractive_answer() -> None:
    chat = ScriptedChat("Die Hundesteuer beträgt 96 Euro im Jahr [1].")
    result = answer(
        passages=[BOLL_TAX, ABG_TAX],
        question="Wie hoch ist die Hundesteuer?",
        chat=as_any(chat),
        easy_language=False,
    )
    assert result.mode == "extractive"
    assert "108 Euro" in result.text
    assert "96 Euro" not in result.text
    assert [c.title for c in result.citations] == ["Hundesteuersatzung (Bad Boll)"]


def test_the_citizen_page_asks_for_the_municipality_with_choices_that_work_without_javascript(
    app_context: AppContext, world: World
) -> None:
    with TestClient(create_app(context=app_context), base_url="http://127.0.0.1") as client:
        page = "/buerger/kreis-gp/assistent"
        token = csrf_from(client, page)
        response = client.post(page, data={"frage": "Wie hoch ist die Hundesteuer?", "csrf_token": token})
        assert response.status_code == 200
        assert "Für welche Gemeinde möchten Sie das wissen?" in response.text
        form = response.text.split('class="assistant-choices"', 1)[1].split("</form>", 1)[0]
        assert 'name="frage" value="Wie hoch ist die Hundesteuer?"' in form
        assert 'name="gemeinde" value="Aichelberg"' in form
        assert 'name="gemeinde" value="Bad Boll"' in form
        chosen = client.post(
            page,
            data={"frage": "Wie hoch ist die Hundesteuer?", "gemeinde": "Aichelberg", "csrf_token": token},
        )
        assert chosen.status_code == 200
        assert "96 Euro" in chosen.text
        assert "108 Euro" not in chosen.text
        api = client.post(
            "/api/assistant/kreis-gp/ask", json={"question": "Wie hoch ist die Hundesteuer?"}
        ).json()
        assert api["mode"] == "clarify"
        assert set(api["choices"]) == {"Aichelberg", "Bad Boll"}


def test_the_topics_of_other_towns_are_told_apart_from_those_in_scope(
    sessions: sessionmaker[Session], world: World
) -> None:
    served = scope.Scope(frozenset({"Bad Boll", "Landkreis Göppingen"}))
    with open_session(sessions, tenant_id=world.tenant_id) as session:
        topics = asking.source_topics(session=session, tenant_id=world.tenant_id, within=served)
        everything = asking.source_topics(session=session, tenant_id=world.tenant_id, within=scope.Scope())
    assert sorted(topics.elsewhere) == ["friedhofssatzung (konstanz)", "hundesteuersatzung (aichelberg)"]
    assert len(topics.titles) == 3  # Bad Boll's two and the Landkreis' by-law
    assert any("108 euro" in text for text in topics.texts())  # the texts in scope, Bad Boll's by-law
    assert not any("96 euro" in text for text in topics.texts())
    assert topics.markers("Wie lang ist die Ruhezeit auf dem Friedhof?", share=0.5) == {"friedhof"}
    assert everything.elsewhere == ()
    assert everything.texts() == ()  # nothing lies elsewhere: the texts are not read
    assert everything.markers("Wie lang ist die Ruhezeit auf dem Friedhof?", share=0.5) == set()


RUHEWALD = {
    "kn_ruhewald.md": bylaw(
        "Satzung über die Gebühren für den Mainau Ruhewald",
        "Konstanz",
        "Konstanz",
        "## § 2 Gebühren\n\nDie Gebühr für eine Urnenbeisetzung im Ruhewald beträgt 843,05 Euro.",
    ),
    "abg_friedhof.md": bylaw(
        "Friedhofsgebührensatzung",
        "Aichelberg",
        "Göppingen",
        "## § 3 Bestattungsgebühren\n\nDie Gebühr für eine Urnenbeisetzung beträgt 310 Euro. "
        "Die Friedhofskapelle steht Trauerfeiern offen.",
    ),
    "boll_friedhof.md": bylaw(
        "Friedhofsgebührensatzung mit Friedhofskapelle",
        "Bad Boll",
        "Göppingen",
        "## § 3 Bestattungsgebühren\n\nDie Gebühr für eine Urnenbeisetzung beträgt 280 Euro.",
    ),
}


def test_a_word_only_one_towns_sources_use_names_that_town(
    sessions: sessionmaker[Session], world: World
) -> None:
    # h-b47: "im Ruhewald auf der Mainau" names a part of Konstanz, not the town.
    with open_session(sessions, tenant_id=world.tenant_id) as session:
        items = [parse_markdown(text, name=name) for name, text in RUHEWALD.items()]
        service.import_sources(session=session, tenant_id=world.tenant_id, items=items, actor=EDITOR)
        service.reindex(session=session, embedder=None)
    with open_session(sessions, tenant_id=world.tenant_id) as session:

        def by_word(question: str) -> str | None:
            return scope.place_by_word(session=session, tenant_id=world.tenant_id, question=question)

        assert by_word("Was kostet eine Urnenbeisetzung im Ruhewald auf der Mainau?") == "Konstanz"
        assert by_word("Was kostet eine Urnenbeisetzung?") is None  # two towns' by-laws say it
        # "Friedhofskapelle" stands in one title, but another town's text uses it too
        assert by_word("Darf ich die Friedhofskapelle mieten?") is None
        assert by_word("Wie hoch ist die Hundesteuer?") is None
    mainau = ask(
        sessions, world, "Was kostet eine Urnenbeisetzung im Ruhewald auf der Mainau?", AssistantSettings()
    )
    assert mainau.answer.mode == "extractive"
    assert "843,05" in mainau.answer.text
    plain = ask(sessions, world, "Was kostet eine Urnenbeisetzung?", AssistantSettings())
    assert plain.answer.mode == "clarify"
