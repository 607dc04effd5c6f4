"""Assistent."""
