"""Letter templates shared by every module: versioned, approved, merged and rendered to PDF/A and DOCX.

The public functions other packages call::

    from rathaus.core.letters import (
        PLACEHOLDERS, LetterContent, approved, letterhead, merge, render_docx, render_pdf,
    )
"""

from __future__ import annotations

from rathaus.core.documents import letterhead
from rathaus.core.letters.defaults import PLACEHOLDERS
from rathaus.core.letters.models import LetterKind, LetterTemplate, TemplateStatus
from rathaus.core.letters.render import LetterContent, render_docx, render_pdf
from rathaus.core.letters.service import (
    LetterTemplateError,
    Merged,
    approve,
    approved,
    ensure_defaults,
    merge,
    save_draft,
)

__all__ = [
    "PLACEHOLDERS",
    "LetterContent",
    "LetterKind",
    "LetterTemplate",
    "LetterTemplateError",
    "Merged",
    "TemplateStatus",
    "approve",
    "approved",
    "ensure_defaults",
    "letterhead",
    "merge",
    "render_docx",
    "render_pdf",
    "save_draft",
]
