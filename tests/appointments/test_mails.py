"""The e-mails of Terminvergabe: each carries its links and facts; confirmation and cancellation the .ics."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from icalendar import Calendar

from rathaus.appointments.mails import (
    Alternative,
    AppointmentFacts,
    appointment_ics,
    cancellation_mail,
    closure_mail,
    confirm_request_mail,
    confirmation_mail,
    german_datetime,
    reminder_mail,
    waitlist_offer_mail,
    waitlist_verify_mail,
)

BERLIN = ZoneInfo("Europe/Berlin")
START = dt.datetime(2026, 7, 6, 9, 30, tzinfo=BERLIN)
TO = "erika.mustermann@example.org"
MANAGE = "https://rathaus.example/termine/musterstadt/verwalten/tok-123"
FACTS = AppointmentFacts(
    reference="K-2026-0042",
    start=START,
    end=START + dt.timedelta(minutes=20),
    location_name="Bürgerbüro Mitte",
    location_address="Marktplatz 1, 12345 Musterstadt",
    services=("Fahrzeug zulassen", "Kennzeichen reservieren"),
    tenant_name="Stadt Musterstadt",
    accessibility="Stufenloser Zugang über den Hof, Aufzug vorhanden.",
    documents=("Personalausweis", "Zulassungsbescheinigung Teil II"),
    fees=("Zulassung: 26,30 €", "Kennzeichenreservierung: 2,60 €"),
)


def _ics(method: str = "PUBLISH") -> bytes:
    return appointment_ics(
        FACTS,
        uid="K-2026-0042@rathaus.example",
        manage_url=MANAGE,
        organizer_email="termine@musterstadt.example",
        method=method,  # type: ignore[arg-type]
        sequence=0 if method == "PUBLISH" else 1,
    )


def _roundtrip(message: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _text(message: EmailMessage) -> str:
    body = _roundtrip(message).get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _calendar(message: EmailMessage) -> Calendar:
    parts = [
        part for part in _roundtrip(message).iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    assert len(parts) == 1
    assert parts[0].get_filename() == "termin.ics"
    content = parts[0].get_content()
    return Calendar.from_ical(content if isinstance(content, bytes | str) else bytes(content))


def _assert_facts(text: str, *, details: bool) -> None:
    assert "Guten Tag," in text
    assert "K-2026-0042" in text
    assert "Fahrzeug zulassen, Kennzeichen reservieren" in text
    assert "Montag, 6. Juli 2026, 9:30 Uhr bis 9:50 Uhr" in text
    assert "Bürgerbüro Mitte, Marktplatz 1, 12345 Musterstadt" in text
    assert "Stadt Musterstadt" in text
    for detail in ("Stufenloser Zugang", "- Personalausweis", "- Zulassungsbescheinigung Teil II", "26,30 €"):
        assert (detail in text) is details, detail


def test_confirm_request_has_the_link_and_how_long_it_is_valid() -> None:
    until = dt.datetime(2026, 6, 1, 14, 5, tzinfo=dt.UTC)
    message = confirm_request_mail(
        to=TO, facts=FACTS, confirm_url="https://r.example/bestaetigen/abc", valid_until=until
    )
    assert message["To"] == TO
    assert message["Subject"] == "Bitte bestätigen Sie Ihren Termin"
    assert "From" not in message
    text = _text(message)
    _assert_facts(text, details=False)
    assert "https://r.example/bestaetigen/abc" in text
    assert "bis Montag, 1. Juni 2026, 16:05 Uhr" in text  # Berlin time (summer)
    assert not list(message.iter_attachments())


def test_confirmation_has_all_facts_the_manage_link_and_the_ics() -> None:
    sender = Address(display_name="Stadt Musterstadt", username="termine", domain="musterstadt.example")
    message = confirmation_mail(to=TO, facts=FACTS, manage_url=MANAGE, ics=_ics(), sender=sender)
    assert message["Subject"] == "Bestätigung Ihres Termins K-2026-0042"
    assert message["From"] == "Stadt Musterstadt <termine@musterstadt.example>"
    text = _text(message)
    _assert_facts(text, details=True)
    assert MANAGE in text
    assert "Kennzeichenreservierung: 2,60 €" in text
    calendar = _calendar(message)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.events
    assert event.start == START
    assert str(event["STATUS"]) == "CONFIRMED"
    assert MANAGE in str(event["DESCRIPTION"])
    assert "Zulassungsbescheinigung Teil II" in str(event["DESCRIPTION"])
    ics_part = next(part for part in _roundtrip(message).iter_attachments())
    assert ics_part.get_param("method") == "PUBLISH"


def test_cancellation_carries_a_cancel_ics_and_the_booking_link() -> None:
    message = cancellation_mail(to=TO, facts=FACTS, book_url="https://r.example/termine", ics=_ics("CANCEL"))
    assert message["Subject"] == "Absage Ihres Termins K-2026-0042"
    text = _text(message)
    _assert_facts(text, details=False)
    assert "Danke, dass Sie Ihren Termin für andere freigegeben haben." in text
    assert "https://r.example/termine" in text
    calendar = _calendar(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = calendar.events
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)
    assert MANAGE not in str(event["DESCRIPTION"])


def test_reminder_asks_to_cancel_with_the_link() -> None:
    message = reminder_mail(to=TO, facts=FACTS, manage_url=MANAGE)
    assert message["Subject"] == "Erinnerung an Ihren Termin K-2026-0042"
    text = _text(message)
    _assert_facts(text, details=True)
    assert "sagen Sie ihn bitte ab" in text
    assert MANAGE in text


def test_waitlist_verification_and_offer() -> None:
    until = dt.datetime(2026, 6, 2, 8, 0, tzinfo=dt.UTC)
    verify = waitlist_verify_mail(
        to=TO,
        services=("Fahrzeug zulassen",),
        location_name="Bürgerbüro Mitte",
        verify_url="https://r.example/warteliste/v/xyz",
        valid_until=until,
        tenant_name="Stadt Musterstadt",
    )
    assert verify["Subject"] == "Bitte bestätigen Sie Ihre Anmeldung zur Warteliste"
    text = _text(verify)
    assert "Warteliste für folgende Leistung am Standort Bürgerbüro Mitte: Fahrzeug zulassen." in text
    assert "https://r.example/warteliste/v/xyz" in text
    assert "bis Dienstag, 2. Juni 2026, 10:00 Uhr" in text

    held = dt.datetime(2026, 7, 3, 12, 15, tzinfo=BERLIN)
    offer = waitlist_offer_mail(
        to=TO, facts=FACTS, accept_url="https://r.example/warteliste/annehmen/q", held_until=held
    )
    assert offer["Subject"] == "Ein Termin ist frei: bitte bis 12:15 Uhr annehmen"
    text = _text(offer)
    _assert_facts(text, details=True)
    assert "https://r.example/warteliste/annehmen/q" in text
    assert f"bis {german_datetime(held)} für Sie reserviert" in text
    assert "Freitag, 3. Juli 2026, 12:15 Uhr" in text


def test_closure_offers_at_most_three_alternatives_as_links() -> None:
    alternatives = [
        Alternative(start=START + dt.timedelta(days=day, hours=1), url=f"https://r.example/buchen/alt-{day}")
        for day in range(1, 6)
    ]
    message = closure_mail(
        to=TO,
        facts=FACTS,
        alternatives=alternatives,
        book_url="https://r.example/termine",
        ics=_ics("CANCEL"),
        reason="Grund ist eine Betriebsversammlung.",
    )
    assert message["Subject"] == "Absage Ihres Termins K-2026-0042: Standort geschlossen"
    text = _text(message)
    _assert_facts(text, details=False)
    assert "Der Standort Bürgerbüro Mitte ist am Montag, 6. Juli 2026 leider geschlossen." in text
    assert "Betriebsversammlung" in text
    assert "- Dienstag, 7. Juli 2026, 10:30 Uhr:" in text
    for day in (1, 2, 3):
        assert f"https://r.example/buchen/alt-{day}" in text
    for day in (4, 5):
        assert f"alt-{day}" not in text
    assert "https://r.example/termine" in text
    assert str(_calendar(message)["METHOD"]) == "CANCEL"

    none = _text(closure_mail(to=TO, facts=FACTS, alternatives=[], book_url="https://r.example/termine"))
    assert "Diese Termine sind noch frei" not in none
    assert "Einen neuen Termin können Sie hier buchen:\nhttps://r.example/termine" in none
