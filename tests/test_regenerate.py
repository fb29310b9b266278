"""The regeneration job run by a real RQ worker process."""

import pytest
from rq.job import Job

from hub.domain import templates
from hub.models import Card
from hub.realtime.redis import sync_redis
from hub.workers import regenerate
from tests.conftest import eventually
from tests.factories import new_card
from tests.servers import server_env
from tests.workers import run_burst_worker, settle_earlier_work

pytestmark = pytest.mark.slow


async def test_publishing_queues_one_regeneration_that_moves_every_card(live, shop):
    await settle_earlier_work()
    for i in range(3):
        await new_card(shop, f"Guest {i}")
    template = await templates.publish(shop.business_id, shop.template.id)
    connection = sync_redis(server_env()["REDIS_URL"])
    ident = regenerate.job_id(template.id, template.version)
    await eventually(lambda: Job.exists(ident, connection=connection))  # the publish event's reaction
    assert regenerate.enqueue(shop.business_id, template.id, template.version).id == ident  # a double click
    await run_burst_worker()
    job = Job.fetch(ident, connection=connection)
    assert job.return_value() == 4
    assert job.meta["progress"] == {"done": 4, "total": 4}
    assert set(await Card.filter(template_id=template.id).values_list("template_version", flat=True)) == {2}
    job.delete()
