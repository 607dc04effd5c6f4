"""Routes of the Anträge.

- ``casework``: the caseworker's queue, the application page with its checklist, reviews and the
  decision (``/antraege``);
- ``correspondence``: the Nachforderung and the Bescheid letters of an application.
"""

from __future__ import annotations

from rathaus.applications.web import casework, correspondence

routers = (casework.router, correspondence.router)

__all__ = ["routers"]
