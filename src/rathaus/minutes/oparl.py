"""OParl 1.1: validate, read and fetch Meetings with their agenda, papers, persons and organizations.

The schemas of the specification (``oparl_schema/``, CC BY-SA 4.0, OParl/spec) refer to embedded
objects with a non-standard keyword ``"schema": "File.json"``; the validator here follows it, so a
Meeting is checked together with its embedded location, files and agenda items.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError

from rathaus.core.text.encoding import UndecodableTextError, decode_upload

SCHEMA_DIR = Path(__file__).resolve().parent / "oparl_schema"
TYPE_PREFIX = "https://schema.oparl.org/1.1/"
MAX_FETCHES = 400  # papers, persons, organizations fetched for one meeting


class OParlError(ValueError):
    """An OParl document that cannot be used; the message is German and names what is wrong."""


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The OParl 1.1 JSON schema ``name`` (e.g. ``"Meeting"``)."""
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _embedded(validator: Any, reference: str, instance: Any, _schema: Any) -> Iterator[ValidationError]:
    if isinstance(instance, dict):
        yield from validator.descend(instance, load_schema(reference.removesuffix(".json")))


OParlValidator = validators.extend(Draft7Validator, {"schema": _embedded})


def validation_errors(document: Any, object_type: str) -> list[str]:
    """Every problem of ``document`` against the OParl schema of ``object_type``, in German."""
    validator = OParlValidator(load_schema(object_type))
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(oberste Ebene)"
        problems.append(f"{where}: {error.message}")
    return problems


def validate(document: Any, object_type: str) -> None:
    """Raise OParlError listing the problems when ``document`` is not a valid OParl ``object_type``."""
    problems = validation_errors(document, object_type)
    if problems:
        shown = "; ".join(problems[:5]) + (f" (und {len(problems) - 5} weitere)" if len(problems) > 5 else "")
        msg = f"Die Datei ist kein gültiges OParl-1.1-Objekt vom Typ {object_type}: {shown}"
        raise OParlError(msg)


def type_of(document: Any) -> str | None:
    """The OParl type name of ``document`` (``"Meeting"``) or None."""
    if isinstance(document, dict) and isinstance(document.get("type"), str):
        value: str = document["type"]
        if value.startswith(TYPE_PREFIX):
            return value.removeprefix(TYPE_PREFIX)
    return None


@dataclass
class ImportedItem:
    number: str
    order: int
    title: str
    public: bool
    oparl_id: str | None = None
    result: str | None = None
    resolution_text: str | None = None
    paper_reference: str | None = None
    paper_name: str | None = None
    paper_type: str | None = None
    paper_oparl_id: str | None = None
    proposed_resolution: str | None = None


@dataclass
class ImportedPerson:
    name: str
    oparl_id: str | None = None
    faction: str | None = None
    role: str | None = None


@dataclass
class ImportedMeeting:
    """What an OParl Meeting (plus what it refers to) says, ready for the service to store."""

    name: str
    session_date: date
    start: datetime | None
    end: datetime | None
    place: str | None
    oparl_id: str | None
    organization_name: str | None = None
    organization_oparl_id: str | None = None
    items: list[ImportedItem] = field(default_factory=list)
    persons: list[ImportedPerson] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise OParlError(f"Die Zeitangabe „{value}“ ist kein gültiges Datum mit Uhrzeit.") from error
    return parsed if parsed.tzinfo else None


def _objects(document: Any) -> list[dict[str, Any]]:
    """The OParl objects in an upload: one object, a list, or a list page ({"data": [...]})."""
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        document = document["data"]
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return [item for item in document if isinstance(item, dict)]
    return []


def read_document(document: Any) -> ImportedMeeting:
    """Read an uploaded OParl document: a Meeting, alone or together with its Papers, Persons, …"""
    objects = _objects(document)
    meetings = [obj for obj in objects if type_of(obj) == "Meeting"]
    if len(meetings) != 1:
        found = "keine" if not meetings else f"{len(meetings)}"
        msg = (
            f"Die Datei enthält {found} OParl-Sitzungen (Meeting). Erwartet wird genau eine Sitzung "
            "(type „https://schema.oparl.org/1.1/Meeting“), gegebenenfalls mit ihren Vorlagen und Personen."
        )
        raise OParlError(msg)
    by_id: dict[str, dict[str, Any]] = {}
    for obj in objects:
        kind = type_of(obj)
        if kind is None:
            continue
        validate(obj, kind if (SCHEMA_DIR / f"{kind}.json").exists() else "Meeting")
        if isinstance(obj.get("id"), str):
            by_id[obj["id"]] = obj
    return meeting_from(meetings[0], lookup=by_id.get)


def meeting_from(meeting: dict[str, Any], *, lookup: Any) -> ImportedMeeting:
    """Build an ImportedMeeting from a validated Meeting; ``lookup(url)`` returns referenced objects."""
    validate(meeting, "Meeting")
    start, end = _parse_time(meeting.get("start")), _parse_time(meeting.get("end"))
    if start is None:
        raise OParlError(
            "Die Sitzung hat keinen Beginn (start); ohne Datum kann keine Frist berechnet werden."
        )
    location = meeting.get("location") or {}
    result = ImportedMeeting(
        name=str(meeting.get("name") or "Sitzung"),
        session_date=start.date(),
        start=start,
        end=end,
        place=location.get("description") or location.get("room") or None,
        oparl_id=meeting.get("id"),
    )
    organizations = meeting.get("organization") or []
    if organizations:
        result.organization_oparl_id = organizations[0]
        organization = lookup(organizations[0])
        if organization:
            result.organization_name = organization.get("name")
    items = meeting.get("agendaItem") or []
    if not items:
        raise OParlError("Die Sitzung enthält keine Tagesordnungspunkte (agendaItem ist leer).")
    for position, raw in enumerate(sorted(items, key=lambda item: item.get("order", 0)), start=1):
        result.items.append(_item(raw, position, lookup, result.warnings))
    for url in meeting.get("participant") or []:
        person = lookup(url)
        if person is None:
            result.warnings.append(f"Person {url} wurde nicht gefunden.")
            continue
        result.persons.append(_person(person, organizations, lookup))
    return result


def _item(raw: dict[str, Any], position: int, lookup: Any, warnings: list[str]) -> ImportedItem:
    number = str(raw.get("number") or "").strip()
    item = ImportedItem(
        number=number,
        order=int(raw.get("order", position)),
        title=str(raw.get("name") or f"Tagesordnungspunkt {number}").strip(),
        public=bool(raw.get("public", True)),
        oparl_id=raw.get("id"),
        result=raw.get("result"),
        resolution_text=raw.get("resolutionText"),
    )
    consultation = lookup(raw["consultation"]) if raw.get("consultation") else None
    paper = lookup(consultation["paper"]) if consultation and consultation.get("paper") else None
    if paper:
        item.paper_reference = paper.get("reference")
        item.paper_name = paper.get("name")
        item.paper_type = paper.get("paperType")
        item.paper_oparl_id = paper.get("id")
        main_file = paper.get("mainFile") or {}
        item.proposed_resolution = main_file.get("text") or None
    elif raw.get("consultation"):
        warnings.append(f"Zu TOP {item.number} wurde die Vorlage nicht gefunden.")
    return item


def _memberships(person: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in person.get("membership") or [] if isinstance(m, dict)]


def _is_faction(organization: dict[str, Any]) -> bool:
    """An OParl Organization of type "Fraktion" (or classified as one)."""
    kinds = f"{organization.get('organizationType') or ''} {organization.get('classification') or ''}"
    return "fraktion" in kinds.casefold()


def _faction(person: dict[str, Any], lookup: Any) -> str | None:
    """The name of the faction the person is a member of (the latest membership that has not ended)."""
    found = None
    for membership in _memberships(person):
        if membership.get("endDate") or not isinstance(membership.get("organization"), str):
            continue
        organization = lookup(membership["organization"])
        if isinstance(organization, dict) and _is_faction(organization):
            found = organization.get("shortName") or organization.get("name") or found
    return str(found) if found else None


def _person(person: dict[str, Any], organizations: list[str], lookup: Any) -> ImportedPerson:
    """A participant with the role of their membership in the meeting's body and their faction."""
    role = next(
        (
            membership.get("role")
            for membership in _memberships(person)
            if membership.get("organization") in organizations
        ),
        None,
    )
    return ImportedPerson(
        name=str(person.get("name") or "Unbekannt"),
        oparl_id=person.get("id"),
        faction=_faction(person, lookup),
        role=role,
    )


def parse_json(data: bytes) -> Any:
    """Decode an uploaded JSON file, with a German error for broken files."""
    if not data.strip():
        raise OParlError("Die Datei ist leer. Bitte wählen Sie eine OParl-JSON-Datei aus.")
    try:
        return json.loads(decode_upload(data, what="Die OParl-Datei"))
    except UndecodableTextError as error:
        raise OParlError(str(error)) from error
    except json.JSONDecodeError as error:
        raise OParlError(f"Die Datei ist kein gültiges JSON: {error}") from error


def fetch_meeting(url: str, *, timeout: float = 20.0, client: httpx.Client | None = None) -> ImportedMeeting:
    """Fetch a Meeting from an OParl endpoint with the Consultations, Papers, Persons it refers to."""
    if not url.startswith(("http://", "https://")):
        raise OParlError("Bitte geben Sie eine Adresse an, die mit http:// oder https:// beginnt.")
    own = client is None
    http = client or httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"Accept": "application/json"}
    )
    cache: dict[str, dict[str, Any] | None] = {}

    def get(address: str) -> dict[str, Any] | None:
        if address in cache:
            return cache[address]
        if len(cache) >= MAX_FETCHES:
            return None
        try:
            response = http.get(address)
            response.raise_for_status()
            value = response.json()
        except (httpx.HTTPError, ValueError):
            value = None
        cache[address] = value if isinstance(value, dict) else None
        return cache[address]

    try:
        try:
            response = http.get(url)
        except httpx.HTTPError as error:
            raise OParlError(f"Die OParl-Schnittstelle {url} ist nicht erreichbar: {error}") from error
        if response.status_code != 200:
            raise OParlError(
                f"Die OParl-Schnittstelle antwortet mit Status {response.status_code} für {url}."
            )
        try:
            meeting = response.json()
        except ValueError as error:
            raise OParlError(f"Die Antwort von {url} ist kein JSON.") from error
        if type_of(meeting) != "Meeting":
            raise OParlError(
                f"Unter {url} liegt keine OParl-Sitzung (Meeting), sondern „{type_of(meeting)}“."
            )
        return meeting_from(meeting, lookup=get)
    finally:
        if own:
            http.close()
