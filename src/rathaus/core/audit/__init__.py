"""The audit log: append-only, hash-chained events and the AI draft records with their human decision.

Platform, not a module: core writes audit events in the same transaction as the change they record.
"""
