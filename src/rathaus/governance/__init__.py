"""Governance: the module's public face for other modules (nothing yet; the module is being built)."""
