"""Ports between modules: typed lookup, built once on first use, None without a provider, no duplicates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rathaus.core.ai.registry import AIRegistry
from rathaus.core.config import PlatformSettings
from rathaus.core.jobs import JobContext
from rathaus.core.ports import KNOWLEDGE_SEARCH, Fact, Port, PortConflictError, PortContext, Ports, Provision
from rathaus.modules import MODULES


def _context(tmp_path: Path) -> PortContext:
    settings = PlatformSettings(environment="test", data_dir=tmp_path)
    return PortContext(settings=settings, ai=AIRegistry.from_settings(settings))


def test_a_port_is_built_once_on_first_use(tmp_path: Path) -> None:
    built: list[PortContext] = []

    def factory(context: PortContext) -> Any:
        built.append(context)
        return lambda **_: [Fact(title="Satzung", text="§ 1", source_id="x:1")]

    ports = Ports([Provision(KNOWLEDGE_SEARCH, factory)], _context(tmp_path))
    assert built == []
    search = ports.get(KNOWLEDGE_SEARCH)
    assert search is not None
    assert ports.get(KNOWLEDGE_SEARCH) is search
    assert len(built) == 1
    assert search(session=None, tenant_id=1, query="x")[0].label == "Satzung"  # type: ignore[arg-type]


def test_an_unprovided_port_is_none(tmp_path: Path) -> None:
    other: Port[int] = Port("booking_link", "a booking link for a service")
    ports = Ports([Provision(KNOWLEDGE_SEARCH, lambda _: None)], _context(tmp_path))  # type: ignore[arg-type,return-value]
    assert ports.get(other) is None
    assert Ports.none().get(KNOWLEDGE_SEARCH) is None


def test_two_providers_of_one_port_are_refused(tmp_path: Path) -> None:
    provision = Provision(KNOWLEDGE_SEARCH, lambda _: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(PortConflictError, match="knowledge_search"):
        Ports([provision, provision], _context(tmp_path))


def test_the_modules_provide_the_knowledge_search_the_bookable_services_and_the_application_intake() -> None:
    providers = {p.port.name: m.slug for m in MODULES for p in m.provides}
    assert providers == {
        "knowledge_search": "assistant",
        "bookable_services": "appointments",
        "application_intake": "applications",
    }


def test_jobs_get_no_ports_unless_the_worker_hands_them_down(tmp_path: Path) -> None:
    settings = PlatformSettings(environment="test", data_dir=tmp_path)
    ctx = JobContext(sessions=None, job_id=1, tenant_id=1, token=1, settings=settings)  # type: ignore[arg-type]
    assert ctx.ports.names == []
    assistant = next(module for module in MODULES if module.slug == "assistant")
    ports = Ports(assistant.provides, _context(tmp_path))
    handed = JobContext(sessions=None, job_id=1, tenant_id=1, token=1, settings=settings, ports=ports)  # type: ignore[arg-type]
    assert handed.ports.get(KNOWLEDGE_SEARCH) is not None
