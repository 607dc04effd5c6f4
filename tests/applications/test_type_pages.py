"""The pages that define application types: list, readable view, JSON and structured edits, activation."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from markupsafe import escape
from sqlalchemy import select

from rathaus.applications import catalog
from rathaus.applications.models import Application, ApplicationType, TypeStatus
from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.security.models import Role
from tests.conftest import World, csrf_from, login
from tests.factories import make_member

BASE = "/antraege/verwaltung"
UNKNOWN_FIELD = (
    "Die Regel „hst.neu“ verweist auf das Feld „hunderasse“, das es in diesem Antragstyp nicht gibt."
)


@pytest.fixture
def admin(client: TestClient, world: World) -> TestClient:
    """The admin of tenant A, logged in, with the three shipped types installed."""
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        catalog.install_shipped(session=session, actor=Actor.system("test"))
    login(client, world.admin_a)
    return client


def _rows(world: World, key: str) -> list[ApplicationType]:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        rows = catalog.versions(session=session, key=key)
        session.expunge_all()
        return rows


def _post(client: TestClient, path: str, data: dict[str, str | list[str]]) -> object:
    token = csrf_from(client, f"{BASE}/hundesteuer/1")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_the_list_names_each_type_with_its_active_version(admin: TestClient) -> None:
    page = admin.get(BASE)
    assert page.status_code == 200
    assert "<h1>Antragstypen</h1>" in page.text
    for title in ("Anmeldung zur Hundesteuer", "Antrag auf Sondernutzungserlaubnis"):
        assert title in page.text
    assert page.text.count("Version 1 (seit") == 3
    assert "noch keine" in page.text


def test_the_list_counts_applications_per_version(admin: TestClient, world: World) -> None:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        row = catalog.active_type(session=session, key="sondernutzung")
        assert row is not None
        session.add(Application(reference="SNE-2026-00001", type_id=row.id, submission_key="k1"))
    line = re.search(r"Antrag auf Sondernutzungserlaubnis</a>.*?</tr>", admin.get(BASE).text, re.S)
    assert line is not None
    assert "Version 1: 1" in line.group(0)


def test_the_skeleton_of_a_new_type_saves_as_it_is(admin: TestClient) -> None:
    page = admin.get(f"{BASE}/neu")
    text = unescape(page.text.split('name="definition"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0])
    response = _post(admin, f"{BASE}/neu", {"definition": text})
    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}/neuer-antrag/1"


def test_only_admins_see_the_type_pages(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    login(client, "sachbearbeitung")
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/hundesteuer/1/probelauf").status_code == 403


def test_another_tenant_sees_none_of_the_types(admin: TestClient, world: World) -> None:
    admin.cookies.clear()
    login(admin, world.admin_b)
    assert "Noch keine Antragstypen" in admin.get(BASE).text
    assert admin.get(f"{BASE}/hundesteuer/1").status_code == 404
    assert admin.get(f"{BASE}/hundesteuer/1/definition.json").status_code == 404


def test_the_readable_view_shows_fields_rules_and_history(admin: TestClient) -> None:
    page = admin.get(f"{BASE}/hundesteuer")
    assert page.status_code == 200
    text = page.text
    assert "Version 1 – <strong>aktiv</strong>" in text
    assert "Schritt 2: Angaben zum Hund" in text
    assert "Wie viele andere Hunde werden in Ihrem Haushalt schon gehalten?" in text
    assert "mindestens 0, höchstens 30" in text
    assert "§ 5 Abs. 2 Satz 2 und § 2 Abs. 3 HStS" in text
    assert "nur angezeigt, wenn <code>listenhund</code>; dann Pflicht" in text
    assert "<code>Kangal</code>" in text
    assert "Nachweis der Rettungshundeprüfung" in text
    assert "wenn <code>listenhund and weitere_hunde == 0</code>: <strong>900</strong>" in text
    assert "Keine Befreiung für gefährliche Hunde" in text
    assert "§ 6 Abs. 2 HStS" in text
    assert "Name steht in der Anlage" in text
    assert "vom System" in text


def test_downloads_give_the_definition_and_a_valid_json_schema(admin: TestClient) -> None:
    definition = admin.get(f"{BASE}/hundesteuer/1/definition.json")
    assert definition.status_code == 200
    assert "attachment" in definition.headers["content-disposition"]
    assert json.loads(definition.text)["key"] == "hundesteuer"
    schema_response = admin.get(f"{BASE}/hundesteuer/1/schema.json")
    schema = json.loads(schema_response.text)
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["weitere_hunde"]["maximum"] == 30
    assert "rasse_liste" not in schema["properties"]
    assert "hund_name" in schema["required"]


def test_a_json_version_is_saved_as_draft(admin: TestClient, world: World) -> None:
    definition = json.loads(admin.get(f"{BASE}/hundesteuer/1/definition.json").text)
    definition["title"] = "Anmeldung zur Hundesteuer (neu)"
    response = _post(admin, f"{BASE}/neu", {"definition": json.dumps(definition)})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{BASE}/hundesteuer/2"
    page = admin.get(f"{BASE}/hundesteuer/2")
    assert "ist als Entwurf gespeichert" in page.text
    assert "Version 2 – <strong>Entwurf</strong>" in page.text
    rows = _rows(world, "hundesteuer")
    assert [(row.version, row.status) for row in rows] == [(2, TypeStatus.DRAFT), (1, TypeStatus.ACTIVE)]
    assert rows[0].created_by is not None
    assert re.search(
        r"Version 2 \(diese Seite\)</th>\s*<td>Entwurf</td>\s*<td>[0-9.]+, [0-9:]+ Uhr von Test admin-a</td>",
        page.text,
    )


def test_a_rule_naming_an_unknown_field_is_refused_and_the_input_kept(
    admin: TestClient, world: World
) -> None:
    definition = json.loads(admin.get(f"{BASE}/hundesteuer/1/definition.json").text)
    definition["rules"].append(
        {
            "id": "hst.neu",
            "title": "Neue Regel",
            "paragraph": "§ 5 HStS",
            "check": 'hunderasse != "Kangal"',
            "message": "Kein Kangal.",
        }
    )
    text = json.dumps(definition, ensure_ascii=False)
    response = _post(admin, f"{BASE}/neu", {"definition": text})
    assert response.status_code == 422
    assert UNKNOWN_FIELD in response.text
    assert str(escape(text)) in response.text
    assert len(_rows(world, "hundesteuer")) == 1


def test_unreadable_json_and_wrong_values_get_german_messages(admin: TestClient) -> None:
    response = _post(admin, f"{BASE}/neu", {"definition": '{"key": "x",'})
    assert response.status_code == 422
    assert "Der Text ist kein gültiges JSON" in response.text
    broken = {"key": "Falsch", "title": "T", "summary": "S", "reference_prefix": "x1"}
    response = _post(admin, f"{BASE}/neu", {"definition": json.dumps(broken)})
    assert response.status_code == 422
    assert "Angabe „key“ hat nicht die erlaubte Form" in response.text
    assert (
        "Angabe „reference_prefix“ hat nicht die erlaubte Form (zwei bis fünf Großbuchstaben" in response.text
    )
    assert "Angabe „sections“ fehlt." in response.text


def test_a_rule_is_added_edited_and_removed_through_the_form(admin: TestClient, world: World) -> None:
    form = admin.get(f"{BASE}/hundesteuer/1/regeln/neu")
    assert form.status_code == 200
    assert '<option value="hund_name">Name des Hundes (hund_name)</option>' in form.text
    rule = {
        "original": "",
        "id": "hst.name-kurz",
        "title": "Name des Hundes nicht zu lang",
        "paragraph": "§ 10 Abs. 1 HStS",
        "severity": "hinweis",
        "category": "plausibilitaet",
        "when": "",
        "check": "anzahl(hund_name) <= 20",
        "message": "Der Name „{hund_name}“ ist ungewöhnlich lang.",
        "field": "hund_name",
    }
    assert _post(admin, f"{BASE}/hundesteuer/1/regeln", rule).headers["location"] == f"{BASE}/hundesteuer/2"
    added = catalog.definition_of(_rows(world, "hundesteuer")[0])
    assert added.rules[-1].check == "anzahl(hund_name) <= 20"
    assert added.rules[-1].when is None
    edit = admin.get(f"{BASE}/hundesteuer/2/regeln/hst.name-kurz")
    assert 'value="anzahl(hund_name) &lt;= 20"' in edit.text
    changed = {**rule, "original": "hst.name-kurz", "check": "anzahl(hund_name) <= 30", "when": "listenhund"}
    assert _post(admin, f"{BASE}/hundesteuer/2/regeln", changed).status_code == 303
    edited = catalog.definition_of(_rows(world, "hundesteuer")[0])
    assert [r.id for r in edited.rules].count("hst.name-kurz") == 1
    assert (edited.rules[-1].check, edited.rules[-1].when) == ("anzahl(hund_name) <= 30", "listenhund")
    assert _post(admin, f"{BASE}/hundesteuer/3/regeln/hst.name-kurz/entfernen", {}).status_code == 303
    rows = _rows(world, "hundesteuer")
    assert [row.version for row in rows] == [4, 3, 2, 1]
    assert "hst.name-kurz" not in [r.id for r in catalog.definition_of(rows[0]).rules]


def test_a_rule_form_naming_an_unknown_field_is_refused_with_the_message(
    admin: TestClient, world: World
) -> None:
    rule = {
        "original": "",
        "id": "hst.neu",
        "title": "Neue Regel",
        "paragraph": "§ 5 HStS",
        "severity": "fehler",
        "category": "plausibilitaet",
        "check": 'hunderasse != "Kangal"',
        "message": "Kein Kangal.",
    }
    response = _post(admin, f"{BASE}/hundesteuer/1/regeln", rule)
    assert response.status_code == 422
    assert UNKNOWN_FIELD in response.text
    assert 'value="hunderasse != &#34;Kangal&#34;"' in response.text
    empty = _post(admin, f"{BASE}/hundesteuer/1/regeln", {**rule, "title": "", "check": "x ++"})
    assert "Bitte füllen Sie „Titel“ aus." in empty.text
    assert len(_rows(world, "hundesteuer")) == 1


def test_a_field_with_options_is_added_and_a_used_field_cannot_be_removed(
    admin: TestClient, world: World
) -> None:
    field = {
        "original": "",
        "key": "fellfarbe",
        "label": "Fellfarbe",
        "kind": "choice",
        "section": "hund",
        "required": "ja",
        "legal_basis": "§ 10 Abs. 1 Satz 2 HStS",
        "help": "Die vorherrschende Farbe.",
        "minimum": "",
        "maximum": "",
        "max_length": "",
        "options": "schwarz = Schwarz\nbraun = Braun\nweiss",
        "code_list": "",
        "visible_if": "not listenhund",
        "fim_id": "",
    }
    response = _post(admin, f"{BASE}/hundesteuer/1/felder", field)
    assert response.status_code == 303, response.text
    definition = catalog.definition_of(_rows(world, "hundesteuer")[0])
    added = definition.field("fellfarbe")
    assert added is not None
    assert [(o.value, o.label) for o in added.options] == [
        ("schwarz", "Schwarz"),
        ("braun", "Braun"),
        ("weiss", "weiss"),
    ]
    assert added.required
    assert added.visible_if == "not listenhund"
    keys = [f.key for f in definition.fields]
    assert keys.index("fellfarbe") == keys.index("weitere_hunde") + 1
    refused = _post(admin, f"{BASE}/hundesteuer/2/felder/listenhund/entfernen", {})
    assert refused.status_code == 422
    assert "Die Regel „hst.listenhund-befreiung“ verweist auf das Feld „listenhund“" in refused.text
    bad = _post(admin, f"{BASE}/hundesteuer/2/felder", {**field, "key": "farbe", "maximum": "viel"})
    assert bad.status_code == 422
    assert "Höchstwert: „viel“ ist keine Zahl." in bad.text
    assert len(_rows(world, "hundesteuer")) == 2


def test_activate_and_retire(admin: TestClient, world: World) -> None:
    definition = json.loads(admin.get(f"{BASE}/hundesteuer/1/definition.json").text)
    _post(admin, f"{BASE}/neu", {"definition": json.dumps(definition)})
    assert _post(admin, f"{BASE}/hundesteuer/2/aktivieren", {}).status_code == 303
    page = admin.get(f"{BASE}/hundesteuer/2")
    assert "bereits gestellte Anträge behalten ihre Version" in page.text
    assert [row.status for row in _rows(world, "hundesteuer")] == [TypeStatus.ACTIVE, TypeStatus.RETIRED]
    assert _post(admin, f"{BASE}/hundesteuer/2/zurueckziehen", {}).status_code == 303
    assert "können diesen Antrag nicht mehr stellen" in admin.get(f"{BASE}/hundesteuer/2").text
    assert "keine – der Antrag wird nicht angeboten" in admin.get(BASE).text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id.is_not(None))).all()
    assert {"applications.type_saved", "applications.type_activated", "applications.type_retired"} <= set(
        actions
    )


def test_the_probelauf_reports_a_kangal_with_an_exemption(admin: TestClient) -> None:
    page = admin.get(f"{BASE}/hundesteuer/1/probelauf")
    assert page.status_code == 200
    assert 'name="wert.listenhund"' in page.text
    sample = {
        "stichtag": "2026-03-01",
        "wert.vorname": "Erika",
        "wert.nachname": "Muster",
        "wert.hund_name": "Bello",
        "wert.rasse": "Kangal",
        "wert.hund_geburtsdatum": "2024-05-01",
        "wert.haltung_beginn": "2026-02-20",
        "wert.listenhund": "ja",
        "wert.rasse_liste": "Kangal",
        "wert.weitere_hunde": "0",
        "wert.verguenstigung": "befreiung_hilfe",
        "wert.merkzeichen": ["B", "G"],
    }
    response = _post(admin, f"{BASE}/hundesteuer/1/probelauf", sample)
    assert response.status_code == 200
    text = response.text
    finding = re.search(r"Keine Befreiung für gefährliche Hunde</th>(.*?)</tr>", text, re.S)
    assert finding is not None
    assert "§ 6 Abs. 2 HStS" in finding.group(1)
    assert "(hier: Kangal)" in finding.group(1)
    assert "Jahressteuer für diesen Hund (ohne Befreiung): <strong>900 € im Jahr</strong>" in text
    rules_part, fields_part = text.split("Fehlende oder ungültige Angaben", 1)
    assert "Keine Befreiung für gefährliche Hunde" in rules_part
    assert "Angabe fehlt: Geburtsdatum" in fields_part
    assert "Angabe fehlt" not in rules_part
    assert "Stichtag 01.03.2026" in text
    assert 'value="B" checked' in text
