"""Letter templates: versions, approval, and merging values into the placeholders.

A template is identified by its ``key``; every edit writes a new version as a draft. An administrator
approves a version; the previously approved version of the key is then retired. Letters are only ever
made from the newest approved version (:func:`approved`). Placeholders are names in braces,
``{aktenzeichen}``; :func:`merge` fills them and lists those it had no value for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.core.audit.actions import PlatformAction
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import tenant_of, utcnow
from rathaus.core.letters.defaults import DEFAULTS, PLACEHOLDERS
from rathaus.core.letters.models import LetterKind, LetterTemplate, TemplateStatus

__all__ = [
    "PLACEHOLDERS",
    "LetterTemplateError",
    "Merged",
    "TemplateOverview",
    "approve",
    "approved",
    "ensure_defaults",
    "get",
    "list_current",
    "merge",
    "placeholders_in",
    "save_draft",
    "versions",
]

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
BRACED = re.compile(r"\{([^{}]*)\}")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_TITLE, MAX_SUBJECT, MAX_BODY, MAX_KEY = 200, 300, 20_000, 80
LIST_MARKERS = ("- ", "• ", "* ")


class LetterTemplateError(ValueError):
    """A template that cannot be saved or approved; the message is German and shown to the user."""


@dataclass(frozen=True)
class Merged:
    """A text with its placeholders filled; ``missing`` names those left as ``{name}`` (no value)."""

    text: str
    missing: list[str]


@dataclass(frozen=True)
class TemplateOverview:
    """One key of the tenant: its newest version, the version in use, and a newer draft if any."""

    key: str
    latest: LetterTemplate
    approved: LetterTemplate | None
    draft: LetterTemplate | None


def _tenant(session: Session, tenant_id: int | None) -> int:
    tenant = tenant_id if tenant_id is not None else tenant_of(session)
    if tenant is None:
        msg = "letter templates need a tenant: open a tenant session or pass tenant_id"
        raise ValueError(msg)
    return tenant


# -- reading -------------------------------------------------------------------------------------------


def versions(*, session: Session, key: str, tenant_id: int | None = None) -> list[LetterTemplate]:
    """Every version of the template ``key``, newest first."""
    tenant = _tenant(session, tenant_id)
    return list(
        session.scalars(
            select(LetterTemplate)
            .where(LetterTemplate.tenant_id == tenant, LetterTemplate.key == key)
            .order_by(LetterTemplate.version.desc())
        )
    )


def approved(*, session: Session, key: str, tenant_id: int | None = None) -> LetterTemplate | None:
    """The newest approved version of ``key`` – the only one letters may be made from – or None."""
    tenant = _tenant(session, tenant_id)
    return session.scalar(
        select(LetterTemplate)
        .where(
            LetterTemplate.tenant_id == tenant,
            LetterTemplate.key == key,
            LetterTemplate.status == TemplateStatus.APPROVED,
        )
        .order_by(LetterTemplate.version.desc())
        .limit(1)
    )


def get(*, session: Session, template_id: int) -> LetterTemplate | None:
    """One version by id (within the session's tenant)."""
    return session.get(LetterTemplate, template_id)


def list_current(*, session: Session, tenant_id: int | None = None) -> list[TemplateOverview]:
    """Every template key of the tenant with its newest, approved and pending draft version, by title."""
    tenant = _tenant(session, tenant_id)
    rows = session.scalars(
        select(LetterTemplate)
        .where(LetterTemplate.tenant_id == tenant)
        .order_by(LetterTemplate.key, LetterTemplate.version.desc())
    )
    by_key: dict[str, list[LetterTemplate]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    overviews = []
    for key, history in by_key.items():
        in_use = next((t for t in history if t.status is TemplateStatus.APPROVED), None)
        draft = history[0] if history[0].status is TemplateStatus.DRAFT else None
        overviews.append(TemplateOverview(key=key, latest=history[0], approved=in_use, draft=draft))
    return sorted(overviews, key=lambda overview: overview.latest.title.lower())


# -- placeholders and merging --------------------------------------------------------------------------


def placeholders_in(text: str) -> list[str]:
    """The placeholder names in ``text``, each once, in order of appearance."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def check_placeholders(text: str, *, field: str) -> None:
    """Refuse unbalanced braces and braces around anything but a placeholder name (German message)."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0 or depth > 1:
            break
    if depth != 0:
        msg = (
            f"Im Feld „{field}“ passen die geschweiften Klammern nicht zusammen. Jeder Platzhalter "
            "steht in genau einem Paar: {aktenzeichen}."
        )
        raise LetterTemplateError(msg)
    for inner in BRACED.findall(text):
        if not PLACEHOLDER.fullmatch("{" + inner + "}"):
            msg = (
                f"Im Feld „{field}“ ist „{{{inner}}}“ kein gültiger Platzhalter. Platzhalter bestehen nur "
                "aus Kleinbuchstaben, Ziffern und Unterstrichen, z. B. {fehlende_unterlagen}."
            )
            raise LetterTemplateError(msg)


def _list_lines(value: str) -> list[str]:
    items = []
    for line in value.splitlines():
        stripped = line.strip()
        for marker in LIST_MARKERS:
            if stripped.startswith(marker):
                stripped = stripped[len(marker) :].strip()
                break
        if stripped:
            items.append(f"- {stripped}")
    return items


def _is_list(value: str, *, dashed: bool) -> bool:
    """A value to turn into list items: several lines without a blank one, or any value after ``- ``."""
    lines = value.splitlines()
    return (dashed or len(lines) > 1) and all(line.strip() for line in lines)


def merge(text: str, values: Mapping[str, str]) -> Merged:
    """Fill the placeholders of ``text`` from ``values``.

    A placeholder without a value (or with a blank one) stays visible as ``{name}`` and is listed in
    ``missing``. A value of several lines becomes list items (``- …``) when its placeholder stands alone
    on a line (optionally after ``- ``); a value with blank lines in it is text of several paragraphs
    and goes in as it is. Example::

        merge("Es fehlen:\\n\\n{unterlagen}", {"unterlagen": "Ausweis\\nLageplan"}).text
        == "Es fehlen:\\n\\n- Ausweis\\n- Lageplan"
    """
    missing: list[str] = []

    def value_of(name: str) -> str | None:
        value = values.get(name)
        if value is None or not value.strip():
            if name not in missing:
                missing.append(name)
            return None
        return value.strip()

    lines: list[str] = []
    for line in text.splitlines():
        alone = PLACEHOLDER.fullmatch(line.strip().removeprefix("- ").strip())
        if alone and line.strip() in {alone.group(0), f"- {alone.group(0)}"}:
            value = value_of(alone.group(1))
            if value is not None and _is_list(value, dashed=line.strip().startswith("- ")):
                lines.extend(_list_lines(value))
                continue
        lines.append(PLACEHOLDER.sub(lambda m: value_of(m.group(1)) or m.group(0), line))
    return Merged(text="\n".join(lines), missing=missing)


# -- writing -------------------------------------------------------------------------------------------


UMLAUTS = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _key_from(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title.translate(UMLAUTS)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[: MAX_KEY - 4] or "vorlage"


def _unique_key(session: Session, tenant: int, base: str) -> str:
    taken = set(
        session.scalars(
            select(LetterTemplate.key).where(
                LetterTemplate.tenant_id == tenant, LetterTemplate.key.startswith(base)
            )
        )
    )
    number = 1
    key = base
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


def _checked(title: str, subject: str, body: str) -> tuple[str, str, str]:
    title, subject, body = title.strip(), " ".join(subject.split()), body.replace("\r\n", "\n").strip()
    if not title:
        raise LetterTemplateError("Bitte geben Sie einen Titel an.")
    if len(title) > MAX_TITLE:
        raise LetterTemplateError(f"Der Titel ist zu lang (höchstens {MAX_TITLE} Zeichen).")
    if not subject:
        raise LetterTemplateError("Bitte geben Sie einen Betreff an.")
    if len(subject) > MAX_SUBJECT:
        raise LetterTemplateError(f"Der Betreff ist zu lang (höchstens {MAX_SUBJECT} Zeichen).")
    if not body:
        raise LetterTemplateError("Bitte geben Sie den Text der Vorlage an.")
    if len(body) > MAX_BODY:
        raise LetterTemplateError(f"Der Text ist zu lang (höchstens {MAX_BODY} Zeichen).")
    check_placeholders(subject, field="Betreff")
    check_placeholders(body, field="Text")
    return title, subject, body


def save_draft(
    *,
    session: Session,
    key: str | None,
    kind: LetterKind,
    title: str,
    subject: str,
    body: str,
    actor: Actor,
    tenant_id: int | None = None,
) -> LetterTemplate:
    """Write a new draft version of ``key`` (a new template when ``key`` is None or not yet used).

    Nothing is written when the text equals the newest version; that version is returned.
    """
    tenant = _tenant(session, tenant_id)
    title, subject, body = _checked(title, subject, body)
    if key is not None and not KEY_PATTERN.match(key):
        raise LetterTemplateError("Das Kürzel darf nur Kleinbuchstaben, Ziffern und Bindestriche enthalten.")
    history = versions(session=session, key=key, tenant_id=tenant) if key else []
    if history and (history[0].kind, history[0].title, history[0].subject, history[0].body) == (
        kind,
        title,
        subject,
        body,
    ):
        return history[0]
    key = key or _unique_key(session, tenant, _key_from(title))
    newest = session.scalar(
        select(func.max(LetterTemplate.version)).where(
            LetterTemplate.tenant_id == tenant, LetterTemplate.key == key
        )
    )
    template = LetterTemplate(
        tenant_id=tenant,
        key=key,
        kind=kind,
        title=title,
        subject=subject,
        body=body,
        version=(newest or 0) + 1,
        status=TemplateStatus.DRAFT,
        created_by_id=actor.id,
    )
    session.add(template)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=PlatformAction.LETTER_TEMPLATE_SAVED,
        object_type="letter_template",
        object_id=template.id,
        tenant_id=tenant,
        details={
            "key": key,
            "version": template.version,
            "kind": kind.value,
            "placeholders": placeholders_in(f"{subject}\n{body}"),
        },
    )
    return template


def approve(
    *, session: Session, template_id: int, actor: Actor, tenant_id: int | None = None
) -> LetterTemplate:
    """Approve a draft version; the key's previously approved version is retired. Audited."""
    tenant = _tenant(session, tenant_id)
    template = session.get(LetterTemplate, template_id)
    if template is None or template.tenant_id != tenant:
        raise LetterTemplateError("Diese Vorlage gibt es nicht.")
    if template.status is not TemplateStatus.DRAFT:
        raise LetterTemplateError(
            f"Fassung {template.version} ist {template.status.label}; freigegeben werden nur Entwürfe."
        )
    previous = approved(session=session, key=template.key, tenant_id=tenant)
    if previous is not None and previous.version > template.version:
        raise LetterTemplateError(
            f"Fassung {previous.version} ist neuer und bereits freigegeben. Bitte bearbeiten Sie "
            "die Vorlage, wenn Sie einen älteren Text wieder verwenden wollen."
        )
    if previous is not None:
        previous.status = TemplateStatus.RETIRED
    template.status = TemplateStatus.APPROVED
    template.approved_by_id = actor.id
    template.approved_at = utcnow()
    session.flush()
    record(
        session=session,
        actor=actor,
        action=PlatformAction.LETTER_TEMPLATE_APPROVED,
        object_type="letter_template",
        object_id=template.id,
        tenant_id=tenant,
        details={
            "key": template.key,
            "version": template.version,
            "retired_version": previous.version if previous else None,
            "author_id": template.created_by_id,
        },
    )
    return template


def ensure_defaults(*, session: Session, tenant_id: int, actor: Actor) -> list[LetterTemplate]:
    """Create and approve the default templates the tenant lacks (a key it has already is left alone)."""
    existing = set(
        session.scalars(select(LetterTemplate.key).where(LetterTemplate.tenant_id == tenant_id).distinct())
    )
    created = []
    for default in DEFAULTS:
        if default.key in existing:
            continue
        draft = save_draft(
            session=session,
            key=default.key,
            kind=default.kind,
            title=default.title,
            subject=default.subject,
            body=default.body,
            actor=actor,
            tenant_id=tenant_id,
        )
        created.append(approve(session=session, template_id=draft.id, actor=actor, tenant_id=tenant_id))
    return created
