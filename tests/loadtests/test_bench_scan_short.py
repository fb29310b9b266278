"""bench_scan.py in its CI mode starts the whole app (web, worker, its own database and Redis
prefix), stamps for a few seconds with watchers connected, drives its floor server as briefly, and exits
non-zero on any error: a failed scan, an event that never reached its watcher, a crashed process
or an ERROR log.
Timings are printed, never judged here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ADMIN_DATABASE_URL
from tests.servers import ROOT, server_env

pytestmark = pytest.mark.slow


def test_the_short_scan_bench_runs_clean(tmp_path: Path):
    args = ["--short", "--redis", os.environ["REDIS_URL"], "--json", str(tmp_path / "report.json")]
    if ADMIN_DATABASE_URL:
        args += ["--database", ADMIN_DATABASE_URL]
    done = subprocess.run(
        [sys.executable, str(ROOT / "loadtests" / "bench_scan.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env=server_env(DATABASE_URL=""),
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["database"] == ("PostgreSQL" if ADMIN_DATABASE_URL else "SQLite")
    step = report["steps"][0]
    assert step["ok"] > 0 and step["error_count"] == 0
    assert step["watcher_samples"] == step["ok"]
    assert report["floor"]["p50_ms"] > 0
    assert {"web1", "worker", "driver", "watchers1"} <= set(step["processes"])
    floor = report["floor_server"]
    assert floor["ok"] > 0 and floor["error_count"] == 0
    assert floor["web_cpu_ms_per_scan"] > 0
