"""What the platform records in the audit log (accounts, tenants, files, jobs, AI drafts,
letter templates).

One declared set per module, which the Governance module reads; ``record`` takes only these.
"""

from __future__ import annotations

import enum


class PlatformAction(enum.StrEnum):
    """The audit actions of the platform."""

    AI_DRAFT_ACCEPTED = "ai.draft_accepted"
    AI_DRAFT_CREATED = "ai.draft_created"
    AI_DRAFT_EDITED = "ai.draft_edited"
    AI_DRAFT_REJECTED = "ai.draft_rejected"
    FILE_DELETED = "file.deleted"
    JOB_RETRY = "job.retry"
    LETTER_TEMPLATE_APPROVED = "letter_template.approved"
    LETTER_TEMPLATE_SAVED = "letter_template.saved"
    JOB_SELFTEST_STEP = "job.selftest.step"
    TENANT_CREATED = "tenant.created"
    TENANT_LETTERHEAD_REMOVED = "tenant.letterhead_removed"
    TENANT_LETTERHEAD_SET = "tenant.letterhead_set"
    USER_CREATED = "user.created"
    USER_DEACTIVATED = "user.deactivated"
    USER_LOCKED = "user.locked"
    USER_LOGIN = "user.login"
