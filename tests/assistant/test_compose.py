"""Composing a service answer: the asked-for fact of the service that answers, and of one that fits alike."""

from __future__ import annotations

from typing import Any

from rathaus.assistant.answers import extractive_text
from rathaus.assistant.compose import best_sentences, close_services
from rathaus.assistant.facts import is_heading, units
from rathaus.assistant.handover import key_facts
from rathaus.assistant.matching import question_matcher
from tests.assistant.conftest import passage

PLACE = [{"name": "Waffenwesen", "address": "Ruppertstraße 19, 80337 München"}]


def _answer(passages: list[Any], question: str) -> str:
    """The extractive text from ``passages`` (answerability aside: the passages are taken as answering)."""
    facts = [fact for n, p in enumerate(passages, start=1) if (fact := key_facts(p, n)) is not None]
    return extractive_text(passages, question, facts)


def _service(title: str, source_id: int, score: float, **facts: Any) -> Any:
    return passage(
        title,
        f"{title}: Sie können den Antrag bei uns stellen.",
        source_id=source_id,
        score=score,
        facts={"locations": PLACE, "duration_minutes": 30, **facts},
    )


def test_a_service_without_a_list_of_documents_answers_which_form_with_its_forms() -> None:
    forms = [
        {"name": "Datenschutzgrundverordnung", "link": ""},
        {"name": "Antrag Fischereischein", "link": "https://stadt.example/antrag.pdf"},
    ]
    angling = _service("Jugendfischereischein beantragen", 1, 0.9, forms=forms)
    hunting = _service("Jagdschein beantragen", 2, 0.5, fees="Jahresjagdschein: 60 Euro")
    text = _answer(
        [angling, hunting],
        "Mein Sohn ist 12 und will mit mir angeln gehen. Welches Formular brauche ich für seinen Schein?",
    )
    # The description's sentence about the application may come first; the forms follow at once.
    assert "Formulare (Jugendfischereischein beantragen): Antrag Fischereischein [1]" in text.splitlines()[:2]
    assert "Datenschutzgrundverordnung" not in text


def test_what_the_description_says_to_bring_comes_before_the_forms() -> None:
    lost = passage(
        "Verlust oder Diebstahl Personalausweis",
        "In sehr dringenden Fällen können Sie einen vorläufigen Ausweis beantragen, den Sie sofort mitnehmen "
        "können. Bitte bringen Sie für diesen ein zusätzliches biometrisches Passfoto mit.",
        source_id=1,
        score=0.9,
        facts={"locations": PLACE, "forms": [{"name": "Informationen zum biometrischen Foto", "link": ""}]},
    )
    text = _answer([lost], "Mein Ausweis wurde gestohlen. Was muss ich für einen Ersatzausweis mitbringen?")
    lines = text.splitlines()
    said = next(n for n, line in enumerate(lines) if "biometrisches Passfoto mit" in line)
    forms = next(n for n, line in enumerate(lines) if line.startswith("Formulare (Verlust"))
    assert said < forms <= 2, lines


def test_a_period_beyond_the_appointment_comes_from_the_description() -> None:
    permit = passage(
        "Aufenthaltsgestattung für das Asylverfahren",
        "Die Aufenthaltsgestattung bestätigt Ihren Aufenthalt. Sie kann für maximal 6 Monate erteilt und "
        "verlängert werden.",
        source_id=1,
        score=0.9,
        facts={"locations": PLACE, "duration_minutes": 15},
    )
    validity = _answer([permit], "Für wie lange wird das Papier ausgestellt?")
    assert "maximal 6 Monate" in validity.splitlines()[0]
    appointment = _answer([permit], "Wie lange dauert der Termin dafür?")
    first = appointment.splitlines()[0]
    assert first.startswith("Dauer (Aufenthaltsgestattung für das Asylverfahren): etwa 15"), first


def test_two_services_fitting_alike_both_give_their_fee_under_their_names() -> None:
    passport = _service("Reisepass", 1, 0.80, fees="Über 24 Jahren: 70 Euro")
    provisional = _service("Vorläufiger Reisepass", 2, 0.76, fees="26 Euro")
    far = _service("Übertrag des Aufenthaltstitels in den neuen Pass", 3, 0.50, fees="67 Euro")
    text = _answer(
        [passport, provisional, far],
        "Ich fliege übermorgen und mein Pass ist abgelaufen. Was kostet ein neuer?",
    )
    lines = text.splitlines()
    assert lines[0] == "Gebühr (Reisepass): Über 24 Jahren: 70 Euro [1]"
    assert lines[1] == "Gebühr (Vorläufiger Reisepass): 26 Euro [2]"
    assert "67 Euro" not in text
    assert close_services([passport, provisional, far]) == {"Reisepass", "Vorläufiger Reisepass"}


def test_the_best_service_without_a_fee_leaves_the_fee_to_the_next_one_that_has_one() -> None:
    copy = _service("Karteikartenabschrift der Führerscheindaten", 1, 0.9)
    card = _service("Fahrerqualifizierungsnachweis (FQN)", 2, 0.6, fees="Erstmalige Ausstellung: 35,00 Euro")
    text = _answer(
        [copy, card],
        "Ich brauche zum ersten Mal die Karte, die meine Weiterbildung nachweist. Was kostet die?",
    )
    assert "Gebühr (Fahrerqualifizierungsnachweis (FQN)): Erstmalige Ausstellung: 35,00 Euro [2]" in text


def test_the_period_comes_from_the_service_that_answers_not_from_one_ranked_further_down() -> None:
    refugees = passage(
        "Aufenthaltserlaubnis – Kriegsflüchtlinge",
        "Ihre Aufenthaltserlaubnis gilt bis zum 4. März 2027.",
        source_id=1,
        score=0.9,
        facts={"locations": PLACE, "duration_minutes": 15},
    )
    other = _service("Melderegisterauskunft", 3, 0.4)
    students = passage(
        "Aufenthaltserlaubnis – Studium",
        "Die Aufenthaltserlaubnis zum Studium gilt in der Regel für drei Jahre und kann verlängert werden.",
        source_id=2,
        score=0.5,
        facts={"locations": PLACE, "duration_minutes": 15},
    )
    text = _answer(
        [refugees, students, other], "Bis wann gilt meine Aufenthaltserlaubnis, kann ich sie verlängern?"
    )
    first = text.splitlines()[0]
    assert "4. März 2027" in first
    assert "drei Jahre" not in first


def test_a_sentence_the_text_says_twice_is_shown_once() -> None:
    said = "Die Verlängerung erfolgt für drei Jahre."
    text = f"{said}\n\nAntrag stellen\n\n{said}"
    permit = passage("Aufenthaltserlaubnis", text, source_id=1, score=0.9)
    answer = _answer([permit], "Für wie viele Jahre wird die Verlängerung erteilt?")
    assert answer.count("Die Verlängerung erfolgt für drei Jahre.") == 1


def test_a_sub_heading_is_not_glued_to_the_sentence_after_it() -> None:
    text = (
        "Registrierung als Kriegsflüchtling\n\nUm eine Aufenthaltserlaubnis zu erhalten, müssen Sie sich "
        "registrieren.\n\nGültigkeit: Drei Jahre"
    )
    permit = passage("Aufenthaltserlaubnis – Kriegsflüchtlinge", text, source_id=1, score=0.9)
    answer = _answer([permit], "Wie bekomme ich als Kriegsflüchtling eine Aufenthaltserlaubnis?")
    assert "Kriegsflüchtling Um eine" not in answer
    assert "Um eine Aufenthaltserlaubnis zu erhalten" in answer
    # A label with its value is a statement, no heading.
    assert [unit.text for unit in units(text) if is_heading(unit)] == ["Registrierung als Kriegsflüchtling"]


def test_where_to_do_a_step_is_answered_by_the_sentence_with_its_address_first() -> None:
    refugees = passage(
        "Aufenthaltserlaubnis – Kriegsflüchtlinge",
        "Sie können werktags zum Ankunftszentrum in die Dachauer Straße 122 zur Registrierung kommen.",
        source_id=1,
        score=0.9,
        facts={"locations": PLACE},
    )
    text = _answer([refugees], "Wo muss ich mich als Kriegsflüchtling registrieren?")
    lines = text.splitlines()
    assert "Dachauer Straße 122" in lines[0]
    assert lines[1].startswith("Zuständig (Aufenthaltserlaubnis – Kriegsflüchtlinge): Waffenwesen")
    # Without an address the service's office answers first.
    plain = passage("Pass", "Den Pass beantragen Sie im Bürgerbüro.", source_id=2, facts={"locations": PLACE})
    assert _answer([plain], "Wo kann ich den Pass beantragen?").startswith("Zuständig (Pass): Waffenwesen")


def test_a_long_list_in_prose_ends_after_whole_items_and_says_more_follow() -> None:
    items = "\n".join(f"- Im Ausland {n}: {'sehr lange Begründung ' * 12}endet hier." for n in range(1, 7))
    text = f"Ihr Aufenthaltstitel erlischt, wenn Sie ausreisen, zum Beispiel:\n{items}"
    shown = best_sentences(text, (), question_matcher("Wann erlischt mein Aufenthaltstitel im Ausland?"))
    assert len(shown) == 1
    assert shown[0].endswith("endet hier. weitere Punkte siehe Quelle")
    assert "…" not in shown[0]
    assert ".;" not in shown[0]


def test_a_period_the_text_states_comes_first_and_the_appointment_length_last() -> None:
    permit = passage(
        "Aufenthaltserlaubnis – Kriegsflüchtlinge",
        "Ihre Aufenthaltserlaubnis verlängert sich automatisch bis zum 4. März 2027. "
        "Mit der Aufenthaltserlaubnis dürfen Sie arbeiten.",
        source_id=1,
        score=0.9,
        facts={"locations": PLACE, "duration_minutes": 15},
    )
    lines = _answer([permit], "Bis wann gilt meine Aufenthaltserlaubnis?").splitlines()
    assert "4. März 2027" in lines[0]
    assert (
        lines[-1] == "Dauer (Aufenthaltserlaubnis – Kriegsflüchtlinge): etwa 15 Minuten (Termin vor Ort) [1]"
    )
    assert sum(line.startswith("Dauer (") for line in lines) == 1


def test_a_yes_no_question_is_answered_by_the_sentence_stating_the_rule_first() -> None:
    text = (
        "Die Gewerbe-Abmeldung in München können Sie online erledigen. Für die Abmeldung Ihres Gewerbes in "
        "München brauchen Sie Ihren Ausweis. Die Abmeldung des Gewerbes kostet in München 35 Euro. Bei einem "
        "Umzug in eine andere Gemeinde entfällt die Gewerbeabmeldung."
    )
    trade = passage("Gewerbe-Abmeldung", text, source_id=1, score=0.9)
    question = "Ich ziehe nach Augsburg. Muss ich mein Gewerbe in München abmelden?"
    lines = _answer([trade], question).splitlines()
    # The rule names fewer of the question's words than the other sentences, yet it answers: it comes first.
    assert lines[0] == (
        "Gewerbe-Abmeldung: Bei einem Umzug in eine andere Gemeinde entfällt die Gewerbeabmeldung. [1]"
    )
    # The passage's best sentences follow, three as without the rule first.
    assert lines[1].count(".") == 3


def test_a_question_naming_a_unit_is_answered_by_a_value_in_it() -> None:
    # As in an Abwassersatzung: the rate paragraph ranks first, the advance payment's share follows.
    rate = passage(
        "Abwassersatzung",
        "Der Abwasserbeitrag für den Vorauszahlungsfall beträgt 6,59 Euro je qm Nutzungsfläche.",
        source_id=1,
        section="§ 37 Beitragssatz",
        kind="bylaw",
    )
    advance = passage(
        "Abwassersatzung",
        "Die Gemeinde erhebt Vorauszahlungen auf den Beitrag in Höhe von 80 v. H. der voraussichtlichen "
        "Beitragsschuld.",
        source_id=1,
        section="§ 39 Vorauszahlungen, Fälligkeit",
        kind="bylaw",
    )
    question = "Wie viel Prozent des Beitrags verlangt die Gemeinde als Vorauszahlung?"
    assert "80 v. H." in extractive_text([rate, advance], question, []).splitlines()[0]
    # Without the unit the sum per square metre would do.
    assert "6,59 Euro" in extractive_text([rate, advance], "Wie hoch ist der Beitrag?", []).splitlines()[0]
