"""Local time of the Terminvergabe: appointments are wall-clock times in Germany, stored in UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Berlin")


def to_utc(local: dt.datetime) -> dt.datetime:
    """A naive local wall-clock time (Europe/Berlin) as an aware UTC time."""
    return local.replace(tzinfo=TZ).astimezone(dt.UTC)


def to_local(moment: dt.datetime) -> dt.datetime:
    """An aware time as a naive local wall-clock time (Europe/Berlin)."""
    return moment.astimezone(TZ).replace(tzinfo=None)


def local_today(now: dt.datetime) -> dt.date:
    """The local date at the aware time ``now``."""
    return now.astimezone(TZ).date()
