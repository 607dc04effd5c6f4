"""Pydantic schemas of the module Anträge (none yet: the module is being built)."""
