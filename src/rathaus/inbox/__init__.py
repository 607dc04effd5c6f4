"""Posteingang."""
