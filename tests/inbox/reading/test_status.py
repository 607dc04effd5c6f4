"""The inbox stores the core reader's status as its own DocumentStatus, value for value."""

from __future__ import annotations

from rathaus.core.reading import ReadStatus
from rathaus.inbox.models import DocumentStatus


def test_every_read_status_is_a_document_status_of_the_same_value() -> None:
    assert {status.value for status in ReadStatus} <= {status.value for status in DocumentStatus}
    assert DocumentStatus(ReadStatus.NO_TEXT.value) is DocumentStatus.NO_TEXT
