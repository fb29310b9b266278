import json
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
    first = stamphub("seed-demo")
    assert first.returncode == 0, first.stderr
    second = stamphub("seed-demo")
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
        [sys.executable, "-m", "hub.cli", "run", "--host", "127.0.0.1"],
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
