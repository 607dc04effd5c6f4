"""Tables of the module Terminvergabe (none yet: the module is being built)."""
