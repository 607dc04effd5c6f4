"""Background jobs of the module Terminvergabe (none registered yet)."""
