"""The locustfile drives a live server for a few seconds, headless, in a process of its own,
with every user class taking part and not one failed request."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest

from tests.servers import ROOT, server_env

pytestmark = pytest.mark.slow

LOCUST = ROOT / ".venv" / "bin" / "locust"


def test_a_short_headless_locust_run_has_no_failures(server, load_shop, tmp_path: Path):
    done = subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(ROOT / "loadtests" / "locustfile.py"),
            "--headless",
            "--host",
            server.url,
            "-u",
            "8",
            "-r",
            "8",
            "-t",
            "6s",
            "--stop-timeout",
            "10",
            "--csv",
            str(tmp_path / "smoke"),
            "--html",
            str(tmp_path / "smoke.html"),
            "--only-summary",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        env=server_env(STAMPHUB_API_KEY=load_shop.api_key, STAMPHUB_TEMPLATE_ID=str(load_shop.template.id)),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with open(tmp_path / "smoke_stats.csv") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    assert rows["Aggregated"]["Failure Count"] == "0"
    for name in (
        "/api/v1/scans",
        "scan → card.updated (card room)",
        "scan → card.stamped (business room)",
        "/c/<token>",
    ):
        assert int(rows[name]["Request Count"]) > 0, f"{name} never ran: {sorted(rows)}"
    assert (tmp_path / "smoke.html").stat().st_size > 0
    assert "ERROR" not in server.log() and "Traceback" not in server.log(), server.log()[-3000:]
