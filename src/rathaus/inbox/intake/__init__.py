"""Intake of the Posteingang: every channel (IMAP, e-mail files, scans, drop folder) yields ``Incoming``."""
