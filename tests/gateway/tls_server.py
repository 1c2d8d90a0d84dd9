"""A loopback HTTPS server with a self-signed certificate, for the client's TLS failures.

The certificate is made by the ``openssl`` command (no Python crypto package is installed), for
``127.0.0.1``, so the only thing wrong with it is that nobody trusts it: exactly what a client
behind a TLS-inspecting proxy, or pointed at a host with a private CA, meets. ``connections``
counts TCP connections accepted, so a test can tell one attempt from five.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


def self_signed(folder: Path) -> tuple[Path, Path]:
    """``(certificate, key)`` PEM files for CN/SAN 127.0.0.1, valid for a day."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
    command += " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
    arguments = [*command.split(), "-keyout", str(key), "-out", str(cert)]
    subprocess.run(arguments, check=True, capture_output=True, timeout=30)
    return cert, key


class TlsServer(ThreadingHTTPServer):
    """Answers a token for ``POST /oauth/token`` and ``{"id": ...}`` for any GET, over TLS."""

    daemon_threads = True

    def __init__(self, cert: Path, key: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.connections = 0
        self.base_url = f"https://127.0.0.1:{self.server_address[1]}"
        self._thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = super().get_request()
        self.connections += 1
        # The handshake runs in the handler's thread, so a failed one never stops the server.
        wrapped = self.context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return wrapped, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A refused handshake is the point of most tests here, not a server fault."""

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/oauth/token"):
            body: Any = {"access_token": "tls-token", "token_type": "bearer", "expires_in": 3600}
        else:
            body = {"id": self.path.rsplit("/", 1)[-1], "name": "over-tls", "version": 1}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer
