"""The Protokollhilfe's routes, all under ``/protokolle``.

``meetings`` (agenda, attendees, imports, recordings, the pipeline), ``attendance`` (attendance
suggested from named votes), ``workflow`` (status changes),
``review`` (editor and exports) and ``public`` (published minutes, no login); ``common`` holds what they
share.
"""

from __future__ import annotations

from rathaus.minutes.web import attendance, meetings, public, review, workflow

# public first: /protokolle/oeffentlich/… must win over /protokolle/{meeting_id}
routers = (public.router, meetings.router, attendance.router, workflow.router, review.router)

__all__ = ["routers"]
