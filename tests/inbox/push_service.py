"""A push service of our own speaking RFC 8030: it takes a push message at a subscription's
endpoint, checks the VAPID token (RFC 8292) against the key in the request, and decrypts the
payload (RFC 8291, aes128gcm) with the browser's keys, as the browser would."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.servers import free_port


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's subscription keys: the P-256 key pair and the 16-byte auth secret."""

    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)


@dataclass
class Pushed:
    subscription: str
    payload: dict[str, Any]
    claims: dict[str, Any]
    vapid_key: str
    headers: dict[str, str]


class PushService:
    def __init__(self) -> None:
        self.port = free_port()
        self.browsers: dict[str, Browser] = {}
        self.gone: set[str] = set()
        self.received: list[Pushed] = []
        self.refused: list[str] = []
        self.lock = threading.Lock()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def subscribe(self, name: str, *, gone: bool = False) -> tuple[str, Browser]:
        browser = self.browsers[name] = Browser()
        if gone:
            self.gone.add(name)
        return f"{self.origin}/push/{name}", browser

    def _take(self, name: str, headers: dict[str, str], body: bytes) -> int:
        if name in self.gone:
            return 410
        browser = self.browsers.get(name)
        if browser is None:
            return 404
        scheme, _, params = headers.get("authorization", "").partition(" ")
        parts = dict(p.split("=", 1) for p in params.split(",") if "=" in p)
        if scheme != "vapid" or "t" not in parts or "k" not in parts:
            self.refused.append("no vapid authorization")
            return 401
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
        try:
            claims = jwt.decode(parts["t"], public, algorithms=["ES256"], audience=self.origin)
        except jwt.PyJWTError as exc:
            self.refused.append(f"bad token: {exc}")
            return 403
        if claims["exp"] > time.time() + 24 * 3600 or not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            self.refused.append("token too long-lived or without a contact")
            return 403
        if headers.get("content-encoding") != "aes128gcm" or "ttl" not in headers:
            self.refused.append("not aes128gcm or no TTL")
            return 400
        plain = http_ece.decrypt(body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm")
        with self.lock:
            self.received.append(Pushed(name, json.loads(plain), claims, parts["k"], headers))
        return 201

    def start(self) -> PushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                name = self.path.rsplit("/", 1)[-1]
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = service._take(name, headers, body)
                self.send_response(status)
                if status == 201:
                    self.send_header("Location", f"{service.origin}/message/{len(service.received)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
