"""The Postausgang: mails written to the pickup folder, readable by platform administrators only."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rathaus.core.mail import MailSettings, send
from rathaus.web.context import AppContext
from tests.conftest import World, login


@pytest.fixture
def pickup(client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MailSettings:
    context: AppContext = client.app.state.context  # type: ignore[attr-defined]
    mail = MailSettings(pickup_dir=tmp_path / "postausgang", from_address="rathaus@stadt.example")
    monkeypatch.setattr(context, "settings", context.settings.model_copy(update={"mail": mail}))
    return mail


def _mail(settings: MailSettings, subject: str, text: str) -> None:
    message = EmailMessage()
    message["To"], message["Subject"] = "erika@example.org", subject
    message.set_content(text)
    send(settings, message)


def test_the_platform_admin_reads_the_mails_with_their_links(
    client: TestClient, world: World, pickup: MailSettings
) -> None:
    _mail(
        pickup, "Bitte bestätigen Sie Ihren Termin", "Link: https://rathaus.example/bestaetigen/abc?x=<1>\n"
    )
    login(client, world.admin_a)  # admin-a is a platform administrator
    listing = client.get("/admin/postausgang")
    assert listing.status_code == 200
    assert "Bitte bestätigen Sie Ihren Termin" in listing.text
    assert 'href="/admin/postausgang"' in listing.text  # in the navigation
    (name,) = [path.name for path in (pickup.pickup_dir or Path()).glob("*.eml")]
    shown = client.get(f"/admin/postausgang/{name}")
    assert shown.status_code == 200
    assert (
        '<a href="https://rathaus.example/bestaetigen/abc?x=">https://rathaus.example/bestaetigen/abc?x=</a>&lt;1&gt;'
        in shown.text
    )
    assert client.get("/admin/postausgang/../../etc/passwd.eml").status_code == 404
    assert client.get("/admin/postausgang/20260101T000000000000-00000000.eml").status_code == 404


def test_a_tenant_admin_may_not_read_the_platforms_mails(
    client: TestClient, world: World, pickup: MailSettings
) -> None:
    login(client, world.admin_b)  # admin of tenant B only
    assert client.get("/admin/postausgang").status_code == 403
    assert 'href="/admin/postausgang"' not in client.get("/").text
