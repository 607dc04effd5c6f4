"""OParl 1.1 import: real Karlsruhe meetings, the spec's examples, invalid files, a loopback endpoint."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from rathaus.minutes import oparl
from tests.conftest import shared_data

KARLSRUHE = "karlsruhe/sessions"


def test_every_karlsruhe_meeting_validates_and_reads() -> None:
    folders = sorted(shared_data(KARLSRUHE).iterdir())
    assert len(folders) == 12
    for folder in folders:
        document = json.loads((folder / "oparl_meeting.json").read_text(encoding="utf-8"))
        assert oparl.validation_errors(document, "Meeting") == []
        meeting = oparl.read_document(document)
        assert len(meeting.items) == len(document["agendaItem"])
        assert meeting.session_date.isoformat() == folder.name.removeprefix("gemeinderat_")
        assert meeting.place
        assert "Bürgersaal" in meeting.place
        assert meeting.items[0].title == document["agendaItem"][0]["name"]


def test_results_of_a_real_meeting_are_kept() -> None:
    path = shared_data(KARLSRUHE, "gemeinderat_2023-06-27", "oparl_meeting.json")
    meeting = oparl.read_document(json.loads(path.read_text(encoding="utf-8")))
    first = meeting.items[0]
    assert (first.number, first.title, first.result) == (
        "1",
        "Neubesetzung von gemeinderätlichen Ausschüssen",
        "einstimmig zugestimmt",
    )
    assert meeting.start is not None
    assert meeting.start.utcoffset() is not None


def test_the_specification_example_meeting_is_checked_strictly() -> None:
    """The spec's own example omits the required ``order`` of its agenda item; the validator notices."""
    document = json.loads(
        shared_data("oparl_spec", "examples", "Meeting-01.json").read_text(encoding="utf-8")
    )
    assert oparl.validation_errors(document, "Meeting") == ["agendaItem/0: 'order' is a required property"]
    document["agendaItem"][0]["order"] = 1
    assert oparl.validation_errors(document, "Meeting") == []


def _meeting(**changes: Any) -> dict[str, Any]:
    meeting = {
        "id": "http://127.0.0.1/meetings/1",
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "Bauausschuss",
        "start": "2025-03-04T17:00:00+01:00",
        "agendaItem": [
            {
                "id": "http://127.0.0.1/items/1",
                "type": "https://schema.oparl.org/1.1/AgendaItem",
                "order": 1,
                "number": "1",
                "name": "Eröffnung",
                "public": True,
            }
        ],
    }
    meeting.update(changes)
    return meeting


def test_invalid_meeting_is_refused_with_the_place_of_the_error() -> None:
    bad = _meeting()
    bad["agendaItem"][0]["order"] = "eins"
    with pytest.raises(oparl.OParlError, match=r"agendaItem/0/order: 'eins' is not of type 'integer'"):
        oparl.read_document(bad)


def test_embedded_objects_are_validated_through_the_schema_keyword() -> None:
    bad = _meeting(location={"id": "x", "type": "https://schema.oparl.org/1.1/Location", "room": 5})
    assert any(problem.startswith("location/room") for problem in oparl.validation_errors(bad, "Meeting"))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"type": "https://schema.oparl.org/1.1/Paper", "id": "x"}, "keine OParl-Sitzungen"),
        ([_meeting(), _meeting()], "2 OParl-Sitzungen"),
        (_meeting(agendaItem=[]), "keine Tagesordnungspunkte"),
        (_meeting(start=None), "gültiges OParl"),
    ],
)
def test_unusable_documents_get_a_german_message(document: Any, message: str) -> None:
    with pytest.raises(oparl.OParlError, match=message):
        oparl.read_document(document)


def test_broken_json_is_reported() -> None:
    with pytest.raises(oparl.OParlError, match="kein gültiges JSON"):
        oparl.parse_json(b"{nicht json")
    with pytest.raises(oparl.OParlError, match="leer"):
        oparl.parse_json(b"  ")


class _Endpoint:
    def __init__(self, objects: dict[str, dict[str, Any]]) -> None:
        self.objects = objects
        store = objects

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = store.get(self.path)
                payload = json.dumps(body).encode() if body else b'{"error": "not found"}'
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def endpoint() -> Iterator[_Endpoint]:
    server = _Endpoint({})
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_fetch_from_a_loopback_endpoint_with_papers_and_persons(endpoint: _Endpoint) -> None:
    base = endpoint.base
    meeting = _meeting(
        id=f"{base}/meetings/1",
        organization=[f"{base}/orgs/7"],
        participant=[f"{base}/persons/1", f"{base}/persons/404"],
    )
    meeting["agendaItem"].append(
        {
            "id": f"{base}/items/2",
            "type": "https://schema.oparl.org/1.1/AgendaItem",
            "order": 2,
            "number": "2",
            "name": "Bebauungsplan Mühlbach",
            "public": True,
            "consultation": f"{base}/consultations/5",
        }
    )
    endpoint.objects.update(
        {
            "/meetings/1": meeting,
            "/orgs/7": {
                "id": f"{base}/orgs/7",
                "type": "https://schema.oparl.org/1.1/Organization",
                "name": "Bauausschuss",
            },
            "/consultations/5": {
                "id": f"{base}/consultations/5",
                "type": "https://schema.oparl.org/1.1/Consultation",
                "paper": f"{base}/papers/9",
            },
            "/papers/9": {
                "id": f"{base}/papers/9",
                "type": "https://schema.oparl.org/1.1/Paper",
                "reference": "2025/0042",
                "name": "Bebauungsplan",
                "paperType": "Beschlussvorlage",
            },
            "/persons/1": {
                "id": f"{base}/persons/1",
                "type": "https://schema.oparl.org/1.1/Person",
                "name": "Anna Berends",
                "membership": [
                    {
                        "id": "m1",
                        "type": "https://schema.oparl.org/1.1/Membership",
                        "organization": f"{base}/orgs/7",
                        "role": "Vorsitzende",
                    }
                ],
            },
        }
    )
    imported = oparl.fetch_meeting(f"{base}/meetings/1")
    assert imported.organization_name == "Bauausschuss"
    assert [item.paper_reference for item in imported.items] == [None, "2025/0042"]
    assert [(p.name, p.role) for p in imported.persons] == [("Anna Berends", "Vorsitzende")]
    assert imported.warnings == [f"Person {base}/persons/404 wurde nicht gefunden."]


def test_fetch_errors_are_german(endpoint: _Endpoint) -> None:
    with pytest.raises(oparl.OParlError, match="Status 404"):
        oparl.fetch_meeting(f"{endpoint.base}/meetings/fehlt")
    endpoint.objects["/papers/1"] = {"id": "p", "type": "https://schema.oparl.org/1.1/Paper"}
    with pytest.raises(oparl.OParlError, match="keine OParl-Sitzung"):
        oparl.fetch_meeting(f"{endpoint.base}/papers/1")
    with pytest.raises(oparl.OParlError, match="http://"):
        oparl.fetch_meeting("ftp://example.org/x")
