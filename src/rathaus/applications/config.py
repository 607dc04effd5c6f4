"""Settings of the module Anträge: the section ``applications`` (``RATHAUS_APPLICATIONS__*``)."""

from __future__ import annotations

from pydantic import BaseModel


class ApplicationsSettings(BaseModel):
    """Anträge: no settings yet."""
