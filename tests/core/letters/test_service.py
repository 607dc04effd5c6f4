"""Letter templates: versions, approval, only approved versions in use, defaults, merging."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.letters import service
from rathaus.core.letters.defaults import DEFAULTS, PLACEHOLDERS, SAMPLE_VALUES
from rathaus.core.letters.models import LetterKind, LetterTemplate, TemplateStatus
from rathaus.core.letters.service import LetterTemplateError, merge
from tests.factories import make_tenant

AUTHOR = Actor(id=None, name="verfasserin")
APPROVER = Actor(id=None, name="freigeberin")


@pytest.fixture
def tenants(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with open_session(sessions) as session:
        first = make_tenant(session, slug="stadt-a", name="Stadt Anfangsort")
        second = make_tenant(session, slug="stadt-b", name="Gemeinde Bergdorf")
        return first.id, second.id


def test_defaults_are_approved_once_and_documented(
    sessions: sessionmaker[Session], tenants: tuple[int, int]
) -> None:
    tenant_id = tenants[0]
    with open_session(sessions) as session:
        created = service.ensure_defaults(session=session, tenant_id=tenant_id, actor=Actor.system("demo"))
        again = service.ensure_defaults(session=session, tenant_id=tenant_id, actor=Actor.system("demo"))
    assert [t.key for t in created] == [
        "eingangsbestaetigung",
        "nachforderung",
        "bescheid-bewilligung",
        "bescheid-ablehnung",
        "antwort",
    ]
    assert again == []
    with open_session(sessions, tenant_id=tenant_id) as session:
        nachforderung = service.approved(session=session, key="nachforderung")
        assert nachforderung is not None
        assert (nachforderung.version, nachforderung.status) == (1, TemplateStatus.APPROVED)
        assert nachforderung.kind is LetterKind.NACHFORDERUNG
        assert "{fehlende_unterlagen}" in nachforderung.body
        assert "bis zum {frist} nach" in nachforderung.body
        ablehnung = service.approved(session=session, key="bescheid-ablehnung")
        assert ablehnung is not None
        assert "innerhalb eines Monats nach Bekanntgabe Widerspruch" in ablehnung.body
        assert "zur Niederschrift bei {stelle}" in ablehnung.body
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.tenant_id == tenant_id)).all()
    assert actions.count("letter_template.saved") == len(DEFAULTS)
    assert actions.count("letter_template.approved") == len(DEFAULTS)
    for default in DEFAULTS:  # every placeholder the defaults use is explained and has a sample value
        for name in service.placeholders_in(default.subject + default.body):
            assert name in PLACEHOLDERS, name
            assert name in SAMPLE_VALUES, name
    with open_session(sessions, tenant_id=tenants[1]) as session:  # the other tenant has none
        assert service.approved(session=session, key="nachforderung") is None
        assert service.list_current(session=session) == []


def test_an_edit_is_a_draft_and_only_its_approval_puts_it_into_use(
    sessions: sessionmaker[Session], tenants: tuple[int, int]
) -> None:
    tenant_id = tenants[0]
    with open_session(sessions, tenant_id=tenant_id) as session:
        service.ensure_defaults(session=session, tenant_id=tenant_id, actor=AUTHOR)
        first = service.approved(session=session, key="eingangsbestaetigung")
        assert first is not None
        draft = service.save_draft(
            session=session,
            key="eingangsbestaetigung",
            kind=LetterKind.EINGANGSBESTAETIGUNG,
            title=first.title,
            subject=first.subject,
            body=first.body + "\n\nIhre Stadtverwaltung",
            actor=AUTHOR,
        )
        assert (draft.version, draft.status) == (2, TemplateStatus.DRAFT)
        in_use = service.approved(session=session, key="eingangsbestaetigung")
        assert in_use is not None
        assert in_use.id == first.id  # the draft is not used
        (overview,) = [o for o in service.list_current(session=session) if o.key == "eingangsbestaetigung"]
        assert (overview.approved, overview.draft, overview.latest) == (first, draft, draft)

        service.approve(session=session, template_id=draft.id, actor=APPROVER)
        in_use = service.approved(session=session, key="eingangsbestaetigung")
        assert in_use is not None
        assert in_use.id == draft.id
        assert in_use.body.endswith("Ihre Stadtverwaltung")
        assert first.status is TemplateStatus.RETIRED
        assert [t.version for t in service.versions(session=session, key="eingangsbestaetigung")] == [2, 1]
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "letter_template.approved")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).one()
        assert event.actor_name == "freigeberin"
        assert event.details["version"] == 2
        assert event.details["retired_version"] == 1

        with pytest.raises(LetterTemplateError, match="freigegeben werden nur Entwürfe"):
            service.approve(session=session, template_id=first.id, actor=APPROVER)


def test_an_older_draft_cannot_replace_a_newer_approved_version(
    sessions: sessionmaker[Session], tenants: tuple[int, int]
) -> None:
    with open_session(sessions, tenant_id=tenants[0]) as session:
        fields = {"kind": LetterKind.SONSTIGES, "title": "Hinweis", "subject": "Hinweis {aktenzeichen}"}
        old = service.save_draft(session=session, key=None, body="Erste Fassung.", actor=AUTHOR, **fields)
        new = service.save_draft(session=session, key=old.key, body="Zweite Fassung.", actor=AUTHOR, **fields)
        assert (old.key, old.version, new.version) == ("hinweis", 1, 2)
        service.approve(session=session, template_id=new.id, actor=APPROVER)
        with pytest.raises(LetterTemplateError, match="Fassung 2 ist neuer und bereits freigegeben"):
            service.approve(session=session, template_id=old.id, actor=APPROVER)
        same = service.save_draft(
            session=session, key=old.key, body="Zweite Fassung.", actor=AUTHOR, **fields
        )
        assert same.id == new.id  # nothing changed, no new version
        other = service.save_draft(session=session, key=None, body="Anderer Text.", actor=AUTHOR, **fields)
        assert other.key == "hinweis-2"


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("Betreff", "Bitte bis {frist nachreichen.", "passen die geschweiften Klammern nicht zusammen"),
        ("Betreff {aktenzeichen", "Text", "Im Feld „Betreff“ passen die geschweiften Klammern"),
        ("Betreff", "Sehr geehrte {Frau Müller},", "ist „{Frau Müller}“ kein gültiger Platzhalter"),
        ("Betreff", "Doppelt {{frist}}", "passen die geschweiften Klammern nicht zusammen"),
        ("", "Text", "Bitte geben Sie einen Betreff an."),
        ("Betreff", "   ", "Bitte geben Sie den Text der Vorlage an."),
    ],
)
def test_bad_templates_are_refused_in_german(
    sessions: sessionmaker[Session], tenants: tuple[int, int], subject: str, body: str, message: str
) -> None:
    with open_session(sessions, tenant_id=tenants[0]) as session:
        with pytest.raises(LetterTemplateError, match=re.escape(message)):
            service.save_draft(
                session=session,
                key=None,
                kind=LetterKind.SONSTIGES,
                title="Test",
                subject=subject,
                body=body,
                actor=AUTHOR,
            )
        assert session.scalars(select(LetterTemplate)).all() == []


def test_a_tenant_session_cannot_approve_another_tenants_template(
    sessions: sessionmaker[Session], tenants: tuple[int, int]
) -> None:
    with open_session(sessions) as session:
        (template, *_) = service.ensure_defaults(session=session, tenant_id=tenants[0], actor=AUTHOR)
        foreign = service.save_draft(
            session=session,
            key=template.key,
            kind=template.kind,
            title=template.title,
            subject=template.subject,
            body="Geändert.",
            actor=AUTHOR,
            tenant_id=tenants[0],
        )
    with (
        open_session(sessions, tenant_id=tenants[1]) as session,
        pytest.raises(LetterTemplateError, match=re.escape("Diese Vorlage gibt es nicht.")),
    ):
        service.approve(session=session, template_id=foreign.id, actor=APPROVER)


# -- merge ---------------------------------------------------------------------------------------------


def test_merge_fills_values_and_lists_missing_placeholders_visibly() -> None:
    merged = merge(
        "Aktenzeichen {aktenzeichen}, Frist {frist}, Stelle {stelle}, nochmals {frist}.",
        {"aktenzeichen": "HST-2026-00017", "stelle": "   "},
    )
    assert merged.text == "Aktenzeichen HST-2026-00017, Frist {frist}, Stelle {stelle}, nochmals {frist}."
    assert merged.missing == ["frist", "stelle"]


def test_merge_turns_a_multi_line_value_on_its_own_line_into_list_items() -> None:
    text = "Es fehlen:\n\n{fehlende_unterlagen}\n\nBitte bis {frist}."
    merged = merge(text, {"fehlende_unterlagen": "Personalausweis\n- Lageplan\n\n", "frist": "20.12.2026"})
    assert merged.text == "Es fehlen:\n\n- Personalausweis\n- Lageplan\n\nBitte bis 20.12.2026."
    assert merged.missing == []
    assert merge("- {x}", {"x": "Nur eines"}).text == "- Nur eines"
    # inside a sentence a value stays inline, paragraphs (blank lines) stay text
    assert merge("Es fehlt {x}.", {"x": "A\nB"}).text == "Es fehlt A\nB."
    assert merge("{text}", {"text": "Absatz eins.\n\nAbsatz zwei."}).text == "Absatz eins.\n\nAbsatz zwei."


def test_merge_does_not_expand_placeholders_inside_values() -> None:
    merged = merge("{anrede} {name}", {"anrede": "Hallo {name},", "name": "Erika"})
    assert merged.text == "Hallo {name}, Erika"
    assert merged.missing == []
