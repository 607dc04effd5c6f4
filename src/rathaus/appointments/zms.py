"""Opening windows from a Berlin ZMS availability export (``GET_scope_<id>_availability.json``).

ZMS keeps one availability per weekday and validity period: ``type`` ``appointment`` entries are the
appointment windows (``workstationCount.public`` = slots offered online, ``intern`` = all workstations,
so ``intern - public`` are kept for walk-ins and staff); ``openinghours`` entries only say when the
doors are open and carry no capacity. Times are Berlin wall-clock; ``endTime`` is taken as the end of
the window's last slot.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rathaus.appointments.catalog import CatalogError, OpeningWindow
from rathaus.core.text.encoding import UndecodableTextError, decode_upload

_BERLIN = ZoneInfo("Europe/Berlin")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _entries(path: Path) -> list[Mapping[str, Any]]:
    try:
        document = json.loads(decode_upload(path.read_bytes(), what=f"Die Datei {path.name}"))
    except (OSError, UndecodableTextError, json.JSONDecodeError) as error:
        raise CatalogError(f"{path}: cannot read the file as JSON: {error}") from error
    data = document.get("data") if isinstance(document, dict) else None
    if isinstance(data, dict):
        data = list(data.values())
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise CatalogError(f'{path}: expected availability objects under "data"')
    return data


def _window(entry: Mapping[str, Any], weekday: int, where: str) -> OpeningWindow:
    try:
        count = entry["workstationCount"]
        online, staff = int(count["public"]), int(count["intern"])
        return OpeningWindow(
            weekday=weekday,
            start=dt.time.fromisoformat(entry["startTime"]),
            end=dt.time.fromisoformat(entry["endTime"]),
            slot_min=int(entry["slotTimeInMinutes"]),
            online_capacity=online,
            walk_in_capacity=max(staff - online, 0),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CatalogError(f"{where}: not a valid appointment window: {error!r}") from error


def parse_zms_availability(path: Path, *, on: dt.date) -> list[OpeningWindow]:
    """The appointment windows of a ZMS availability export that are valid on the date ``on``.

    Only weekly availabilities (``repeat.afterWeeks`` 1, ``weekOfMonth`` 0) are supported; another
    repetition raises ``CatalogError`` naming the file and the entry, as does a malformed entry.
    """
    windows: list[OpeningWindow] = []
    for number, entry in enumerate(_entries(path), start=1):
        where = f"{path}: availability #{number} (id {entry.get('id')!r})"
        if entry.get("type") != "appointment":
            continue
        repeat = entry.get("repeat") or {}
        if str(repeat.get("afterWeeks")) != "1" or str(repeat.get("weekOfMonth")) != "0":
            raise CatalogError(f"{where}: only weekly availabilities are supported, not {repeat!r}")
        try:
            first = dt.datetime.fromtimestamp(int(entry["startDate"]), _BERLIN).date()
            last = dt.datetime.fromtimestamp(int(entry["endDate"]), _BERLIN).date()
        except (KeyError, TypeError, ValueError) as error:
            raise CatalogError(f"{where}: startDate/endDate must be Unix timestamps: {error!r}") from error
        if not first <= on <= last:
            continue
        days = entry.get("weekday") or {}
        for weekday, name in enumerate(_WEEKDAYS):
            if str(days.get(name, "0")) != "0":
                windows.append(_window(entry, weekday, where))
    return sorted(windows, key=lambda window: (window.weekday, window.start))
