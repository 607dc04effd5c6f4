"""One uploaded or dropped file into ``Incoming``, judged by its content and never by its name."""

from __future__ import annotations

from rathaus.inbox.intake.email import parse_eml, parse_msg
from rathaus.inbox.intake.parts import MailParseError
from rathaus.inbox.intake.sniff import EML, IMAGE_TYPES, MSG, PDF, image_pixels, media_type_of
from rathaus.inbox.models import DocumentRole, DocumentStatus, ItemSource
from rathaus.inbox.schemas import Incoming, IncomingFile

ACCEPTED_TYPES = "PDF, PNG, JPEG, TIFF oder eine E-Mail (.eml oder Outlook .msg)"


class IntakeError(ValueError):
    """The file cannot be taken in; the message is German and says what is accepted."""


def incoming_from_upload(
    *, filename: str, data: bytes, source: ItemSource = ItemSource.UPLOAD, max_image_pixels: int
) -> Incoming:
    """Judge one file by its bytes and turn it into ``Incoming`` for ``service.receive``.

    - PDF, PNG, JPEG, TIFF → one ORIGINAL document, PENDING (the reading job reads or OCRs it);
      ``source`` stays as given (``UPLOAD`` from the browser, ``FOLDER`` from the drop folder).
    - An e-mail (.eml, Outlook .msg) → parsed like a polled mail (original, body, attachments,
      dangerous attachments quarantined); ``source`` becomes ``EMAIL_UPLOAD`` unless it is ``FOLDER``.
    - Anything else, an empty file, an image over ``max_image_pixels`` or a mail that cannot be
      parsed → :class:`IntakeError` with a German message for the person (nothing was stored).

    ``filename`` is only the name shown and stored; the type always comes from the content. The
    caller checks the size limit (``InboxSettings.max_upload_bytes``), calls ``receive`` and then
    ``jobs.queue_processing`` unless ``receive`` found a duplicate, and commits.
    """
    shown = filename or "Datei"
    if not data:
        raise IntakeError(f"„{shown}“ ist leer. Bitte wählen Sie eine Datei mit Inhalt.")
    media_type = media_type_of(data)
    if media_type in {EML, MSG}:
        mail_source = ItemSource.FOLDER if source is ItemSource.FOLDER else ItemSource.EMAIL_UPLOAD
        try:
            if media_type == EML:
                return parse_eml(data, source=mail_source, filename=filename)
            return parse_msg(data, source=mail_source, filename=filename)
        except MailParseError as error:
            raise IntakeError(f"„{shown}“: {error}") from error
    if media_type is None:
        raise IntakeError(
            f"„{shown}“ hat keinen Dateityp, den der Posteingang annimmt. "
            f"Angenommen werden: {ACCEPTED_TYPES}."
        )
    if media_type in IMAGE_TYPES:
        pixels = image_pixels(data, media_type)
        if pixels is None:
            raise IntakeError(f"„{shown}“ ist kein lesbares Bild (die Bildgröße fehlt oder ist beschädigt).")
        if pixels > max_image_pixels:
            raise IntakeError(
                f"„{shown}“ ist mit {pixels / 1e6:.0f} Megapixeln zu groß "
                f"(höchstens {max_image_pixels / 1e6:.0f} Megapixel). Bitte mit geringerer Auflösung scannen."
            )
    return Incoming(
        source=ItemSource.FOLDER if source is ItemSource.FOLDER else source,
        files=(
            IncomingFile(
                filename=filename or _default_name(media_type),
                data=data,
                media_type=media_type,
                role=DocumentRole.ORIGINAL,
                status=DocumentStatus.PENDING,
            ),
        ),
    )


def _default_name(media_type: str) -> str:
    return {PDF: "Scan.pdf", "image/png": "Scan.png", "image/jpeg": "Scan.jpg", "image/tiff": "Scan.tif"}.get(
        media_type, "Scan"
    )
