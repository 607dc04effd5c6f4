"""What the module Posteingang records in the audit log.

One declared set per module, which the Governance module reads; ``record`` takes only these.
"""

from __future__ import annotations

import enum


class InboxAction(enum.StrEnum):
    """The audit actions of the Posteingang."""

    ITEM_RECEIVED = "inbox.item_received"
    ITEM_DUPLICATE = "inbox.item_duplicate"
    ITEM_ROUTED = "inbox.item_routed"
    ITEM_ACCEPTED = "inbox.item_accepted"
    ITEM_REROUTED = "inbox.item_rerouted"
    ITEM_CLOSED = "inbox.item_closed"
    ITEM_REOPENED = "inbox.item_reopened"
    ITEM_HANDED_OVER = "inbox.item_handed_over"  # a scanned paper form became an application (Anträge)
    ITEM_QUARANTINED = "inbox.item_quarantined"
    ITEM_DELETED = "inbox.item_deleted"
    DOCUMENT_VIEWED = "inbox.document_viewed"
    PLAN_IMPORTED = "inbox.plan_imported"
    ORG_UNIT_SAVED = "inbox.org_unit_saved"
    RULE_SAVED = "inbox.rule_saved"
    RULE_DELETED = "inbox.rule_deleted"
    MAILBOX_SAVED = "inbox.mailbox_saved"
    MAILBOX_DELETED = "inbox.mailbox_deleted"
    MAILBOX_POLLED = "inbox.mailbox_polled"
    MAIL_RULE_SAVED = "inbox.mail_rule_saved"
    MAIL_RULE_DELETED = "inbox.mail_rule_deleted"
    FOLDER_FILE_FAILED = "inbox.folder_file_failed"
    MODEL_TRAINED = "inbox.model_trained"
    DEADLINE_REMINDED = "inbox.deadline_reminded"
    TEXT_BLOCK_SAVED = "inbox.text_block_saved"
    REPLY_DRAFTED = "inbox.reply_drafted"
    REPLY_SAVED = "inbox.reply_saved"
    REPLY_SENT = "inbox.reply_sent"
    REPLY_FAILED = "inbox.reply_failed"
