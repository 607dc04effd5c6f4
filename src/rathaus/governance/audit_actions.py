"""What the module Governance records in the audit log.

One declared set per module, which the Governance module reads; ``record`` takes only these.
"""

from __future__ import annotations

import enum


class GovernanceAction(enum.StrEnum):
    """The audit actions of the module governance (none yet)."""
