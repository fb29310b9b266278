"""The regeneration job run by a real RQ worker process."""

import pytest
from rq.job import Job

from hub.domain import templates
from hub.models import Card
from hub.realtime.redis import sync_redis
from hub.workers import regenerate
from tests.factories import new_card
from tests.servers import server_env
from tests.workers import run_burst_worker, settle_earlier_work

pytestmark = pytest.mark.slow


async def test_the_worker_moves_every_card_and_records_progress(shop):
    await settle_earlier_work()
    for i in range(3):
        await new_card(shop, f"Guest {i}")
    template = await templates.publish(shop.business_id, shop.template.id)
    url = server_env()["REDIS_URL"]
    job = regenerate.enqueue(url, shop.business_id, template.id, template.version)
    assert regenerate.enqueue(url, shop.business_id, template.id, template.version).id == job.id
    await run_burst_worker()
    job = Job.fetch(job.id, connection=sync_redis(url))
    assert job.return_value() == 4
    assert job.meta["progress"] == {"done": 4, "total": 4}
    assert set(await Card.filter(template_id=template.id).values_list("template_version", flat=True)) == {2}
    job.delete()
