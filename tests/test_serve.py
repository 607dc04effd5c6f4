"""`rathaus serve` as a real process: its job consumer does not outlive it, however it is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    env = {
        **os.environ,
        "RATHAUS_ENVIRONMENT": "development",
        "RATHAUS_DATA_DIR": str(tmp_path),
        "RATHAUS_DATABASE_URL": f"sqlite:///{tmp_path / 'rathaus.sqlite3'}",
    }
    env.pop("RATHAUS_REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "rathaus", "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rathaus", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server, port
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    pytest.fail("rathaus serve did not answer within 60 s")


def _consumers(server: subprocess.Popen[bytes]) -> list[psutil.Process]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = psutil.Process(server.pid).children()
        if children:
            return list(children)
        time.sleep(0.2)
    pytest.fail("rathaus serve started no job consumer")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_the_job_consumer_stops_with_the_server(tmp_path: Path, stop: signal.Signals) -> None:
    server, _port = _serve(tmp_path)
    consumers = _consumers(server)
    server.send_signal(stop)
    server.wait(timeout=30)
    _gone, alive = psutil.wait_procs(consumers, timeout=40)
    for process in alive:
        process.kill()
    assert alive == [], f"consumer still running after {stop.name} to the server"
