import pytest
from nicegui.testing import User

from hub.workers.queue import job_queue
from tests.servers import server_env
from tests.workers import run_burst_worker, settle_earlier_work

pytestmark = pytest.mark.slow


async def test_a_stamp_made_by_an_rq_worker_appears_on_an_open_card_page(user: User, live, shop):
    await settle_earlier_work()
    await user.open(f"/c/{shop.card.token}")
    await user.should_see("0 / 8")
    job_queue(server_env()["REDIS_URL"]).enqueue("hub.workers.jobs.add_stamp", shop.business_id, shop.card.id)
    await run_burst_worker()
    await user.should_see("1 / 8", retries=100)
