"""The routes of the Anträge.

- ``home``: the module's start page (``/antraege``, Caseworker);
- ``types``: defining application types without programming (``/antraege/verwaltung``, Admin).
"""

from __future__ import annotations

from rathaus.applications.web import home, types

routers = (home.router, types.router)

__all__ = ["routers"]
