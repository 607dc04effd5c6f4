"""The Protokollhilfe's routes, all under ``/protokolle``.

``meetings`` (agenda, attendees, imports, recordings, the pipeline), ``attendance`` (attendance
suggested from named votes), ``transcripts`` (a transcript imported instead of a recording),
``workflow`` (status changes), ``review`` (editor and exports), ``bodies`` (each body's customs, form
in ``forms``) and ``public`` (published minutes, no login); ``common`` holds what they share.
"""

from __future__ import annotations

from rathaus.minutes.web import attendance, bodies, meetings, public, review, transcripts, workflow

# public and bodies first: /protokolle/oeffentlich/… and /protokolle/gremien… must win over
# /protokolle/{meeting_id}
routers = (
    public.router,
    bodies.router,
    meetings.router,
    attendance.router,
    transcripts.router,
    workflow.router,
    review.router,
)

__all__ = ["routers"]
