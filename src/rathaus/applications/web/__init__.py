"""The Anträge's routes.

- ``staff``: the staff start page (``/antraege``);
- ``types``: defining application types without programming (``/antraege/verwaltung``, Admin);
- ``submitted``: summary, submission, receipt and status (``/buerger/{tenant}/antraege/status/…``; first,
  so that ``status`` is never read as the key of a type);
- ``public``: the citizen form, list, start page and steps (``/buerger/{tenant}/antraege/…``, no login);
- ``saved``: the "Link zum Fortsetzen" and its e-mail;
- ``attachments``: the upload step.
"""

from __future__ import annotations

from rathaus.applications.web import attachments, public, saved, staff, submitted, types

routers = (staff.router, types.router, submitted.router, public.router, saved.router, attachments.router)

__all__ = ["routers"]
