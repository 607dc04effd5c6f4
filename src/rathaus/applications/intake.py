"""Applications on paper: the port ``APPLICATION_INTAKE`` the Anträge provide to the Posteingang.

A scanned paper form arrives in the Posteingang, which reads it (OCR) and asks :func:`match` which
active application type it looks like. When a caseworker hands it over, :func:`take_paper` makes an
application of channel ``paper``: the values beside the form's labels, the scan kept as the attachment
``papierformular`` (with the text already read, so the check needs no new OCR), a reference number and
the audit entry of every submission (``service.submit``), and the check queued. A paper form is taken
as it is: missing and invalid values are the check's completeness findings for the caseworker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rathaus.applications import paper
from rathaus.applications.catalog import active_type, active_types, definition_of
from rathaus.applications.checking import remember
from rathaus.applications.forms import read_form, shown
from rathaus.applications.jobs import local_today, queue_check
from rathaus.applications.models import Application, Attachment
from rathaus.applications.reading import Reading
from rathaus.applications.service import SubmissionError, submit
from rathaus.core.ports import PaperResult, TypeMatch
from rathaus.core.storage import get_file, share_file

if TYPE_CHECKING:
    from huey import Huey
    from sqlalchemy.orm import Session

    from rathaus.applications.definition import TypeDefinition
    from rathaus.core.audit.service import Actor

CHANNEL = "paper"


def match(*, session: Session, text: str) -> list[TypeMatch]:
    """The active application types ``text`` (a scanned form's OCR text) looks like, best first."""
    definitions = [definition_of(row) for row in active_types(session=session)]
    return paper.match_types(definitions, text)


def _reading(text: str) -> Reading:
    """The text the Posteingang read, as the attachment keeps it (pages split at form feeds)."""
    pages = [page for page in text.split("\f") if page.strip()] or [text]
    return Reading.from_json(
        {
            "readable": True,
            "pages": [{"number": number, "text": page} for number, page in enumerate(pages, start=1)],
        }
    )


def _result(application: Application, definition: TypeDefinition, read: set[str]) -> PaperResult:
    values = application.data
    fields = shown(definition, values, today=local_today())
    return PaperResult(
        reference=application.reference,
        application_id=application.id,
        type_title=definition.title,
        read_fields=tuple(spec.label for spec in fields if spec.key in read),
        empty_fields=tuple(spec.label for spec in fields if spec.key not in read),
    )


def _filled(value: Any) -> bool:
    return value not in (None, "", [])


def take_paper(
    *,
    session: Session,
    type_key: str,
    text: str,
    file_id: int,
    filename: str,
    media_type: str,
    actor: Actor,
    queue: Huey | None = None,
) -> PaperResult:
    """An application of the type ``type_key`` from a scanned paper form (incomplete values accepted).

    Raises SubmissionError (a ValueError, German message) when the type takes no applications. Handing
    the same scan over twice gives the application made the first time.
    """
    type_row = active_type(session=session, key=type_key)
    if type_row is None:
        raise SubmissionError({"": "Diesen Antragstyp gibt es nicht oder er nimmt keine Anträge an."})
    definition = definition_of(type_row)
    today = local_today()
    posted = paper.read_paper(definition, text)
    values = read_form(definition, posted, today=today).values
    source = get_file(session=session, file_id=file_id)
    application, created = submit(
        session=session,
        type_row=type_row,
        values=values,
        submission_key=f"papier-{type_row.key}-{source.sha256}"[:64],
        actor=actor,
        today=today,
        channel=CHANNEL,
        validate_values=False,
    )
    read = {key for key, value in posted.items() if _filled(value)}
    if not created:
        return _result(application, definition_of(application.type), read)
    kept = share_file(
        session=session,
        stored=source,
        filename=f"{paper.PAPER_FORM}-{filename}",
        purpose="application",
        uploaded_by_id=actor.id,
    )
    attachment = Attachment(
        application_id=application.id,
        requirement=paper.PAPER_FORM,
        file_id=kept.id,
        filename=filename[:255],
        media_type=media_type,
        size=kept.size,
    )
    remember(attachment, _reading(text))
    session.add(attachment)
    session.flush()
    queue_check(session=session, application=application, created_by=actor.id, queue=queue)
    return _result(application, definition, read)
