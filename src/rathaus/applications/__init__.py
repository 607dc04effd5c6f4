"""Anträge."""
