"""What every ``rathaus`` command shares: consoles, the error exit, settings and the database connection."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import Engine

from rathaus.core.config import PlatformSettings
from rathaus.core.db import DatabaseUnavailableError, check_connection, make_engine


def console() -> Console:
    """Messages and progress (stderr); built per call so that the terminal width is current."""
    return Console(stderr=True, soft_wrap=True)


def out() -> Console:
    """Results (stdout)."""
    return Console(soft_wrap=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise: ``raise fail("…") from None``."""
    console().print(f"[bold red]Error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def load_settings() -> PlatformSettings:
    """The installation's settings (every module's section included), or exit with the problems named."""
    from rathaus.modules import Settings  # noqa: PLC0415 - the module list is read only when a command runs

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
        raise fail(f"invalid configuration: {problems}") from None


def connect(settings: PlatformSettings) -> Engine:
    """An engine for the configured database, or exit with a hint when it cannot be reached."""
    engine = make_engine(settings.db_url)
    try:
        check_connection(engine)
    except DatabaseUnavailableError as error:
        raise fail(f"{error}\nCheck RATHAUS_DATABASE_URL and that the database server is running.") from None
    return engine


def connect_migrated(settings: PlatformSettings) -> Engine:
    """Like ``connect``, and exit unless the schema is up to date."""
    from rathaus.core.migrate import pending  # noqa: PLC0415

    engine = connect(settings)
    if pending(engine):
        raise fail("the database schema is not up to date. Run `rathaus migrate` first.")
    return engine
