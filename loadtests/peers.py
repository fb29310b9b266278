"""The load run's client processes: Socket.IO watchers, a tap on the Redis event channel and
the scan driver.

Each runs in a process of its own (multiprocessing, spawn) so that the servers, the
watchers and the driver never share an interpreter. They talk to the bench over a Pipe:
the bench sends a command tuple, the peer answers with one tuple. Times are
`time.monotonic()`, which is one system-wide clock on Linux, so a send time taken in the
driver and an arrival time taken in a watcher subtract across processes.
"""

from __future__ import annotations

import asyncio
import collections
import time
import uuid
from multiprocessing.connection import Connection
from typing import Any

from stack import KEEPALIVE


def _run(coro_fn, *args: Any) -> None:
    try:
        import uvloop

        uvloop.run(coro_fn(*args))
    except ImportError:  # pragma: no cover - uvloop ships with the app's lock
        asyncio.run(coro_fn(*args))


async def _recv(conn: Connection) -> tuple:
    return await asyncio.get_running_loop().run_in_executor(None, conn.recv)


# -- watchers ---------------------------------------------------------------------------------


def watcher_main(conn: Connection, assignments: list[tuple[str, str]], concurrency: int = 50) -> None:
    """`assignments`: (server url, card token) per watcher, each a customer with the card page open."""
    _run(_watchers, conn, assignments, concurrency)


async def _watchers(conn: Connection, assignments: list[tuple[str, str]], concurrency: int) -> None:
    import aiohttp
    import socketio

    arrivals: list[tuple[int, int, float]] = []
    disconnects = 0
    failures: list[str] = []
    # One HTTP session for every socket of this process, unlimited: a watcher is one long WebSocket.
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE))
    clients: list[Any] = []
    gate = asyncio.Semaphore(concurrency)

    async def connect(url: str, token: str) -> None:
        nonlocal disconnects
        client = socketio.AsyncClient(reconnection=False, http_session=http, handle_sigint=False)

        @client.on("card.updated")
        def updated(data: dict[str, Any]) -> None:
            arrivals.append((data["number"], data["stamps_total"], time.monotonic()))

        @client.on("disconnect")
        def gone(*_: Any) -> None:
            nonlocal disconnects
            if not stopping:
                disconnects += 1

        async with gate:
            try:
                await client.connect(
                    url,
                    socketio_path="rt/socket.io",
                    auth={"card_token": token},
                    transports=["websocket"],
                    wait_timeout=30,
                )
                clients.append(client)
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")

    stopping = False
    await asyncio.gather(*(connect(url, token) for url, token in assignments))
    conn.send(("ready", len(clients), failures[:5], len(failures)))
    while True:
        command = await _recv(conn)
        if command[0] == "collect":
            conn.send(("arrivals", arrivals, disconnects))
            arrivals, disconnects = [], 0
        elif command[0] == "stop":
            stopping = True
            await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
            await http.close()
            conn.send(("stopped",))
            return


# -- tap --------------------------------------------------------------------------------------


def tap_main(conn: Connection, redis_url: str, channel: str) -> None:
    """Timestamps each `card.updated` as it is published to Redis: splits a scan's way to the
    customer into commit + relay (scan → Redis) and fan-out (Redis → watcher)."""
    _run(_tap, conn, redis_url, channel)


async def _tap(conn: Connection, redis_url: str, channel: str) -> None:
    import json

    from redis.asyncio import Redis

    arrivals: list[tuple[int, int, float]] = []
    redis = Redis.from_url(redis_url)
    pubsub = redis.pubsub()
    await pubsub.subscribe(channel)

    async def pump() -> None:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                event = json.loads(message["data"])
                if event.get("type") == "card.updated":
                    arrivals.append((event["number"], event["stamps_total"], time.monotonic()))

    pumping = asyncio.create_task(pump())
    conn.send(("ready", 1, [], 0))
    while True:
        command = await _recv(conn)
        if command[0] == "collect":
            conn.send(("arrivals", arrivals, 0))
            arrivals = []
        elif command[0] == "stop":
            pumping.cancel()
            await pubsub.aclose()
            await redis.aclose()
            conn.send(("stopped",))
            return


# -- driver -----------------------------------------------------------------------------------


def driver_main(
    conn: Connection, urls: list[str], api_keys: list[str], cards: list[tuple[int, str]], addresses: list[str]
) -> None:
    """Drive scans open-loop at a fixed rate: sends do not wait for earlier answers."""
    _run(_driver, conn, urls, api_keys, cards, addresses)


async def _driver(
    conn: Connection, urls: list[str], api_keys: list[str], cards: list[tuple[int, str]], addresses: list[str]
) -> None:
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=15)
    sessions = [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(local_addr=(a, 0), limit=0, keepalive_timeout=KEEPALIVE), timeout=timeout
        )
        for a in addresses
    ]
    # Several keys play several till integrations, each authenticating as itself.
    headers = [{"Authorization": f"Bearer {key}"} for key in api_keys]
    codes = dict(cards)
    # One scan in flight per card: the k-th answered scan of a card is its k-th stamp, so the
    # watcher's `stamps_total` names the scan it saw. A card whose scan failed is set aside.
    idle = collections.deque(number for number, _ in cards)
    totals = {number: 0 for number, _ in cards}
    conn.send(("ready",))

    while True:
        command = await _recv(conn)
        if command[0] == "stop":
            for session in sessions:
                await session.close()
            conn.send(("stopped",))
            return
        # A run may target other servers than the app's (the floor server).
        _, rate, duration, start_at, *elsewhere = command
        targets = elsewhere[0] if elsewhere else urls
        results: list[tuple] = []
        skipped = 0
        tasks: set[asyncio.Task] = set()

        async def scan(i: int, number: int, sent: float, results: list[tuple], targets: list[str]) -> None:
            session = sessions[i % len(sessions)]
            url = targets[i % len(targets)]
            body = {"code": codes[number], "idempotency_key": f"bench:{uuid.uuid4().hex}"}
            try:
                async with session.post(
                    f"{url}/api/v1/scans", json=body, headers=headers[i % len(headers)]
                ) as response:
                    status = response.status
                    payload = await response.json(content_type=None) if status == 200 else await response.text()
            except Exception as exc:
                results.append((number, None, sent, time.monotonic(), 0, type(exc).__name__))
                return
            done = time.monotonic()
            if status == 200 and payload.get("outcome") in ("stamped", "reward"):
                totals[number] += 1
                results.append((number, totals[number], sent, done, status, payload["outcome"]))
                idle.append(number)
            else:
                detail = payload.get("error") or payload.get("reason") if isinstance(payload, dict) else payload
                results.append((number, None, sent, done, status, str(detail)[:80]))

        total = int(rate * duration)
        while time.monotonic() < start_at:
            await asyncio.sleep(start_at - time.monotonic())
        for i in range(total):
            due = start_at + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if not idle:
                skipped += 1
                continue
            task = asyncio.create_task(scan(i, idle.popleft(), time.monotonic(), results, targets))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks)
        conn.send(("results", results, skipped, time.monotonic()))


# -- the bench's side of a peer ---------------------------------------------------------------


async def ask(conn: Connection, *command: Any, timeout: float = 600) -> tuple:
    """Send `command` to a peer (none: just wait until it reports ready) and await its answer."""
    if command:
        conn.send(command)
    loop = asyncio.get_running_loop()
    if not await loop.run_in_executor(None, conn.poll, timeout):
        raise TimeoutError(f"no answer to {command[:1] or 'ready'} within {timeout}s")
    return conn.recv()


async def stop_peers(peers: list[tuple[Any, Connection]], timeout: float = 30) -> None:
    """Ask every peer process to stop, then make sure it has."""
    for proc, conn in peers:
        if proc.is_alive():
            try:
                await ask(conn, "stop", timeout=timeout)
            except Exception:
                pass
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
