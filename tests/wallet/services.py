"""Local stand-ins for APNs and the Google Wallet REST API, speaking their real protocols:
APNs over HTTP/2 + TLS with ES256 provider tokens, Google with the OAuth JWT-bearer grant
and bearer-authenticated JSON. Each runs on its own event loop in a thread, so a test
can block (or run a worker) while they answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
import threading
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from hypercorn.asyncio import serve
from hypercorn.config import Config
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers import free_port


def verified(token: str, public_key) -> tuple[dict, dict]:
    """(header, claims) of a JWT whose signature `public_key` verifies; raises InvalidTokenError.
    Times are the product's clock's, which a test may have moved: only the signature is judged."""
    claims = jwt.decode(
        token,
        public_key,
        algorithms=["RS256", "ES256"],
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
    )
    return jwt.get_unverified_header(token), claims


def write_tls_material(
    folder: Path, *, names: tuple[str, ...] = ("localhost",), addresses: tuple[str, ...] = ("127.0.0.1",)
) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for these names and addresses (by default
    127.0.0.1 and localhost); returns (ca, cert, key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Stamphub test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, (*addresses, *names)[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [*(x509.IPAddress(ipaddress.ip_address(a)) for a in addresses), *(x509.DNSName(n) for n in names)]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "test-ca.pem", folder / "server.pem", folder / "server-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


class ThreadedServer:
    """Serve an ASGI app with hypercorn on a loop of its own."""

    def __init__(self, app: Any, *, certfile: Path | None = None, keyfile: Path | None = None) -> None:
        self.port = free_port()
        self.config = Config()
        self.config.bind = [f"127.0.0.1:{self.port}"]
        self.config.loglevel = "WARNING"
        self.config.accesslog = None
        self.config.graceful_timeout = 0.2
        if certfile and keyfile:
            self.config.certfile, self.config.keyfile = str(certfile), str(keyfile)
            self.config.alpn_protocols = ["h2"]
        self.app = app
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            self._stop = asyncio.Event()
            self._ready.set()
            await serve(self.app, self.config, shutdown_trigger=self._stop.wait)

        self._loop.run_until_complete(main())

    def start(self) -> ThreadedServer:
        self._thread.start()
        self._ready.wait(5)
        import socket
        import time

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise RuntimeError("test server did not start")

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(1)


# -- APNs ------------------------------------------------------------------------------


@dataclass
class Push:
    token: str
    topic: str
    bearer: str
    http_version: str
    body: bytes
    headers: dict[str, str]


@dataclass
class FakeApns:
    """Answers `POST /3/device/<token>` like APNs; scripted answers per device token."""

    team_id: str
    key_id: str
    public_key: ec.EllipticCurvePublicKey
    topic: str
    pushes: list[Push] = field(default_factory=list)
    script: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self, token: str) -> list[Push]:
        with self.lock:
            return [p for p in self.pushes if p.token == token]

    def answer(self, token: str, *statuses: int) -> None:
        with self.lock:
            self.script[token].extend(statuses)

    def app(self) -> Starlette:
        async def push(request: Request) -> Response:
            token = request.path_params["token"]
            body = await request.body()
            if request.scope.get("http_version") != "2":
                return JSONResponse({"reason": "BadRequest"}, 400)
            bearer = request.headers.get("authorization", "")
            if not bearer.startswith("bearer "):
                return JSONResponse({"reason": "MissingProviderToken"}, 403)
            try:
                header, claims = verified(bearer.removeprefix("bearer "), self.public_key)
            except jwt.InvalidTokenError:
                return JSONResponse({"reason": "InvalidProviderToken"}, 403)
            if header.get("kid") != self.key_id or claims.get("iss") != self.team_id or "iat" not in claims:
                return JSONResponse({"reason": "InvalidProviderToken"}, 403)
            if request.headers.get("apns-topic") != self.topic:
                return JSONResponse({"reason": "DeviceTokenNotForTopic"}, 400)
            if json.loads(body or b"null") != {}:
                return JSONResponse({"reason": "PayloadEmpty"}, 400)
            with self.lock:
                self.pushes.append(
                    Push(token, self.topic, bearer, request.scope["http_version"], body, dict(request.headers))
                )
                status = self.script[token].pop(0) if self.script[token] else 200
            apns_id = secrets.token_hex(16)
            if status == 200:
                return Response(status_code=200, headers={"apns-id": apns_id})
            reason = {
                410: "Unregistered",
                429: "TooManyRequests",
                500: "InternalServerError",
                503: "ServiceUnavailable",
                400: "BadDeviceToken",
            }.get(status, "BadRequest")
            headers = {"apns-id": apns_id}
            if status == 429:
                headers["retry-after"] = "0"
            return JSONResponse({"reason": reason}, status, headers=headers)

        return Starlette(routes=[Route("/3/device/{token}", push, methods=["POST"])])


# -- Google Wallet -------------------------------------------------------------------


@dataclass
class FakeGoogleWallet:
    """The OAuth token endpoint and the loyalty class / object resources of the Wallet API."""

    client_email: str
    public_key: rsa.RSAPublicKey
    token_url: str = ""
    tokens: set[str] = field(default_factory=set)
    classes: dict[str, dict] = field(default_factory=dict)
    objects: dict[str, dict] = field(default_factory=dict)
    messages: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    requests: list[tuple[str, str, dict | None]] = field(default_factory=list)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def patches(self, object_id: str) -> list[dict]:
        with self.lock:
            return [b for m, p, b in self.requests if m == "PATCH" and p.endswith(f"/loyaltyObject/{object_id}")]

    def app(self) -> Starlette:
        def refuse(request: Request, status: int, message: str) -> JSONResponse:
            self.rejected.append((request.method, request.url.path, message))
            return JSONResponse({"error": {"code": status, "message": message}}, status)

        async def token(request: Request) -> Response:
            form = urllib.parse.parse_qs((await request.body()).decode())
            if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
                return JSONResponse({"error": "unsupported_grant_type"}, 400)
            try:
                _, claims = verified(form["assertion"][0], self.public_key)
            except (jwt.InvalidTokenError, KeyError):
                return JSONResponse({"error": "invalid_grant"}, 400)
            if (
                claims.get("iss") != self.client_email
                or claims.get("aud") != self.token_url
                or "wallet_object.issuer" not in claims.get("scope", "")
            ):
                return JSONResponse({"error": "invalid_grant", "claims": claims}, 400)
            value = secrets.token_urlsafe(24)
            self.tokens.add(value)
            return JSONResponse({"access_token": value, "token_type": "Bearer", "expires_in": 3599})

        async def api(request: Request) -> Response:
            auth = request.headers.get("authorization", "")
            if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
                return refuse(request, 401, "Request is missing required authentication credential.")
            body = await request.json() if request.method in ("POST", "PATCH", "PUT") else None
            path = request.url.path
            with self.lock:
                self.requests.append((request.method, path, body))
                if self.fail_next:
                    return refuse(request, self.fail_next.pop(0), "Backend Error")
            parts = path.split("/walletobjects/v1/", 1)[1].split("/")
            kind = parts[0]
            ident = urllib.parse.unquote(parts[1]) if len(parts) > 1 else None
            store = self.classes if kind == "loyaltyClass" else self.objects
            if len(parts) == 3 and parts[2] == "addMessage":
                if ident not in self.objects:
                    return refuse(request, 404, "object not found")
                message = (body or {}).get("message") or {}
                if not message.get("header") or not message.get("body"):
                    return refuse(request, 400, "message needs header and body")
                if any(m.get("id") == message.get("id") for m in self.messages[ident]):
                    return refuse(request, 409, "duplicate message id")
                self.messages[ident].append(message)
                return JSONResponse({"resource": self.objects[ident]})
            if request.method == "POST":
                problem = self._check(kind, body)
                if problem:
                    return refuse(request, 400, problem)
                if body["id"] in store:
                    return refuse(request, 409, "already exists")
                store[body["id"]] = {**body, "hasUsers": False}
                return JSONResponse(store[body["id"]])
            if ident not in store:
                return refuse(request, 404, "not found")
            if request.method == "GET":
                return JSONResponse(store[ident])
            if body.get("id", ident) != ident:
                return refuse(request, 400, "id mismatch")
            if kind == "loyaltyObject" and body.get("classId") and body["classId"] not in self.classes:
                return refuse(request, 400, "class not found")
            store[ident] = {**store[ident], **body}
            return JSONResponse(store[ident])

        return Starlette(
            routes=[
                Route("/token", token, methods=["POST"]),
                Route("/walletobjects/v1/{rest:path}", api, methods=["GET", "POST", "PATCH"]),
            ]
        )

    def _check(self, kind: str, body: dict | None) -> str | None:
        if not isinstance(body, dict) or not body.get("id"):
            return "id is required"
        if kind == "loyaltyClass":
            for key in ("issuerName", "programName", "reviewStatus"):
                if not body.get(key):
                    return f"{key} is required"
            if not body.get("programLogo", {}).get("sourceUri", {}).get("uri"):
                return "programLogo.sourceUri.uri is required"
        else:
            if body.get("classId") not in self.classes:
                return "class not found"
            if body.get("state") not in ("ACTIVE", "INACTIVE", "COMPLETED", "EXPIRED"):
                return "state is required"
        return None
