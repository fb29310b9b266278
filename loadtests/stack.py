"""Start a complete Stamphub for a load run, and take it down again.

A `Stack` provisions a database of its own (a fresh `stamphub_bench_<hex>` on the
PostgreSQL server given, or an SQLite file in a temporary folder), a Redis key prefix of
its own on the Redis given (or an embedded redis-server), migrates, seeds the demo
business, and starts N `stamphub serve` processes plus one `stamphub worker`. Nothing
shared is flushed: on exit it drops its own database and deletes only its own keys.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent

# The REST API allows 3,000 requests a minute per client address. A bench that plays many
# tills spreads its requests over loopback addresses, as many tills would arrive from many.
PER_ADDRESS_PER_SECOND = 40

# uvicorn closes idle keep-alive connections after 5 s; a client that keeps them longer races
# the close and sees a reset on a connection it thought alive. Let clients give up first.
KEEPALIVE = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def source_addresses(rate: float) -> list[str]:
    """Loopback source addresses enough to keep `rate` requests/s under the per-address limit."""
    count = max(2, math.ceil(rate / PER_ADDRESS_PER_SECOND))
    return [f"127.0.{1 + i // 250}.{2 + i % 250}" for i in range(count)]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _pg(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


@dataclass
class Stack:
    """`database`: a postgres:// URL (a fresh database is created beside it) or None for SQLite;
    `redis`: a redis:// URL (used under a prefix of its own) or None for an embedded server."""

    database: str | None = None
    redis: str | None = None
    web: int = 1
    worker: bool = True
    pool: int | None = None  # PostgreSQL connections per process (tortoise's maxsize)
    log_level: str = "warning"
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="stamphub-bench-")))
    urls: list[str] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    demo: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    database_url: str = ""
    redis_url: str = ""
    prefix: str = ""
    _db_name: str | None = None
    _embedded: Any = None

    @property
    def kind(self) -> str:
        return "PostgreSQL" if self._db_name else "SQLite"

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        run = secrets.token_hex(4)
        self.prefix = f"stamphub-bench:{run}"
        if self.database and self.database.startswith(("postgres://", "postgresql://")):
            self._db_name = f"stamphub_bench_{run}"
            asyncio.run(self._admin(f'CREATE DATABASE "{self._db_name}"'))
            base = "postgres://" + self.database.split("://", 1)[1].split("?", 1)[0].rsplit("/", 1)[0]
            self.database_url = f"{base}/{self._db_name}"
            if self.pool:
                self.database_url += f"?minsize=1&maxsize={self.pool}"
        else:
            self.database_url = f"sqlite://{self.workdir / 'bench.sqlite3'}"
        if self.redis:
            self.redis_url = self.redis
        else:
            from hub.embedded_redis import EmbeddedRedis

            self._embedded = EmbeddedRedis(self.workdir / "redis")
            self.redis_url = self._embedded.url
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))},
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "REDIS_PREFIX": self.prefix,
            "SECRET_KEY": f"bench-{run}-{secrets.token_hex(16)}",
            "STAMPHUB_DATA": str(self.workdir / "data"),
        }
        self._cli("migrate")
        self.demo = json.loads(self._cli("seed-demo", "--history", "0"))
        for i in range(self.web):
            port = free_port()
            self.urls.append(f"http://127.0.0.1:{port}")
            self._spawn(
                f"web{i + 1}",
                ["serve", "--host", "127.0.0.1", "--log-level", self.log_level],
                PORT=str(port),
                PUBLIC_URL=f"http://127.0.0.1:{port}",
            )
        if self.worker:
            self._spawn("worker", ["worker"])
        self._wait_healthy()

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.processes.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._db_name:
            asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self._db_name}" WITH (FORCE)'))
            self._db_name = None
        if self.redis and self.prefix:
            self._delete_own_keys()
        if self._embedded:
            self._embedded.stop()
            self._embedded = None
        if keep := os.environ.get("STAMPHUB_BENCH_LOGS"):
            Path(keep).mkdir(parents=True, exist_ok=True)
            for name in self.processes:
                if (self.workdir / f"{name}.log").exists():
                    shutil.copy(self.workdir / f"{name}.log", Path(keep) / f"{name}.log")
        shutil.rmtree(self.workdir, ignore_errors=True)

    # -- helpers -----------------------------------------------------------------------------

    async def analyze(self) -> None:
        """Give the planner statistics for the cards just issued, as a live database has
        (autovacuum analyses within a minute). A fresh database has none, and a plan cached
        while the card table looked empty scans it whole on every scan."""
        if not self._db_name:
            return
        import asyncpg

        conn = await asyncpg.connect(_pg(self.database_url.split("?", 1)[0]))
        try:
            await conn.execute("ANALYZE")
        finally:
            await conn.close()

    async def _admin(self, sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(_pg(self.database.split("?", 1)[0]))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def _cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "hub.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            raise RuntimeError(f"stamphub {' '.join(args)} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    def start_floor(self, api_keys: list[str]) -> str:
        """The floor server (floor_server.py) in a process of its own, beside the app's; its URL."""
        port = free_port()
        script = str(Path(__file__).resolve().parent / "floor_server.py")
        self._spawn("floor", ["--port", str(port)], command=[script], FLOOR_API_KEYS=",".join(api_keys))
        url = f"http://127.0.0.1:{port}"
        self._wait_healthy({"floor": url})
        return url

    def _spawn(self, name: str, args: list[str], command: list[str] | None = None, **extra: str) -> None:
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 - the child keeps it
        self.processes[name] = subprocess.Popen(
            [sys.executable, *(command or ["-m", "hub.cli"]), *args],
            cwd=ROOT,
            env={**self.env, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def error_lines(self) -> list[str]:
        """ERROR and Traceback lines the app processes logged (a load run must have none)."""
        found = []
        for name in self.processes:
            lines = self.log(name).splitlines()
            for i, line in enumerate(lines):
                if "ERROR" in line:
                    # The error line, and the exception that closes its traceback if one follows.
                    tail = next((t for t in lines[i + 1 : i + 80] if t and not t.startswith((" ", "Traceback"))), "")
                    found.append(f"{name}: {line} {tail}".strip())
        return found

    def crashed(self) -> list[str]:
        return [name for name, proc in self.processes.items() if proc.poll() is not None]

    def _wait_healthy(self, servers: dict[str, str] | None = None) -> None:
        deadline = time.monotonic() + 60
        servers = servers or {f"web{i + 1}": url for i, url in enumerate(self.urls)}
        for name, url in servers.items():
            while True:
                proc = self.processes[name]
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{self.log(name)[-4000:]}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not become healthy:\n{self.log(name)[-4000:]}")
                time.sleep(0.2)

    def _delete_own_keys(self) -> None:
        from redis import Redis

        try:
            client = Redis.from_url(self.redis_url, socket_connect_timeout=2)
            for pattern in (f"{self.prefix}:*", f"rq:*{self.prefix}*"):
                batch = list(client.scan_iter(match=pattern, count=1000))
                for i in range(0, len(batch), 500):
                    client.delete(*batch[i : i + 500])
            client.close()
        except Exception:
            pass

    def new_api_key(self) -> str:
        """Another API key of the demo business (`seed-demo` makes a fresh one on every call)."""
        return json.loads(self._cli("seed-demo", "--history", "0"))["api_key"]

    # -- cards -------------------------------------------------------------------------------

    async def issue_cards(self, count: int, *, concurrency: int = 16) -> list[dict[str, Any]]:
        """Issue `count` cards through the REST API of the first web process."""
        import aiohttp

        api_key = self.demo["api_key"]
        template_id = self.demo["template_id"]
        addresses = source_addresses(count / 10)
        sessions = [
            aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(local_addr=(a, 0), limit=concurrency, keepalive_timeout=KEEPALIVE)
            )
            for a in addresses
        ]
        cards: list[dict[str, Any]] = []
        gate = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with gate:
                session = sessions[i % len(sessions)]
                # Setup, not the measured path: one process, so SQLite never sees two writers here.
                url = self.urls[0]
                for attempt in range(5):
                    async with session.post(
                        f"{url}/api/v1/cards",
                        json={"template_id": template_id, "name": f"Bench customer {i}"},
                        headers={"Authorization": f"Bearer {api_key}"},
                    ) as response:
                        if response.status == 201:
                            body = await response.json()
                            cards.append({"number": body["number"], "token": body["token"], "code": body["code"]})
                            return
                        text = await response.text()
                    await asyncio.sleep(0.2 * (attempt + 1))
                raise RuntimeError(f"could not issue a card: {response.status} {text}")

        try:
            await asyncio.gather(*(one(i) for i in range(count)))
        finally:
            for session in sessions:
                await session.close()
        return cards


def process_stats(pids: dict[str, int]) -> dict[str, Any]:
    """A snapshot of CPU seconds and RSS per process, for deltas over a measuring window."""
    import psutil

    out: dict[str, Any] = {"_wall": time.monotonic()}
    for name, pid in pids.items():
        try:
            proc = psutil.Process(pid)
            times = proc.cpu_times()
            out[name] = {"cpu": times.user + times.system, "rss": proc.memory_info().rss}
        except psutil.Error:
            out[name] = {"cpu": float("nan"), "rss": 0}
    return out


def stats_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, float]]:
    wall = max(after["_wall"] - before["_wall"], 1e-9)
    return {
        name: {
            "cpu_percent": 100 * (after[name]["cpu"] - before[name]["cpu"]) / wall,
            "rss_mb": after[name]["rss"] / 2**20,
        }
        for name in after
        if name != "_wall" and name in before
    }
