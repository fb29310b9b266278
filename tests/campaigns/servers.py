"""Local stand-ins that speak the real protocols: an SMTP server (aiosmtpd) and a messenger
gateway (HTTP JSON API with a bearer token and idempotency keys)."""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.servers import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == f"text/{subtype}":
                return part.get_content()
        raise KeyError(subtype)


class SmtpHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.sink.bounce:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        ours = not self.sink.kill_scope or any(r in self.sink.kill_scope for r in envelope.rcpt_tos)
        with self.sink.lock:
            self.sink.data_count += ours
            count = self.sink.data_count
        if self.sink.kill_pid and ours and count == self.sink.kill_at:
            # The sender dies while waiting for our answer: the message is not accepted.
            os.kill(self.sink.kill_pid, signal.SIGKILL)
            self.sink.killed.set()
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Ok: queued"


@dataclass
class SmtpSink:
    port: int = 0
    messages: list[Received] = field(default_factory=list)
    bounce: set[str] = field(default_factory=set)
    kill_pid: int | None = None
    kill_at: int = 0
    kill_scope: set[str] = field(default_factory=set)  # count only messages to these addresses
    data_count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    killed: threading.Event = field(default_factory=threading.Event)
    controller: Controller | None = None

    def start(self) -> SmtpSink:
        self.port = free_port()
        self.controller = Controller(SmtpHandler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.recipients]

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.bounce.clear()
            self.kill_pid, self.kill_at, self.data_count = None, 0, 0
            self.kill_scope = set()
            self.killed.clear()


@dataclass
class Gateway:
    """The messenger gateway: `GET /v1/account`, `POST /v1/messages`, idempotent per key."""

    token: str = "gateway-test-token"
    channels: list[str] = field(default_factory=lambda: ["whatsapp", "telegram"])
    messages: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> Gateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    self._reply(401, {"error": "invalid token"})
                    return False
                return True

            def do_GET(self) -> None:  # noqa: N802
                if not self._authorized():
                    return
                if self.path == "/v1/account":
                    self._reply(200, {"name": "Test account", "channels": gateway.channels})
                else:
                    self._reply(404, {"error": "not found"})

            def do_POST(self) -> None:  # noqa: N802
                if not self._authorized():
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                key = self.headers.get("Idempotency-Key", "")
                with gateway.lock:
                    gateway.requests += 1
                    if key and key in gateway.keys:
                        self._reply(200, gateway.keys[key])
                        return
                    if body.get("channel") not in gateway.channels or not body.get("to") or not body.get("text"):
                        self._reply(422, {"error": "invalid message"})
                        return
                    if body["to"] in gateway.unknown:
                        self._reply(404, {"error": "unknown contact"})
                        return
                    result = {"id": f"m{len(gateway.messages) + 1}", "status": "accepted"}
                    gateway.messages.append(body)
                    if key:
                        gateway.keys[key] = result
                self._reply(202, result)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self.server
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def to(self, address: str) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.messages if m["to"] == address]

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
