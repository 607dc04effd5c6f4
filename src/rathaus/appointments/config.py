"""Settings of the module Terminvergabe: the section ``appointments`` (``RATHAUS_APPOINTMENTS__*``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class AppointmentsSettings(BaseModel):
    """Terminvergabe: booking horizon and release waves, holds, limits, fairness, waiting list, reminders."""

    horizon_days: int = Field(
        default=28, ge=1, le=365, description="how many days ahead appointments can be booked"
    )
    release_time: dt.time = Field(
        default=dt.time(7, 0),
        description="daily release wave: at this local time the day that enters the horizon becomes bookable",
    )
    min_lead_minutes: int = Field(default=30, ge=0, description="no online booking starting sooner than this")
    hold_minutes: int = Field(
        default=10,
        ge=1,
        le=120,
        description="how long a chosen time is held while the citizen enters the contact",
    )
    confirm_minutes: int = Field(
        default=60, ge=5, le=1440, description="how long the e-mail confirmation link is valid"
    )
    max_open_per_email: int = Field(
        default=2, ge=1, description="open appointments one e-mail address may hold"
    )
    rerelease_delay_minutes: int = Field(
        default=60, ge=0, description="a cancelled slot is offered to the public again only after this delay"
    )
    waitlist_offer_hours: int = Field(
        default=12, ge=1, description="how long a freed slot is held for the first person on the waiting list"
    )
    reminder_hours: int = Field(
        default=24, ge=0, description="remind this many hours before the appointment; 0: never"
    )
    rate_per_minute: int = Field(
        default=60, ge=1, description="public booking requests per client and minute"
    )
    proof_difficulty: int = Field(
        default=5_000, ge=100, description="proof-of-work: largest number the browser may have to try"
    )
    proof_wait_seconds: int = Field(
        default=8,
        ge=0,
        description="without JavaScript: seconds the booking form must be open before it is accepted",
    )
    public_url: str = Field(
        default="",
        description="address of the public booking pages for links in e-mails sent by jobs (reminders, "
        "waiting-list offers), "
        "e.g. https://termine.stadt.de; empty: http://HOST:PORT of the platform",
    )
    overbooking: bool = Field(
        default=False, description="offer extra seats by the measured no-show rate (planning)"
    )
    retention_days: int = Field(
        default=180, ge=1, description="contact data of past appointments is erased after this many days"
    )
