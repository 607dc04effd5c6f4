"""Settings of the module Posteingang: the section ``inbox`` (``RATHAUS_INBOX__*``)."""

from __future__ import annotations

from pydantic import BaseModel


class InboxSettings(BaseModel):
    """Posteingang: no settings yet."""
