"""Knowledge editor pages: list, upload with a broken file, FAQ editor, visibility, re-index job."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.assistant.models import KnowledgeSource
from rathaus.core.db import open_session
from rathaus.core.jobs import Job
from tests.conftest import World, csrf_from, login


def test_editor_imports_edits_and_starts_indexing(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    token = csrf_from(client, "/assistent/quellen")
    assert "Noch keine Quellen" in client.get("/assistent/quellen").text

    response = client.post(
        "/assistent/quellen/import",
        data={"csrf_token": token, "sichtbarkeit": "departments", "aemter": "Kämmerei, Bauamt"},
        files=[
            (
                "dateien",
                (
                    "hundesteuer.md",
                    "# Hundesteuer\n\n## § 5 Steuersatz\n\n120 Euro.".encode(),
                    "text/markdown",
                ),
            ),
            ("dateien", ("kaputt.pdf", b"%PDF-1.4 nonsense", "application/pdf")),
        ],
    )
    page = response.text
    assert "1 neu" in page
    assert "1 nicht lesbar: kaputt.pdf" in page
    assert "Die PDF-Datei ließ sich nicht lesen" in page
    assert "Nur bestimmte Ämter: Bauamt, Kämmerei" in page

    response = client.post(
        "/assistent/quellen/faq",
        data={
            "csrf_token": token,
            "frage": "Wann ist das Rathaus offen?",
            "antwort": "Montags bis freitags.",
            "sichtbarkeit": "public",
        },
    )
    assert "Die Frage ist gespeichert" in response.text
    empty = client.post("/assistent/quellen/faq", data={"csrf_token": token, "frage": "", "antwort": ""})
    assert "Bitte Frage und Antwort ausfüllen." in empty.text

    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        faq = session.scalar(select(KnowledgeSource).where(KnowledgeSource.kind == "faq"))
        assert faq is not None
        faq_id = faq.id
    assert "Montags bis freitags." in client.get(f"/assistent/quellen/{faq_id}/bearbeiten").text
    changed = client.post(
        f"/assistent/quellen/{faq_id}/sichtbarkeit", data={"csrf_token": token, "sichtbarkeit": "internal"}
    )
    assert "Die Sichtbarkeit ist geändert." in changed.text

    response = client.post(
        "/assistent/quellen/indexieren", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    with open_session(world.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert (job.kind, job.tenant_id) == ("assistant.reindex", world.tenant_a_id)
