"""Errors of the AI layer. Messages are English and say what to do."""

from __future__ import annotations


class AIError(Exception):
    """Base class for errors of AI backends and model bundles."""


class ModelNotInstalledError(AIError):
    """A configured model is neither an installed bundle nor an existing path."""


class BundlePackagesMissingError(AIError):
    """A bundle cannot be assembled because its pip packages are not installed."""

    def __init__(self, bundle: str, distributions: list[str], hint: str) -> None:
        self.bundle = bundle
        self.distributions = distributions
        super().__init__(
            f"Model bundle {bundle!r} needs the pip packages {', '.join(distributions)}, "
            f"which are not installed. Install them with: {hint}"
        )


class BackendUnavailableError(AIError):
    """A backend is switched off, unknown, or its server cannot be reached."""


class BackendResponseError(AIError):
    """A backend answered, but not with what was asked for (bad status, invalid structured output)."""
