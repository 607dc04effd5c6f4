"""What the module Anträge records in the audit log.

One declared set per module, which the Governance module reads; ``record`` takes only these.
"""

from __future__ import annotations

import enum


class ApplicationsAction(enum.StrEnum):
    """The audit actions of the module applications."""

    TYPE_SAVED = "applications.type_saved"
    TYPE_ACTIVATED = "applications.type_activated"
    TYPE_RETIRED = "applications.type_retired"
    SUBMITTED = "applications.submitted"
    CHECKED = "applications.checked"
    FINDING_REVIEWED = "applications.finding_reviewed"
    DOCUMENTS_REQUESTED = "applications.documents_requested"
    DOCUMENTS_ADDED = "applications.documents_added"
    LETTER_DRAFTED = "applications.letter_drafted"
    LETTER_SENT = "applications.letter_sent"
    DECIDED = "applications.decided"
    WITHDRAWN = "applications.withdrawn"
    DATA_ERASED = "applications.data_erased"
