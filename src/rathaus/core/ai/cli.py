"""``rathaus models …``: assemble, list and verify the offline model bundles."""

from __future__ import annotations

import typer

models_app = typer.Typer(help="Offline model bundles.", no_args_is_help=True)
