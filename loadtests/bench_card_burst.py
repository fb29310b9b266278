"""A crowd opens its card pages: N customers within a window while the tills scan.

    .venv/bin/python loadtests/bench_card_burst.py --database postgres://postgres@127.0.0.1:5432/test \\
        --redis redis://127.0.0.1:6379/0 --pages 2000 --window 60 --rate 50

starts the app itself (one web process + one RQ worker, a fresh database beside the PostgreSQL
URL given, a key prefix of its own on the Redis given; SQLite and an embedded Redis without),
issues the cards, and then, with every client in processes of its own (run with the machine's
real clock, like a browser):

1. connects `--bare` bare Socket.IO watchers (card rooms, nothing else): the floor of a live
   connection, in memory and in scan → arrival latency;
2. opens `--open-before` card pages and keeps them open: each page as its script works
   (GET /c/<token>, then a Socket.IO client in the card's room that fetches /c/<token>/state
   on connect and on every event);
3. opens `--pages` more card pages over `--window` seconds (arrivals spread at random) while a
   driver scans the already open pages' cards and the bare watchers' cards at `--rate`/s;

and prints: 5xx answers, live connections dropped among pages already open, scan → open page
(the page holds the new state) p50/p95/p99 beside scan → bare watcher, first byte of the page
p50/p95/p99 beside the first byte of a static file served by the same process, server RSS per
open page beside per bare watcher, and the bytes of a first load (compressed) and of a cached
reload. `--short` is the CI mode: a few seconds; the exit status says whether anything failed
(5xx, drops, lost states, crashed processes, ERROR logs), never whether it was fast enough.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import math
import multiprocessing
import os
import platform
import random
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import _recv, _run, ask, driver_main, stop_peers, watcher_main  # noqa: E402
from stack import KEEPALIVE, Stack, percentile, process_stats, source_addresses  # noqa: E402

CTX = multiprocessing.get_context("spawn")
ASSET = re.compile(r'(?:src|href)="(/pub/[^"]+)"')
DRAWN = re.compile(r'data-stamps="(?P<stamps>\d+)" data-v="(?P<v>[^"]+)"')
COALESCE = 0.015  # as static/card.js: one operation's events are drawn once


# -- the customers' pages ---------------------------------------------------------------------


def pages_main(conn: Any, url: str, cards: list[tuple[str, int]], static: str) -> None:
    """Open card pages as the page's script does and keep them open until told to stop."""
    _run(_pages, conn, url, cards, static)


async def _pages(conn: Any, url: str, cards: list[tuple[str, int]], static: str) -> None:
    import aiohttp
    import socketio

    # Page and state requests time out after 30 s; the sockets are long WebSockets on a
    # session without a total timeout, as the bare watchers'.
    timeout = aiohttp.ClientTimeout(total=30)
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE), timeout=timeout)
    sockets = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE))
    clients: list[Any] = []
    first_bytes: list[float] = []
    static_first_bytes: list[float] = []
    seen: list[tuple[int, int, float]] = []  # (card number, stamps the page shows, when)
    events: list[tuple[int, int, float]] = []  # (card number, stamps_total, event arrival)
    statuses: dict[str, int] = {}
    failures: list[str] = []
    drops = 0
    stopping = False

    def count(kind: str) -> None:
        statuses[kind] = statuses.get(kind, 0) + 1

    async def timed_get(path: str) -> tuple[int, float, bytes]:
        started = time.monotonic()
        async with http.get(f"{url}{path}", headers={"Accept-Encoding": "gzip"}) as response:
            first = time.monotonic() - started  # the answer's head has arrived
            return response.status, first, await response.read()

    async def open_page(token: str, number: int, with_static: bool) -> None:
        nonlocal drops
        try:
            status, first, body = await timed_get(f"/c/{token}")
        except Exception as exc:
            count(f"page {type(exc).__name__}")
            return
        first_bytes.append(first)
        if status != 200:
            count(f"page {status}")
            return
        if with_static:
            try:
                static_status, static_first, _ = await timed_get(static)
                if static_status == 200:
                    static_first_bytes.append(static_first)
                else:
                    count(f"static {static_status}")
            except Exception as exc:
                count(f"static {type(exc).__name__}")
        drawn = DRAWN.search(body.decode(errors="replace"))
        if drawn is None:
            count("page without a live card")
            return
        shown, version = int(drawn["stamps"]), drawn["v"]
        pending: asyncio.Task | None = None

        async def refresh() -> None:
            nonlocal shown, version, pending
            await asyncio.sleep(COALESCE)
            pending = None
            try:
                params = {"shown": str(shown), "v": version}
                async with http.get(f"{url}/c/{token}/state", params=params) as response:
                    if response.status != 200:
                        count(f"state {response.status}")
                        return
                    state = await response.json()
            except Exception as exc:
                count(f"state {type(exc).__name__}")
                return
            shown, version = state["stamps"], state["v"]
            # the total, not the stamps on the card: those start again at 0 after a full card
            seen.append((number, state["total"], time.monotonic()))

        def soon() -> None:
            nonlocal pending
            if pending is None:
                pending = asyncio.create_task(refresh())

        client = socketio.AsyncClient(reconnection=False, http_session=sockets, handle_sigint=False)

        @client.on("connect")
        def connected() -> None:
            soon()

        @client.on("card.updated")
        def updated(data: dict[str, Any]) -> None:
            events.append((data["number"], data["stamps_total"], time.monotonic()))
            soon()

        @client.on("*")
        def other(*_: Any) -> None:
            soon()

        @client.on("disconnect")
        def gone(*reason: Any) -> None:
            nonlocal drops
            if not stopping:
                drops += 1
                count(f"dropped ({reason[0] if reason else 'no reason'})")

        try:
            await client.connect(
                url, socketio_path="rt/socket.io", auth={"card_token": token}, transports=["websocket"], wait_timeout=30
            )
            clients.append(client)
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")

    conn.send(("ready",))
    while True:
        command = await _recv(conn)
        if command[0] == "open":
            _, start_at, offsets, static_every = command
            tasks = []
            for i, ((token, number), offset) in enumerate(zip(cards, offsets, strict=False)):
                delay = start_at + offset - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(open_page(token, number, i % static_every == 0)))
            await asyncio.gather(*tasks)
            conn.send(("opened", len(clients), failures[:5], len(failures)))
            cards = cards[len(offsets) :]
        elif command[0] == "collect":
            conn.send(("collected", first_bytes, static_first_bytes, seen, events, statuses, drops))
            first_bytes, static_first_bytes, seen, events, statuses, drops = [], [], [], [], {}, 0
        elif command[0] == "stop":
            stopping = True
            await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
            await http.close()
            await sockets.close()
            conn.send(("stopped",))
            return


# -- the bench --------------------------------------------------------------------------------


def ms(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0, "n": 0}
    return {
        "p50_ms": round(percentile(values, 0.50) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
        "n": len(values),
    }


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def real_clock() -> Any:
    """The clients stand for the customers' devices: they keep the machine's real clock when the
    run is under libfaketime (as tests/servers.py's `real_clock_env`)."""
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k == "LD_PRELOAD" or k.startswith("FAKETIME")}
    try:
        yield
    finally:
        os.environ.update(saved)


def spawn(target: Any, *args: Any) -> tuple[Any, Any]:
    parent, child = CTX.Pipe()
    with real_clock():
        proc = CTX.Process(target=target, args=(child, *args), daemon=True)
        proc.start()
    return proc, parent


class Burst:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stack = Stack(database=args.database, redis=args.redis, web=1, pool=args.pool)
        self.peers: dict[str, tuple[Any, Any]] = {}
        self.problems: list[str] = []

    def web_rss(self) -> int:
        return process_stats({"web": self.stack.processes["web1"].pid})["web"]["rss"]

    async def bytes_of_a_load(self, token: str) -> dict[str, int]:
        """Compressed bytes of a first load (page + every asset) and of a reload with a warm cache
        (the page again: its assets are immutable, so the browser does not ask)."""
        import aiohttp

        url = self.stack.urls[0]
        async with aiohttp.ClientSession(auto_decompress=False) as http:
            gz = {"Accept-Encoding": "gzip"}
            async with http.get(f"{url}/c/{token}", headers=gz) as response:
                page = await response.read()
                encoding = response.headers.get("Content-Encoding", "")
            html = gzip.decompress(page).decode() if encoding == "gzip" else page.decode()
            assets = sorted(set(ASSET.findall(html)))
            sizes = {}
            for path in assets:
                async with http.get(f"{url}{path}", headers=gz) as response:
                    sizes[path] = len(await response.read())
            async with http.get(f"{url}/c/{token}/state", headers=gz) as response:
                state = len(await response.read())
        return {
            "page_html": len(page),
            "page_html_uncompressed": len(html.encode()),
            "assets": sum(sizes.values()),
            "first_load": len(page) + sum(sizes.values()),
            "cached_reload": len(page),
            "live_state": state,
            "html_compressed_by_server": encoding == "gzip",
        }

    async def run(self) -> dict[str, Any]:
        args = self.args
        report: dict[str, Any] = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "pages": args.pages,
            "open_before": args.open_before,
            "bare_watchers": args.bare,
            "window_s": args.window,
            "rate": args.rate,
            "pool": args.pool,
        }
        started = time.monotonic()
        await asyncio.to_thread(self.stack.start)
        report["database"] = self.stack.kind
        url = self.stack.urls[0]
        log(f"stack up ({self.stack.kind}) in {time.monotonic() - started:.1f}s")
        total = args.bare + args.open_before + args.pages
        cards = await self.stack.issue_cards(total)
        await self.stack.analyze()
        log(f"{len(cards)} cards issued")
        bare, before, burst = (
            cards[: args.bare],
            cards[args.bare : args.bare + args.open_before],
            cards[args.bare + args.open_before :],
        )
        report["bytes"] = await self.bytes_of_a_load(burst[0]["token"])
        static = next(
            p for p in ASSET.findall(await asyncio.to_thread(_get, f"{url}/c/{burst[0]['token']}")) if "css" in p
        )

        # 1. bare watchers: the floor of a live connection
        rss0 = self.web_rss()
        if args.bare:
            self.peers["bare"] = spawn(watcher_main, [(url, c["token"]) for c in bare])
            _, ok, failures, failed = await ask(self.peers["bare"][1], timeout=300)
            if failed:
                self.problems.append(f"{failed} bare watchers could not connect, e.g. {failures}")
            await asyncio.sleep(2)
        rss1 = self.web_rss()
        report["bare_connected"] = args.bare and ok

        # 2. pages already open, spread over the page processes
        procs = max(1, min(args.page_procs, math.ceil((args.open_before + args.pages) / 250)))
        shares: list[list[tuple[str, int]]] = [[] for _ in range(procs)]
        before_counts = [0] * procs
        for i, card in enumerate(before):
            shares[i % procs].append((card["token"], card["number"]))
            before_counts[i % procs] += 1
        burst_offsets: list[list[float]] = [[] for _ in range(procs)]
        rng = random.Random(19)
        arrivals = sorted(rng.uniform(0, args.window) for _ in burst)
        for i, (card, offset) in enumerate(zip(burst, arrivals, strict=True)):
            shares[i % procs].append((card["token"], card["number"]))
            burst_offsets[i % procs].append(offset)
        for i in range(procs):
            self.peers[f"pages{i + 1}"] = spawn(pages_main, url, shares[i], static)
            await ask(self.peers[f"pages{i + 1}"][1], timeout=60)
        pages = [self.peers[f"pages{i + 1}"][1] for i in range(procs)]
        start_at = time.monotonic() + 0.5
        spread = max(1.0, args.open_before / 100)  # a calm arrival of the pages already open
        opened = await asyncio.gather(
            *(
                ask(conn, "open", start_at, [spread * k / max(1, n) for k in range(n)], args.static_every)
                for conn, n in zip(pages, before_counts, strict=True)
            )
        )
        open_before = sum(o[1] for o in opened)
        for o in opened:
            if o[3]:
                self.problems.append(f"{o[3]} pages could not connect before the burst, e.g. {o[2]}")
        await self._collect(pages)  # the pages' own first states: not part of the burst
        await asyncio.sleep(2)
        rss2 = self.web_rss()
        log(f"{open_before} pages open before the burst, {report['bare_connected']} bare watchers")

        # 3. the burst, with the tills scanning the open pages' and the bare watchers' cards
        scanned = [(c["number"], c["code"]) for c in [*before, *bare]]
        self.peers["driver"] = spawn(
            driver_main, [url], [self.stack.demo["api_key"]], scanned, source_addresses(args.rate)
        )
        await ask(self.peers["driver"][1], timeout=60)
        stats_before = process_stats({"web": self.stack.processes["web1"].pid})
        start_at = time.monotonic() + 1.0
        peak = 0
        driving = asyncio.create_task(ask(self.peers["driver"][1], "run", args.rate, args.window, start_at))
        opening = asyncio.gather(
            *(
                ask(conn, "open", start_at, offsets, args.static_every)
                for conn, offsets in zip(pages, burst_offsets, strict=True)
            )
        )
        sampling = True

        async def sample_rss() -> None:
            nonlocal peak
            while sampling:
                peak = max(peak, self.web_rss())
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample_rss())
        _, results, skipped, _ = await driving
        burst_opened = await opening
        sampling = False
        await sampler
        stats_after = process_stats({"web": self.stack.processes["web1"].pid})
        for o in burst_opened:
            if o[3]:
                self.problems.append(f"{o[3]} burst pages could not connect, e.g. {o[2]}")
        opened_total = sum(o[1] for o in burst_opened) - open_before  # the processes count all they hold
        await asyncio.sleep(3)  # late states still count (as slow ones)
        first_bytes, static_first_bytes, seen, events, statuses, drops = await self._collect(pages)
        bare_arrivals, bare_drops = [], 0
        if "bare" in self.peers:
            _, bare_arrivals, bare_drops = await ask(self.peers["bare"][1], "collect")
        await asyncio.sleep(2)
        rss3 = self.web_rss()

        # scan → the page shows it: the first state of that card with at least that many stamps in all
        answered = [(r[0], r[1], r[2]) for r in results if r[1] is not None]
        shown: dict[int, list[tuple[int, float]]] = {}
        for number, stamps, at in seen:
            shown.setdefault(number, []).append((stamps, at))
        page_numbers = {c["number"] for c in before}
        page_latency, lost = [], 0
        event_latency = []
        event_at = {}
        for number, total_, at in events:
            event_at.setdefault((number, total_), at)
        for number, k, sent in answered:
            if number not in page_numbers:
                continue
            after = [at for stamps, at in shown.get(number, []) if stamps >= k and at >= sent]
            if after:
                page_latency.append(min(after) - sent)
            else:
                lost += 1
            if (number, k) in event_at:
                event_latency.append(event_at[(number, k)] - sent)
        bare_at = {(n, t): at for n, t, at in bare_arrivals}
        bare_latency = [bare_at[(n, k)] - sent for n, k, sent in answered if (n, k) in bare_at]
        errors = {k: v for k, v in statuses.items()}
        failed_scans = [r for r in results if r[1] is None]
        five_xx = sum(v for k, v in statuses.items() if re.match(r"\w+ 5\d\d$", k)) + sum(
            1 for r in failed_scans if isinstance(r[4], int) and r[4] >= 500
        )
        open_pages = open_before + opened_total
        wall = max(stats_after["_wall"] - stats_before["_wall"], 1e-9)
        report.update(
            {
                "open_before_connected": open_before,
                "burst_connected": opened_total,
                "open_pages_at_end": open_pages,
                "five_xx": five_xx,
                "page_errors": errors,
                "scan_errors": len(failed_scans) + skipped,
                "scans_answered": len(answered),
                "dropped_open_pages": drops,
                "dropped_bare_watchers": bare_drops,
                "lost_states": lost,
                "scan_to_open_page": ms(page_latency),
                "scan_to_page_event": ms(event_latency),
                "scan_to_bare_watcher": ms(bare_latency),
                "first_byte_page": ms(first_bytes),
                "first_byte_static": ms(static_first_bytes),
                "web_cpu_percent_during_burst": round(
                    100 * (stats_after["web"]["cpu"] - stats_before["web"]["cpu"]) / wall, 1
                ),
                "rss_mb": {
                    "start": round(rss0 / 2**20, 1),
                    "bare_watchers": round(rss1 / 2**20, 1),
                    "pages_open_before": round(rss2 / 2**20, 1),
                    "peak_during_burst": round(peak / 2**20, 1),
                    "end": round(rss3 / 2**20, 1),
                },
                "kb_per_bare_watcher": round((rss1 - rss0) / 1024 / max(1, args.bare), 1) if args.bare else None,
                "kb_per_open_page": round((rss3 - rss1) / 1024 / max(1, open_pages), 1),
            }
        )
        if five_xx:
            self.problems.append(f"{five_xx} answers were 5xx: {errors}")
        if errors:
            self.problems.append(f"page or state errors: {errors}")
        if failed_scans or skipped:
            self.problems.append(f"{len(failed_scans)} scans failed, {skipped} not sent")
        if drops or bare_drops:
            self.problems.append(f"{drops} open pages and {bare_drops} bare watchers lost their connection")
        if lost:
            self.problems.append(f"{lost} scans never showed on their open page")
        if open_pages < args.open_before + args.pages:
            self.problems.append(f"only {open_pages} of {args.open_before + args.pages} pages opened and connected")
        if crashed := self.stack.crashed():
            self.problems.append(f"processes exited: {crashed}")
        if logged := self.stack.error_lines():
            self.problems.append(f"{len(logged)} ERROR lines in the app logs, e.g. {logged[:3]}")
        report["problems"] = self.problems
        return report

    async def _collect(self, pages: list[Any]) -> tuple:
        first_bytes, static_first_bytes, seen, events, statuses, drops = [], [], [], [], {}, 0
        for conn in pages:
            _, fb, sfb, s, e, st, d = await ask(conn, "collect")
            first_bytes += fb
            static_first_bytes += sfb
            seen += s
            events += e
            for k, v in st.items():
                statuses[k] = statuses.get(k, 0) + v
            drops += d
        return first_bytes, static_first_bytes, seen, events, statuses, drops

    async def teardown(self) -> None:
        await stop_peers(list(self.peers.values()), timeout=60)
        await asyncio.to_thread(self.stack.stop)


def _get(url: str) -> str:
    import httpx

    return httpx.get(url, timeout=30).text


def print_report(r: dict[str, Any]) -> None:
    b, rss = r["bytes"], r["rss_mb"]

    def line(name: str, s: dict[str, float]) -> str:
        figures = f"p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms  p99 {s['p99_ms']} ms  max {s['max_ms']} ms"
        return f"   {name:<22} {figures}  (n={s['n']})"

    print(
        f"\n== {r['pages']} card pages opened within {r['window_s']:.0f}s, tills scanning {r['rate']:.0f}/s "
        f"({r['database']}, one web process)\n"
        f"   pages open before the burst {r['open_before_connected']}, opened in the burst {r['burst_connected']}, "
        f"bare watchers {r['bare_connected']}\n"
        f"   5xx {r['five_xx']}   dropped among open pages {r['dropped_open_pages']}   "
        f"dropped bare watchers {r['dropped_bare_watchers']}   scans answered {r['scans_answered']}, "
        f"failed {r['scan_errors']}, never shown {r['lost_states']}\n"
        + line("scan → open page", r["scan_to_open_page"])
        + "\n"
        + line("scan → page's event", r["scan_to_page_event"])
        + "\n"
        + line("scan → bare watcher", r["scan_to_bare_watcher"])
        + "   (floor)\n"
        + line("first byte: card page", r["first_byte_page"])
        + "\n"
        + line("first byte: static", r["first_byte_static"])
        + "   (floor)\n"
        f"   server RSS: {rss['start']} MB → {rss['bare_watchers']} MB with the bare watchers → "
        f"{rss['pages_open_before']} MB with the first pages → peak {rss['peak_during_burst']} MB → "
        f"{rss['end']} MB with {r['open_pages_at_end']} pages open\n"
        f"   per open page {r['kb_per_open_page']} KB   per bare watcher {r['kb_per_bare_watcher']} KB (floor)\n"
        f"   web CPU during the burst {r['web_cpu_percent_during_burst']} %\n"
        f"   bytes: first load {b['first_load']} (page {b['page_html']} of {b['page_html_uncompressed']} + assets "
        f"{b['assets']}), cached reload {b['cached_reload']}, a live update {b['live_state']} (compressed)",
        flush=True,
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database", default=os.environ.get("DATABASE_URL") or None, help="PostgreSQL server URL")
    p.add_argument("--redis", default=os.environ.get("REDIS_URL") or None, help="Redis URL")
    p.add_argument("--pages", type=int, default=2000, help="card pages opened during the window")
    p.add_argument("--window", type=float, default=60, help="seconds over which they open")
    p.add_argument("--open-before", type=int, default=200, help="pages already open when the burst starts")
    p.add_argument("--bare", type=int, default=200, help="bare Socket.IO watchers (the floor)")
    p.add_argument("--rate", type=float, default=50, help="scans per second during the window")
    p.add_argument("--page-procs", type=int, default=4, help="client processes holding the pages")
    p.add_argument("--static-every", type=int, default=10, help="every n-th page also fetches a static file")
    p.add_argument(
        "--pool", type=int, default=20, help="PostgreSQL pool size of the web process (tortoise defaults to 5)"
    )
    p.add_argument("--json", type=Path)
    p.add_argument("--short", action="store_true", help="CI mode: 40 pages in 4 s, 10 scans/s")
    args = p.parse_args(argv)
    if args.database and not args.database.startswith(("postgres://", "postgresql://")):
        args.database = None
    if args.short:
        args.pages, args.window, args.open_before, args.bare, args.rate = 40, 4.0, 10, 10, 10.0
        args.static_every = 4
    return args


async def amain(args: argparse.Namespace) -> int:
    bench = Burst(args)
    try:
        report = await bench.run()
    finally:
        await bench.teardown()
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    for problem in report["problems"]:
        print(f"PROBLEM: {problem}", flush=True)
    return 1 if report["problems"] else 0


def main(argv: list[str] | None = None) -> None:
    sys.exit(asyncio.run(amain(parse(argv))))


if __name__ == "__main__":
    main()
