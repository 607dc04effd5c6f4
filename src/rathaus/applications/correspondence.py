"""Letters to the applicant: the Nachforderung (missing documents) and the Bescheid, from approved templates.

A letter is drafted from the newest *approved* version of a platform letter template
(``rathaus.core.letters``), merged with the application (name, address, reference, type, the list of
missing documents, the deadline); the caseworker edits the text, previews it as PDF or DOCX in the
tenant's letterhead and sends it: by e-mail with the PDF attached when the applicant gave an address,
otherwise it is marked for the post and the PDF is printed. Nothing is sent without a person pressing
the button. Sending a Nachforderung sets the application to "Unterlagen nachgefordert" with its deadline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.casework import CaseworkError, ensure_open
from rathaus.applications.catalog import definition_of
from rathaus.applications.definition import Category, TypeDefinition
from rathaus.applications.jobs import LOCAL
from rathaus.applications.kinds import KIND_LABELS
from rathaus.applications.models import (
    Application,
    ApplicationStatus,
    Decision,
    Letter,
    Outcome,
    Review,
)
from rathaus.applications.service import current_findings
from rathaus.core import letters
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.core.mail import MailError, MailNotConfiguredError, MailSettings, send, sender
from rathaus.core.security.models import Tenant
from rathaus.core.storage import store_bytes

NACHFORDERUNG = "nachforderung"
BEWILLIGUNG = "bescheid-bewilligung"
ABLEHNUNG = "bescheid-ablehnung"
DRAFT, SENT, POST = "draft", "sent", "post"
LETTER_STATUS_LABELS = {DRAFT: "Entwurf", SENT: "per E-Mail versandt", POST: "zum Versand per Post"}
ATTACHMENT_RULE = re.compile(r"^anlage\.(?P<key>[a-z0-9_]+)\.(?P<what>fehlt|unleserlich|art)$")
MAX_SUBJECT, MAX_BODY = 300, 20_000
DECISIONS = {
    Outcome.APPROVED: "Ihrem Antrag wird entsprochen.",
    Outcome.PARTIALLY_APPROVED: "Ihrem Antrag wird teilweise entsprochen.",
    Outcome.REJECTED: "Ihr Antrag wird abgelehnt.",
}
NO_TEMPLATE = (
    "Für dieses Schreiben ist keine Briefvorlage „{key}“ freigegeben. Die Administration kann sie unter "
    "Verwaltung → Briefvorlagen freigeben."
)


def _attachment_item(definition: TypeDefinition, key: str, what: str) -> str | None:
    spec = definition.attachment(key)
    if spec is None:
        return None
    if what == "unleserlich":
        return f"{spec.label} (die eingereichte Datei war nicht lesbar; bitte erneut einreichen)"
    if what == "art":
        return f"{spec.label} (die eingereichte Datei ist kein Dokument der Art „{KIND_LABELS[spec.kind]}“)"
    return spec.label


def missing_items(*, session: Session, application: Application) -> list[str]:
    """The lines for "fehlende Unterlagen": attachments missing, unreadable or of the wrong kind, and
    missing fields, from the completeness findings of the newest check (overridden ones left out)."""
    definition = definition_of(application.type)
    items: list[str] = []
    for finding in current_findings(session=session, application=application):
        if finding.category != Category.COMPLETENESS or finding.review == Review.OVERRIDDEN:
            continue
        match = ATTACHMENT_RULE.match(finding.rule_id)
        if match:
            item = _attachment_item(definition, match["key"], match["what"])
        elif finding.field and (spec := definition.field(finding.field)) is not None:
            item = f"Angabe „{spec.label}“"
        else:
            item = finding.title
        if item and item not in items:
            items.append(item)
    return items


def default_due(today: date, days: int) -> date:
    """The deadline a Nachforderung proposes: ``days`` after today."""
    return today + timedelta(days=days)


def _address_lines(application: Application) -> tuple[str, ...]:
    data = application.data
    street = " ".join(str(data[key]) for key in ("strasse", "hausnummer") if data.get(key))
    town = " ".join(str(data[key]) for key in ("plz", "ort") if data.get(key))
    return tuple(line for line in (application.applicant_name, street, town) if line)


def letter_values(
    *, application: Application, definition: TypeDefinition, today: date, **extra: str
) -> dict[str, str]:
    """The placeholders of the letter templates for this application (``extra`` adds or replaces)."""
    name = application.applicant_name
    values = {
        "anrede": f"Guten Tag {name}," if name else "Sehr geehrte Damen und Herren,",
        "name": name,
        "antragsart": definition.title,
        "aktenzeichen": application.reference,
        "eingangsdatum": application.submitted_at.astimezone(LOCAL).strftime("%d.%m.%Y"),
        "datum": today.strftime("%d.%m.%Y"),
        "stelle": f"{definition.authority}, {definition.municipality}",
    }
    values.update(extra)
    return values


def open_letter(*, session: Session, application: Application, kind: str) -> Letter | None:
    """The newest unsent letter of ``kind`` (template key) for the application."""
    return session.scalar(
        select(Letter)
        .where(Letter.application_id == application.id, Letter.template_key == kind, Letter.status == DRAFT)
        .order_by(Letter.id.desc())
        .limit(1)
    )


def letters_of(*, session: Session, application: Application) -> list[Letter]:
    """Every letter of the application, newest first."""
    return list(
        session.scalars(
            select(Letter).where(Letter.application_id == application.id).order_by(Letter.id.desc())
        )
    )


def draft_letter(
    *,
    session: Session,
    application: Application,
    template_key: str,
    values: dict[str, str],
    actor: Actor,
    due: date | None = None,
) -> Letter:
    """Merge the approved template ``template_key`` into a draft letter (an open draft of it is replaced)."""
    template = letters.approved(session=session, key=template_key)
    if template is None:
        raise CaseworkError(NO_TEMPLATE.format(key=template_key))
    letter = open_letter(session=session, application=application, kind=template_key) or Letter(
        application_id=application.id, template_key=template_key, status=DRAFT
    )
    letter.kind = template.kind.value
    letter.template_version = template.version
    letter.subject = letters.merge(template.subject, values).text[:MAX_SUBJECT]
    letter.body = letters.merge(template.body, values).text
    letter.due = due
    letter.created_by, letter.created_at = actor.id, utcnow()
    session.add(letter)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.LETTER_DRAFTED,
        object_type="application",
        object_id=application.id,
        details={"letter": letter.id, "template": template_key, "version": template.version},
    )
    return letter


def draft_request(
    *, session: Session, application: Application, items: Sequence[str], due: date, actor: Actor, today: date
) -> Letter:
    """Draft the Nachforderung: the missing documents as a list and the deadline."""
    ensure_open(application)
    wanted = [item.strip() for item in items if item.strip()]
    if not wanted:
        raise CaseworkError("Bitte nennen Sie mindestens eine fehlende Unterlage oder Angabe.")
    if due <= today:
        raise CaseworkError("Die Frist muss in der Zukunft liegen.")
    values = letter_values(
        application=application,
        definition=definition_of(application.type),
        today=today,
        fehlende_unterlagen="\n".join(f"- {item}" for item in wanted),  # a list, even of one
        frist=due.strftime("%d.%m.%Y"),
    )
    return draft_letter(
        session=session,
        application=application,
        template_key=NACHFORDERUNG,
        values=values,
        actor=actor,
        due=due,
    )


def draft_decision_letter(
    *, session: Session, application: Application, decision: Decision, actor: Actor, today: date
) -> Letter:
    """Draft the Bescheid of a decision (Bewilligung or Ablehnung) with its reason, linked to it."""
    key = ABLEHNUNG if decision.outcome == Outcome.REJECTED else BEWILLIGUNG
    values = letter_values(
        application=application,
        definition=definition_of(application.type),
        today=today,
        entscheidung=DECISIONS[decision.outcome],
        begruendung=decision.reason,
    )
    letter = draft_letter(
        session=session, application=application, template_key=key, values=values, actor=actor
    )
    decision.letter_id = letter.id
    return letter


def save_letter(
    *, session: Session, application: Application, letter: Letter, subject: str, body: str, actor: Actor
) -> None:
    """Keep the caseworker's edits of a draft letter. Audited."""
    if letter.status != DRAFT:
        raise CaseworkError("Dieses Schreiben ist bereits versandt und kann nicht mehr geändert werden.")
    subject, body = " ".join(subject.split()), body.replace("\r\n", "\n").strip()
    if not subject or not body:
        raise CaseworkError("Betreff und Text des Schreibens dürfen nicht leer sein.")
    if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        raise CaseworkError(
            f"Betreff oder Text sind zu lang (höchstens {MAX_SUBJECT} und {MAX_BODY} Zeichen)."
        )
    if (subject, body) == (letter.subject, letter.body):
        return
    letter.subject, letter.body = subject, body
    session.flush()
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.LETTER_DRAFTED,
        object_type="application",
        object_id=application.id,
        details={"letter": letter.id, "template": letter.template_key, "edited": True},
    )


def content(
    *, session: Session, application: Application, letter: Letter, letterhead: tuple[bytes, str] | None
) -> letters.LetterContent:
    """The letter as the platform renders it: the tenant's letterhead, the address window, the text."""
    definition = definition_of(application.type)
    tenant = session.get(Tenant, application.tenant_id)
    tenant_name = tenant.name if tenant else definition.municipality
    return letters.LetterContent(
        tenant_name=tenant_name,
        subject=letter.subject,
        body=letter.body,
        recipient_lines=_address_lines(application),
        sender_line=f"{tenant_name} · {definition.authority}",
        reference=application.reference,
        date=(letter.sent_at or utcnow()).astimezone(LOCAL).date(),
        signature=f"{definition.authority}\n{tenant_name}",
        letterhead=letterhead,
    )


def _mail(settings: MailSettings, application: Application, letter: Letter, pdf: bytes, tenant: str) -> None:
    message = EmailMessage()
    message["From"] = sender(settings, tenant)
    message["To"] = application.applicant_email
    message["Subject"] = letter.subject
    message.set_content(
        f"{letter.body}\n\nMit freundlichen Grüßen\n{tenant}\n\n"
        f"Das Schreiben liegt dieser E-Mail als PDF bei (Aktenzeichen {application.reference})."
    )
    message.add_attachment(
        pdf,
        maintype="application",
        subtype="pdf",
        filename=f"{letter.template_key}-{application.reference}.pdf",
    )
    try:
        send(settings, message)
    except MailNotConfiguredError as error:
        raise CaseworkError(
            "Der E-Mail-Versand ist nicht eingerichtet. Versenden Sie das Schreiben per Post oder wenden "
            "Sie sich an die Administration."
        ) from error
    except MailError as error:
        raise CaseworkError(
            "Das Schreiben wurde nicht gesendet: Der Mailserver war nicht erreichbar oder hat es abgelehnt. "
            "Der Entwurf bleibt erhalten; bitte versuchen Sie es später erneut."
        ) from error


def send_letter(
    *,
    session: Session,
    application: Application,
    letter: Letter,
    pdf: bytes,
    files_dir: Path,
    mail: MailSettings | None,
    actor: Actor,
) -> str:
    """Send the letter by e-mail (``mail`` given, PDF attached) or mark it for the post; returns the status.

    The PDF that went out is stored with the letter. A sent Nachforderung puts the application into
    "Unterlagen nachgefordert" with the letter's deadline. Audited.
    """
    if letter.status != DRAFT:
        raise CaseworkError("Dieses Schreiben ist bereits versandt.")
    if letter.template_key == NACHFORDERUNG:
        ensure_open(application)
    tenant = session.get(Tenant, application.tenant_id)
    tenant_name = tenant.name if tenant else ""
    if mail is not None:
        if not application.applicant_email:
            raise CaseworkError(
                "Die Antragstellerin oder der Antragsteller hat keine E-Mail-Adresse angegeben."
            )
        _mail(mail, application, letter, pdf, tenant_name)
    stored = store_bytes(
        session=session,
        files_dir=files_dir,
        tenant_id=application.tenant_id,
        data=pdf,
        filename=f"{letter.template_key}-{application.reference}.pdf",
        media_type="application/pdf",
        purpose="application_letter",
        uploaded_by_id=actor.id,
    )
    letter.status = SENT if mail is not None else POST
    letter.sent_at, letter.pdf_file_id = utcnow(), stored.id
    record(
        session=session,
        actor=actor,
        action=ApplicationsAction.LETTER_SENT,
        object_type="application",
        object_id=application.id,
        details={"letter": letter.id, "template": letter.template_key, "channel": letter.status},
    )
    if letter.template_key == NACHFORDERUNG:
        application.status = ApplicationStatus.DOCUMENTS_REQUESTED
        application.documents_due = letter.due
        record(
            session=session,
            actor=actor,
            action=ApplicationsAction.DOCUMENTS_REQUESTED,
            object_type="application",
            object_id=application.id,
            details={"letter": letter.id, "due": letter.due.isoformat() if letter.due else None},
        )
    session.flush()
    return letter.status
