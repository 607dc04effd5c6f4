"""What the module Terminvergabe records in the audit log.

One declared set per module, which the Governance module reads; ``record`` takes only these.
"""

from __future__ import annotations

import enum


class AppointmentsAction(enum.StrEnum):
    """The audit actions of the module appointments."""

    CATALOG_IMPORTED = "appointments.catalog_imported"
    HOURS_CHANGED = "appointments.hours_changed"
    CLOSURE_ADDED = "appointments.closure_added"
    CAPACITY_DECIDED = "appointments.capacity_decided"
    BOOKING_CONFIRMED = "appointments.booking_confirmed"
    BOOKING_CANCELLED = "appointments.booking_cancelled"
    BOOKING_REBOOKED = "appointments.booking_rebooked"
    BOOKED_BY_STAFF = "appointments.booked_by_staff"
    CHECKED_IN = "appointments.checked_in"
    NO_SHOW = "appointments.no_show"
    DONE = "appointments.done"
    WAITLIST_JOINED = "appointments.waitlist_joined"
    WAITLIST_OFFERED = "appointments.waitlist_offered"
    WAITLIST_ACCEPTED = "appointments.waitlist_accepted"
    WAITLIST_WITHDRAWN = "appointments.waitlist_withdrawn"
    MAIL_FAILED = "appointments.mail_failed"
    DATA_ERASED = "appointments.data_erased"
