"""The letter template pages: list, edit (new draft), approve, previews, German errors, roles, tenants."""

from __future__ import annotations

import io
import re

import pikepdf
from docx import Document
from fastapi.testclient import TestClient
from pdfminer.high_level import extract_text
from sqlalchemy import select

from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.letters import service
from rathaus.core.letters.models import LetterTemplate, TemplateStatus
from rathaus.core.security.models import Role, Tenant
from tests.conftest import World, csrf_from, login
from tests.factories import make_member

PAGE = "/admin/vorlagen/nachforderung"


def _seed(world: World, tenant_id: int) -> None:
    with open_session(world.sessions) as session:
        service.ensure_defaults(session=session, tenant_id=tenant_id, actor=Actor.system("test"))


def _versions(world: World, tenant_id: int, key: str) -> list[LetterTemplate]:
    with open_session(world.sessions, tenant_id=tenant_id) as session:
        return service.versions(session=session, key=key)


def _edit(client: TestClient, body: str, *, subject: str = "Fehlende Unterlagen zu {aktenzeichen}") -> str:
    token = csrf_from(client, PAGE)
    response = client.post(
        PAGE,
        data={
            "csrf_token": token,
            "art": "nachforderung",
            "titel": "Anforderung fehlender Unterlagen",
            "betreff": subject,
            "text": body,
        },
        follow_redirects=True,
    )
    assert response.status_code in {200, 422}
    return response.text


def test_the_list_shows_every_template_with_its_version_in_use(client: TestClient, world: World) -> None:
    _seed(world, world.tenant_b_id)
    login(client, world.admin_b)
    page = client.get("/admin/vorlagen")
    assert page.status_code == 200
    assert '<a href="/admin/vorlagen" aria-current="page">Briefvorlagen</a>' in page.text
    assert "Vorlagen von Gemeinde Bergdorf" in page.text
    for title in (
        "Eingangsbestätigung eines Antrags",
        "Anforderung fehlender Unterlagen",
        "Bescheid: Ablehnung",
    ):
        assert title in page.text
    assert page.text.count("Fassung 1, freigegeben am") == 5
    assert "{fehlende_unterlagen}" in page.text  # the placeholders are explained


def test_edit_makes_a_draft_that_an_admin_approves(client: TestClient, world: World) -> None:
    _seed(world, world.tenant_b_id)
    login(client, world.admin_b)
    page = _edit(client, "{anrede}\n\nbitte reichen Sie nach:\n\n{fehlende_unterlagen}\n\nFrist: {frist}.")
    assert "Fassung 2 von „Anforderung fehlender Unterlagen“ ist als Entwurf gespeichert." in page
    assert "Fassung 2 freigeben" in page
    first, second = _versions(world, world.tenant_b_id, "nachforderung")[::-1]
    assert (first.status, second.status) == (TemplateStatus.APPROVED, TemplateStatus.DRAFT)
    listing = client.get("/admin/vorlagen").text
    assert "Fassung 2 wartet auf Freigabe" in listing

    token = csrf_from(client, PAGE)
    approved = client.post(
        f"{PAGE}/fassungen/{second.id}/freigeben", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Fassung 2 von „Anforderung fehlender Unterlagen“ ist freigegeben" in approved.text
    row = re.search(r"<th scope=\"row\">Fassung 2</th>(.*?)</tr>", approved.text, re.S)
    assert row
    assert "freigegeben" in row.group(1)
    assert row.group(1).count("Test admin-b") == 2  # author and approver are both shown
    first, second = _versions(world, world.tenant_b_id, "nachforderung")[::-1]
    assert (first.status, second.status) == (TemplateStatus.RETIRED, TemplateStatus.APPROVED)
    with open_session(world.sessions, tenant_id=world.tenant_b_id) as session:
        in_use = service.approved(session=session, key="nachforderung")
        assert in_use is not None
        assert in_use.id == second.id
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.actor_name == "admin-b").order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.details["version"]) for e in events if e.action.startswith("letter_template")] == [
        ("letter_template.saved", 2),
        ("letter_template.approved", 2),
    ]


def test_bad_braces_are_refused_with_a_german_message_and_the_text_is_kept(
    client: TestClient, world: World
) -> None:
    _seed(world, world.tenant_b_id)
    login(client, world.admin_b)
    token = csrf_from(client, PAGE)
    response = client.post(
        PAGE,
        data={
            "csrf_token": token,
            "art": "nachforderung",
            "titel": "X",
            "betreff": "B",
            "text": "Bis {frist.",
        },
    )
    assert response.status_code == 422
    assert (
        "Nicht gespeichert: Im Feld „Text“ passen die geschweiften Klammern nicht zusammen." in response.text
    )
    assert "Bis {frist.</textarea>" in response.text
    assert 'aria-invalid="true"' in response.text
    assert len(_versions(world, world.tenant_b_id, "nachforderung")) == 1


def test_a_new_template_is_created_as_draft(client: TestClient, world: World) -> None:
    login(client, world.admin_b)
    token = csrf_from(client, "/admin/vorlagen")
    response = client.post(
        "/admin/vorlagen",
        data={
            "csrf_token": token,
            "art": "sonstiges",
            "titel": "Hinweis Straßenreinigung",
            "betreff": "Straßenreinigung {aktenzeichen}",
            "text": "{anrede}\n\nbitte beachten Sie die Reinigungspflicht.",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/vorlagen/hinweis-strassenreinigung"
    page = client.get("/admin/vorlagen/hinweis-strassenreinigung")
    assert "In Verwendung</dt><dd><strong>keine</strong>" in page.text
    bad = client.post(
        "/admin/vorlagen",
        data={"csrf_token": token, "art": "bescheid", "titel": "", "betreff": "B", "text": "T"},
    )
    assert bad.status_code == 422
    assert "Bitte geben Sie einen Titel an." in bad.text


def test_previews_render_the_version_with_sample_values(client: TestClient, world: World) -> None:
    _seed(world, world.tenant_b_id)
    login(client, world.admin_b)
    (version,) = _versions(world, world.tenant_b_id, "nachforderung")
    pdf = client.get(f"{PAGE}/fassungen/{version.id}/vorschau.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    with pikepdf.open(io.BytesIO(pdf.content)) as document:
        assert document.open_metadata().get("pdfaid:part") == "3"
    text = " ".join(extract_text(io.BytesIO(pdf.content)).split())
    assert "Sehr geehrte Frau Musterfrau," in text
    assert "Nachweis über die bestandene Rettungshundeprüfung" in text
    assert "Gemeinde Bergdorf" in text
    docx = client.get(f"{PAGE}/fassungen/{version.id}/vorschau.docx")
    assert docx.status_code == 200
    assert "attachment" in docx.headers["content-disposition"]
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Kopie des Personalausweises" in paragraphs
    assert client.get(f"{PAGE}/fassungen/{version.id}/vorschau.exe").status_code == 404


def test_only_admins_of_the_tenant_reach_the_templates(client: TestClient, world: World) -> None:
    _seed(world, world.tenant_a_id)
    (foreign,) = _versions(world, world.tenant_a_id, "nachforderung")
    make_member(world.sessions, world.tenant_b_id, "sachbearbeitung-b", Role.CASEWORKER)
    login(client, "sachbearbeitung-b")
    assert client.get("/admin/vorlagen").status_code == 403
    client.cookies.clear()
    login(client, world.admin_b)
    assert client.get(PAGE).status_code == 404  # tenant A's templates do not exist for tenant B
    assert client.get(f"{PAGE}/fassungen/{foreign.id}/vorschau.pdf").status_code == 404
    token = csrf_from(client, "/admin/vorlagen")
    refused = client.post(f"{PAGE}/fassungen/{foreign.id}/freigeben", data={"csrf_token": token})
    assert refused.status_code == 404
    assert client.post(PAGE, data={"art": "nachforderung"}).status_code == 403  # no CSRF token


def test_a_tenant_created_by_the_platform_admin_gets_the_default_templates(
    client: TestClient, world: World
) -> None:
    login(client, world.admin_a)
    token = csrf_from(client, "/admin/mandanten")
    response = client.post(
        "/admin/mandanten",
        data={"csrf_token": token, "name": "Flecken Neuhaus", "slug": "flecken-neuhaus", "state": "NI"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    with open_session(world.sessions) as session:
        tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == "flecken-neuhaus"))
        rows = session.scalars(select(LetterTemplate).where(LetterTemplate.tenant_id == tenant_id)).all()
        keys = {row.key for row in rows if row.status is TemplateStatus.APPROVED}
    assert keys == {
        "eingangsbestaetigung",
        "nachforderung",
        "bescheid-bewilligung",
        "bescheid-ablehnung",
        "antwort",
    }
