"""A bounded Schemathesis run over the whole OpenAPI document (REST, webhooks, PassKit, the
payment webhook), every phase, fixed seed, against a real server with a business's key:
no request may answer 5xx."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_shop
from tests.servers import real_clock_env, running_server

MAX_EXAMPLES = 25
SEED = 1


@pytest.mark.slow
async def test_a_bounded_fuzzing_run_over_the_api_answers_no_5xx(tmp_path):
    shop = await make_shop(name="Fuzzed Bakery")
    production_like = {
        "STAMPHUB_WEBHOOKS_PRIVATE": "0",
        "PAYMENT_URL": "http://127.0.0.1:9",
        "PAYMENT_WEBHOOK_SECRET": "whsec_fuzzing",
    }
    with running_server(**production_like) as server:
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{server.url}/api/openapi.json",
            "--header",
            f"Authorization: Bearer {shop.api_key}",
            "--checks",
            "not_a_server_error",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--generation-database",
            ":memory:",
            "--request-timeout",
            "60",
            "--no-color",
        ]
        run = await asyncio.to_thread(
            # The client keeps the real clock: its stateful phase waits on a queue with a timeout.
            subprocess.run,
            command,
            cwd=tmp_path,
            env=real_clock_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        server_errors = [line for line in server.log().splitlines() if "Traceback" in line or " 500 " in line]
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "Server error" not in run.stdout and server_errors == [], report
