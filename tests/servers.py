"""Real servers for the tests, started on loopback: a PostgreSQL cluster, Redis and Dovecot (IMAP).

Nothing here is a mock: each helper starts the Debian binary, waits until it answers, and stops it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    msg = f"nothing answered on 127.0.0.1:{port} within {timeout} s"
    raise TimeoutError(msg)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; drop to the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def postgres_bin() -> Path | None:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    return None


@dataclass(frozen=True)
class PostgresServer:
    port: int
    user: str = "postgres"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"


def _run(command: list[str]) -> None:
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        output = result.stderr.strip() or result.stdout.strip()
        msg = f"{' '.join(command)} failed ({result.returncode}): {output}"
        raise RuntimeError(msg)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a throw-away PostgreSQL cluster in a temporary directory on a free loopback port."""
    binaries = postgres_bin()
    if binaries is None:
        msg = "PostgreSQL is not installed (apt-get install postgresql)"
        raise RuntimeError(msg)
    # Not under pytest's tmp dir: its parents are private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="rathaus-pg-"))
    data = base / "pgdata"
    sockets = base / "sock"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
        base.chmod(0o755)
    port = free_port()
    _run(
        _as_postgres(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
    )
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    _run(
        _as_postgres(
            [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"]
        )
    )
    try:
        yield PostgresServer(port=port)
    finally:
        subprocess.run(
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def redis_server(base: Path) -> Iterator[str]:
    """Start Debian's redis-server on a free loopback port; yield its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        msg = "redis-server is not installed (apt-get install redis-server)"
        raise RuntimeError(msg)
    base.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- SMTP (aiosmtpd) for outgoing mail: the Posteingang's replies ----------------------------------


@dataclass
class SmtpServer:
    """A real SMTP server on loopback that keeps what it receives; ``refuse`` makes it answer 550."""

    host: str
    port: int
    messages: list[SmtpReceived]
    refuse: str | None = None


@dataclass(frozen=True)
class SmtpReceived:
    """One received message: the envelope and the raw bytes as the server got them."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    def message(self) -> Any:
        """The message parsed with the modern e-mail policy (an ``EmailMessage``), line ends as ``\\n``."""
        from email import message_from_bytes, policy  # noqa: PLC0415

        return message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=policy.default)


class _Collect:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.server.refuse:
            return f"550 {self.server.refuse}"
        self.server.messages.append(
            SmtpReceived(
                mail_from=str(envelope.mail_from),
                rcpt_tos=tuple(str(rcpt) for rcpt in envelope.rcpt_tos),
                data=bytes(envelope.original_content or envelope.content),
            )
        )
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """Start aiosmtpd's ``Controller`` on 127.0.0.1 on a free port; ``.messages`` collects what arrives."""
    from aiosmtpd.controller import Controller  # noqa: PLC0415 - dev extra only

    server = SmtpServer(host="127.0.0.1", port=free_port(), messages=[])
    controller = Controller(_Collect(server), hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class DovecotServer:
    """A running Dovecot on loopback with one user; ``cert`` is the self-signed certificate for STARTTLS."""

    host: str
    port: int
    user: str
    password: str
    base: Path
    process: subprocess.Popen[bytes]
    cert: Path | None = None

    def kill(self) -> None:
        """Kill the master and every child at once (as a crash would), leaving the maildir behind."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        self.process.wait(timeout=10)

    def log(self) -> str:
        path = self.base / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _self_signed(base: Path, host: str) -> tuple[Path, Path]:
    """A throw-away certificate and key for ``host`` (127.0.0.1), made with ``cryptography``."""
    import ipaddress  # noqa: PLC0415
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = base / "cert.pem", base / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


DOVECOT_CONFIG = """\
base_dir = {run}
state_dir = {base}/state
instance_name = rathaus-test-{port}
listen = 127.0.0.1
protocols = imap
log_path = {base}/dovecot.log
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
{user_settings}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={home}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _dovecot_users(base: Path) -> tuple[str, str, str]:
    """Who runs what: as root, the Debian users (logins may not run as root) and a chroot per base."""
    if os.geteuid() != 0:
        import pwd  # noqa: PLC0415

        me = pwd.getpwuid(os.geteuid()).pw_name
        settings = f"default_internal_user = {me}\ndefault_login_user = {me}\nfirst_valid_uid = 1"
        return settings, str(os.geteuid()), str(os.getegid())
    # The mail processes run as the user "dovecot" inside a chroot of ``base``, so that the parents of
    # ``base`` (pytest's private tmp dirs) need no permissions; auth runs as root to read the users file.
    settings = (
        "default_internal_user = dovecot\ndefault_login_user = dovenull\nfirst_valid_uid = 1\n"
        f"mail_chroot = {base}\nvalid_chroot_dirs = {base}\n"
        "service auth {\n  user = root\n}\nservice auth-worker {\n  user = root\n}"
    )
    home = base / "home"
    home.mkdir(exist_ok=True)
    shutil.chown(home, "dovecot", "dovecot")
    base.chmod(0o755)
    return settings, "dovecot", "dovecot"


@contextmanager
def dovecot_server(
    base: Path, *, user: str = "poststelle", password: str = "geheim-123", starttls: bool = False
) -> Iterator[DovecotServer]:
    """Start Debian's Dovecot (IMAP only) on a free loopback port with one user and a maildir in ``base``.

    Start it again with the same ``base`` and it serves the same mails (the same UIDVALIDITY).
    With ``starttls`` the server offers STARTTLS with a self-signed certificate (``server.cert``).
    """
    binary = Path("/usr/sbin/dovecot")
    if not binary.exists():
        msg = "dovecot is not installed (apt-get install dovecot-imapd)"
        raise RuntimeError(msg)
    base.mkdir(parents=True, exist_ok=True)
    user_settings, mail_uid, mail_gid = _dovecot_users(base)
    home = "/home" if os.geteuid() == 0 else str(base / "home")
    port = free_port()
    cert = key = None
    if starttls:
        cert, key = _self_signed(base, "127.0.0.1")
    ssl_files = f"ssl_cert = <{cert}\nssl_key = <{key}" if cert and key else ""
    (base / "users").write_text(f"{user}:{{PLAIN}}{password}\n", encoding="utf-8")
    # Unix socket paths are limited to 108 bytes: the sockets live in a short directory of their own.
    run = Path(tempfile.mkdtemp(prefix="dv-", dir="/tmp"))
    run.chmod(0o755)
    config = base / "dovecot.conf"
    config.write_text(
        DOVECOT_CONFIG.format(
            run=run,
            base=base,
            port=port,
            ssl="yes" if starttls else "no",
            ssl_files=ssl_files,
            user_settings=user_settings,
            mail_uid=mail_uid,
            mail_gid=mail_gid,
            home=home,
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [str(binary), "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill() takes the children with it
    )
    server = DovecotServer(
        host="127.0.0.1", port=port, user=user, password=password, base=base, process=process, cert=cert
    )
    try:
        try:
            wait_for_port(port, timeout=30)
        except TimeoutError as error:
            msg = f"dovecot did not start (exit code {process.poll()}): {server.log()[-2000:]}"
            raise RuntimeError(msg) from error
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        server.kill()  # children that outlived the master
        shutil.rmtree(run, ignore_errors=True)
