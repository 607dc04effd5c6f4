"""Domain logic of the module Governance: keyword-only functions taking a session (none yet)."""
