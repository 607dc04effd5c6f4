"""By-law answers: the value stated as a quantity wins, and the value passage moves up to be shown."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import facts, service
from rathaus.assistant.asked import Wanted
from rathaus.assistant.matching import question_matcher
from rathaus.assistant.models import Chunk
from rathaus.assistant.retrieval import passages as load_passages
from rathaus.assistant.sources import SourceInput
from rathaus.assistant.values import annex_of, with_value_passage
from rathaus.core.db import open_session
from tests.assistant.stand_ins import EDITOR, new_tenant

# As in a Friedhofsatzung: the vague duty and the one with the period, both about "hergerichtet".
GRAB = (
    "(1) Wird eine Grabstätte nicht hergerichtet oder gepflegt, so hat der Verantwortliche auf schriftliche "
    "Aufforderung der Gemeinde die Grabstätte innerhalb einer jeweils festgesetzten angemessenen Frist in "
    "Ordnung zu bringen.\n\n"
    "(4) Die Grabstätten müssen innerhalb von sechs Monaten nach der Belegung hergerichtet sein."
)


def test_a_period_is_concrete_only_as_a_quantity_a_time_or_a_date() -> None:
    assert facts.concrete("innerhalb von sechs Monaten nach der Belegung", Wanted.PERIOD)
    assert facts.concrete("endet der Trainingsbetrieb spätestens um 22.00 Uhr", Wanted.PERIOD)
    assert facts.concrete("bis spätestens 31.01. des Jahres", Wanted.PERIOD)
    assert not facts.concrete("innerhalb einer jeweils festgesetzten angemessenen Frist", Wanted.PERIOD)
    assert facts.concrete("Die Steuer beträgt 120,00 €.", Wanted.FEE)
    assert not facts.concrete("Die Gebühr richtet sich nach dem Gebührenverzeichnis.", Wanted.FEE)


def test_the_sentence_stating_the_period_is_picked_over_the_vague_duty() -> None:
    matches = question_matcher(
        "Bis wann muss in Schwieberdingen ein Grab nach der Beerdigung hergerichtet sein?"
    )
    found = facts.best_units(GRAB, section="§ 26 Allgemeines", kind=Wanted.PERIOD, matches=matches, limit=1)
    assert (
        found[0][1].text
        == "Die Grabstätten müssen innerhalb von sechs Monaten nach der Belegung hergerichtet sein."
    )


SATZUNG = "\n\n".join(
    [
        "### § 1 Steuergegenstand\n\n(1) Die Gemeinde erhebt die Hundesteuer nach dieser Satzung.\n\n"
        "(2) Der Steuer unterliegt das Halten von Hunden durch natürliche Personen im Gemeindegebiet.",
        "### § 2 Steuerschuldner\n\nSteuerschuldner ist der Halter des Hundes.",
        "### § 5 Steuersatz\n\n(1) Die Steuer beträgt im Kalenderjahr für jeden Hund 120,00 €.",
        "### § 11 Hundesteuermarken\n\n(1) Für jeden Hund wird eine Hundesteuermarke ausgegeben.",
    ]
)


def _indexed(session: Session, tenant: int, title: str, body: str) -> dict[str, int]:
    """The by-law imported and indexed (no embedder): its chunks' ids by section heading."""
    item = SourceInput(kind="bylaw", title=title, body=body, external_id=f"file:{title}.md")
    service.import_sources(session=session, tenant_id=tenant, items=[item], actor=EDITOR)
    service.reindex(session=session, embedder=None)
    return {
        str(section): int(chunk_id) for section, chunk_id in session.execute(select(Chunk.section, Chunk.id))
    }


def test_the_retrieved_rate_paragraph_moves_up_next_to_the_best_passage(
    sessions: sessionmaker[Session],
) -> None:
    tenant = new_tenant(sessions, "hundesteuer")
    with open_session(sessions, tenant_id=tenant) as session:
        chunks = _indexed(session, tenant, "Hundesteuersatzung", SATZUNG)
        order = ["§ 1 Steuergegenstand", "§ 11 Hundesteuermarken", "§ 2 Steuerschuldner", "§ 5 Steuersatz"]
        hits = [
            (chunks[next(s for s in chunks if s.startswith(name))], 1.0 - n / 10)
            for n, name in enumerate(order)
        ]
        found = load_passages(session=session, tenant_id=tenant, hits=hits, audience="public")
        assert [p.section for p in found][3].startswith("§ 5")
        chosen = with_value_passage(
            session=session,
            tenant_id=tenant,
            found=found,
            question="Wie viel Hundesteuer zahle ich in Eschenbach für unseren Mischling?",
            audience="public",
        )
    assert [p.section[:4] for p in chosen] == ["§ 1 ", "§ 5 ", "§ 11", "§ 2 "]


def test_a_participle_matches_the_noun_of_its_verb() -> None:
    matches = question_matcher("Für wie lange werde ich als Steinmetz zugelassen?")
    assert matches("Die Zulassung wird auf 3 Jahre befristet.") == 1
    assert matches("Die Ruhezeit der Leichen beträgt 25 Jahre.") == 0
    assert question_matcher("Wo wird der Ausweis ausgestellt?")("Die Ausstellung dauert zwei Wochen.") == 1
    # A weak verb's participle matches its noun and infinitive; an "-ieren" verb its noun.
    extended = question_matcher("Um wie viele Jahre wird der Schein verlängert?")
    assert extended("Die Verlängerung erfolgt auf 5 Jahre.") == 2
    reserved = question_matcher("Wie lange wird das Kennzeichen reserviert?")
    assert reserved("Sie können das Kennzeichen für 12 Monate reservieren.") == 2
    carried = question_matcher("Wie muss ich das Gewehr transportieren?")
    assert carried("Beim Transport darf die Waffe nicht geladen sein.") == 1
    assert question_matcher("Wurde der Name geändert?")("Eine Namensänderung ist möglich.") == 1


def test_a_heading_announcing_another_period_does_not_outweigh_the_asked_one() -> None:
    # As in a Friedhofsatzung: § 8 Ruhezeit announces a period, but the question asks how long a
    # stonemason's admission (§ 4) lasts.
    question = "Ich bin Steinmetz. Für wie lange werde ich für Arbeiten auf dem Friedhof zugelassen?"
    matches = question_matcher(question)
    rest = facts.best_units(
        "Die Ruhezeit der Leichen beträgt 25 Jahre.",
        section="§ 8 Ruhezeit",
        kind=Wanted.PERIOD,
        matches=matches,
    )
    admission = facts.best_units(
        "(3) Die Zulassung erfolgt durch Ausstellung eines Berechtigungsscheins. Die Zulassung wird auf "
        "3 Jahre befristet.",
        section="§ 4 Gewerbliche Betätigung auf dem Friedhof",
        kind=Wanted.PERIOD,
        matches=matches,
    )
    assert admission[0][1].text == "Die Zulassung wird auf 3 Jahre befristet."
    assert admission[0][0] > rest[0][0]
    # A heading that announces the asked value and names the question's word still counts in full.
    fee = question_matcher("Wie lange ist die Ruhezeit?")
    (full,) = facts.best_units(
        "Die Ruhezeit der Leichen beträgt 25 Jahre.", section="§ 8 Ruhezeit", kind=Wanted.PERIOD, matches=fee
    )
    assert full[0] == 1 + 0.5 + facts.ANNOUNCED + 0.5 + 0.75


# As in Gammelshausen: the Verwaltungsgebührensatzung refers to its Gebührenverzeichnis, a source of its own.
GEBUEHRENSATZUNG = (
    "### § 1 Gebührenpflicht\n\nDie Gemeinde erhebt für öffentliche Leistungen Gebühren "
    "nach dieser Satzung.\n\n"
    "### § 4 Gebührenhöhe\n\n(1) Die Höhe der Verwaltungsgebühren richtet sich nach dem beigefügten "
    "Gebührenverzeichnis."
)
FEUERWEHR = "### § 3 Entschädigung\n\nDie allgemeine Entschädigung beträgt 10 Euro je Stunde."
VERZEICHNIS = (
    "### Gebührenverzeichnis — Nummern 1 bis 11\n\n"
    "| Lfd. Nr. | Öffentliche Leistung | Gebühr |\n|---|---|---|\n"
    "| 1 | Allgemeine Verwaltungsgebühr (§ 4 Abs. 1 Satz 3 der Satzung) | 16,00 € / ZE |\n\n"
    "### Gebührenverzeichnis — Nummern 12 bis 23\n\n"
    "| Lfd. Nr. | Öffentliche Leistung | Gebühr |\n|---|---|---|\n"
    "| 19.1 | Ausstellung eines Fischereischeins auf Lebenszeit | 25,00 € / Vorgang |\n"
)


def test_the_rate_in_the_annexed_fee_schedule_is_added(
    sessions: sessionmaker[Session],
) -> None:
    tenant = new_tenant(sessions, "verwaltungsgebuehr")
    items = [
        SourceInput(
            kind="bylaw",
            title=title,
            body=body,
            external_id=f"file:{name}.md",
            municipality="Gammelshausen",
        )
        for title, body, name in (
            (
                "Satzung über die Erhebung von Gebühren (Verwaltungsgebührensatzung)",
                GEBUEHRENSATZUNG,
                "satzung",
            ),
            ("Gebührenverzeichnis (Anlage zur Verwaltungsgebührensatzung)", VERZEICHNIS, "verzeichnis"),
            ("Feuerwehrentschädigungssatzung", FEUERWEHR, "feuerwehr"),
        )
    ]
    with open_session(sessions, tenant_id=tenant) as session:
        service.import_sources(session=session, tenant_id=tenant, items=items, actor=EDITOR)
        service.reindex(session=session, embedder=None)
        chunks = {
            str(section): int(chunk_id)
            for section, chunk_id in session.execute(select(Chunk.section, Chunk.id))
        }
        order = [
            "§ 1 Gebührenpflicht",
            "§ 4 Gebührenhöhe",
            "§ 3 Entschädigung",
            "Gebührenverzeichnis — Nummern 12",
        ]
        hits = [
            (chunks[next(s for s in chunks if s.startswith(name))], 1.0 - n / 10)
            for n, name in enumerate(order)
        ]
        found = load_passages(session=session, tenant_id=tenant, hits=hits, audience="public")
        chosen = with_value_passage(
            session=session,
            tenant_id=tenant,
            found=found,
            question="Wie hoch ist die allgemeine Verwaltungsgebühr in Gammelshausen?",
            audience="public",
        )
    # The annex's row is added after the best passage; the other by-law of the municipality is not searched.
    assert [p.section[:25] for p in chosen] == [
        "§ 1 Gebührenpflicht",
        "Gebührenverzeichnis — Num",
        "§ 4 Gebührenhöhe",
        "§ 3 Entschädigung",
    ]
    assert "16,00 €" in chosen[1].text


def test_an_annex_names_its_by_law() -> None:
    parent = "Satzung über die Erhebung von Gebühren für öffentliche Leistungen (Verwaltungsgebührensatzung)"
    assert annex_of(
        "Gebührenverzeichnis der Gemeinde Aichelberg — Anlage zur Verwaltungsgebührensatzung", parent
    )
    assert not annex_of("Feuerwehrentschädigungssatzung (Eschenbach)", parent)
    assert not annex_of(parent, parent)


RUHEWALD = (
    "# Satzung für den Ruhewald\n\n"
    "## § 1 Geltungsbereich\n\nDiese Satzung gilt für den Ruhewald der Gemeinde.\n\n"
    "## § 3 Begehung\n\nDer Ruhewald ist ein naturnaher Wald. Die Begehung darf nur tagsüber erfolgen.\n\n"
    "## § 4 Verhalten im Ruhewald\n\nKinder unter 10 Jahren dürfen den Ruhewald nur in Begleitung von "
    "Erwachsenen besuchen."
)


def test_the_paragraph_stating_the_asked_rule_joins_the_best_passage(sessions: sessionmaker[Session]) -> None:
    tenant = new_tenant(sessions, "ruhewald")
    with open_session(sessions, tenant_id=tenant) as session:
        chunks = _indexed(session, tenant, "Ruhewaldsatzung", RUHEWALD)
        hits = [(chunks[next(s for s in chunks if s.startswith(name))], 0.9) for name in ("§ 3", "§ 1")]
        found = load_passages(session=session, tenant_id=tenant, hits=hits, audience="public")
        chosen = with_value_passage(
            session=session,
            tenant_id=tenant,
            found=found,
            question="Darf mein achtjähriger Sohn allein in den Ruhewald?",
            audience="public",
        )
    # "Kinder … nur in Begleitung" answers it; "nur tagsüber" is a rule too, but names less of the question.
    assert [p.section[:4] for p in chosen] == ["§ 3 ", "§ 4 "]  # as many passages as were retrieved
