"""A real-pattern council for the conventions tests: a Stadtrat that elects its own chair.

The pattern of issue 12, cause 3 (as in Lower Saxony's councils and the other council of the
issue): the Rat elects a Ratsvorsitzende from its members; the Oberbürgermeisterin sits in the Rat
as head of the administration and closes her presentations with "… bitte ich um Zustimmung" –
which is a request, not the chair's result. Factions come as OParl Organizations of type
"Fraktion", among them joint factions ("CDU/FDP", "SPD/Volt") and a party spelled with a slash
("BÜNDNIS 90/DIE GRÜNEN"). Names are invented.
"""

from __future__ import annotations

from typing import Any

from rathaus.minutes.schemas import AgendaEntry, Segment

BASE = "https://ratsinfo.example.de/oparl"
COUNCIL = f"{BASE}/organizations/rat"
CHAIR = "Dr. Helga Brandt"
DEPUTY = "Jonas Weber"
MAYOR = "Petra Lindner"
FACTIONS = {
    "cdu-fdp": ("Gruppe CDU/FDP im Rat", "CDU/FDP"),
    "spd-volt": ("Fraktion SPD/Volt", "SPD/Volt"),
    "gruene": ("Fraktion BÜNDNIS 90/DIE GRÜNEN", "BÜNDNIS 90/DIE GRÜNEN"),
}


def _organization(key: str, name: str, short: str | None, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": f"{BASE}/organizations/{key}",
        "type": "https://schema.oparl.org/1.1/Organization",
        "name": name,
        "organizationType": kind,
    }
    if short:
        found["shortName"] = short
    return found


def _person(key: str, name: str, role: str, faction: str | None) -> dict[str, Any]:
    memberships: list[dict[str, Any]] = [
        {
            "id": f"{BASE}/memberships/{key}-rat",
            "type": "https://schema.oparl.org/1.1/Membership",
            "person": f"{BASE}/persons/{key}",
            "organization": COUNCIL,
            "role": role,
        }
    ]
    if faction:
        memberships.append(
            {
                "id": f"{BASE}/memberships/{key}-fraktion",
                "type": "https://schema.oparl.org/1.1/Membership",
                "person": f"{BASE}/persons/{key}",
                "organization": f"{BASE}/organizations/{faction}",
                "role": "Mitglied",
            }
        )
    return {
        "id": f"{BASE}/persons/{key}",
        "type": "https://schema.oparl.org/1.1/Person",
        "name": name,
        "membership": memberships,
    }


PERSONS = (
    ("brandt", CHAIR, "Ratsvorsitzende", "cdu-fdp"),
    ("weber", DEPUTY, "stellv. Ratsvorsitzender", "spd-volt"),
    ("lindner", MAYOR, "Oberbürgermeisterin", None),
    ("yilmaz", "Deniz Yilmaz", "Ratsherr", "gruene"),
    ("krause", "Anke Krause", "Ratsfrau", "spd-volt"),
)


def oparl_document() -> list[dict[str, Any]]:
    """The meeting with its body, the factions and the participants, as one OParl upload."""
    meeting = {
        "id": f"{BASE}/meetings/31",
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "31. Sitzung des Rates",
        "start": "2025-05-15T16:00:00+02:00",
        "organization": [COUNCIL],
        "participant": [f"{BASE}/persons/{key}" for key, *_ in PERSONS],
        "agendaItem": [
            {
                "id": f"{BASE}/items/{order}",
                "type": "https://schema.oparl.org/1.1/AgendaItem",
                "order": order,
                "number": number,
                "name": title,
                "public": True,
            }
            for order, (number, title) in enumerate(AGENDA, start=1)
        ],
    }
    bodies = [_organization("rat", "Rat der Stadt Auendorf", "Rat", "Gremium")]
    bodies += [_organization(key, name, short, "Fraktion") for key, (name, short) in FACTIONS.items()]
    persons = [_person(key, name, role, faction) for key, name, role, faction in PERSONS]
    return [meeting, *bodies, *persons]


AGENDA = (("4", "Neubau der Grundschule am Lindenweg"), ("5", "Haushaltssatzung 2025"))


def agenda() -> list[AgendaEntry]:
    """The two items of the transcript below."""
    return [AgendaEntry(number, title) for number, title in AGENDA]


def transcript() -> list[Segment]:
    """Item 4: the mayor asks for approval, the chair states the result; item 5: the chair's result is
    missing from the recording, only the mayor's request is there."""
    return [
        Segment(0, 10, "Ich rufe Tagesordnungspunkt 4 auf, Neubau der Grundschule am Lindenweg.", CHAIR),
        Segment(
            10,
            40,
            "Der Neubau ist seit Jahren überfällig. Im Namen der Verwaltung bitte ich um Zustimmung.",
            MAYOR,
        ),
        Segment(40, 55, "Wir lehnen die Vorlage in dieser Form ab.", "Deniz Yilmaz"),
        Segment(55, 70, "Wer stimmt der Vorlage zu? Damit ist die Vorlage mehrheitlich abgelehnt.", CHAIR),
        Segment(70, 80, "Ich rufe Tagesordnungspunkt 5 auf, Haushaltssatzung 2025.", CHAIR),
        Segment(
            80, 110, "Der Haushalt ist ausgeglichen. Zur Haushaltssatzung bitte ich um Zustimmung.", MAYOR
        ),
    ]
