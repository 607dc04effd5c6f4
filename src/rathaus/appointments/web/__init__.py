"""The Terminvergabe's routes.

- ``public``: the citizen booking pages (``/buerger/{tenant_slug}/termine/…``, no login), steps 1–4;
- ``manage``: the citizen's pages after the hold: contact, confirmation and cancelling;
- ``change``: the citizen moves a booked appointment to another time;
- ``waitlist``: the public waiting list;
- ``staff``: day and week views, walk-ins, check-in (``/termine``);
- ``admin``: catalog, opening hours, capacity, statistics and planning (``/termine/verwaltung``).
"""

from __future__ import annotations

from rathaus.appointments.web import admin, change, manage, public, staff, waitlist

routers = (staff.router, admin.router, public.router, manage.router, change.router, waitlist.router)

__all__ = ["routers"]
