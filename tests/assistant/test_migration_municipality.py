"""Migration a0003: by-laws imported before it learn their municipality from their front matter."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from rathaus.core.migrate import alembic_config, upgrade


def test_the_municipality_is_filled_in_from_the_stored_front_matter(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "a0002")
    with engine.begin() as connection:
        tenant = connection.execute(
            text(
                "INSERT INTO tenants (slug, name, state, created_at) "
                "VALUES ('m', 'M', 'BW', :now) RETURNING id"
            ),
            {"now": "2026-12-06 10:00:00"},
        ).scalar_one()
        for external, meta in (
            ("file:a.md", '{"gemeinde": "Bad Boll", "kreis": "Göppingen"}'),
            ("file:k.md", '{"kreis": "Göppingen"}'),
            ("service:1", "{}"),
        ):
            connection.execute(
                text(
                    "INSERT INTO assistant_sources (tenant_id, kind, title, external_id, visibility, body, "
                    "meta, content_hash, last_changed, stale, created_at) VALUES (:tenant, 'bylaw', 'T', "
                    ":external, 'public', '', :meta, '', :now, false, :now)"
                ),
                {"tenant": tenant, "external": external, "meta": meta, "now": "2026-12-06 10:00:00"},
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT external_id, municipality, district, shared FROM assistant_sources "
                "ORDER BY external_id"
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("file:a.md", "Bad Boll", "Göppingen", False),
        ("file:k.md", "Landkreis Göppingen", "Göppingen", False),
        ("service:1", None, None, False),
    ]
