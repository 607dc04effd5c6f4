"""Times on every page are shown in the municipality's time, whatever the server's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from rathaus.web.templating import make_templates


def test_a_stored_utc_time_is_shown_in_german_time() -> None:
    datum = make_templates().env.filters["datum"]
    assert datum(datetime(2026, 12, 6, 23, 30, tzinfo=UTC)) == "07.12.2026, 00:30 Uhr"  # winter: UTC+1
    assert datum(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)) == "01.07.2026, 12:00 Uhr"  # summer: UTC+2
    naive = datetime(2026, 7, 1, 10, 0, tzinfo=UTC).replace(tzinfo=None)
    assert datum(naive) == "01.07.2026, 12:00 Uhr"  # naive values are UTC
    assert datum(None) == "–"
