"""Settings of the module Terminvergabe: the section ``appointments`` (``RATHAUS_APPOINTMENTS__*``)."""

from __future__ import annotations

from pydantic import BaseModel


class AppointmentsSettings(BaseModel):
    """Terminvergabe: no settings yet."""
