"""Real server processes for cross-process and browser tests: `stamphub serve` on a free port,
sharing the test run's database, Redis and key prefix."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def real_clock_env() -> dict[str, str]:
    """This environment without libfaketime: for programs that stand outside the product (a
    customer's browser, an API client) and whose timed thread waits never end on a moved
    monotonic clock (see README, Tests)."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}


def server_env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, **overrides}
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def start_server(port: int | None = None, **env_overrides: str) -> Server:
    """`stamphub serve` on `port` (a free one by default), once it answers its health check.
    Start it again on the same port to stand for a restart: open pages reconnect to it."""
    port = port or free_port()
    env = server_env(**{"PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}", **env_overrides})
    log_path = Path(env.get("STAMPHUB_DATA", "/tmp")) / f"server-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "serve", "--host", "127.0.0.1", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + 90  # a loaded 2-core machine takes its time to import
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{server.log()}")
            try:
                if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                    return server
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become healthy:\n{server.log()}")
            time.sleep(0.1)
    except BaseException:
        stop_server(server)
        raise


def stop_server(server: Server) -> None:
    """Stop the process as a deploy does (SIGTERM), killing it if it hangs."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextlib.contextmanager
def running_server(**env_overrides: str) -> Iterator[Server]:
    server = start_server(**env_overrides)
    try:
        yield server
    finally:
        stop_server(server)
