"""Tables of the module Anträge (none yet: the module is being built)."""
