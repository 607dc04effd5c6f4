"""What the assistant records in the audit log.

One declared set per module, which the Governance module reads; ``record`` takes only these.
"""

from __future__ import annotations

import enum


class AssistantAction(enum.StrEnum):
    """The audit actions of the module assistant."""

    FAQ_SAVED = "assistant.faq_saved"
    IMPORT = "assistant.import"
    LOGS_PURGED = "assistant.logs_purged"
    QUESTION_REVIEWED = "assistant.question_reviewed"
    SOURCE_DELETED = "assistant.source_deleted"
    STAFF_DEPARTMENTS = "assistant.staff_departments"
    VISIBILITY = "assistant.visibility"
