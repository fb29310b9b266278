import subprocess
import sys

import pytest
from nicegui.testing import User

from hub.workers.queue import default_queue
from tests.servers import ROOT, server_env

pytestmark = pytest.mark.slow


async def test_a_stamp_made_by_an_rq_worker_appears_on_an_open_card_page(user: User, live, shop):
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("0 / 8")
    default_queue(server_env()["REDIS_URL"]).enqueue("hub.workers.jobs.add_stamp", shop.business_id, shop.card.id)
    worker = subprocess.run(
        [sys.executable, "-m", "hub.cli", "worker", "--burst"],
        cwd=ROOT,
        env=server_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert worker.returncode == 0, worker.stderr
    await user.should_see("1 / 8", retries=100)
