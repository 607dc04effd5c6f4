"""The Sondernutzung suite (Sondernutzungs- und Gebührensatzung Konstanz): 22 cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rathaus.applications.samples.cases import (
    AYLIN,
    BLANK,
    ERIKA,
    JUERGEN,
    LUKAS,
    SOPHIE,
    Case,
    Doc,
    Group,
    _day,
    id_card,
    person_values,
    plan,
)
from rathaus.applications.samples.person import Person

KEY = "sondernutzung"
CONTAINER = "Stellfläche Container"
TERRACE = "Außenbewirtschaftung"


def use(person: Person, today: dt.date, **changes: Any) -> dict[str, Any]:
    """A clean application for a building container on the road for two months, starting in ten days."""
    values = {
        **person_values(person),
        "art": "baustelle",
        "beschreibung": "Bauschuttcontainer 7 m³ für die Sanierung des Dachgeschosses",
        "nutzung_strasse": "Hussenstraße",
        "nutzung_hausnummer": "12",
        "altstadt": False,
        "flaeche_qm": 15.0,
        "beginn": _day(today, 10),
        "ende": _day(today, 70),
        "gemeinnuetzig": False,
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def terrace(person: Person, today: dt.date, **changes: Any) -> dict[str, Any]:
    """A café terrace for the summer season at the café's own front."""
    base = {
        "art": "aussenbewirtschaftung",
        "beschreibung": "Sechs Tische mit zwölf Stühlen und zwei Sonnenschirmen vor dem Café",
        "nutzung_strasse": "Zasiusstraße",
        "nutzung_hausnummer": "8",
        "flaeche_qm": 24.0,
        "beginn": _day(today, 20),
        "ende": _day(today, 200),
        "gaststaette_angrenzend": True,
        "heizstrahler": False,
        "firma": "Café am Zasiusbrunnen",
    }
    return use(person, today, **{**base, **changes})


def _case(
    name: str, group: Group, values: dict[str, Any], docs: tuple[Doc, ...] = (), *expected: str
) -> Case:
    return Case(name, KEY, group, values, docs, frozenset(expected))


def cases(today: dt.date) -> list[Case]:
    """Complete, incomplete and implausible applications for a special use of public roads."""
    container_plan = (Doc("lageplan", plan("Hussenstraße 12, 78462 Konstanz", CONTAINER, 2.5, 6.0)),)
    terrace_plan = (Doc("lageplan", plan("Zasiusstraße 8, 78462 Konstanz", TERRACE, 4.0, 6.0)),)
    return [
        _case("Container für zwei Monate", "vollständig", use(ERIKA, today), container_plan),
        _case("Außenbewirtschaftung für die Saison", "vollständig", terrace(AYLIN, today), terrace_plan),
        _case(
            "Warenauslage vor einem Geschäft",
            "vollständig",
            use(
                SOPHIE,
                today,
                art="warenauslage",
                beschreibung="Zwei Warenständer mit Büchern",
                flaeche_qm=3.0,
            ),
        ),
        _case(
            "Werbetafel außerhalb der Altstadt",
            "vollständig",
            use(LUKAS, today, art="werbeanlage", beschreibung="Kundenstopper DIN A1", flaeche_qm=0.6),
        ),
        _case(
            "Gerüst für eine Woche",
            "vollständig",
            use(
                JUERGEN,
                today,
                beschreibung="Fassadengerüst",
                nutzung_strasse="Seestraße",
                nutzung_hausnummer="21",
                flaeche_qm=30.0,
                ende=_day(today, 16),
            ),
            (Doc("lageplan", plan("Seestraße 21, 78464 Konstanz", "Gerüst", 15.0, 2.0)),),
        ),
        _case(
            "Materiallager mit Lageplan",
            "vollständig",
            use(
                LUKAS,
                today,
                art="materiallager",
                beschreibung="Pflastersteine auf Paletten",
                nutzung_strasse="Mainaustraße",
                nutzung_hausnummer="45",
                flaeche_qm=8.0,
                ende=_day(today, 30),
            ),
            (Doc("lageplan", plan("Mainaustraße 45, 78464 Konstanz", "Materiallager", 2.0, 4.0)),),
        ),
        _case(
            "Verkaufsstand außerhalb der Altstadt",
            "vollständig",
            use(
                SOPHIE,
                today,
                art="verkaufsstand",
                beschreibung="Stand für Spargel",
                nutzung_strasse="Mainaustraße",
                nutzung_hausnummer="45",
                flaeche_qm=6.0,
            ),
            (Doc("lageplan", plan("Mainaustraße 45, 78464 Konstanz", "Verkaufsstand", 2.0, 3.0)),),
        ),
        _case("Container ohne Lageplan", "unvollständig", use(ERIKA, today), (), "anlage.lageplan.fehlt"),
        _case(
            "Außenbewirtschaftung ohne Lageplan",
            "unvollständig",
            terrace(AYLIN, today),
            (),
            "anlage.lageplan.fehlt",
        ),
        _case(
            "Lageplan als leerer Scan",
            "unvollständig",
            use(ERIKA, today),
            (Doc("lageplan", BLANK),),
            "anlage.lageplan.unleserlich",
        ),
        _case(
            "Personalausweis statt Lageplan",
            "unvollständig",
            use(ERIKA, today),
            (Doc("lageplan", id_card(ERIKA)),),
            "anlage.lageplan.art",
        ),
        _case(
            "Beschreibung fehlt",
            "unvollständig",
            use(ERIKA, today, beschreibung=None),
            container_plan,
            "feld.beschreibung",
        ),
        _case(
            "Fläche fehlt",
            "unvollständig",
            use(ERIKA, today, flaeche_qm=None),
            container_plan,
            "feld.flaeche_qm",
        ),
        _case(
            "Gemeinnützig ohne Nachweis",
            "unvollständig",
            use(
                SOPHIE,
                today,
                art="sonstiges",
                beschreibung="Infostand des Tierschutzvereins",
                gemeinnuetzig=True,
                flaeche_qm=4.0,
            ),
            (),
            "anlage.nachweis_gemeinnuetzigkeit.fehlt",
            "sne.gemeinnuetzig",
        ),
        _case(
            "Ende vor dem Beginn",
            "unplausibel",
            use(ERIKA, today, ende=_day(today, 5)),
            container_plan,
            "sne.ende-nach-beginn",
        ),
        _case(
            "Beginn in der Vergangenheit",
            "unplausibel",
            use(ERIKA, today, beginn=_day(today, -20)),
            container_plan,
            "sne.beginn-vergangen",
        ),
        _case(
            "Heizstrahler auf der Terrasse",
            "unplausibel",
            terrace(AYLIN, today, heizstrahler=True),
            terrace_plan,
            "sne.heizstrahler",
        ),
        _case(
            "Terrasse nicht an der Gaststätte",
            "unplausibel",
            terrace(AYLIN, today, gaststaette_angrenzend=False),
            terrace_plan,
            "sne.gaststaette",
        ),
        _case(
            "Verkaufsstand in der Altstadt",
            "unplausibel",
            use(
                SOPHIE, today, art="verkaufsstand", beschreibung="Crêpes-Stand", altstadt=True, flaeche_qm=6.0
            ),
            (Doc("lageplan", plan("Hussenstraße 12, 78462 Konstanz", "Verkaufsstand", 2.0, 3.0)),),
            "sne.altstadt-verkauf",
        ),
        _case(
            "Werbetafel in der Altstadt",
            "unplausibel",
            use(
                LUKAS,
                today,
                art="werbeanlage",
                beschreibung="Freistehende Werbetafel",
                altstadt=True,
                flaeche_qm=1.0,
            ),
            (),
            "sne.altstadt-werbung",
        ),
        _case(
            "Container für zwei Jahre",
            "unplausibel",
            use(ERIKA, today, ende=_day(today, 740)),
            container_plan,
            "sne.laufende-gebuehr",
        ),
        _case(
            "Lageplan zeigt einen anderen Ort",
            "unplausibel",
            use(ERIKA, today),
            (Doc("lageplan", plan("Wollmatinger Straße 3, 78467 Konstanz", CONTAINER, 2.5, 6.0)),),
            "sne.lageplan-ort",
        ),
    ]
