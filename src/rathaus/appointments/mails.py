"""The e-mails of Terminvergabe, built but not sent: the service sends them with ``rathaus.core.mail.send``.

Plain German text in the Sie-form, short and in the order a real office uses (the wording follows the
ZMS/eAppointment templates of Munich): what happened, the facts of the appointment, what to do next,
the link. Every builder takes :class:`AppointmentFacts` (independent of the database models) and returns
an ``EmailMessage`` with To and Subject set; From is set when ``sender`` is given (usually
``rathaus.core.mail.sender(settings.mail, tenant_name)``), otherwise ``send`` fills it in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Literal

from rathaus.appointments.calendar import BERLIN, booking_ics

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
RULE = "——"
MAX_ALTERNATIVES = 3


@dataclass(frozen=True, slots=True)
class AppointmentFacts:
    """What a citizen needs to know about one appointment (times timezone-aware)."""

    reference: str
    start: dt.datetime
    end: dt.datetime
    location_name: str
    location_address: str
    services: tuple[str, ...]
    tenant_name: str
    accessibility: str = ""
    documents: tuple[str, ...] = ()
    fees: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another free time offered instead of a cancelled appointment, with the link that books it."""

    start: dt.datetime
    url: str


def german_date(moment: dt.datetime) -> str:
    """``Montag, 6. Juli 2026`` (in Berlin time)."""
    local = moment.astimezone(BERLIN)
    return f"{WEEKDAYS[local.weekday()]}, {local.day}. {MONTHS[local.month - 1]} {local.year}"


def german_time(moment: dt.datetime) -> str:
    """``9:30 Uhr`` (in Berlin time)."""
    local = moment.astimezone(BERLIN)
    return f"{local.hour}:{local.minute:02d} Uhr"


def german_datetime(moment: dt.datetime) -> str:
    """``Montag, 6. Juli 2026, 9:30 Uhr``."""
    return f"{german_date(moment)}, {german_time(moment)}"


def appointment_ics(
    facts: AppointmentFacts,
    *,
    uid: str,
    manage_url: str,
    organizer_email: str,
    method: Literal["PUBLISH", "CANCEL"] = "PUBLISH",
    sequence: int = 0,
) -> bytes:
    """The ``.ics`` file for these facts (see :func:`rathaus.appointments.calendar.booking_ics`)."""
    lines = [f"Terminnummer: {facts.reference}", f"Leistung: {', '.join(facts.services)}"]
    if facts.documents:
        lines.append("Bitte mitbringen: " + "; ".join(facts.documents))
    if method == "PUBLISH":
        lines.append(f"Termin ändern oder absagen: {manage_url}")
    return booking_ics(
        uid=uid,
        reference=facts.reference,
        start=facts.start,
        end=facts.end,
        summary=f"Termin {facts.tenant_name}: {', '.join(facts.services)}",
        location_text=f"{facts.location_name}, {facts.location_address}",
        description="\n".join(lines),
        organizer_name=facts.tenant_name,
        organizer_email=organizer_email,
        method=method,
        sequence=sequence,
    )


def _facts_block(facts: AppointmentFacts, *, details: bool) -> list[str]:
    lines = [RULE]
    if facts.reference:
        lines.append(f"Terminnummer: {facts.reference}")
    lines.append(f"Leistung: {', '.join(facts.services)}")
    lines.append(f"Zeit: {german_date(facts.start)}, {german_time(facts.start)} bis {german_time(facts.end)}")
    lines.append(f"Ort: {facts.location_name}, {facts.location_address}")
    if details and facts.accessibility:
        lines.append(f"Barrierefreiheit: {facts.accessibility}")
    if details and facts.documents:
        lines += ["", "Bitte bringen Sie mit:", *(f"- {document}" for document in facts.documents)]
    if details and facts.fees:
        lines += ["", "Gebühren:", *(f"- {fee}" for fee in facts.fees)]
    lines.append(RULE)
    return lines


def _message(
    *, to: str, subject: str, body: list[str], tenant_name: str, sender: Address | str | None
) -> EmailMessage:
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = subject
    if sender is not None:
        message["From"] = sender
    text = [
        "Guten Tag,",
        "",
        *body,
        "",
        "Mit freundlichen Grüßen",
        tenant_name,
        "",
        "Diese E-Mail wurde automatisch erstellt.",
    ]
    message.set_content("\n".join(text) + "\n")
    return message


def _attach_ics(message: EmailMessage, ics: bytes, method: Literal["PUBLISH", "CANCEL"]) -> None:
    message.add_attachment(
        ics, maintype="text", subtype="calendar", filename="termin.ics", params={"method": method}
    )


def confirm_request_mail(
    *,
    to: str,
    facts: AppointmentFacts,
    confirm_url: str,
    valid_until: dt.datetime,
    sender: Address | str | None = None,
) -> EmailMessage:
    """Double opt-in: the appointment is only held until ``valid_until`` unless the link is opened."""
    body = [
        "wir haben folgenden Termin für Sie reserviert:",
        *_facts_block(facts, details=False),
        f"Bitte bestätigen Sie den Termin bis {german_datetime(valid_until)}. "
        "Sonst verfällt die Reservierung und der Termin wird wieder freigegeben.",
        "",
        "Termin bestätigen:",
        confirm_url,
        "",
        "Nach der Bestätigung erhalten Sie eine E-Mail mit allen Informationen zu Ihrem Termin.",
        "Wenn Sie diesen Termin nicht reserviert haben, müssen Sie nichts tun.",
    ]
    return _message(
        to=to,
        subject="Bitte bestätigen Sie Ihren Termin",
        body=body,
        tenant_name=facts.tenant_name,
        sender=sender,
    )


def confirmation_mail(
    *, to: str, facts: AppointmentFacts, manage_url: str, ics: bytes, sender: Address | str | None = None
) -> EmailMessage:
    """The booked appointment with everything to bring, the link to change or cancel, and the ``.ics``."""
    body = [
        "Sie haben folgenden Termin bei uns gebucht:",
        *_facts_block(facts, details=True),
        "Im Anhang finden Sie eine Kalenderdatei (termin.ics), mit der Sie den Termin in Ihren Kalender "
        "übernehmen können.",
        "Bitte bringen Sie alle benötigten Unterlagen mit und kommen Sie pünktlich.",
        "",
        "Ihnen ist etwas dazwischengekommen? Dann ändern oder sagen Sie den Termin bitte hier ab, "
        "damit andere ihn nutzen können:",
        manage_url,
    ]
    message = _message(
        to=to,
        subject=f"Bestätigung Ihres Termins {facts.reference}",
        body=body,
        tenant_name=facts.tenant_name,
        sender=sender,
    )
    _attach_ics(message, ics, "PUBLISH")
    return message


def cancellation_mail(
    *, to: str, facts: AppointmentFacts, book_url: str, ics: bytes, sender: Address | str | None = None
) -> EmailMessage:
    """The appointment was cancelled (by the citizen); the ``CANCEL`` ``.ics`` removes it from calendars."""
    body = [
        "Ihr Termin wurde abgesagt:",
        *_facts_block(facts, details=False),
        "Danke, dass Sie Ihren Termin für andere freigegeben haben.",
        "Mit der Kalenderdatei im Anhang können Sie den Termin aus Ihrem Kalender entfernen.",
        "",
        "Einen neuen Termin können Sie hier buchen:",
        book_url,
    ]
    message = _message(
        to=to,
        subject=f"Absage Ihres Termins {facts.reference}",
        body=body,
        tenant_name=facts.tenant_name,
        sender=sender,
    )
    _attach_ics(message, ics, "CANCEL")
    return message


def reminder_mail(
    *, to: str, facts: AppointmentFacts, manage_url: str, sender: Address | str | None = None
) -> EmailMessage:
    """A reminder before the appointment, asking to cancel if the citizen cannot come."""
    body = [
        "Sie haben in Kürze folgenden Termin bei uns:",
        *_facts_block(facts, details=True),
        "Bitte kommen Sie pünktlich und bringen Sie alle benötigten Unterlagen mit.",
        "",
        "Sie können den Termin nicht wahrnehmen? "
        "Dann sagen Sie ihn bitte ab, damit andere ihn nutzen können:",
        manage_url,
    ]
    return _message(
        to=to,
        subject=f"Erinnerung an Ihren Termin {facts.reference}",
        body=body,
        tenant_name=facts.tenant_name,
        sender=sender,
    )


def waitlist_verify_mail(
    *,
    to: str,
    services: tuple[str, ...],
    location_name: str | None,
    verify_url: str,
    valid_until: dt.datetime,
    tenant_name: str,
    sender: Address | str | None = None,
    withdraw_url: str = "",
) -> EmailMessage:
    """Confirm the e-mail address of a new entry on the waiting list (with the link to leave it again)."""
    where = f" am Standort {location_name}" if location_name else ""
    body = [
        f"Sie möchten auf die Warteliste für folgende Leistung{where}: {', '.join(services)}.",
        "",
        f"Bitte bestätigen Sie Ihre E-Mail-Adresse bis {german_datetime(valid_until)}:",
        verify_url,
        "",
        "Sobald ein passender Termin frei wird, bieten wir ihn Ihnen per E-Mail an. "
        "Wenn Sie sich nicht angemeldet haben, müssen Sie nichts tun.",
    ]
    if withdraw_url:
        body += ["", "Sie möchten nicht mehr warten? Hier melden Sie sich jederzeit wieder ab:", withdraw_url]
    return _message(
        to=to,
        subject="Bitte bestätigen Sie Ihre Anmeldung zur Warteliste",
        body=body,
        tenant_name=tenant_name,
        sender=sender,
    )


def waitlist_offer_mail(
    *,
    to: str,
    facts: AppointmentFacts,
    accept_url: str,
    held_until: dt.datetime,
    sender: Address | str | None = None,
) -> EmailMessage:
    """A freed appointment offered to the first on the waiting list, held for them until ``held_until``."""
    body = [
        "ein Termin ist frei geworden. Wir halten ihn für Sie bereit:",
        *_facts_block(facts, details=True),
        f"Der Termin ist bis {german_datetime(held_until)} für Sie reserviert. "
        "Danach wird er wieder für alle freigegeben.",
        "",
        "Termin annehmen:",
        accept_url,
        "",
        "Wenn Sie den Termin nicht möchten, müssen Sie nichts tun.",
    ]
    return _message(
        to=to,
        subject=f"Ein Termin ist frei: bitte bis {german_time(held_until)} annehmen",
        body=body,
        tenant_name=facts.tenant_name,
        sender=sender,
    )


def closure_mail(
    *,
    to: str,
    facts: AppointmentFacts,
    alternatives: Sequence[Alternative],
    book_url: str,
    ics: bytes | None = None,
    reason: str = "",
    sender: Address | str | None = None,
) -> EmailMessage:
    """The appointment is cancelled because the location is closed that day; up to 3 other times to book.

    ``ics`` (a ``CANCEL`` file) is attached when given. ``reason`` is an optional sentence of the office.
    """
    closed = f"Der Standort {facts.location_name} ist am {german_date(facts.start)} leider geschlossen."
    body = [
        "wir mussten Ihren Termin leider absagen.",
        *_facts_block(facts, details=False),
        closed + (f" {reason}" if reason else ""),
        "Bitte entschuldigen Sie die Unannehmlichkeiten.",
        "",
    ]
    shown = list(alternatives)[:MAX_ALTERNATIVES]
    if shown:
        body.append("Diese Termine sind noch frei. Mit einem Klick auf den Link buchen Sie den neuen Termin:")
        for alternative in shown:
            body += [f"- {german_datetime(alternative.start)}:", f"  {alternative.url}"]
        body += ["", "Einen anderen Termin finden Sie hier:", book_url]
    else:
        body += ["Einen neuen Termin können Sie hier buchen:", book_url]
    message = _message(
        to=to,
        subject=f"Absage Ihres Termins {facts.reference}: Standort geschlossen",
        body=body,
        tenant_name=facts.tenant_name,
        sender=sender,
    )
    if ics is not None:
        _attach_ics(message, ics, "CANCEL")
    return message
