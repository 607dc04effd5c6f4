"""The Kita suite (Kostenbeitragssatzung Konstanz, Anlagen 1 and 2): 22 cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rathaus.applications.samples.cases import (
    AYLIN,
    BLANK,
    ERIKA,
    JUERGEN,
    LUKAS,
    OTHER,
    SOPHIE,
    Case,
    Doc,
    Group,
    _day,
    income,
    person_values,
    plan,
    social,
)
from rathaus.applications.samples.person import Person

KEY = "kita-ermaessigung"


def kita(person: Person, today: dt.date, **changes: Any) -> dict[str, Any]:
    """A clean declaration: one child of two years, full day, 52.000 € wages → 33.800 € → Stufe 1."""
    values = {
        **person_values(person),
        "kind_vorname": "Mia",
        "kind_nachname": person.family_name,
        "kind_geburtsdatum": _day(today, -800),
        "aufnahmedatum": _day(today, 30),
        "betreuungsform": "ganztags",
        "mittagessen": True,
        "kinder_unter_18": 1,
        "kinder_in_betreuung": 1,
        "sozialpass": False,
        "keine_angabe": False,
        "einkommen_jahr": today.year - 1,
        "einkommen_steuerpflichtig": 52000.0,
        "einkommen_beamte": 0.0,
        "einkommen_steuerfrei": 0.0,
        "stufe_erklaert": "1",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def _case(
    name: str, group: Group, values: dict[str, Any], docs: tuple[Doc, ...] = (), *expected: str
) -> Case:
    return Case(name, KEY, group, values, docs, frozenset(expected))


def cases(today: dt.date) -> list[Case]:
    """Complete, incomplete and implausible declarations for the Kita fee reduction."""
    year = today.year - 1

    def proof(person: Person, gross: int, kind: Any = "lohnsteuerbescheinigung") -> tuple[Doc, ...]:
        return (Doc("einkommensnachweis", income(person, year, gross, kind)),)

    no_income = {"einkommen_jahr": None, "einkommen_steuerpflichtig": None, "einkommen_beamte": None}
    no_income |= {"einkommen_steuerfrei": None, "stufe_erklaert": None}
    return [
        _case(
            "Ein Kind, Stufe 1, Lohnsteuerbescheinigung",
            "vollständig",
            kita(ERIKA, today),
            proof(ERIKA, 52000),
        ),
        _case(
            "Zwei Kinder, Stufe 2, Einkommensteuerbescheid",
            "vollständig",
            kita(LUKAS, today, kinder_unter_18=2, einkommen_steuerpflichtig=90000.0, stufe_erklaert="2"),
            proof(LUKAS, 90000, "einkommensteuerbescheid"),
        ),
        _case(
            "Zweitjüngstes von zwei betreuten Kindern",
            "vollständig",
            kita(AYLIN, today, kinder_unter_18=2, kinder_in_betreuung=2, kind_rang="zweites"),
            proof(AYLIN, 52000),
        ),
        _case(
            "Drittes betreutes Kind (beitragsfrei)",
            "vollständig",
            kita(SOPHIE, today, kinder_unter_18=3, kinder_in_betreuung=3, kind_rang="drittes"),
            proof(SOPHIE, 52000),
        ),
        _case(
            "Mit Sozialpass",
            "vollständig",
            kita(JUERGEN, today, sozialpass=True, **no_income),
            (Doc("sozialpass", social(JUERGEN, today)),),
        ),
        _case("Keine Angaben (Stufe 4)", "vollständig", kita(ERIKA, today, keine_angabe=True, **no_income)),
        _case(
            "Schulkind in der Nachmittagsbetreuung",
            "vollständig",
            kita(LUKAS, today, kind_geburtsdatum=_day(today, -2600), betreuungsform="nachmittag_schulkind"),
            proof(LUKAS, 52000),
        ),
        _case(
            "Vier Kinder, Stufe 3",
            "vollständig",
            kita(AYLIN, today, kinder_unter_18=4, einkommen_steuerpflichtig=150000.0, stufe_erklaert="3"),
            proof(AYLIN, 150000),
        ),
        _case(
            "Einkommensnachweis fehlt",
            "unvollständig",
            kita(ERIKA, today),
            (),
            "anlage.einkommensnachweis.fehlt",
        ),
        _case(
            "Sozialpass ohne Kopie",
            "unvollständig",
            kita(JUERGEN, today, sozialpass=True, **no_income),
            (),
            "anlage.sozialpass.fehlt",
        ),
        _case(
            "Kalenderjahr der Einkünfte fehlt",
            "unvollständig",
            kita(ERIKA, today, einkommen_jahr=None),
            proof(ERIKA, 52000),
            "feld.einkommen_jahr",
        ),
        _case(
            "Nachweis als leerer Scan",
            "unvollständig",
            kita(ERIKA, today),
            (Doc("einkommensnachweis", BLANK),),
            "anlage.einkommensnachweis.unleserlich",
        ),
        _case(
            "Lageplan statt Einkommensnachweis",
            "unvollständig",
            kita(ERIKA, today),
            (Doc("einkommensnachweis", plan("Hussenstraße 12, 78462 Konstanz", "Garten")),),
            "anlage.einkommensnachweis.art",
            "kita.nachweis-name",
            "kita.nachweis-betrag",
        ),
        _case(
            "Stufe 1 erklärt, Einkommen ergibt Stufe 2",
            "unplausibel",
            kita(ERIKA, today, einkommen_steuerpflichtig=80000.0),
            proof(ERIKA, 80000),
            "kita.stufe",
        ),
        _case(
            "Mehr betreute Kinder als Kinder im Haushalt",
            "unplausibel",
            kita(LUKAS, today, kinder_unter_18=1, kinder_in_betreuung=2, kind_rang="erstes"),
            proof(LUKAS, 52000),
            "kita.kinder",
        ),
        _case(
            "Beitragsfreiheit mit nur zwei betreuten Kindern",
            "unplausibel",
            kita(SOPHIE, today, kinder_unter_18=2, kinder_in_betreuung=2, kind_rang="drittes"),
            proof(SOPHIE, 52000),
            "kita.geschwister",
        ),
        _case(
            "Kind nach dem Aufnahmedatum geboren",
            "unplausibel",
            kita(AYLIN, today, kind_geburtsdatum=_day(today, 60)),
            proof(AYLIN, 52000),
            "kita.kind-geboren",
        ),
        _case(
            "Nachmittagsbetreuung für ein dreijähriges Kind",
            "unplausibel",
            kita(ERIKA, today, kind_geburtsdatum=_day(today, -1100), betreuungsform="nachmittag_schulkind"),
            proof(ERIKA, 52000),
            "kita.schulkind",
        ),
        _case(
            "Einkünfte von vor drei Jahren",
            "unplausibel",
            kita(LUKAS, today, einkommen_jahr=today.year - 3),
            proof(LUKAS, 52000),
            "kita.einkommensjahr",
        ),
        _case(
            "Nachweis nennt ein höheres Einkommen",
            "unplausibel",
            kita(ERIKA, today),
            proof(ERIKA, 64000),
            "kita.nachweis-betrag",
        ),
        _case(
            "Nachweis einer anderen Person",
            "unplausibel",
            kita(AYLIN, today),
            proof(OTHER, 52000),
            "kita.nachweis-name",
        ),
        _case(
            "Kita-Betreuung für ein Kind im Schulalter",
            "unplausibel",
            kita(SOPHIE, today, kind_geburtsdatum=_day(today, -2900), betreuungsform="vormittags"),
            proof(SOPHIE, 52000),
            "kita.schulalter",
        ),
    ]
