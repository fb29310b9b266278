import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.servers import ROOT, free_port, server_env


def stamphub(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", *args],
        cwd=ROOT,
        env=env or server_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_seed_demo_is_idempotent_and_prints_the_contract():
    first = stamphub("seed-demo", "--history", "0")
    assert first.returncode == 0, first.stderr
    second = stamphub("seed-demo", "--history", "0")
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert set(a) >= {"admin", "staff", "api_key", "template_id", "card"}
    assert set(a["admin"]) == {"email", "password"}
    assert all(set(s) == {"login", "password", "location"} for s in a["staff"])
    assert set(a["card"]) == {"number", "page_url", "token", "code"}
    assert a["card"] == b["card"] and a["template_id"] == b["template_id"]
    assert a["api_key"] != b["api_key"]
    assert a["card"]["code"].startswith(f"C.{a['card']['number']}.")


@pytest.mark.slow
def test_run_with_no_configuration_starts_everything_on_sqlite_and_embedded_redis(tmp_path):
    port = free_port()
    env = {k: v for k, v in server_env().items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update(STAMPHUB_DATA=str(tmp_path / "data"), PORT=str(port), PUBLIC_URL=f"http://127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "run", "--host", "127.0.0.1", "--history", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "API docs" in line:
                break
        output = "".join(lines)
        for surface in ("/admin", "/scanner", "/kiosk", "/c/"):
            assert surface in output, output
        for _ in range(100):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                if health.status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}
        assert (tmp_path / "data" / "stamphub.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout.split()
    assert leftovers == [], "embedded redis-server or children left running"
    assert process.returncode == 0
    assert (tmp_path / "data" / "secret_key").exists()


def children_of(pid: int) -> dict[str, int]:
    """`stamphub run`'s children by role: web, worker, cron."""
    listing = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    roles = {"serve": "web", "worker": "worker", "cron": "cron"}
    found = {}
    for line in listing.splitlines():
        child, _, argv = line.strip().partition(" ")
        for word, role in roles.items():
            if f"hub.cli {word}" in argv:
                found[role] = int(child)
    return found


def wait_until(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def all_three(children: dict[str, int]) -> dict[str, int] | None:
    return children if len(children) == 3 else None


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.slow
def test_run_restarts_a_crashed_child_and_ctrl_c_still_stops_everything(tmp_path):
    port = free_port()
    env = {k: v for k, v in server_env().items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update(STAMPHUB_DATA=str(tmp_path / "data"), PORT=str(port), PUBLIC_URL=f"http://127.0.0.1:{port}")
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "run", "--host", "127.0.0.1", "--history", "0"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: healthy(port), 90)
        first = wait_until(lambda: all_three(children_of(process.pid)))
        os.kill(first["worker"], signal.SIGKILL)
        restarted = wait_until(lambda: children_of(process.pid).get("worker") not in (None, first["worker"]))
        assert restarted
        assert "worker exited with code -9; restarting in 1 s" in log.read_text()
        os.kill(first["web"], signal.SIGKILL)
        wait_until(lambda: children_of(process.pid).get("web") not in (None, first["web"]))
        wait_until(lambda: healthy(port), 60)
        assert process.poll() is None, "the whole stack stopped"
        assert "web exited with code -9" in log.read_text()
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        process.wait(timeout=30)
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout.split()
    assert leftovers == [], "embedded redis-server or children left running"
    assert process.returncode == 0


def test_a_child_that_keeps_crashing_is_restarted_with_a_doubling_back_off(caplog):
    from hub.supervisor import MAX_DELAY, Supervisor

    now = [0.0]
    supervisor = Supervisor({"worker": [sys.executable, "-c", "raise SystemExit(3)"]}, env=server_env())
    supervisor.clock = lambda: now[0]
    supervisor.start()
    delays = []
    with caplog.at_level("WARNING", logger="stamphub.run"):
        for _ in range(7):
            supervisor.children[0].process.wait(timeout=10)
            supervisor.tend()  # notes the exit
            delays.append(supervisor.children[0].restart_at - now[0])
            now[0] = supervisor.children[0].restart_at
            supervisor.tend()  # restarts
    supervisor.stop()
    assert delays == [1, 2, 4, 8, 16, MAX_DELAY, MAX_DELAY]
    assert "worker exited with code 3; restarting in 1 s" in caplog.text
    assert supervisor.children[0].restarts == 7
