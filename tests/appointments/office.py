"""A small appointment office for tests: two Kfz services at one location, released for four weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments import catalog as cat
from rathaus.appointments import waitlist
from rathaus.appointments.booking import Request
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, Location, Service, WaitlistEntry, WaitStatus
from rathaus.appointments.release import release_due
from rathaus.appointments.store import import_catalog, set_opening_windows
from rathaus.appointments.times import to_utc

# Monday 1 February 2027, 07:30 local: after the release wave of the day, nowhere near a holiday.
NOW = to_utc(dt.datetime.combine(dt.date(2027, 2, 1), dt.time(7, 30)))
TUESDAY = dt.date(2027, 2, 2)

REGISTRATION = cat.Service(
    id="10295182",
    name="Zulassung eines Fahrzeugs",
    leika="99036012104000",
    default_duration_min=20,
    max_quantity=3,
    combinable_with=frozenset({"10242339"}),
    fees="ab 26,30 Euro",
    documents=("Personalausweis", "Zulassungsbescheinigung Teil II", "eVB-Nummer"),
)
DEREGISTRATION = cat.Service(
    id="10242339",
    name="Außerbetriebsetzung eines Fahrzeugs",
    leika="99036015104000",
    default_duration_min=10,
    max_quantity=2,
    combinable_with=frozenset({"10295182"}),
    fees="12,40 Euro",
    documents=("Zulassungsbescheinigung Teil I",),
)
CATALOG = cat.Catalog(
    services={s.id: s for s in (REGISTRATION, DEREGISTRATION)},
    locations={
        "kfz-1": cat.Location(
            id="kfz-1",
            name="Kfz-Zulassungsstelle Mitte",
            street="Eichenallee 1",
            postal_code="29221",
            city="Celle",
            slot_min=10,
            offers=(
                cat.Offer(service_id=REGISTRATION.id, location_id="kfz-1", duration_min=20),
                cat.Offer(service_id=DEREGISTRATION.id, location_id="kfz-1", duration_min=10),
            ),
            accessibility="Eingang barrierefrei, Aufzug vorhanden",
        )
    },
)


@dataclass
class Office:
    location: Location
    registration: Service
    deregistration: Service

    def request(self, *services: tuple[Service, int]) -> Request:
        return Request(location=self.location, services=services or ((self.registration, 1),))

    def confirmed(
        self,
        session: Session,
        start: dt.datetime,
        *services: tuple[Service, int],
        email: str = "",
        now: dt.datetime = NOW,
    ) -> Booking:
        """A booking made the citizen's way (hold, contact, confirmation) at local ``start``."""
        settings = AppointmentsSettings()
        made, _token = bk.hold(
            session=session, request=self.request(*services), start=start, now=now, settings=settings
        )
        bk.submit_contact(
            session=session,
            booking=made,
            name="Erna Eins",
            email=email or f"e{made.id}@example.org",
            phone="",
            now=now,
            settings=settings,
        )
        bk.confirm(session=session, booking=made, now=now)
        return made

    def waiting(
        self, session: Session, email: str, *services: tuple[Service, int], **days: dt.date
    ) -> WaitlistEntry:
        """A verified entry on the waiting list (the registration unless ``services`` say otherwise)."""
        settings = AppointmentsSettings()
        entry, token = waitlist.join(
            session=session,
            tenant_id=self.location.tenant_id,
            services=list(services or ((self.registration, 1),)),
            location=self.location,
            earliest=days.get("earliest"),
            latest=days.get("latest"),
            name="Wanda Warte",
            email=email,
            now=NOW,
            settings=settings,
        )
        assert entry.status == WaitStatus.UNVERIFIED
        assert entry.verify_token_hash == bk.token_digest(token)
        assert waitlist.verify(session=session, token=token, now=NOW, settings=settings) is entry
        assert entry.status == WaitStatus.WAITING
        assert entry.verify_token_hash is None
        return entry


def make_office(
    session: Session,
    tenant_id: int,
    *,
    online: int = 1,
    walk_in: int = 0,
    now: dt.datetime = NOW,
    settings: AppointmentsSettings | None = None,
) -> Office:
    """Import the two services, open Mon–Fri 08:00–12:00 with ``online``/``walk_in`` seats, release."""
    import_catalog(session=session, tenant_id=tenant_id, catalog=CATALOG)
    location = session.query(Location).filter_by(tenant_id=tenant_id, key="kfz-1").one()
    set_opening_windows(
        session=session,
        location=location,
        windows=[
            cat.OpeningWindow(
                weekday=day,
                start=dt.time(8),
                end=dt.time(12),
                slot_min=10,
                online_capacity=online,
                walk_in_capacity=walk_in,
            )
            for day in range(5)
        ],
    )
    release_due(
        session=session, tenant_id=tenant_id, now=now, settings=settings or AppointmentsSettings(), state="NI"
    )
    services = {s.key: s for s in session.query(Service).filter_by(tenant_id=tenant_id)}
    return Office(
        location=location, registration=services[REGISTRATION.id], deregistration=services[DEREGISTRATION.id]
    )
