"""A change made in one process reaches watchers connected to another: web to web, worker to web."""

import asyncio
import subprocess
import sys
import uuid
from datetime import timedelta

import httpx
import pytest
import socketio

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.vouchers import issue_manual_voucher
from hub.workers.queue import job_queue
from tests.realtime.sockets import Watcher
from tests.servers import ROOT, running_server, server_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_servers(database):
    with running_server() as first, running_server() as second:
        yield first, second


async def test_a_stamp_through_one_process_reaches_a_watcher_on_another(two_servers, shop, secret):
    first, second = two_servers
    watcher = await Watcher().connect(second.url, {"card_token": shop.card.token})
    try:
        async with httpx.AsyncClient() as http:
            response = await http.post(
                f"{first.url}/api/v1/scans",
                json={"code": codes.card_code(secret, shop.card.number), "idempotency_key": str(uuid.uuid4())},
                headers={"Authorization": f"Bearer {shop.api_key}"},
            )
        assert response.status_code == 200, response.text
        assert response.json()["outcome"] == "stamped"
        event = await watcher.wait_for("card.updated", stamps=1)
        assert event["number"] == shop.card.number
    finally:
        await watcher.close()


async def test_a_business_watcher_sees_its_own_cards_without_their_page_tokens(two_servers, shop, secret):
    first, second = two_servers
    watcher = await Watcher().connect(second.url, {"api_key": shop.api_key})
    try:
        async with httpx.AsyncClient() as http:
            await http.post(
                f"{first.url}/api/v1/scans",
                json={"code": codes.card_code(secret, shop.card.number), "idempotency_key": str(uuid.uuid4())},
                headers={"Authorization": f"Bearer {shop.api_key}"},
            )
        event = await watcher.wait_for("card.stamped", number=shop.card.number)
        assert "token" not in event
    finally:
        await watcher.close()


async def test_a_socket_without_a_valid_card_token_is_refused(two_servers):
    client = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(
            two_servers[0].url, socketio_path="rt/socket.io", auth={"card_token": "guess"}, transports=["websocket"]
        )


async def test_an_event_from_an_rq_worker_reaches_a_web_watcher(two_servers, shop):
    _, second = two_servers
    watcher = await Watcher().connect(second.url, {"card_token": shop.card.token})
    try:
        voucher = await issue_manual_voucher(
            shop.business_id, shop.card.id, title="Sorry cake", expires_at=utcnow() + timedelta(seconds=1)
        )
        await asyncio.sleep(1)
        job_queue(server_env()["REDIS_URL"]).enqueue("hub.workers.jobs.expire_vouchers")
        worker = subprocess.run(
            [sys.executable, "-m", "hub.cli", "worker", "--burst"],
            cwd=ROOT,
            env=server_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert worker.returncode == 0, worker.stderr
        event = await watcher.wait_for("voucher.expired", voucher_id=voucher.id)
        assert event["number"] == shop.card.number
    finally:
        await watcher.close()


async def test_two_processes_issue_and_stamp_cards_at_once_without_a_locked_database(two_servers, shop):
    """On SQLite too: every write transaction waits its turn instead of failing."""
    headers = {"Authorization": f"Bearer {shop.api_key}"}
    async with httpx.AsyncClient(timeout=30) as http:

        async def issue(server, i: int) -> httpx.Response:
            body = {"template_id": shop.template.id, "name": f"Guest {i}"}
            return await http.post(f"{server.url}/api/v1/cards", json=body, headers=headers)

        answers = await asyncio.gather(*(issue(two_servers[i % 2], i) for i in range(24)))
        assert [a.status_code for a in answers] == [201] * 24, [a.text for a in answers if a.status_code != 201]

        async def stamp(server, code: str) -> httpx.Response:
            body = {"code": code, "idempotency_key": str(uuid.uuid4())}
            return await http.post(f"{server.url}/api/v1/scans", json=body, headers=headers)

        stamps = await asyncio.gather(*(stamp(two_servers[i % 2], a.json()["code"]) for i, a in enumerate(answers)))
        assert [s.status_code for s in stamps] == [200] * 24, [s.text for s in stamps if s.status_code != 200]
