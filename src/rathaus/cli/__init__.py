"""The ``rathaus`` command line: serve, worker, migrate, models, demo, jobs, users, tenants, audit.

An entry point like the app factory: it alone (with the app and the migrations) reads the module list.
"""

from rathaus.cli.platform import app


def main() -> None:
    app()


__all__ = ["app", "main"]
