"""The assistant's routes: ``public`` (citizen page, widget, JSON API; no login), ``staff`` (staff mode,
the review of open questions) and ``sources`` (knowledge sources, for knowledge editors)."""

from __future__ import annotations

from rathaus.assistant.web import public, sources, staff

routers = (staff.router, public.router, sources.router)  # the order of the routes as before the split

__all__ = ["routers"]
