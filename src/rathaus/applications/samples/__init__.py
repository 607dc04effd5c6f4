"""Generated sample data for the Anträge module: attachments (``documents``) for tests, demo and benchmark."""
