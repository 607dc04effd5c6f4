"""Sessions of other Karlsruhe bodies (Hauptausschuss, Haupt- und Finanzausschuss, committees).

The per-TOP minutes of every body are in ``protocols_per_top_all.jsonl.gz`` (one row per agenda
item: ``gremium``, ``date``, ``top_number``, ``paper_reference``, ``abstimmungsergebnis``, ``text``)
and the OParl meetings with their agenda and results in ``oparl_meetings_all.jsonl.gz``. A session
is the rows of one (gremium, date) outside the Gemeinderat, matched to the OParl meeting of that
date whose public agenda numbers hold every row's number. Chosen deterministically: the ``count``
matched sessions with the most TOP rows (ties: earlier date, then name). They are prepared like the
``full`` variant of bench/karlsruhe_data.py (every agenda number scored, undebated items reduced to
the chair's call/vote sentences) and were not studied when the alignment rules were written.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.karlsruhe_data import KarlsruheSession, build_session

_OTHER_COUNCILS = ("Gemeinderat", "Ortschaftsrat")


def _rows(path: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    sessions: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            gremium = row.get("gremium") or ""
            if row.get("top_number") and gremium and "Gemeinderat" not in gremium:
                sessions[(gremium, row["date"])].append(row)
    return sessions


def _meetings(path: Path) -> dict[str, list[dict[str, Any]]]:
    by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            meeting = json.loads(line)
            if meeting.get("agendaItem") and not meeting.get("name", "").startswith(_OTHER_COUNCILS):
                by_date[str(meeting.get("start", ""))[:10]].append(meeting)
    return by_date


def _match(rows: list[dict[str, Any]], meetings: list[dict[str, Any]]) -> dict[str, Any] | None:
    numbers = {str(row["top_number"]) for row in rows}
    for meeting in sorted(meetings, key=lambda m: str(m.get("id"))):
        public = {str(item.get("number")) for item in meeting["agendaItem"] if item.get("public", True)}
        if numbers <= public:
            return meeting
    return None


def body_sessions(
    root: Path, variant: str = "full", count: int = 10, skip: int = 0
) -> list[KarlsruheSession]:
    """The ``count`` sessions of other bodies after the first ``skip``, prepared as ``variant``.

    ``skip=10`` gives ``karlsruhe_bodies_fresh``: the next ten, added in session 10 after the rules of
    that session were written from the first ten's errors, and measured once.
    """
    meetings = _meetings(root / "oparl_meetings_all.jsonl.gz")
    matched = []
    for (gremium, date), rows in _rows(root / "protocols_per_top_all.jsonl.gz").items():
        meeting = _match(rows, meetings.get(date, []))
        if meeting is not None:
            matched.append((-len(rows), date, gremium, rows, meeting))
    matched.sort(key=lambda m: m[:3])
    sessions = []
    for _, date, gremium, rows, meeting in matched[skip : skip + count]:
        by_number = {str(row["top_number"]): row for row in rows}
        public = [item for item in meeting["agendaItem"] if item.get("public", True)]
        gold = [
            {
                "number": str(item.get("number") or ""),
                "abstimmungsergebnis": by_number.get(str(item.get("number")), {}).get("abstimmungsergebnis"),
                "paper_reference": by_number.get(str(item.get("number")), {}).get("paper_reference"),
                "paper_type": by_number.get(str(item.get("number")), {}).get("paper_type"),
            }
            for item in sorted(public, key=lambda item: item.get("order", 0))
        ]
        texts = {number: row["text"] for number, row in by_number.items()}
        header = {"date": date, "gremium": gremium, "chair": rows[0].get("chair")}
        name = f"{gremium.split('Sitzung', 1)[-1].strip()} {date}"
        sessions.append(build_session(name, public, texts, gold, variant, header))
    return sessions
