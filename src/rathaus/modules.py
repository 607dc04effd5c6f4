"""The one list of Rathaus's modules. Only the entry points read it: the app factory (``rathaus.app``),
the CLI (``rathaus.cli``) and the migrations (``migrations/env.py``).

To add a module: give its package a ``module.py`` with a ``MODULE`` record (``rathaus.core.module``) and
list it here; nothing else in the platform changes. The order is the order of the navigation.
"""

from __future__ import annotations

import importlib

from rathaus.applications.module import MODULE as APPLICATIONS
from rathaus.appointments.module import MODULE as APPOINTMENTS
from rathaus.assistant.module import MODULE as ASSISTANT
from rathaus.core.config import PlatformSettings, settings_with_sections
from rathaus.core.db import PLATFORM_TABLE_MODULES
from rathaus.core.module import Module
from rathaus.governance.module import MODULE as GOVERNANCE
from rathaus.inbox.module import MODULE as INBOX
from rathaus.minutes.module import MODULE as MINUTES

MODULES: tuple[Module, ...] = (MINUTES, INBOX, ASSISTANT, APPOINTMENTS, APPLICATIONS, GOVERNANCE)

# The installation's settings: the platform's fields and one section per module (RATHAUS_<SLUG>__…).
Settings = settings_with_sections(
    {module.slug: module.settings for module in MODULES if module.settings is not None}
)


def job_modules(settings: PlatformSettings | None = None) -> tuple[str, ...]:
    """The modules that register job kinds: every module's, plus ``RATHAUS_JOBS__EXTRA_MODULES``."""
    extra = tuple(settings.jobs.extra_modules) if settings is not None else ()
    return (*(name for module in MODULES for name in module.job_modules), *extra)


def import_tables() -> None:
    """Register every table (the platform's and the modules') on ``Base.metadata``, for Alembic."""
    for name in (*PLATFORM_TABLE_MODULES, *(name for module in MODULES for name in module.table_modules)):
        importlib.import_module(name)
