"""Background jobs of the module Governance (none registered yet)."""
