"""Every table of Rathaus, imported in one place for Alembic and the test schema."""

import rathaus.assistant.models
import rathaus.assistant.models_conversations
import rathaus.minutes.models  # noqa: F401 - registers the Protokollhilfe tables
from rathaus.audit.models import AIDraft, AuditEvent, AuditHead
from rathaus.core.jobs import Job
from rathaus.core.security.models import LoginAttempt, Tenant, User, UserRole
from rathaus.core.storage import StoredFile

__all__ = [
    "AIDraft",
    "AuditEvent",
    "AuditHead",
    "Job",
    "LoginAttempt",
    "StoredFile",
    "Tenant",
    "User",
    "UserRole",
]
