"""Tables of the module Governance (none yet: the module is being built)."""
