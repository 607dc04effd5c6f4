"""The Hundesteuer suite (Hundesteuersatzung Konstanz): 25 cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rathaus.applications.samples.cases import (
    AYLIN,
    BLANK,
    CAT,
    ERIKA,
    JUERGEN,
    LUKAS,
    OTHER,
    SOPHIE,
    Case,
    Doc,
    Group,
    _day,
    disability,
    id_card,
    person_values,
    register,
    rescue,
)
from rathaus.applications.samples.person import Person

KEY = "hundesteuer"


def dog(person: Person, today: dt.date, **changes: Any) -> dict[str, Any]:
    """A clean registration of a Labrador kept since ten days, two years old, the first dog."""
    values = {
        **person_values(person),
        "hund_name": "Bella",
        "rasse": "Labrador Retriever",
        "hund_geburtsdatum": _day(today, -730),
        "haltung_beginn": _day(today, -10),
        "listenhund": False,
        "weitere_hunde": 0,
        "verguenstigung": "keine",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def _case(
    name: str, group: Group, values: dict[str, Any], docs: tuple[Doc, ...] = (), *expected: str
) -> Case:
    return Case(name, KEY, group, values, docs, frozenset(expected))


def cases(today: dt.date) -> list[Case]:
    """Complete, incomplete and implausible Hundesteuer registrations."""
    exam = today - dt.timedelta(days=90)
    help_dog = {"verguenstigung": "befreiung_hilfe", "merkzeichen": ["B", "G"]}
    rescue_dog = {"verguenstigung": "befreiung_rettungshund", "pruefung_datum": exam.isoformat()}
    kennel = {"verguenstigung": "zwinger", "zwinger_hunde": 3, "zuchtfaehige_huendin": True}
    kennel["letzter_wurf_jahr"] = today.year - 1
    return [
        _case("Erster Hund, ohne Vergünstigung", "vollständig", dog(ERIKA, today)),
        _case(
            "Zweiter Hund im Haushalt", "vollständig", dog(LUKAS, today, hund_name="Oskar", weitere_hunde=1)
        ),
        _case(
            "Befreiung für einen Hund einer hilfsbedürftigen Person (Merkzeichen B)",
            "vollständig",
            dog(JUERGEN, today, **help_dog),
            (Doc("schwerbehindertenausweis", disability(JUERGEN)),),
        ),
        _case(
            "Befreiung für einen geprüften Rettungshund",
            "vollständig",
            dog(AYLIN, today, hund_name="Bruno", **rescue_dog),
            (Doc("rettungshundepruefung", rescue(AYLIN, "Bruno", exam)),),
        ),
        _case(
            "Zwingersteuer für eine Zucht mit drei Hunden",
            "vollständig",
            dog(SOPHIE, today, rasse="Berner Sennenhund", **kennel),
            (Doc("zuchtbuch", register(SOPHIE, "Berner Sennenhund", today.year - 1)),),
        ),
        _case(
            "Gefährlicher Hund (Bullterrier), ohne Vergünstigung",
            "vollständig",
            dog(LUKAS, today, rasse="Bullterrier", listenhund=True, rasse_liste="Bullterrier"),
        ),
        _case(
            "Welpe von vier Monaten", "vollständig", dog(ERIKA, today, hund_geburtsdatum=_day(today, -122))
        ),
        _case(
            "Befreiung (Merkzeichen H), Name mit Umlauten",
            "vollständig",
            dog(JUERGEN, today, verguenstigung="befreiung_hilfe", merkzeichen=["H"]),
            (Doc("schwerbehindertenausweis", disability(JUERGEN, ("H",))),),
        ),
        _case(
            "Befreiung beantragt, Ausweis fehlt",
            "unvollständig",
            dog(JUERGEN, today, **help_dog),
            (),
            "anlage.schwerbehindertenausweis.fehlt",
        ),
        _case(
            "Rettungshund, Prüfungsnachweis fehlt",
            "unvollständig",
            dog(AYLIN, today, **rescue_dog),
            (),
            "anlage.rettungshundepruefung.fehlt",
        ),
        _case("Rasse nicht angegeben", "unvollständig", dog(ERIKA, today, rasse=None), (), "feld.rasse"),
        _case(
            "Ausweis als leerer Scan",
            "unvollständig",
            dog(JUERGEN, today, **help_dog),
            (Doc("schwerbehindertenausweis", BLANK),),
            "anlage.schwerbehindertenausweis.unleserlich",
        ),
        _case(
            "Foto statt Ausweis",
            "unvollständig",
            dog(JUERGEN, today, **help_dog),
            (Doc("schwerbehindertenausweis", CAT),),
            "anlage.schwerbehindertenausweis.unleserlich",
        ),
        _case(
            "Personalausweis statt Schwerbehindertenausweis",
            "unvollständig",
            dog(JUERGEN, today, **help_dog),
            (Doc("schwerbehindertenausweis", id_card(JUERGEN)),),
            "anlage.schwerbehindertenausweis.art",
        ),
        _case(
            "Zwinger ohne Zuchtbuchauszug",
            "unvollständig",
            dog(SOPHIE, today, **kennel),
            (),
            "anlage.zuchtbuch.fehlt",
        ),
        _case(
            "Befreiung für einen Kangal beantragt",
            "unplausibel",
            dog(JUERGEN, today, rasse="Kangal", listenhund=True, rasse_liste="Kangal", **help_dog),
            (Doc("schwerbehindertenausweis", disability(JUERGEN)),),
            "hst.listenhund-befreiung",
        ),
        _case(
            "Nur Merkzeichen G",
            "unplausibel",
            dog(JUERGEN, today, verguenstigung="befreiung_hilfe", merkzeichen=["G"]),
            (Doc("schwerbehindertenausweis", disability(JUERGEN, ("G",))),),
            "hst.merkzeichen",
        ),
        _case(
            "Haltung vor der Geburt des Hundes",
            "unplausibel",
            dog(ERIKA, today, hund_geburtsdatum=_day(today, -5)),
            (),
            "hst.geburt-vor-haltung",
            "hst.welpe",
        ),
        _case(
            "Rettungshundeprüfung vor zwei Jahren",
            "unplausibel",
            dog(
                AYLIN,
                today,
                hund_name="Bruno",
                verguenstigung="befreiung_rettungshund",
                pruefung_datum=_day(today, -760),
            ),
            (Doc("rettungshundepruefung", rescue(AYLIN, "Bruno", today - dt.timedelta(days=760))),),
            "hst.pruefung-aktuell",
        ),
        _case(
            "Zwinger mit nur einem Hund",
            "unplausibel",
            dog(SOPHIE, today, rasse="Berner Sennenhund", **{**kennel, "zwinger_hunde": 1}),
            (Doc("zuchtbuch", register(SOPHIE, "Berner Sennenhund", today.year - 1)),),
            "hst.zwinger-voraussetzungen",
        ),
        _case(
            "Zwinger ohne Zucht seit sechs Jahren",
            "unplausibel",
            dog(SOPHIE, today, rasse="Berner Sennenhund", **{**kennel, "letzter_wurf_jahr": today.year - 6}),
            (Doc("zuchtbuch", register(SOPHIE, "Berner Sennenhund", today.year - 1)),),
            "hst.zwinger-zucht",
        ),
        _case(
            "Anschrift außerhalb von Konstanz",
            "unplausibel",
            dog(ERIKA, today, plz="70173", ort="Stuttgart"),
            (),
            "hst.wohnsitz",
        ),
        _case(
            "Schwerbehindertenausweis einer anderen Person",
            "unplausibel",
            dog(JUERGEN, today, **help_dog),
            (Doc("schwerbehindertenausweis", disability(OTHER)),),
            "hst.ausweis-name",
        ),
        _case(
            "Anmeldung fünf Monate nach Beginn der Haltung",
            "unplausibel",
            dog(LUKAS, today, haltung_beginn=_day(today, -150)),
            (),
            "hst.anzeigefrist",
        ),
        _case(
            "Zwingersteuer für gefährliche Hunde",
            "unplausibel",
            dog(
                SOPHIE,
                today,
                rasse="Pit Bull Terrier",
                listenhund=True,
                rasse_liste="Pit Bull Terrier",
                **kennel,
            ),
            (Doc("zuchtbuch", register(SOPHIE, "Pit Bull Terrier", today.year - 1)),),
            "hst.listenhund-zwinger",
        ),
    ]
