"""The service's key facts and the handover to a person: contacts, contact form, booking link.

Facts come from the ``facts`` of service passages (``fees``, ``duration``, ``documents``,
``locations``, ``appointment``); nothing here is generated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

from rathaus.assistant.schemas import Contact, Handover, KeyFacts, PassageLike


def _text(value: Any) -> str | None:
    if value is None or value == "" or value is False:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g} Minuten"
    text = re.sub(r"<[^>]+>", " ", str(value))
    return re.sub(r"\s+", " ", text).strip() or None


def _lines(value: Any) -> str | None:
    """Like :func:`_text`, but a text's line breaks stay (a fee list stays a list)."""
    if not isinstance(value, str):
        return _text(value)
    lines = (_text(line) for line in value.splitlines())
    return "\n".join(line for line in lines if line) or None


def _location_contact(location: Any) -> Contact | None:
    if isinstance(location, str):
        return Contact(name=location)
    if not isinstance(location, dict):
        return None
    name = _text(location.get("name") or location.get("title"))
    if not name:
        return None
    return Contact(
        name=name,
        address=_text(location.get("address")),
        phone=_text(location.get("phone")),
        email=_text(location.get("email")),
        url=_text(location.get("url")),
        hours=_text(location.get("hours") or location.get("opening_hours")),
    )


BookingLinks = Callable[[str], str | None]
"""Service id → the booking page for it, or None: the Terminvergabe's bookable services, or a URL pattern."""


def pattern_links(pattern: str | None) -> BookingLinks | None:
    """Booking links from a URL pattern with ``{service_id}`` (the setting ``booking_url_pattern``)."""
    if not pattern:
        return None
    return lambda service_id: pattern.format(service_id=service_id)


def booking_url_of(
    facts: dict[str, Any],
    *,
    links: BookingLinks | None = None,
    service_id: str = "",
    is_service: bool = False,
) -> str | None:
    """The booking page of this tenant for the service; else the service's own appointment link; else None."""
    if is_service and links is not None:
        url = links(service_id)
        if url:
            return url
    own = facts.get("appointment_url") or facts.get("booking_url")
    if isinstance(own, str) and own.startswith(("http://", "https://", "/")):
        return own.replace("{serviceId}", service_id)
    return None


def _duration(facts: dict[str, Any]) -> str | None:
    parts = []
    minutes = facts.get("duration_minutes") or facts.get("duration")
    if isinstance(minutes, int | float) and not isinstance(minutes, bool) and minutes > 0:
        parts.append(f"etwa {minutes:g} Minuten (Termin vor Ort)")
    elif minutes:
        parts.append(str(_text(minutes)))
    if facts.get("processing_time"):
        parts.append(f"Bearbeitung: {_text(facts['processing_time'])}")
    return "; ".join(parts) or None


def _forms(facts: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found = []
    for form in facts.get("forms") or ():
        if isinstance(form, dict) and form.get("name") and "datenschutz" not in str(form["name"]).lower():
            found.append((str(form["name"]), str(form.get("link") or "")))
    return tuple(found[:5])


def _booking(passage: PassageLike, links: BookingLinks | None) -> str | None:
    facts = passage.facts or {}
    service_id = str(facts.get("service_id", passage.source_id))
    return booking_url_of(facts, links=links, service_id=service_id, is_service=passage.kind == "service")


def key_facts(
    passage: PassageLike, citation: int, *, booking_links: BookingLinks | None = None
) -> KeyFacts | None:
    """The key facts of a service passage (None for passages without any)."""
    facts = passage.facts or {}
    documents = tuple(filter(None, (_text(d) for d in facts.get("documents") or ())))
    contacts = [c for c in map(_location_contact, facts.get("locations") or ()) if c]
    found = KeyFacts(
        service=passage.title,
        fees=_lines(facts.get("fees")),
        duration=_duration(facts),
        documents=documents,
        forms=_forms(facts),
        locations=tuple(c.name + (f", {c.address}" if c.address else "") for c in contacts),
        booking_url=_booking(passage, booking_links),
        citation=citation,
    )
    if not (found.fees or found.duration or found.documents or found.locations or found.booking_url):
        return None
    return found


def _merge(contacts: list[Contact], new: Contact) -> None:
    """Add ``new``, or complete the entry of the same office (same name, same or unknown address)."""
    for index, known in enumerate(contacts):
        if known.name == new.name and (known.address == new.address or not known.address or not new.address):
            contacts[index] = Contact(
                **{
                    name: getattr(known, name) or getattr(new, name)
                    for name in (f.name for f in fields(Contact))
                }
            )
            return
    contacts.append(new)


def handover(
    passages: Sequence[PassageLike], reason: str, *, booking_links: BookingLinks | None = None
) -> Handover:
    """Contacts of the offices named by the best passages, and a booking link where one exists."""
    contacts: list[Contact] = []
    booking: tuple[str | None, str | None] = (None, None)
    for passage in passages[:2]:
        facts = passage.facts or {}
        for location in facts.get("locations") or ():
            contact = _location_contact(location)
            if contact:
                _merge(contacts, contact)
        url = _booking(passage, booking_links)
        if url and booking[0] is None:
            booking = (url, passage.title)
    return Handover(
        reason=reason, contacts=tuple(contacts[:3]), booking_url=booking[0], booking_service=booking[1]
    )
