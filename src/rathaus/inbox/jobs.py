"""Background jobs of the module Posteingang (none registered yet)."""
