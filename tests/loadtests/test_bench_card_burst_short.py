"""bench_card_burst.py in its CI mode: the app on its own database and Redis prefix, card pages
opened as their script does while scans land, and a non-zero exit on any error: a 5xx, a page
or bare watcher losing its connection, a scan its open page never showed, a crashed process or
an ERROR log. Timings are printed, never judged here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ADMIN_DATABASE_URL
from tests.servers import ROOT, real_clock_env

pytestmark = pytest.mark.slow


def test_the_short_card_burst_bench_runs_clean(tmp_path: Path):
    args = ["--short", "--redis", os.environ["REDIS_URL"], "--json", str(tmp_path / "report.json")]
    if ADMIN_DATABASE_URL:
        args += ["--database", ADMIN_DATABASE_URL]
    done = subprocess.run(
        [sys.executable, str(ROOT / "loadtests" / "bench_card_burst.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        # The bench drives the product from outside, like a crowd of phones: its process pool's
        # timed waits never end on a moved clock, so it runs on the real one.
        env={**{k: v for k, v in real_clock_env().items() if k != "PYTEST_XDIST_WORKER"}, "DATABASE_URL": ""},
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["database"] == ("PostgreSQL" if ADMIN_DATABASE_URL else "SQLite")
    assert report["five_xx"] == 0 and report["dropped_open_pages"] == 0 and report["lost_states"] == 0
    assert report["open_pages_at_end"] == report["pages"] + report["open_before"]
    assert report["scan_to_open_page"]["n"] > 0 and report["scan_to_bare_watcher"]["n"] > 0
    assert report["first_byte_static"]["n"] > 0
    assert report["bytes"]["html_compressed_by_server"]
    assert report["bytes"]["cached_reload"] < report["bytes"]["first_load"]
