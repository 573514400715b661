"""A real nginx (Debian's package) in front of a served instance, run by the test and stopped by PID.

The site it serves is `config/nginx.example.conf` itself, with only its port, certificate and
upstream address replaced, so the test checks the example operators copy.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.databases import unreachable

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "nginx.example.conf"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0

MAIN_CONFIG = """\
daemon off;
worker_processes 1;
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""


@dataclass(frozen=True)
class Nginx:
    url: str
    process: subprocess.Popen[bytes]
    prefix: Path

    def error_log(self) -> str:
        return (self.prefix / "error.log").read_text(encoding="utf-8", errors="replace")


def nginx_binary() -> str:
    """nginx's path; skips the test when it is missing, or fails it under CI (which installs it)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")  # not on a user's PATH
    if found is None:
        unreachable("nginx is not installed (Debian: apt-get install -y nginx)")
        raise AssertionError("unreachable() skips or fails")
    return found


def site_config(upstream_port: int, listen_port: int, certificate: Path, key: Path) -> str:
    """The example site, pointed at the test's server, port and certificate."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in (
        ("server 127.0.0.1:9200;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{listen_port} ssl;"),
        ("/etc/ssl/certs/search.example.com.pem", str(certificate)),
        ("/etc/ssl/private/search.example.com.key", str(key)),
    ):
        assert text.count(old) == 1, f"config/nginx.example.conf no longer has exactly one {old!r}"
        text = text.replace(old, new)
    return text


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that is its own CA, and its key (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = directory / "server.pem", directory / "server.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_path, key_path


@contextmanager
def running_nginx(prefix: Path, site: str, port: int) -> Iterator[Nginx]:
    """nginx in the foreground with `site` on 127.0.0.1:`port`, its files all under `prefix`."""
    binary = nginx_binary()
    prefix.mkdir(parents=True, exist_ok=True)
    # Run as root, nginx would start its workers as `nobody`, who cannot enter pytest's
    # private temporary directories; `user root` keeps them as root (ignored when not root).
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "site.conf").write_text(site, encoding="utf-8")
    config = prefix / "nginx.conf"
    config.write_text(MAIN_CONFIG.format(prefix=prefix, user=user), encoding="utf-8")
    log = (prefix / "stderr.log").open("wb")
    process = subprocess.Popen(
        [binary, "-c", str(config), "-p", str(prefix), "-e", str(prefix / "error.log")],
        stdout=log, stderr=subprocess.STDOUT,
    )
    nginx = Nginx(f"https://127.0.0.1:{port}", process, prefix)
    try:
        _wait_until_listening(nginx, port)
        yield nginx
    finally:
        _stop(process)
        log.close()


def _wait_until_listening(nginx: Nginx, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if nginx.process.poll() is not None:
            raise RuntimeError(f"nginx exited with status {nginx.process.returncode}:\n{nginx.error_log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on port {port} within {START_TIMEOUT}s:\n{nginx.error_log()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGQUIT, nginx's graceful stop, to the master's PID; SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
