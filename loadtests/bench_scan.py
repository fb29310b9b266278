"""The scan-path benchmark: scans per second, and how long a stamp takes to reach the customer.

    .venv/bin/python loadtests/bench_scan.py --database postgres://postgres@127.0.0.1:5432/test \\
        --redis redis://127.0.0.1:6379/0 --web 1 --watchers 2000 --rate 500 --duration 30

starts the app itself (web processes + one RQ worker; a fresh database beside the PostgreSQL
URL given and a key prefix of its own on the Redis given, or SQLite and an embedded Redis when
none is given), issues one card per watcher, connects the watchers (Socket.IO clients in the
cards' rooms, spread over the web processes, in processes of their own), drives scans at a
fixed rate from another process over the REST API, and prints:

- scans/s sustained, errors, and the API answer time;
- scan → watcher latency p50 / p95 / p99, measured at the watcher (send time in the driver
  process, `card.updated` arrival in the watcher process; one system-wide monotonic clock),
  and scan → Redis (a tap on the event channel), which splits commit + relay from the fan-out;
- the floor, measured in the same run against the same database and Redis: one bare
  transaction (an UPDATE) plus one Redis PUBLISH received by a SUBSCRIBE, and our p50 / floor p50;
- CPU and RSS per process;
- a floor server (floor_server.py: the scan's own statements and publishes on
  raw asyncpg and redis-py under bare ASGI) driven for one step at the first step's rate, and
  web CPU per scan ours / floor.

`--step` raises the rate until p99 passes `--p99-limit` (100 ms) and reports the ceiling.
`--short` is the CI mode: a few seconds, and the exit status says whether anything failed
(errors, lost events, crashed processes, ERROR logs) — never whether it was fast enough.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import ask, driver_main, stop_peers, tap_main, watcher_main  # noqa: E402
from stack import Stack, percentile, process_stats, source_addresses, stats_delta  # noqa: E402

CTX = multiprocessing.get_context("spawn")
WATCHERS_PER_PROCESS = 1000


# -- the floor --------------------------------------------------------------------------------


class Floor:
    """One bare transaction (an UPDATE of one card row) + one PUBLISH received by a SUBSCRIBE."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.channel = f"{stack.prefix}:floor"

    async def __aenter__(self) -> Floor:
        from redis.asyncio import Redis

        url = self.stack.database_url.split("?", 1)[0]
        if url.startswith("postgres"):
            import asyncpg

            self.pg = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
            self.sqlite = None
            self.card_id = await self.pg.fetchval("SELECT min(id) FROM card")
        else:
            import aiosqlite

            self.pg = None
            self.sqlite = await aiosqlite.connect(url.removeprefix("sqlite://"), isolation_level=None)
            async with self.sqlite.execute("SELECT min(id) FROM card") as cur:
                self.card_id = (await cur.fetchone())[0]
        self.redis = Redis.from_url(self.stack.redis_url)
        self.pubsub = self.redis.pubsub()
        await self.pubsub.subscribe(self.channel)
        await self.pubsub.get_message(timeout=1)  # the subscribe confirmation
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.pubsub.aclose()
        await self.redis.aclose()
        if self.pg:
            await self.pg.close()
        if self.sqlite:
            await self.sqlite.close()

    async def once(self, i: int) -> float:
        started = time.monotonic()
        if self.pg:
            async with self.pg.transaction():
                await self.pg.execute("UPDATE card SET stamps = stamps WHERE id = $1", self.card_id)
        else:
            await self.sqlite.execute("BEGIN IMMEDIATE")
            await self.sqlite.execute("UPDATE card SET stamps = stamps WHERE id = ?", (self.card_id,))
            await self.sqlite.execute("COMMIT")
        await self.redis.publish(self.channel, str(i))
        while True:
            message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if message is None:
                raise RuntimeError("floor: the published message never arrived")
            if message["data"] == str(i).encode():
                return time.monotonic() - started

    async def sample(self, count: int, spacing: float) -> list[float]:
        out = []
        for i in range(count):
            out.append(await self.once(i))
            await asyncio.sleep(spacing)
        return out

    async def sample_until(self, stop: asyncio.Event, spacing: float) -> list[float]:
        out = []
        i = 0
        while not stop.is_set():
            i += 1
            out.append(await self.once(i))
            await asyncio.sleep(spacing)
        return out


# -- the run ----------------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def summarise(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": ms(percentile(values, 0.50)),
        "p95_ms": ms(percentile(values, 0.95)),
        "p99_ms": ms(percentile(values, 0.99)),
        "max_ms": ms(max(values)) if values else float("nan"),
    }


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stack = Stack(database=args.database, redis=args.redis, web=args.web, pool=args.pool)
        self.watcher_procs: list[tuple[Any, Any]] = []
        self.tap: tuple[Any, Any] | None = None
        self.driver: tuple[Any, Any] | None = None
        self.errors: list[str] = []
        self.floor_url: str | None = None

    def pids(self) -> dict[str, int]:
        out = {name: proc.pid for name, proc in self.stack.processes.items()}
        if self.driver:
            out["driver"] = self.driver[0].pid
        for i, (proc, _) in enumerate(self.watcher_procs):
            out[f"watchers{i + 1}"] = proc.pid
        return out

    async def setup(self) -> None:
        args = self.args
        started = time.monotonic()
        await asyncio.to_thread(self.stack.start)
        log(f"stack up ({self.stack.kind}, {len(self.stack.urls)} web) in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        self.cards = await self.stack.issue_cards(max(args.watchers, args.cards))
        log(f"{len(self.cards)} cards issued in {time.monotonic() - started:.1f}s")
        await self.stack.analyze()
        self.api_keys = [self.stack.demo["api_key"]]
        for _ in range(args.api_keys - 1):
            self.api_keys.append(await asyncio.to_thread(self.stack.new_api_key))
        if args.floor_duration >= 0:
            self.floor_url = await asyncio.to_thread(self.stack.start_floor, self.api_keys)
        started = time.monotonic()
        urls = self.stack.urls
        assignments = [(urls[i % len(urls)], card["token"]) for i, card in enumerate(self.cards[: args.watchers])]
        per = max(1, math.ceil(len(assignments) / max(1, math.ceil(len(assignments) / WATCHERS_PER_PROCESS))))
        for i in range(0, len(assignments), per):
            parent, child = CTX.Pipe()
            proc = CTX.Process(target=watcher_main, args=(child, assignments[i : i + per]), daemon=True)
            proc.start()
            self.watcher_procs.append((proc, parent))
        connected = 0
        for _, conn in self.watcher_procs:
            _, ok, failures, failed = await ask(conn, timeout=300)
            connected += ok
            if failed:
                self.errors.append(f"{failed} watchers could not connect, e.g. {failures}")
        self.connected = connected
        log(f"{connected} watchers connected in {time.monotonic() - started:.1f}s")
        parent, child = CTX.Pipe()
        channel = f"{self.stack.prefix}:events"
        self.tap = (CTX.Process(target=tap_main, args=(child, self.stack.redis_url, channel), daemon=True), parent)
        self.tap[0].start()
        await ask(parent, timeout=60)
        parent, child = CTX.Pipe()
        max_rate = args.rate * (args.step_factor**args.max_steps if args.step else 1)
        proc = CTX.Process(
            target=driver_main,
            args=(
                child,
                urls,
                self.api_keys,
                [(c["number"], c["code"]) for c in self.cards],
                source_addresses(max_rate),
            ),
            daemon=True,
        )
        proc.start()
        self.driver = (proc, parent)
        await ask(parent, timeout=120)

    async def teardown(self) -> None:
        peers = [*self.watcher_procs, *([self.driver] if self.driver else []), *([self.tap] if self.tap else [])]
        await stop_peers(peers)
        await asyncio.to_thread(self.stack.stop)

    async def floor(self) -> dict[str, float]:
        async with Floor(self.stack) as floor:
            samples = await floor.sample(self.args.floor_samples, 0.005)
        return summarise(samples)

    async def step(self, rate: float, duration: float) -> dict[str, Any]:
        """Drive `rate` scans/s for `duration` s; measure at the watchers."""
        driver = self.driver[1]
        services_before = service_cpu()
        before = process_stats(self.pids())
        start_at = time.monotonic() + 0.5
        stop_floor = asyncio.Event()
        async with Floor(self.stack) as floor:
            floor_task = asyncio.create_task(floor.sample_until(stop_floor, 0.05))
            _, results, skipped, finished = await ask(driver, "run", rate, duration, start_at, timeout=duration + 120)
            stop_floor.set()
            floor_under_load = await floor_task
        after = process_stats(self.pids())
        services = {
            name: round(100 * seconds / max(after["_wall"] - before["_wall"], 1e-9), 1)
            for name, seconds in service_cpu(services_before).items()
        }
        # Late events still count (as slow ones); wait until every answered scan arrived or 5 s.
        wanted = {(r[0], r[1]): r[2] for r in results if r[1] is not None}
        arrivals: dict[tuple[int, int], float] = {}
        disconnects = 0
        deadline = time.monotonic() + 5
        while True:
            for _, conn in self.watcher_procs:
                _, got, lost_sockets = await ask(conn, "collect")
                disconnects += lost_sockets
                for number, total, at in got:
                    arrivals.setdefault((number, total), at)
            if all(key in arrivals for key in wanted) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.25)
        published: dict[tuple[int, int], float] = {}
        if self.tap:
            _, got, _ = await ask(self.tap[1], "collect")
            for number, total, at in got:
                published.setdefault((number, total), at)
        watched = {c["number"] for c in self.cards[: self.args.watchers]}
        latencies = [arrivals[key] - sent for key, sent in wanted.items() if key in arrivals]
        lost = [key for key in wanted if key not in arrivals and key[0] in watched]
        answered = tally(rate, duration, results, skipped, start_at)
        if lost:
            answered["errors"]["event never reached the watcher"] = len(lost)
            answered["error_count"] += len(lost)
        ok = [r for r in results if r[1] is not None]
        return {
            **answered,
            "socket_disconnects": disconnects,
            "watcher": summarise(latencies),
            "published": summarise([published[key] - sent for key, sent in wanted.items() if key in published]),
            "watcher_samples": len(latencies),
            "floor_under_load": summarise(floor_under_load),
            "processes": (procs := stats_delta(before, after)),
            # CPU time per answered scan in the web processes: comparable between runs even when
            # other work shares the machine, unlike the wall-clock figures.
            "web_cpu_ms_per_scan": round(
                sum(p["cpu_percent"] for n, p in procs.items() if n.startswith("web"))
                / 100
                * (after["_wall"] - before["_wall"])
                * 1000
                / max(1, len(ok)),
                2,
            ),
            "machine_cpu_percent": None,
            # Machine-wide: every PostgreSQL and Redis process, whoever they serve.
            "services_cpu_percent": services,
        }

    async def floor_step(self, rate: float, duration: float, ours: dict[str, Any]) -> dict[str, Any]:
        """Drive the floor server at `rate` scans/s for `duration` s; its CPU per answered scan
        beside ours (`ours`: the app's step at the same rate)."""
        pids = {"floor": self.stack.processes["floor"].pid}
        before = process_stats(pids)
        start_at = time.monotonic() + 0.5
        command = ("run", rate, duration, start_at, [self.floor_url])
        _, results, skipped, _ = await ask(self.driver[1], *command, timeout=duration + 120)
        after = process_stats(pids)
        out = tally(rate, duration, results, skipped, start_at)
        seconds = (after["floor"]["cpu"] - before["floor"]["cpu"]) * 1000
        out["web_cpu_ms_per_scan"] = round(seconds / max(1, out["ok"]), 2)
        out["ours"] = {k: ours[k] for k in ("scans_per_s", "api", "web_cpu_ms_per_scan")}
        out["cpu_ratio"] = round(ours["web_cpu_ms_per_scan"] / max(out["web_cpu_ms_per_scan"], 1e-9), 2)
        return out

    async def run(self) -> dict[str, Any]:
        import psutil

        args = self.args
        report: dict[str, Any] = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
            "database": None,
            "web_processes": args.web,
            "watchers": args.watchers,
            "api_keys": args.api_keys,
            "steps": [],
        }
        await self.setup()
        report["database"] = self.stack.kind
        report["watchers_connected"] = self.connected
        if args.warmup:
            log(f"warm-up: {args.warmup:.0f}s at {max(5.0, args.rate / 4):.0f} scans/s")
            await self.step(max(5.0, args.rate / 4), args.warmup)
        report["floor"] = await self.floor()
        log(f"floor (idle): p50 {report['floor']['p50_ms']} ms, p99 {report['floor']['p99_ms']} ms")
        rate = args.rate
        for _ in range(args.max_steps if args.step else 1):
            psutil.cpu_percent()
            result = await self.step(rate, args.duration)
            result["machine_cpu_percent"] = psutil.cpu_percent()
            result["ratio_to_floor"] = round(result["watcher"]["p50_ms"] / report["floor"]["p50_ms"], 1)
            report["steps"].append(result)
            print_step(result, report["floor"])
            if self.floor_url and "floor_server" not in report:
                report["floor_server"] = await self.floor_step(rate, args.floor_duration or args.duration, result)
                print_floor_server(report["floor_server"])
            if not args.step:
                break
            if not keeps_up(result):
                break
            if result["watcher"]["p99_ms"] > args.p99_limit and not args.past_limit:
                break
            rate = round(rate * args.step_factor)
        if args.step:
            within = [s for s in report["steps"] if keeps_up(s) and s["watcher"]["p99_ms"] <= args.p99_limit]
            best = max(within, key=lambda s: s["scans_per_s"], default=None)
            report["ceiling_scans_per_s"] = best["scans_per_s"] if best else 0
            report["ceiling_rate"] = best["rate"] if best else 0
            most = max((s for s in report["steps"] if keeps_up(s)), key=lambda s: s["scans_per_s"], default=None)
            report["throughput_ceiling_scans_per_s"] = most["scans_per_s"] if most else 0
            log(
                f"ceiling: {report['ceiling_scans_per_s']} scans/s sustained with p99 ≤ {args.p99_limit:.0f} ms "
                f"(target rate {report['ceiling_rate']}); most sustained without errors: "
                f"{report['throughput_ceiling_scans_per_s']} scans/s"
            )
        crashed = self.stack.crashed()
        if crashed:
            self.errors.append(f"processes exited: {crashed}")
        logged = self.stack.error_lines()
        if logged:
            self.errors.append(f"{len(logged)} ERROR lines in the app logs, e.g. {logged[:3]}")
        report["problems"] = self.errors
        return report


def service_cpu(since: dict[str, Any] | None = None) -> dict[str, Any]:
    """CPU seconds of the machine's PostgreSQL and Redis processes; with `since`, the deltas."""
    import psutil

    now: dict[str, dict[int, float]] = {"postgres": {}, "redis": {}}
    for proc in psutil.process_iter(["name", "cpu_times"]):
        name = proc.info["name"] or ""
        kind = "postgres" if name.startswith("postgres") else "redis" if name.startswith("redis") else None
        if kind and proc.info["cpu_times"]:
            now[kind][proc.pid] = proc.info["cpu_times"].user + proc.info["cpu_times"].system
    if since is None:
        return now
    return {kind: sum(t - since[kind].get(pid, t) for pid, t in now[kind].items()) for kind in now}


def tally(rate: float, duration: float, results: list[tuple], skipped: int, start_at: float) -> dict[str, Any]:
    """The driver's answers: throughput, API time and errors."""
    ok = [r for r in results if r[1] is not None]
    first = min((r[2] for r in results), default=start_at)
    last = max((r[3] for r in ok), default=first)
    errors: dict[str, int] = {}
    for r in results:
        if r[1] is None:
            key = f"{r[4]} {r[5]}"
            errors[key] = errors.get(key, 0) + 1
    if skipped:
        errors["no idle card (driver backlog)"] = skipped
    return {
        "rate": rate,
        "duration_s": duration,
        "sent": len(results),
        "ok": len(ok),
        "rewards": sum(1 for r in ok if r[5] == "reward"),
        "scans_per_s": round(len(ok) / max(last - first, 1e-9), 1),
        "errors": errors,
        "error_count": sum(errors.values()),
        "api": summarise([r[3] - r[2] for r in ok]),
    }


def keeps_up(s: dict[str, Any]) -> bool:
    """The app took the offered rate: at least 90 % answered in time, at most 1 % errors."""
    return (
        bool(s["watcher_samples"])
        and s["error_count"] <= 0.01 * max(1, s["sent"])
        and (s["scans_per_s"] >= 0.9 * s["rate"])
    )


def print_step(s: dict[str, Any], floor: dict[str, float]) -> None:
    w, a, r, fl = s["watcher"], s["api"], s["published"], s["floor_under_load"]
    print(
        f"\n== {s['rate']:.0f} scans/s target for {s['duration_s']:.0f}s: {s['scans_per_s']} scans/s sustained, "
        f"{s['ok']} ok ({s['rewards']} rewards), {s['error_count']} errors {s['errors'] or ''}\n"
        f"   scan → watcher  p50 {w['p50_ms']} ms  p95 {w['p95_ms']} ms  p99 {w['p99_ms']} ms  "
        f"max {w['max_ms']} ms  ({s['watcher_samples']} events)\n"
        f"   API answer      p50 {a['p50_ms']} ms  p95 {a['p95_ms']} ms  p99 {a['p99_ms']} ms\n"
        f"   scan → Redis    p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  p99 {r['p99_ms']} ms  (commit + relay)\n"
        f"   floor (idle)    p50 {floor['p50_ms']} ms  p99 {floor['p99_ms']} ms   ours/floor p50 = "
        f"{s.get('ratio_to_floor')}×\n"
        f"   floor (loaded)  p50 {fl['p50_ms']} ms  p99 {fl['p99_ms']} ms\n"
        f"   machine CPU {s.get('machine_cpu_percent')}%   web CPU per scan {s['web_cpu_ms_per_scan']} ms",
        flush=True,
    )
    services = "  ".join(f"{k} {v}%" for k, v in s.get("services_cpu_percent", {}).items())
    print(f"   services (machine-wide)  {services}", flush=True)
    for name, p in s["processes"].items():
        print(f"   {name:<10} CPU {p['cpu_percent']:6.1f}%   RSS {p['rss_mb']:7.1f} MB", flush=True)


def print_floor_server(f: dict[str, Any]) -> None:
    ours, a, oa = f["ours"], f["api"], f["ours"]["api"]
    print(
        f"\n== floor server at {f['rate']:.0f} scans/s for {f['duration_s']:.0f}s: {f['scans_per_s']} scans/s "
        f"sustained, {f['ok']} ok ({f['rewards']} rewards), {f['error_count']} errors {f['errors'] or ''}\n"
        f"   ours   {ours['scans_per_s']:>7} scans/s  API p50 {oa['p50_ms']} ms  p99 {oa['p99_ms']} ms  "
        f"web CPU per scan {ours['web_cpu_ms_per_scan']} ms\n"
        f"   floor  {f['scans_per_s']:>7} scans/s  API p50 {a['p50_ms']} ms  p99 {a['p99_ms']} ms  "
        f"web CPU per scan {f['web_cpu_ms_per_scan']} ms\n"
        f"   web CPU per scan, ours / floor = {f['cpu_ratio']}×",
        flush=True,
    )


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL") or None,
        help="PostgreSQL server URL (a fresh database is created beside it); default SQLite",
    )
    p.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL") or None,
        help="Redis URL (a key prefix of its own); default an embedded redis-server",
    )
    p.add_argument("--web", type=int, default=1, help="web processes (1 or 2 on this machine)")
    p.add_argument("--watchers", type=int, default=2000)
    p.add_argument("--cards", type=int, default=0, help="cards to scan (default: one per watcher)")
    p.add_argument("--rate", type=float, default=500, help="scans per second (the first step with --step)")
    p.add_argument("--duration", type=float, default=30, help="seconds per step")
    p.add_argument("--warmup", type=float, default=5)
    p.add_argument("--step", action="store_true", help="raise the rate until p99 passes --p99-limit")
    p.add_argument("--step-factor", type=float, default=1.25)
    p.add_argument("--max-steps", type=int, default=12)
    p.add_argument("--p99-limit", type=float, default=100.0)
    p.add_argument(
        "--past-limit", action="store_true", help="keep stepping past the p99 limit to find the throughput ceiling"
    )
    p.add_argument("--api-keys", type=int, default=1, help="API keys the scans are spread over (tills with a key each)")
    p.add_argument("--pool", type=int, default=None, help="PostgreSQL pool size per process (maxsize)")
    p.add_argument("--floor-samples", type=int, default=200)
    p.add_argument(
        "--floor-duration",
        type=float,
        default=0,
        help="seconds the floor server is driven at the first step's rate (default: --duration; -1: not at all)",
    )
    p.add_argument("--json", type=Path, help="also write the report as JSON here")
    p.add_argument("--short", action="store_true", help="CI mode: 20 watchers, 20 scans/s for 3 s")
    args = p.parse_args(argv)
    if args.database and not args.database.startswith(("postgres://", "postgresql://")):
        args.database = None  # SQLite: always a file of the bench's own, never the app's data
    if args.short:
        args.watchers, args.rate, args.duration, args.warmup = 20, 20.0, 3.0, 1.0
        args.floor_samples, args.step = 30, False
    if args.watchers < 1:
        p.error("--watchers must be at least 1: latency is measured at the watchers")
    return args


async def amain(args: argparse.Namespace) -> int:
    bench = Bench(args)
    try:
        report = await bench.run()
    finally:
        await bench.teardown()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    problems = list(report["problems"])
    steps = report["steps"] if not args.step else report["steps"][:-1] or report["steps"]
    if (fs := report.get("floor_server")) and fs["error_count"]:
        problems.append(f"floor server: {fs['error_count']} scan errors: {fs['errors']}")
    for s in steps:
        if s["error_count"] and not args.step:
            problems.append(f"{s['error_count']} scan errors at {s['rate']:.0f}/s: {s['errors']}")
        if s["socket_disconnects"]:
            problems.append(f"{s['socket_disconnects']} watchers were disconnected")
    if report["watchers_connected"] < args.watchers:
        problems.append(f"only {report['watchers_connected']} of {args.watchers} watchers connected")
    for problem in problems:
        print(f"PROBLEM: {problem}", flush=True)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> None:
    sys.exit(asyncio.run(amain(parse(argv))))


if __name__ == "__main__":
    main()
