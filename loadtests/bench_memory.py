"""Memory per connected customer: a NiceGUI card page client and a Socket.IO watcher.

    .venv/bin/python loadtests/bench_memory.py --database postgres://postgres@127.0.0.1:5432/test \\
        --redis redis://127.0.0.1:6379/0 --clients 1000

starts two web processes of its own: the first serves N card pages `/c/<token>`, each kept
live by its NiceGUI socket (`/_nicegui_ws/socket.io`, with the client id from the page, as
the browser's script does); the second holds N Socket.IO watchers in card rooms
(`/rt/socket.io`). It prints each server's RSS before and after, and the difference per
client. Clients run in processes of their own. `--short` is a quick check (20 of each).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import multiprocessing
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import _recv, _run, watcher_main  # noqa: E402
from stack import KEEPALIVE, Stack  # noqa: E402

CTX = multiprocessing.get_context("spawn")
QUERY = re.compile(r"query:\s*(\{.*?\}),\s*\n")  # a Python dict literal in the page template


def pages_main(conn: Any, url: str, tokens: list[str], concurrency: int = 8) -> None:
    """Open the card page of each token and keep it live with its NiceGUI socket."""
    _run(_pages, conn, url, tokens, concurrency)


async def _pages(conn: Any, url: str, tokens: list[str], concurrency: int) -> None:
    import aiohttp
    import socketio

    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE))
    clients: list[Any] = []
    failures: list[str] = []
    html_bytes: list[int] = []
    gate = asyncio.Semaphore(concurrency)

    async def open_page(token: str) -> None:
        async with gate:
            try:
                async with http.get(f"{url}/c/{token}") as response:
                    html = await response.text()
                    if response.status != 200:
                        raise RuntimeError(f"page answered {response.status}")
                found = QUERY.search(html)
                if not found:
                    raise RuntimeError("no socket query in the page")
                query = ast.literal_eval(found.group(1))
                query.update(document_id=str(uuid.uuid4()), tab_id=str(uuid.uuid4()))
                query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in query.items()}
                client = socketio.AsyncClient(reconnection=False, http_session=http, handle_sigint=False)
                await client.connect(
                    f"{url}?{urlencode(query)}",
                    socketio_path="_nicegui_ws/socket.io",
                    transports=["websocket"],
                    wait_timeout=30,
                )
                clients.append(client)
                html_bytes.append(len(html))
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")

    await asyncio.gather(*(open_page(t) for t in tokens))
    conn.send(("ready", len(clients), failures[:5], len(failures)))
    while True:
        command = await _recv(conn)
        if command[0] == "count":
            conn.send(("count", sum(1 for c in clients if c.connected), sum(html_bytes) / max(1, len(html_bytes))))
        elif command[0] == "stop":
            await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
            await http.close()
            conn.send(("stopped",))
            return


def rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def spawn(target: Any, *args: Any) -> tuple[Any, Any]:
    parent, child = CTX.Pipe()
    proc = CTX.Process(target=target, args=(child, *args), daemon=True)
    proc.start()
    return proc, parent


async def answer(conn: Any, timeout: float = 900) -> tuple:
    ready = await asyncio.get_running_loop().run_in_executor(None, conn.poll, timeout)
    if not ready:
        raise TimeoutError("a client process did not answer")
    return conn.recv()


async def stop(peers: list[tuple[Any, Any]]) -> None:
    for proc, conn in peers:
        if proc.is_alive():
            conn.send(("stop",))
            try:
                await answer(conn, 60)
            except Exception:
                pass
            proc.join(10)
            if proc.is_alive():
                proc.kill()


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    stack = Stack(database=args.database, redis=args.redis, web=2, worker=False)
    peers: list[tuple[Any, Any]] = []
    problems: list[str] = []
    try:
        await asyncio.to_thread(stack.start)
        pages_url, sockets_url = stack.urls
        pages_pid, sockets_pid = stack.processes["web1"].pid, stack.processes["web2"].pid
        cards = await stack.issue_cards(args.clients + args.warmup)
        warm, measured = cards[: args.warmup], cards[args.warmup :]
        # Warm both servers first (lazy imports, first page render, pools), then take the baseline.
        peers.append(spawn(pages_main, pages_url, [c["token"] for c in warm]))
        peers.append(spawn(watcher_main, [(sockets_url, c["token"]) for c in warm]))
        for _, conn in peers:
            await answer(conn)
        await asyncio.sleep(args.settle)
        before = {"pages": rss_mb(pages_pid), "sockets": rss_mb(sockets_pid)}
        started = time.monotonic()
        pages = spawn(pages_main, pages_url, [c["token"] for c in measured])
        watchers = spawn(watcher_main, [(sockets_url, c["token"]) for c in measured])
        peers += [pages, watchers]
        _, page_clients, page_failures, page_failed = await answer(pages[1])
        _, watcher_clients, watcher_failures, watcher_failed = await answer(watchers[1])
        opened_in = time.monotonic() - started
        pages[1].send(("count",))
        _, live_when_opened, html = await answer(pages[1])
        # RSS right after the last client connected: pages whose socket later drops are freed
        # by NiceGUI a few seconds on, but RSS keeps what the allocator took.
        after = {"pages": rss_mb(pages_pid), "sockets": rss_mb(sockets_pid)}
        await asyncio.sleep(args.settle)
        pages[1].send(("count",))
        _, still_live, html = await answer(pages[1])
        if page_failed:
            problems.append(f"{page_failed} card pages failed, e.g. {page_failures}")
        if watcher_failed:
            problems.append(f"{watcher_failed} watchers failed, e.g. {watcher_failures}")
        if live_when_opened < page_clients:
            problems.append(f"{page_clients - live_when_opened} card page sockets dropped while the others opened")
        if still_live < live_when_opened:
            problems.append(f"{live_when_opened - still_live} card page sockets dropped while settling")
        if stack.crashed():
            problems.append(f"processes exited: {stack.crashed()}")
        if stack.error_lines():
            problems.append(f"ERROR lines in the app logs, e.g. {stack.error_lines()[:3]}")
        return {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "database": stack.kind,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "opened_in_s": round(opened_in, 1),
            "nicegui_card_pages": {
                "clients": page_clients,
                "live_when_all_opened": live_when_opened,
                "live_after_settling": still_live,
                "rss_before_mb": round(before["pages"], 1),
                "rss_after_mb": round(after["pages"], 1),
                "kb_per_client": round((after["pages"] - before["pages"]) * 1024 / max(1, page_clients), 1),
                "page_html_kb": round(html / 1024, 1),
            },
            "socketio_watchers": {
                "clients": watcher_clients,
                "rss_before_mb": round(before["sockets"], 1),
                "rss_after_mb": round(after["sockets"], 1),
                "kb_per_client": round((after["sockets"] - before["sockets"]) * 1024 / max(1, watcher_clients), 1),
            },
            "problems": problems,
        }
    finally:
        await stop(peers)
        await asyncio.to_thread(stack.stop)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database", default=os.environ.get("DATABASE_URL") or None)
    p.add_argument("--redis", default=os.environ.get("REDIS_URL") or None)
    p.add_argument("--clients", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--settle", type=float, default=5.0)
    p.add_argument("--json", type=Path)
    p.add_argument("--short", action="store_true")
    args = p.parse_args(argv)
    if args.database and not args.database.startswith(("postgres://", "postgresql://")):
        args.database = None
    if args.short:
        args.clients, args.warmup, args.settle = 20, 5, 1.0
    report = asyncio.run(measure(args))
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    sys.exit(1 if report["problems"] else 0)


if __name__ == "__main__":
    main()
