"""The admin pages for mailboxes: the password is stored encrypted and never shown; rules; poll now."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from rathaus.core.db import open_session
from rathaus.core.jobs import Job
from rathaus.core.security.models import Role
from rathaus.core.security.secrets import decrypt
from rathaus.inbox.models import Mailbox, MailRule
from rathaus.modules import Settings
from tests.conftest import World, csrf_from, login
from tests.factories import make_member

BASE = "/posteingang/postfaecher"
PASSWORD = "streng-geheim-42!"
FORM = {
    "name": "Poststelle",
    "host": "imap.stadt-a.example",
    "port": "",
    "security": "ssl",
    "username": "poststelle@stadt-a.example",
    "folder": "INBOX",
    "enabled": "1",
}


def _create(client: TestClient) -> int:
    token = csrf_from(client, f"{BASE}/neu")
    response = client.post(
        f"{BASE}/neu", data={**FORM, "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(rf"{BASE}/(\d+)", response.headers["location"])
    assert match is not None
    return int(match.group(1))


def _mailbox(world: World, mailbox_id: int) -> Mailbox:
    with open_session(world.sessions) as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        session.expunge(mailbox)
        return mailbox


def test_the_password_is_stored_encrypted_and_never_shown(
    client: TestClient, world: World, settings: Settings
) -> None:
    login(client, world.admin_a)
    assert "Noch kein Postfach" in client.get(BASE).text
    mailbox_id = _create(client)
    stored = _mailbox(world, mailbox_id)
    assert (stored.port, stored.security, stored.enabled) == (993, "ssl", True)
    assert PASSWORD not in stored.password_encrypted
    assert decrypt(settings.secret_key, stored.password_encrypted) == PASSWORD
    with open_session(world.sessions) as session:
        row = session.execute(text("SELECT * FROM inbox_mailboxes")).one()
        assert not any(PASSWORD in str(value) for value in row)

    page = client.get(f"{BASE}/{mailbox_id}")
    assert page.status_code == 200
    assert PASSWORD not in page.text
    assert stored.password_encrypted not in page.text
    assert "Leer lassen = unverändert" in page.text
    assert "Noch nie abgerufen" in page.text

    token = csrf_from(client, f"{BASE}/{mailbox_id}")
    kept = client.post(
        f"{BASE}/{mailbox_id}",
        data={**FORM, "name": "Bürgerpost", "password": "", "csrf_token": token},
        follow_redirects=False,
    )
    assert kept.status_code == 303
    unchanged = _mailbox(world, mailbox_id)
    assert unchanged.name == "Bürgerpost"
    assert unchanged.password_encrypted == stored.password_encrypted

    client.post(f"{BASE}/{mailbox_id}", data={**FORM, "password": "neues-passwort", "csrf_token": token})
    assert decrypt(settings.secret_key, _mailbox(world, mailbox_id).password_encrypted) == "neues-passwort"
    listing = client.get(BASE).text
    assert "poststelle@stadt-a.example auf imap.stadt-a.example:993" in listing


def test_invalid_input_is_explained_in_german(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    token = csrf_from(client, f"{BASE}/neu")
    response = client.post(f"{BASE}/neu", data={**FORM, "host": "", "password": "", "csrf_token": token})
    assert response.status_code == 400
    assert "Bitte den Servernamen angeben" in response.text
    assert 'value="Poststelle"' in response.text  # what was entered stays
    response = client.post(f"{BASE}/neu", data={**FORM, "password": "", "csrf_token": token})
    assert "Bitte das Passwort des Postfachs angeben." in response.text


def test_mail_rules_are_added_validated_and_deleted(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    mailbox_id = _create(client)
    token = csrf_from(client, f"{BASE}/{mailbox_id}")
    bad = client.post(
        f"{BASE}/{mailbox_id}/regeln",
        data={
            "rule_name": "Kaputt",
            "subject": "([a-z",
            "use_regex": "1",
            "rule_action": "take",
            "csrf_token": token,
        },
    )
    assert "Der reguläre Ausdruck für „Betreff“ ist ungültig" in bad.text
    client.post(
        f"{BASE}/{mailbox_id}/regeln",
        data={
            "rule_name": "Newsletter",
            "subject": "newsletter",
            "rule_action": "ignore",
            "stop": "1",
            "csrf_token": token,
        },
    )
    page = client.get(f"{BASE}/{mailbox_id}").text
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "two forms on one page must not share field ids (labels)"
    assert "Betreff enthält „newsletter“" in page
    assert "ignorieren (im Postfach lassen)" in page
    with open_session(world.sessions) as session:
        [rule] = session.scalars(select(MailRule)).all()
        assert (rule.name, rule.action, rule.stop, rule.mark_read) == ("Newsletter", "ignore", True, False)
        rule_id = rule.id
    client.post(f"{BASE}/{mailbox_id}/regeln/{rule_id}/loeschen", data={"csrf_token": token})
    with open_session(world.sessions) as session:
        assert session.scalars(select(MailRule)).all() == []


def test_poll_now_queues_the_poll_job_and_delete_removes_the_mailbox(
    client: TestClient, world: World
) -> None:
    login(client, world.admin_a)
    mailbox_id = _create(client)
    token = csrf_from(client, BASE)
    response = client.post(f"{BASE}/{mailbox_id}/abrufen", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    with open_session(world.sessions) as session:
        [job] = session.scalars(select(Job)).all()
        assert (job.kind, job.params, job.tenant_id) == (
            "inbox.poll",
            {"mailbox_id": mailbox_id},
            world.tenant_a_id,
        )
    assert response.headers["location"] == f"/auftraege/{job.id}"
    client.post(f"{BASE}/{mailbox_id}/loeschen", data={"csrf_token": token})
    with open_session(world.sessions) as session:
        assert session.scalars(select(Mailbox)).all() == []


def test_only_admins_of_the_tenant_see_the_mailboxes(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    login(client, world.admin_a)
    mailbox_id = _create(client)
    client.cookies.clear()
    login(client, "sachbearbeitung")
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/{mailbox_id}").status_code == 403
    client.cookies.clear()
    login(client, world.admin_b)  # another tenant's admin: the mailbox does not exist for them
    assert "Poststelle" not in client.get(BASE).text
    assert client.get(f"{BASE}/{mailbox_id}", follow_redirects=False).status_code == 303
