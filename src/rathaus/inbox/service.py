"""Domain logic of the module Posteingang: keyword-only functions taking a session (none yet)."""
