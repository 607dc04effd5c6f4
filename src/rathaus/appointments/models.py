"""Tables of the Terminvergabe: catalog, opening hours, slots, bookings, waiting list and capacity plans.

A *slot* row is one seat at one location for one step of the location's slot grid (e.g. 10:00–10:10,
seat 2). Rows are created when the days they belong to are released (in waves, see ``service``); a
booking takes one free seat for every step it covers, and the database guarantees that no seat is ever
given twice: a seat is taken by a conditional ``UPDATE … WHERE booking_id IS NULL OR hold expired``
whose row count is checked, after the rows were locked in a fixed order (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite serialises writers). The booking itself moves through
reserved → awaiting_confirmation (mail sent) → confirmed → checked_in → done, or ends as cancelled,
expired or no_show.

Times are stored in UTC; the local day (Europe/Berlin) of a slot is kept beside it for day views.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rathaus.core.db import Base, TenantOwned, UTCDateTime, utcnow


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=24, values_callable=lambda cls: [m.value for m in cls])


class Service(TenantOwned, Base):
    """A service that can be booked (Dienstleistung), e.g. a vehicle registration."""

    __tablename__ = "appointment_services"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), doc="the catalog's id, e.g. Munich's service number")
    name: Mapped[str] = mapped_column(String(300))
    leika: Mapped[str] = mapped_column(String(20), default="", doc="LeiKa key, '' where unknown")
    default_duration_min: Mapped[int] = mapped_column(default=10)
    max_quantity: Mapped[int] = mapped_column(default=1)
    combinable_with: Mapped[list[str]] = mapped_column(JSON, default=list, doc="keys of combinable services")
    fees: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[list[str]] = mapped_column(JSON, default=list, doc="what to bring, by name")
    active: Mapped[bool] = mapped_column(default=True)


class Location(TenantOwned, Base):
    """A place where appointments happen (Standort), e.g. a Kfz-Zulassungsstelle."""

    __tablename__ = "appointment_locations"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    organization_unit: Mapped[str] = mapped_column(String(300), default="")
    slot_min: Mapped[int] = mapped_column(default=10, doc="the slot grid in minutes")
    active: Mapped[bool] = mapped_column(default=True)

    offers: Mapped[list[Offer]] = relationship(back_populates="location", cascade="all, delete-orphan")
    windows: Mapped[list[OpeningWindow]] = relationship(
        back_populates="location",
        cascade="all, delete-orphan",
        order_by="(OpeningWindow.weekday, OpeningWindow.start)",
    )

    @property
    def address(self) -> str:
        """Street, postal code and city in one line."""
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street, place) if part)


class Offer(TenantOwned, Base):
    """A service offered at a location, with the location's own duration."""

    __tablename__ = "appointment_offers"
    __table_args__ = (UniqueConstraint("location_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("appointment_locations.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("appointment_services.id", ondelete="CASCADE"))
    duration_min: Mapped[int]
    bookable_online: Mapped[bool] = mapped_column(default=True)

    location: Mapped[Location] = relationship(back_populates="offers")
    service: Mapped[Service] = relationship()


class OpeningWindow(TenantOwned, Base):
    """An appointment window on a weekday (0 = Monday) with its seats online and for walk-ins."""

    __tablename__ = "appointment_opening_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(
        ForeignKey("appointment_locations.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    online_capacity: Mapped[int] = mapped_column(default=1, doc="parallel seats bookable online")
    walk_in_capacity: Mapped[int] = mapped_column(default=0, doc="parallel seats kept for walk-ins and staff")

    location: Mapped[Location] = relationship(back_populates="windows")


class Closure(TenantOwned, Base):
    """A time a location is closed (Schließung), e.g. a counter closed for a day."""

    __tablename__ = "appointment_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(
        ForeignKey("appointment_locations.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
    end: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)


class PlanStatus(enum.StrEnum):
    """Where a capacity plan for a day and window stands."""

    SUGGESTED = "suggested"  # computed from the forecast, not yet decided
    ACCEPTED = "accepted"  # taken as suggested
    CHANGED = "changed"  # a person set other figures
    REJECTED = "rejected"  # the weekday's standard capacity stays


class CapacityPlan(TenantOwned, Base):
    """The seats for one window on one day, suggested from the forecast and decided by a person.

    Only accepted or changed plans change the slots released for that day; the weekday's opening
    window is the default.
    """

    __tablename__ = "appointment_capacity_plans"
    __table_args__ = (UniqueConstraint("location_id", "day", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("appointment_locations.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    online_capacity: Mapped[int]
    walk_in_capacity: Mapped[int] = mapped_column(default=0)
    suggested_online: Mapped[int | None] = mapped_column(default=None)
    forecast: Mapped[float | None] = mapped_column(default=None, doc="forecast appointments in the window")
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PlanStatus] = mapped_column(_enum(PlanStatus), default=PlanStatus.SUGGESTED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)


class Channel(enum.StrEnum):
    """How a booking came about, and which seats a slot row is for."""

    ONLINE = "online"  # booked by the citizen on the public page
    WALK_IN = "walk_in"  # a walk-in (Spontankunde) added by staff
    STAFF = "staff"  # booked by staff for a citizen (phone, rebooking)


class BookingStatus(enum.StrEnum):
    """reserved → awaiting_confirmation → confirmed → checked_in → done; or cancelled, expired, no_show."""

    RESERVED = "reserved"  # seats held for a few minutes while the citizen enters the contact
    AWAITING = "awaiting_confirmation"  # the confirmation link was mailed; seats held until it expires
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the hold or the confirmation link ran out

    @property
    def label(self) -> str:
        """The German label shown to people."""
        return STATUS_LABELS[self]


STATUS_LABELS = {
    BookingStatus.RESERVED: "vorgemerkt",
    BookingStatus.AWAITING: "wartet auf Bestätigung",
    BookingStatus.CONFIRMED: "gebucht",
    BookingStatus.CHECKED_IN: "angemeldet",
    BookingStatus.DONE: "erledigt",
    BookingStatus.NO_SHOW: "nicht erschienen",
    BookingStatus.CANCELLED: "storniert",
    BookingStatus.EXPIRED: "verfallen",
}
OPEN_STATUSES = (
    BookingStatus.RESERVED,
    BookingStatus.AWAITING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
)


class Booking(TenantOwned, Base):
    """An appointment (Termin) for one or more services at one location."""

    __tablename__ = "appointment_bookings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        Index("ix_appointment_bookings_location_start", "location_id", "start"),
        Index("ix_appointment_bookings_email", "tenant_id", "email_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), doc="the code the citizen quotes, e.g. T-7K3M9Q")
    location_id: Mapped[int] = mapped_column(ForeignKey("appointment_locations.id", ondelete="CASCADE"))
    start: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
    end: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date, doc="local day of the appointment")
    status: Mapped[BookingStatus] = mapped_column(_enum(BookingStatus), default=BookingStatus.RESERVED)
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.ONLINE)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    email_key: Mapped[str] = mapped_column(String(254), default="", doc="lower-cased e-mail for the limit")
    phone: Mapped[str] = mapped_column(String(40), default="")
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    rebooked_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_bookings.id", ondelete="SET NULL")
    )
    waitlist_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_waitlist.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(Text, default="", doc="staff note")

    location: Mapped[Location] = relationship()
    items: Mapped[list[BookingItem]] = relationship(back_populates="booking", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        """Whether the booking still holds its seats."""
        return self.status in OPEN_STATUSES


class BookingItem(TenantOwned, Base):
    """A service in a booking, with its quantity."""

    __tablename__ = "appointment_booking_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("appointment_bookings.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("appointment_services.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(default=1)

    booking: Mapped[Booking] = relationship(back_populates="items")
    service: Mapped[Service] = relationship()


class Slot(TenantOwned, Base):
    """One seat at a location for one step of its slot grid.

    Free for the public when ``channel`` is online, ``available_from`` has passed, no booking holds it
    (or its hold ran out) and no waiting-list offer holds it (or the offer ran out).
    """

    __tablename__ = "appointment_slots"
    __table_args__ = (
        UniqueConstraint("location_id", "start", "seat"),
        Index("ix_appointment_slots_day", "location_id", "day"),
        Index("ix_appointment_slots_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("appointment_locations.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    start: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
    end: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))
    seat: Mapped[int] = mapped_column(doc="0 … capacity-1 within the step")
    channel: Mapped[Channel] = mapped_column(_enum(Channel), default=Channel.ONLINE)
    available_from: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), doc="released (again) at")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_bookings.id", ondelete="SET NULL"))
    hold_until: Mapped[datetime | None] = mapped_column(
        UTCDateTime(timezone=True), default=None, doc="set while the booking only holds the seat"
    )
    offered_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_waitlist.id", ondelete="SET NULL")
    )
    offer_until: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    closed: Mapped[bool] = mapped_column(default=False, doc="taken out by a closure")


class WaitStatus(enum.StrEnum):
    """unverified → waiting → offered → booked; or expired, withdrawn."""

    UNVERIFIED = "unverified"
    WAITING = "waiting"
    OFFERED = "offered"
    BOOKED = "booked"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class WaitlistEntry(TenantOwned, Base):
    """A citizen waiting for a free slot for a service (Warteliste), first come first served."""

    __tablename__ = "appointment_waitlist"
    __table_args__ = (Index("ix_appointment_waitlist_queue", "tenant_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_locations.id", ondelete="CASCADE"), doc="None: any location"
    )
    services: Mapped[list[dict[str, Any]]] = mapped_column(JSON, doc='[{"service_id": 1, "quantity": 1}]')
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    status: Mapped[WaitStatus] = mapped_column(_enum(WaitStatus), default=WaitStatus.UNVERIFIED)
    verify_token_hash: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    offer_token_hash: Mapped[str | None] = mapped_column(
        String(64), default=None, unique=True, doc="the accept link of the current offer"
    )
    earliest: Mapped[date | None] = mapped_column(Date, default=None)
    latest: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    offer_until: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True), default=None)
    offers_made: Mapped[int] = mapped_column(default=0)


class UsedProof(Base):
    """A solved proof-of-work, kept until it expires so it cannot be used twice."""

    __tablename__ = "appointment_used_proofs"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), index=True)
