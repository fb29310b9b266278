"""A real RQ worker process in burst mode, as the cross-process tests run it."""

from __future__ import annotations

import asyncio
import sys

from hub.clock import utcnow
from hub.models import OutboxEvent
from hub.workers.queue import job_queue
from tests.servers import ROOT, server_env


async def settle_earlier_work() -> None:
    """Tests before this one in the same process left events no relay published and jobs no
    worker ran; in production relays and workers run all along. A burst worker would take that
    backlog on (wallet pushes and webhooks to servers long gone), so it is settled first."""
    await OutboxEvent.filter(published_at=None).update(published_at=utcnow())
    job_queue(server_env()["REDIS_URL"]).empty()


# A burst with RQ's scheduler: due scheduled jobs (retries waiting out their backoff) are queued first.
WITH_SCHEDULER = """
import os
from hub.realtime.redis import sync_redis
from hub.workers.queue import job_queue
from hub.workers.worker import Worker
url = os.environ["REDIS_URL"]
Worker([job_queue(url)], connection=sync_redis(url), commands=False).work(burst=True, with_scheduler=True)
"""


async def run_burst_worker(timeout: float = 120, *, scheduler: bool = False, **env: str) -> None:
    """Run `stamphub worker --burst` until the queue is empty; the event loop keeps serving pages meanwhile."""
    command = ["-c", WITH_SCHEDULER] if scheduler else ["-m", "hub.cli", "worker", "--burst"]
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        *command,
        cwd=ROOT,
        env=server_env(**env),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(worker.communicate(), timeout)
    except TimeoutError:
        worker.kill()
        await worker.wait()
        raise
    assert worker.returncode == 0, stderr.decode(errors="replace")
