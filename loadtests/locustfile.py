"""Locust load profile for a running Stamphub.

Four kinds of users, each with a card of its own issued through the REST API at start:

- `RestScanner`: a till integration stamping over `POST /api/v1/scans`.
- `DashboardScanner`: a POS dashboard with a Socket.IO connection in its business room; it
  stamps over REST and counts the stamp done when `card.stamped` arrives on its socket
  (reported as `SIO scan → card.stamped (business room)`).
- `CardWatcher`: a customer with the card page's Socket.IO connection open in the card's
  room; the shop stamps the card and the time until `card.updated` reaches the customer is
  reported as `SIO scan → card.updated (card room)`.
- `PageVisitor`: opens the card page `/c/<token>`.

Configuration (environment): `STAMPHUB_API_KEY` and `STAMPHUB_TEMPLATE_ID`; without them the
locustfile runs `stamphub seed-demo` once (with the app's own DATABASE_URL etc. in the
environment) and uses the demo business. Against a loopback host every user sends from a
loopback address of its own, so the per-address API rate limit (3,000 a minute) applies per
user, as it would per till.

    STAMPHUB_API_KEY=... STAMPHUB_TEMPLATE_ID=... .venv/bin/locust -f loadtests/locustfile.py \\
        --host http://127.0.0.1:8080 --headless -u 60 -r 20 -t 2m \\
        --csv loadtests/reports/stamphub --html loadtests/reports/stamphub.html
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import socketio
from locust import HttpUser, User, between, task
from requests import Session
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parent.parent
EVENT_TIMEOUT = 10.0
_config: dict[str, Any] = {}
_addresses = itertools.count()


def config() -> dict[str, Any]:
    if not _config:
        key, template = os.environ.get("STAMPHUB_API_KEY"), os.environ.get("STAMPHUB_TEMPLATE_ID")
        if not (key and template):
            seeded = subprocess.run(
                [sys.executable, "-m", "hub.cli", "seed-demo", "--history", "0"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            demo = json.loads(seeded.stdout)
            key, template = demo["api_key"], str(demo["template_id"])
        _config.update(api_key=key, template_id=int(template))
    return _config


class SourceAddressAdapter(HTTPAdapter):
    """Send from one loopback address: each simulated till is its own client for the rate limit."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def own_address(session: Session, host: str) -> None:
    if (urlparse(host).hostname or "").startswith("127."):
        n = next(_addresses)
        adapter = SourceAddressAdapter(f"127.0.{10 + n // 250}.{2 + n % 250}")
        session.mount("http://", adapter)


def auth_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {config()['api_key']}"}


def issue_card(session: Session, host: str, name: str) -> dict[str, Any]:
    """Issue a card through the API; raises (stopping the user) when that fails."""
    named = {"name": "/api/v1/cards"} if hasattr(session, "request_event") else {}
    response = session.post(
        f"{host}/api/v1/cards",
        json={"template_id": config()["template_id"], "name": name},
        headers=auth_headers(),
        **named,
    )
    response.raise_for_status()
    return response.json()


def scan_body(card: dict[str, Any]) -> dict[str, str]:
    return {"code": card["code"], "idempotency_key": f"locust:{uuid.uuid4().hex}"}


class RestScanner(HttpUser):
    """A till that stamps its customer's card over the REST API."""

    weight = 3
    wait_time = between(0.2, 0.8)

    def on_start(self) -> None:
        own_address(self.client, self.host)
        self.card = issue_card(self.client, self.host, "Locust till customer")

    @task
    def scan(self) -> None:
        with self.client.post(
            "/api/v1/scans",
            json=scan_body(self.card),
            headers=auth_headers(),
            name="/api/v1/scans",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            elif response.json().get("outcome") not in ("stamped", "reward"):
                response.failure(f"outcome {response.json().get('outcome')}: {response.json().get('reason')}")


class _SocketUser(User):
    """Shared plumbing: a requests session for the API and a Socket.IO client for the room."""

    abstract = True
    auth_kind = "card_token"
    room_event = "card.updated"
    metric = ""

    def on_start(self) -> None:
        self.http = Session()
        own_address(self.http, self.host)
        self.card = issue_card(self.http, self.host, "Locust watcher")
        self.arrived = threading.Condition()
        self.seen: dict[int, float] = {}
        self.sio = socketio.Client(reconnection=False, http_session=self.http, handle_sigint=False)
        self.sio.on(self.room_event, self.received)
        auth = {"card_token": self.card["token"]} if self.auth_kind == "card_token" else auth_headers_key()
        started = time.perf_counter()
        try:
            self.sio.connect(
                self.host, socketio_path="rt/socket.io", auth=auth, transports=["websocket"], wait_timeout=10
            )
        except Exception as exc:
            self.fire("SIO", "connect", started, exc)
            raise
        self.fire("SIO", "connect", started)
        self.total = 0

    def on_stop(self) -> None:
        self.sio.disconnect()
        self.http.close()

    def received(self, data: dict[str, Any]) -> None:
        if data.get("number") == self.card["number"]:
            with self.arrived:
                self.seen[int(data["stamps_total"])] = time.perf_counter()
                self.arrived.notify_all()

    def fire(self, kind: str, name: str, started: float, exc: Exception | None = None) -> None:
        self.environment.events.request.fire(
            request_type=kind,
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=exc,
            context={},
        )

    @task
    def stamp_and_watch(self) -> None:
        started = time.perf_counter()
        response = self.http.post(f"{self.host}/api/v1/scans", json=scan_body(self.card), headers=auth_headers())
        self.fire(
            "POST",
            "/api/v1/scans (watched)",
            started,
            None if response.status_code == 200 else RuntimeError(f"{response.status_code}"),
        )
        if response.status_code != 200:
            return
        self.total += 1
        with self.arrived:
            got = self.arrived.wait_for(lambda: self.total in self.seen, timeout=EVENT_TIMEOUT)
        error = None if got else TimeoutError(f"no {self.room_event} within {EVENT_TIMEOUT:.0f}s")
        self.environment.events.request.fire(
            request_type="SIO",
            name=self.metric,
            response_time=((self.seen.get(self.total, time.perf_counter())) - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )


def auth_headers_key() -> dict[str, str]:
    return {"api_key": config()["api_key"]}


class CardWatcher(_SocketUser):
    """A customer whose card page is open; the shop stamps it every few seconds."""

    weight = 3
    wait_time = between(1, 3)
    metric = "scan → card.updated (card room)"


class DashboardScanner(_SocketUser):
    """A POS dashboard: stamps over REST, sees the stamp come back on its business-room socket."""

    weight = 1
    wait_time = between(0.5, 1.5)
    auth_kind = "api_key"
    room_event = "card.stamped"
    metric = "scan → card.stamped (business room)"


class PageVisitor(HttpUser):
    """Opens the customer's card page (the HTML; its socket is the browser's business)."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        own_address(self.client, self.host)
        self.card = issue_card(self.client, self.host, "Locust page visitor")

    @task
    def open_card_page(self) -> None:
        with self.client.get(f"/c/{self.card['token']}", name="/c/<token>", catch_response=True) as response:
            if response.status_code != 200 or "data-token=" not in response.text:
                response.failure(f"{response.status_code}: not a live card page")
