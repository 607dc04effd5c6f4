"""Rathaus: on-premise AI assistance for German municipal administrations."""

__version__ = "0.1.0"
