"""Loading and running the local models never attempts a connection beyond loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.ai.conftest import TEST_LLM
from tests.requirements import require_bundle, require_module

pytestmark = [pytest.mark.model, pytest.mark.slow]

# Runs in a fresh interpreter: an audit hook records every socket.connect / socket.getaddrinfo to a
# non-loopback address, then the three local models load and run once. A deliberate connection to
# TEST-NET-1 at the end proves that the hook sees attempts.
SCRIPT = r"""
import ipaddress, json, socket, sys
from pathlib import Path

attempts = []

def loopback(host):
    if host is None or host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False

def hook(event, args):
    if event == "socket.getaddrinfo" and not loopback(args[0]):
        attempts.append(f"getaddrinfo {args[0]}:{args[1]}")
    elif event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not loopback(address[0]):
            attempts.append(f"connect {address[0]}:{address[1]}")

sys.addaudithook(hook)

from rathaus.core.ai.registry import AIRegistry
from rathaus.core.config import AISettings

models_dir, wav = Path(sys.argv[1]), Path(sys.argv[2])
registry = AIRegistry(AISettings(llm_model=sys.argv[3], llm_context=512, cpu_threads=2), models_dir)
text = registry.transcriber().transcribe(wav).text
answer = registry.chat().chat([{"role": "user", "content": "Sag Hallo."}], max_tokens=4).text
vectors = registry.embedder().embed_passages(["Rathaus"])
ran = {"transcript": text, "answer": answer, "dimension": int(vectors.shape[1])}
models_only = list(attempts)
try:
    socket.create_connection(("192.0.2.1", 9), timeout=0.01)
except OSError:
    pass
print(json.dumps({"ran": ran, "attempts": models_only, "control": attempts[len(models_only):]}))
"""


def test_local_models_make_no_network_attempt(models_dir: Path, german_wav: Path) -> None:
    for name in ("whisper-base", TEST_LLM, "multilingual-e5-small"):
        require_bundle(name)
    require_module("llama_cpp", install="pip install -e '.[ai]'")

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(models_dir), str(german_wav), TEST_LLM],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert "Bürgermeister" in report["ran"]["transcript"]
    assert report["ran"]["answer"]
    assert report["ran"]["dimension"] == 384
    assert report["attempts"] == []
    assert report["control"] == ["getaddrinfo 192.0.2.1:9", "connect 192.0.2.1:9"]
