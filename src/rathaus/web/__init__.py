"""The web application: app factory, dependencies, base templates and static assets."""
