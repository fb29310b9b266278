import asyncio
from datetime import timedelta

import pytest
from nicegui.testing import User

from hub.clock import utcnow
from hub.domain.vouchers import issue_manual_voucher
from hub.workers.queue import job_queue
from tests.card_pages import CardPage
from tests.servers import server_env
from tests.workers import run_burst_worker, settle_earlier_work

pytestmark = pytest.mark.slow

WAIT = timedelta(seconds=1)  # the voucher's life: the worker runs once it is over


async def test_a_voucher_expired_by_an_rq_worker_shows_on_an_open_card_page(user: User, live, shop):
    await settle_earlier_work()
    await issue_manual_voucher(shop.business_id, shop.card.id, title="Sorry cake", expires_at=utcnow() + WAIT)
    page = CardPage(user.http_client, shop.card.token)
    (await page.open()).should_see("Sorry cake")

    async def expire_in_a_worker() -> None:
        await asyncio.sleep(WAIT.total_seconds())
        job_queue(server_env()["REDIS_URL"]).enqueue("hub.workers.jobs.expire_vouchers")
        await run_burst_worker()

    (await page.live(live.bus, expire_in_a_worker)).should_see("Expired on")
