"""Protokollhilfe."""
