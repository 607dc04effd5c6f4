"""Domain logic of the module Anträge: keyword-only functions taking a session (none yet)."""
