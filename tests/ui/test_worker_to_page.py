import pytest
from nicegui.testing import User

from hub.workers.queue import job_queue
from tests.card_pages import CardPage
from tests.servers import server_env
from tests.workers import run_burst_worker, settle_earlier_work

pytestmark = pytest.mark.slow


async def test_a_stamp_made_by_an_rq_worker_appears_on_an_open_card_page(user: User, live, shop):
    await settle_earlier_work()
    page = CardPage(user.http_client, shop.card.token)
    (await page.open()).should_see("0 / 8")

    async def stamp_in_a_worker() -> None:
        job_queue(server_env()["REDIS_URL"]).enqueue("hub.workers.jobs.add_stamp", shop.business_id, shop.card.id)
        await run_burst_worker()

    (await page.live(live.bus, stamp_in_a_worker)).should_see("1 / 8")
