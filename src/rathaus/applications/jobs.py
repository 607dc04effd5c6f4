"""Background jobs of the module Anträge (none registered yet)."""
