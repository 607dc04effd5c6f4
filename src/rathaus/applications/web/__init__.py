"""The Anträge's routes.

- ``casework``: the caseworker's queue, the application page with its checklist, reviews and the
  decision (``/antraege``);
- ``correspondence``: the Nachforderung and the Bescheid letters of an application;
- ``types``: defining application types without programming (``/antraege/verwaltung``, Admin; before
  ``casework``, so that ``verwaltung`` is never read as an application);
- ``submitted``: summary, submission, receipt and status (``/buerger/{tenant}/antraege/status/…``; first
  of the public routes, so that ``status`` is never read as the key of a type);
- ``public``: the citizen form, list, start page and steps (``/buerger/{tenant}/antraege/…``, no login);
- ``saved``: the "Link zum Fortsetzen" and its e-mail;
- ``attachments``: the upload step.
"""

from __future__ import annotations

from rathaus.applications.web import (
    attachments,
    casework,
    correspondence,
    public,
    saved,
    submitted,
    types,
)

routers = (
    types.router,
    casework.router,
    correspondence.router,
    submitted.router,
    public.router,
    saved.router,
    attachments.router,
)

__all__ = ["routers"]
