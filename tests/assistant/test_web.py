"""The public assistant page, streaming, feedback, contact form, staff mode and the review of questions."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant.conversations import purge_expired
from rathaus.assistant.models import ContactRequest, Conversation, Feedback, KnowledgeSource
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.web.context import AppContext
from tests.assistant.conftest import AssistantWorld
from tests.conftest import csrf_from, login

PAGE = "/buerger/stadt-a/assistent"


def ask(client: TestClient, question: str, **extra: str) -> tuple[int, str]:
    token = csrf_from(client, PAGE)
    response = client.post(PAGE, data={"frage": question, "csrf_token": token, **extra})
    return response.status_code, response.text


def conversations(sessions: sessionmaker[Session], tenant_id: int) -> list[Conversation]:
    with open_session(sessions, tenant_id=tenant_id) as session:
        rows = list(session.scalars(select(Conversation).order_by(Conversation.id)))
        session.expunge_all()
        return rows


def test_public_page_is_accessible_and_says_it_is_an_ai(assistant_client: TestClient) -> None:
    page = assistant_client.get(PAGE)
    assert page.status_code == 200
    html = page.text
    assert "Sie sprechen mit einem KI-System" in html
    assert '<label for="frage">Ihre Frage</label>' in html
    assert 'aria-live="polite"' in html
    assert 'id="antwort"' in html
    assert "Antwort in Leichter Sprache" in html
    assert 'data-assistant-stream="/buerger/stadt-a/assistent/stream"' in html
    assert '<script src="/static/js/assistant.js" defer></script>' in html
    assert assistant_client.get("/buerger/gibt-es-nicht/assistent").status_code == 404


def test_no_javascript_question_gets_a_cited_answer_and_is_logged(
    assistant_client: TestClient, assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    code, html = ask(assistant_client, "Wie lange ist der Reisepass gültig? Ich heiße Max Mustermann.")
    assert code == 200
    assert "zehn Jahre gültig" in html
    assert 'href="#quelle-1"' in html
    assert 'id="quelle-1"' in html
    assert "Reisepass beantragen" in html
    assert "70 Euro" in html
    assert "Terminbuchung" in html
    assert "https://termine.example/reisepass" in html
    assert "999 Euro" not in html, "another tenant's sources are never used"
    assert "Barkasse" not in html, "internal sources are not public"
    logged = conversations(sessions, assistant_world.tenant_id)
    assert len(logged) == 1
    assert "Mustermann" not in logged[0].question
    assert "[Name]" in logged[0].question
    assert logged[0].answered
    assert logged[0].citations[0]["title"] == "Reisepass beantragen"
    assert f'name="gespraech" value="{logged[0].id}"' in html


def test_unanswerable_question_hands_over_with_a_contact_form(assistant_client: TestClient) -> None:
    code, html = ask(assistant_client, "Wann fährt der nächste Zug nach Paris?")
    assert code == 200
    assert "keine verlässliche Antwort" in html
    assert "Persönliche Hilfe" in html
    assert "/buerger/stadt-a/assistent/kontakt?gespraech=" in html


def test_easy_language_switch(assistant_client: TestClient) -> None:
    _, html = ask(assistant_client, "Wie lange ist der Reisepass gültig?", leicht="1")
    assert "Antwort in Leichter Sprache" in html
    assert "assistant-easy" in html
    assert "Bringen Sie mit:" in html


def test_bad_inputs_get_clear_messages(assistant_client: TestClient) -> None:
    code, html = ask(assistant_client, "")
    assert code == 422
    assert "Bitte geben Sie eine Frage ein." in html
    code, html = ask(assistant_client, "Pass " * 2000)
    assert code == 422
    assert "Ihre Frage ist zu lang (9.999 Zeichen)" in html
    code, html = ask(assistant_client, "🐶🐶🐶 ❓")
    assert code == 422
    assert "nur mit Zeichen oder Emojis" in html
    code, html = ask(assistant_client, "How long is the Reisepass valid?")
    assert code == 200
    assert "Dieser Assistent antwortet auf Deutsch" in html
    code, html = ask(assistant_client, '<script>alert("x")</script> Reisepass gültig?')
    assert code == 200
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_streaming_answer_as_server_sent_events(assistant_client: TestClient) -> None:
    assistant_client.get(PAGE)
    response = assistant_client.get(f"{PAGE}/stream", params={"frage": "Wie lange ist der Reisepass gültig?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [block for block in response.text.split("\n\n") if block.strip()]
    names = [block.split("\n")[0] for block in events]
    assert names[0] == "event: token"
    assert names[-1] == "event: answer"
    token = json.loads(events[0].split("data: ", 1)[1])["text"]
    assert "zehn Jahre gültig" in token
    final = json.loads(events[-1].split("data: ", 1)[1])
    assert "Quellen" in final["html"]
    assert 'id="quelle-1"' in final["html"]
    assert isinstance(final["conversation_id"], int)
    empty = assistant_client.get(f"{PAGE}/stream", params={"frage": " "})
    assert "event: problem" in empty.text
    assert "Bitte geben Sie eine Frage ein." in empty.text


def test_rate_limit_answers_with_a_friendly_429(assistant_client: TestClient) -> None:
    codes = [ask(assistant_client, "Reisepass gültig?")[0] for _ in range(8)]
    assert codes == [200] * 8
    code, html = ask(assistant_client, "Reisepass gültig?")
    assert code == 429
    assert "Bitte warten Sie eine Minute" in html
    stream = assistant_client.get(f"{PAGE}/stream", params={"frage": "Reisepass gültig?"})
    assert "event: problem" in stream.text
    assert "Bitte warten Sie eine Minute" in stream.text
    # other tenants' limits are separate
    assert assistant_client.get("/buerger/stadt-b/assistent").status_code == 200


def test_feedback_with_comment_is_stored_redacted(
    assistant_client: TestClient, assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    ask(assistant_client, "Wie lange ist der Reisepass gültig?")
    conversation = conversations(sessions, assistant_world.tenant_id)[-1]
    token = csrf_from(assistant_client, PAGE)
    response = assistant_client.post(
        f"{PAGE}/rueckmeldung",
        data={
            "csrf_token": token,
            "gespraech": str(conversation.id),
            "hilfreich": "nein",
            "kommentar": "Zu kurz, schreiben Sie mir an eva@example.org",
        },
    )
    assert response.status_code == 200
    assert "Danke für Ihre Rückmeldung" in response.text
    missing = assistant_client.post(
        f"{PAGE}/rueckmeldung", data={"csrf_token": token, "gespraech": "99999", "hilfreich": "ja"}
    )
    assert missing.status_code == 404
    no_token = assistant_client.post(
        f"{PAGE}/rueckmeldung", data={"gespraech": str(conversation.id), "hilfreich": "ja"}
    )
    assert no_token.status_code == 403
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        feedback = session.scalars(select(Feedback)).all()
        assert [(f.helpful, f.comment) for f in feedback] == [
            (False, "Zu kurz, schreiben Sie mir an [E-Mail]")
        ]


def test_contact_form_validates_and_stores(
    assistant_client: TestClient, assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    form = assistant_client.get(f"{PAGE}/kontakt")
    assert form.status_code == 200
    assert '<label for="k-email">' in form.text
    token = csrf_from(assistant_client, f"{PAGE}/kontakt")
    bad = assistant_client.post(
        f"{PAGE}/kontakt", data={"csrf_token": token, "name": "Eva", "email": "kaputt", "nachricht": "Hilfe"}
    )
    assert bad.status_code == 422
    assert "gültige E-Mail-Adresse" in bad.text
    assert 'value="Eva"' in bad.text
    good = assistant_client.post(
        f"{PAGE}/kontakt",
        data={
            "csrf_token": token,
            "name": "Eva Schulz",
            "email": "eva@example.org",
            "nachricht": "Bitte rufen Sie an.",
        },
    )
    assert good.status_code == 200
    assert "Ihre Nachricht ist angekommen" in good.text
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        stored = session.scalars(select(ContactRequest)).all()
        assert [(r.name, r.email, r.message) for r in stored] == [
            ("Eva Schulz", "eva@example.org", "Bitte rufen Sie an.")
        ]


def test_staff_mode_shows_internal_sources_with_passages_and_scores(assistant_client: TestClient) -> None:
    public = ask(assistant_client, "Wann wird die Barkasse abgerechnet?")[1]
    assert "16 Uhr" not in public, "a citizen cannot see the internal by-law"
    login(assistant_client, "sachbearbeitung-a")
    token = csrf_from(assistant_client, "/assistent/fragen")
    response = assistant_client.post(
        "/assistent/fragen", data={"frage": "Wann wird die Barkasse abgerechnet?", "csrf_token": token}
    )
    assert response.status_code == 200
    assert "täglich um 16 Uhr abgerechnet" in response.text
    assert "Gefundene Textstellen" in response.text
    assert "Dienstanweisung Kassenführung" in response.text
    # The fused score: 1.0 is first in both rankings (see assistant.fusion), lower ones below it.
    assert re.search(r"\(Wert (?:1\.0000|0\.\d{4})\)", response.text)


def test_review_turns_an_unanswered_question_into_an_faq(
    assistant_client: TestClient, assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    ask(assistant_client, "Wo kann ich Sperrmüll anmelden?")
    login(assistant_client, "redaktion-a")
    page = assistant_client.get("/assistent/rueckmeldungen")
    assert page.status_code == 200
    assert "Wo kann ich Sperrmüll anmelden?" in page.text
    conversation = conversations(sessions, assistant_world.tenant_id)[-1]
    token = csrf_from(assistant_client, "/assistent/rueckmeldungen")
    response = assistant_client.post(
        f"/assistent/rueckmeldungen/{conversation.id}/faq",
        data={
            "csrf_token": token,
            "frage": "Wo melde ich Sperrmüll an?",
            "antwort": "Sperrmüll melden Sie beim Wertstoffhof an, online oder telefonisch.",
            "sichtbarkeit": "public",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "ist gespeichert" in response.text
    assert "Wo kann ich Sperrmüll anmelden?" not in response.text
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        faq = session.scalar(select(KnowledgeSource).where(KnowledgeSource.kind == "faq"))
        assert faq is not None
        assert faq.indexed_hash == faq.content_hash
    assistant_client.cookies.clear()
    assert "beim Wertstoffhof an" in ask(assistant_client, "Wo kann ich Sperrmüll anmelden?")[1]
    caseworker_only = assistant_client
    login(caseworker_only, "sachbearbeitung-a")
    assert caseworker_only.get("/assistent/rueckmeldungen").status_code == 403


def test_logs_are_deleted_after_the_retention_period(
    assistant_client: TestClient, assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    ask(assistant_client, "Wie lange ist der Reisepass gültig?")
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        assert purge_expired(session=session, retention_days=1, actor=Actor.system("retention")) == 0
        for row in session.scalars(select(Conversation)):
            row.created_at = row.created_at.replace(year=row.created_at.year - 1)
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        assert purge_expired(session=session, retention_days=90, actor=Actor.system("retention")) == 1
        assert session.scalars(select(Conversation)).all() == []


def test_a_public_question_holds_one_database_connection_at_a_time(
    assistant_client: TestClient, app_context: AppContext
) -> None:
    held = peak = 0

    def checkout(*_args: object) -> None:
        nonlocal held, peak
        held += 1
        peak = max(peak, held)

    def checkin(*_args: object) -> None:
        nonlocal held
        held -= 1

    token = csrf_from(assistant_client, PAGE)
    event.listen(app_context.engine.pool, "checkout", checkout)
    event.listen(app_context.engine.pool, "checkin", checkin)
    try:
        response = assistant_client.post(
            PAGE, data={"frage": "Was kostet ein Reisepass?", "csrf_token": token}
        )
    finally:
        event.remove(app_context.engine.pool, "checkout", checkout)
        event.remove(app_context.engine.pool, "checkin", checkin)
    assert response.status_code == 200
    assert "70 Euro" in response.text
    assert peak == 1, "the platform session gives its connection back before the answer is read"
