"""Issue 12, causes 4 and 5: numbered amendments with their records, multi-part and procedural votes."""

from __future__ import annotations

from rathaus.minutes.schemas import AgendaEntry, Segment, VoteCounts, VotingRecord
from rathaus.minutes.text import outcomes as oc
from rathaus.minutes.text.align import AlignAgenda
from rathaus.minutes.text.conventions import CouncilConventions
from rathaus.minutes.text.decisions import ExtractDecisions, ItemDecision, main_numbers

AMENDED = [
    AgendaEntry("5.9", "Friedhofssatzung"),
    AgendaEntry("5.10", "Bebauungsplan Am Mühlbach", paper_reference="DS0081/25"),
    AgendaEntry(
        "5.10.1", "Änderungsantrag der GRÜNEN: Bebauungsplan Am Mühlbach", paper_reference="DS0081/25/1"
    ),
    AgendaEntry(
        "5.10.2", "Änderungsantrag der SPD: Bebauungsplan Am Mühlbach", paper_reference="DS0081/25/2"
    ),
    AgendaEntry("5.11", "Haushaltsplan"),
]


def decide(
    lines: list[str],
    entries: list[AgendaEntry],
    records: list[VotingRecord] | None = None,
    conventions: CouncilConventions | None = None,
) -> list[ItemDecision]:
    """Lines starting with "V:" are the chair's; the rest a council member's."""
    segments = [
        Segment(
            i * 5.0, i * 5.0 + 4.0, line.removeprefix("V:").strip(), "Vorsitz" if line[:2] == "V:" else "S2"
        )
        for i, line in enumerate(lines)
    ]
    spans = AlignAgenda().run(segments, entries)
    return ExtractDecisions(conventions=conventions).run(segments, entries, spans, records or [])


def test_amendments_numbered_under_their_motion() -> None:
    assert main_numbers(AMENDED) == [None, None, "5.10", "5.10", None]
    deep = [
        AgendaEntry("6.13", "Radverkehrskonzept"),
        AgendaEntry("6.13.1", "Änderungsantrag CDU: Radverkehrskonzept"),
        AgendaEntry("6.13.1.1", "Ergänzungsantrag FDP zum Änderungsantrag CDU"),
        AgendaEntry("6.14", "Sportstättenplan"),
    ]
    assert main_numbers(deep) == [None, "6.13", "6.13", None]
    # a sub-item that is no amendment stays an item of its own, unless the body numbers amendments
    sub = [AgendaEntry("7", "Schulen"), AgendaEntry("7.1", "Antrag der FDP zur Schulsozialarbeit")]
    assert main_numbers(sub) == [None, None]
    assert main_numbers(sub, CouncilConventions(numbering="amendments")) == [None, None]
    named = [AgendaEntry("7", "Schulen"), AgendaEntry("7.1", "FDP-Änderungsantrag: Schulsozialarbeit")]
    assert main_numbers(named) == [None, None]
    assert main_numbers(named, CouncilConventions(numbering="amendments")) == [None, "7"]


def test_numbered_amendments_get_the_amendment_logic() -> None:
    decisions = decide(
        [
            "V: Ich rufe Tagesordnungspunkt 5.10 Bebauungsplan Am Mühlbach auf.",
            "Stadträtin Berg (GRÜNE): Wir wollen mehr Grün im Plan.",
            "V: Wir stimmen zuerst über den Änderungsantrag der Grünen ab. – Das ist mehrheitlich abgelehnt.",
            "V: Dann der Änderungsantrag der SPD. – Das ist eine Mehrheit.",
            "V: Jetzt die so geänderte Beschlussvorlage. – Das ist einstimmig.",
            "V: Ich rufe Tagesordnungspunkt 5.11 Haushaltsplan auf.",
        ],
        AMENDED,
    )
    main, greens, social = decisions[1:4]
    assert main.result == oc.UNANIMOUS
    assert greens.result == oc.REJECTED
    assert "GRÜNE" in greens.reason
    assert social.result == oc.MAJORITY


def test_imported_amendment_records_are_applied_or_reported() -> None:
    """ "Änderungsantrag DS0081/25/2" under 5.10 goes to the SPD's amendment, not nowhere."""
    records = [
        VotingRecord(item_number="5.10", motion="Beschlussvorlage", counts=VoteCounts(40, 5, 2)),
        VotingRecord(item_number="5.10", motion="Änderungsantrag DS0081/25/2", counts=VoteCounts(12, 33, 2)),
        VotingRecord(item_number="5.10.1", motion="Änderungsantrag", counts=VoteCounts(30, 15, 2)),
        VotingRecord(item_number="5.10", motion="Änderungsantrag DS0099/25/4", counts=VoteCounts(3, 44, 0)),
        VotingRecord(item_number="5.10.3", motion="Ergänzungsantrag FW", counts=VoteCounts(2, 45, 0)),
    ]
    decisions = decide(["V: Ich rufe Tagesordnungspunkt 5.10 auf."], AMENDED, records)
    main, greens, social = decisions[1:4]
    assert (main.result, main.counts, main.method) == (oc.MAJORITY, VoteCounts(40, 5, 2), "record")
    assert (greens.result, greens.counts) == (oc.MAJORITY, VoteCounts(30, 15, 2))
    assert (social.result, social.counts, social.method) == (oc.REJECTED, VoteCounts(12, 33, 2), "record")
    assert "DS0081/25/2" in social.reason
    # the record of a paper that is no entry of this item is not dropped silently
    assert main.unmatched_records == ("Änderungsantrag DS0099/25/4", "Ergänzungsantrag FW")
    assert "DS0099/25/4" in main.reason
    assert "bitte prüfen" in main.reason
    by_group = [
        VotingRecord(item_number="5.10", motion="Änderungsantrag GRÜNE", counts=VoteCounts(20, 25, 0))
    ]
    greens_only = decide(["V: Ich rufe Tagesordnungspunkt 5.10 auf."], AMENDED, by_group)[2]
    assert (greens_only.result, greens_only.method) == (oc.REJECTED, "record")


def test_a_motion_voted_in_parts_is_partly_adopted() -> None:
    """Three parts: passed, failed, passed — not the last part's result."""
    entries = [AgendaEntry("3", "Klimaschutzkonzept")]
    decision = decide(
        [
            "V: Ich rufe Tagesordnungspunkt 3 Klimaschutzkonzept auf.",
            "V: Wir stimmen über die Ziffern getrennt ab. Ziffer 1. – Das ist mehrheitlich zugestimmt.",
            "V: Ziffer 2. – Das ist mehrheitlich abgelehnt.",
            "V: Ziffer 3. – Das ist einstimmig zugestimmt.",
        ],
        entries,
    )[0]
    assert decision.result == oc.PARTLY
    assert len(decision.evidence) == 3
    records = [
        VotingRecord(item_number="3", motion="Beschlussvorlage Ziffer 1", counts=VoteCounts(30, 10, 0)),
        VotingRecord(item_number="3", motion="Beschlussvorlage Ziffer 2", counts=VoteCounts(10, 30, 0)),
    ]
    recorded = decide(["V: Ich rufe Tagesordnungspunkt 3 auf."], entries, records)[0]
    assert (recorded.result, recorded.counts, recorded.method) == (oc.PARTLY, None, "record")


def test_a_procedural_vote_is_kept_but_never_the_items_decision() -> None:
    entries = [AgendaEntry("9", "Neubau Feuerwache")]
    decision = decide(
        [
            "V: Ich rufe Tagesordnungspunkt 9 Neubau Feuerwache auf.",
            "Stadtrat Vogt: Ich stelle einen Antrag zur Geschäftsordnung auf Schluss der Debatte.",
            "V: Wir stimmen über den Antrag zur Geschäftsordnung ab. – Das ist mehrheitlich angenommen.",
            "V: Dann kommen wir zur Vorlage. – Das ist mehrheitlich abgelehnt.",
        ],
        entries,
    )[0]
    assert decision.result == oc.REJECTED
    assert [m.kind for m in decision.motions] == ["Geschäftsordnung", "Beschlussvorlage"]
    only_order = decide(
        [
            "V: Ich rufe Tagesordnungspunkt 9 auf.",
            "V: Zum Antrag zur Geschäftsordnung. – Das ist mehrheitlich angenommen.",
        ],
        entries,
    )[0]
    assert only_order.result is None
    assert [m.kind for m in only_order.motions] == ["Geschäftsordnung"]
    records = [
        VotingRecord(item_number="9", motion="Beschlussvorlage", counts=VoteCounts(20, 25, 0)),
        VotingRecord(item_number="9", motion="Antrag zur Geschäftsordnung", counts=VoteCounts(40, 5, 0)),
    ]
    recorded = decide(["V: Ich rufe Tagesordnungspunkt 9 auf."], entries, records)[0]
    assert (recorded.result, recorded.counts) == (oc.REJECTED, VoteCounts(20, 25, 0))
