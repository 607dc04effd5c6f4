"""Settings of the module Governance: the section ``governance`` (``RATHAUS_GOVERNANCE__*``)."""

from __future__ import annotations

from pydantic import BaseModel


class GovernanceSettings(BaseModel):
    """Governance: no settings yet."""
