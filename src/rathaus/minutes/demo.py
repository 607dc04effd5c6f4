"""Demo data of the Protokollhilfe: one Karlsruhe council meeting imported from its OParl file.

Agenda, papers and participants come in, ready for a recording to be uploaded. Source: Stadt Karlsruhe's
OParl API as cached in ``../shared/data/karlsruhe`` (see that folder's README for the attribution).
"""

from __future__ import annotations

from sqlalchemy import select

from rathaus.core.module import DemoInput, DemoResult
from rathaus.minutes import oparl
from rathaus.minutes.models import Meeting
from rathaus.minutes.service import import_oparl

DEMO_MEETING = ("karlsruhe", "sessions", "gemeinderat_2025-09-30", "oparl_meeting.json")


def load_demo(demo: DemoInput) -> DemoResult:
    """Import the demo meeting unless the tenant has meetings already (the caller commits)."""
    if demo.session.scalar(select(Meeting.id).limit(1)) is not None:
        return DemoResult("the demo tenant has meetings already; nothing loaded.")
    meeting_file = demo.data_dir.joinpath(*DEMO_MEETING)
    if not meeting_file.is_file():
        return DemoResult("no meeting loaded.", missing=[str(meeting_file)])
    meeting = oparl.read_document(oparl.parse_json(meeting_file.read_bytes()))
    import_oparl(session=demo.session, tenant_id=demo.tenant_id, imported=meeting, actor=demo.actor)
    return DemoResult(f"1 council meeting ({meeting_file.parent.name}) with its OParl agenda.")
