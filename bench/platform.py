"""Platform figures on SQLite and PostgreSQL: audit appends, chain verification, login, page latency.

Run: ``python -m bench platform``. PostgreSQL is measured when its binaries are installed (a throw-away
cluster on loopback, as in the tests).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from tests import servers

from bench.common import console, summary_ms, timed, write_results
from rathaus.app import create_app
from rathaus.core.audit.service import Actor, record, verify_chain
from rathaus.core.db import make_engine, make_session_factory, open_session
from rathaus.core.migrate import upgrade
from rathaus.core.security.models import Role
from rathaus.core.security.service import authenticate, create_tenant, create_user
from rathaus.modules import Settings
from rathaus.web.context import AppContext

AUDIT_EVENTS = 500
LOGINS = 20
PAGE_REQUESTS = 100
PASSWORD = "benchmark-passwort-lang"


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        return
    with servers.postgres_server() as server:
        admin = make_engine(server.url())
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        yield server.url("bench")


def measure(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    actor = Actor.system("bench")
    with open_session(sessions) as session:
        tenant = create_tenant(session=session, actor=actor, slug="bench", name="Stadt Benchmark")
        create_user(
            session=session,
            actor=actor,
            tenant=tenant,
            username="bench",
            full_name="Bench",
            password=PASSWORD,
            roles=set(Role),
        )
        tenant_id = tenant.id

    def append() -> None:
        with open_session(sessions) as session:
            record(
                session=session,
                actor=actor,
                action="bench.event",
                object_type="thing",
                object_id=1,
                tenant_id=tenant_id,
                details={"text": "Beschluss gefasst", "n": 1},
            )

    start = time.perf_counter()
    for _ in range(AUDIT_EVENTS):
        append()
    append_seconds = time.perf_counter() - start
    with open_session(sessions) as session:
        start = time.perf_counter()
        checked, problems = verify_chain(session)
        verify_seconds = time.perf_counter() - start
    assert not problems, problems

    def login() -> None:
        with open_session(sessions) as session:
            authenticate(
                session=session,
                username="bench",
                password=PASSWORD,
                client="bench",
                max_failures=5,
                lockout=timedelta(minutes=1),
                client_attempts_per_minute=10_000,
            )

    login_times = timed(login, LOGINS)
    settings = Settings(
        environment="test",
        database_url=url,
        secret_key="bench-" + "z" * 40,
        data_dir=Path(tempfile.gettempdir()) / "rathaus-bench",
    )
    app = create_app(context=AppContext(settings=settings, engine=engine, sessions=sessions))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        page = client.get("/anmelden").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/anmelden", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
        page_times = timed(lambda: client.get("/").raise_for_status(), PAGE_REQUESTS)
    engine.dispose()
    return {
        "audit_append_per_s": round(AUDIT_EVENTS / append_seconds, 1),
        "audit_verify_events_per_s": round(checked / verify_seconds, 1),
        "login": summary_ms(login_times),
        "start_page": summary_ms(page_times),
    }


def main() -> None:
    figures: dict[str, Any] = {}
    for backend in ("sqlite", "postgresql"):
        if backend == "postgresql" and servers.postgres_bin() is None:
            console.print("[yellow]skipped PostgreSQL:[/] not installed")
            continue
        console.print(f"measuring {backend} …")
        with database(backend) as url:
            figures[backend] = measure(url)
    write_results("platform", figures)


if __name__ == "__main__":
    main()
