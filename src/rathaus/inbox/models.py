"""Tables of the module Posteingang (none yet: the module is being built)."""
