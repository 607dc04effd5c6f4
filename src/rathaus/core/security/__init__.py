"""Accounts, roles, tenants, CSRF, rate limits and upload checks."""
