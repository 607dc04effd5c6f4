"""Domain logic of the module Terminvergabe: keyword-only functions taking a session (none yet)."""
