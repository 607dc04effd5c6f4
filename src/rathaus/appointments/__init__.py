"""Terminvergabe."""
