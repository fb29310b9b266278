"""A worker killed (SIGKILL) in the middle of a campaign; a new one finishes it: nobody gets
a message twice, nobody is missed."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter

import pytest

from hub.domain import campaigns
from hub.models import Campaign, CampaignDelivery
from hub.workers.campaign_jobs import enqueue_campaign
from tests.campaigns.conftest import make_audience, stop_worker, worker
from tests.servers import server_env

pytestmark = pytest.mark.slow

RECIPIENTS = 40


async def _wait_done(campaign_id: int, timeout: float) -> str:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        status = (await Campaign.get(id=campaign_id)).status
        if status == "done":
            return status
        await asyncio.sleep(0.3)
    return (await Campaign.get(id=campaign_id)).status


async def test_a_killed_worker_is_replaced_and_the_campaign_finishes_exactly_once(smtp):
    audience = await make_audience(RECIPIENTS)
    campaign = await campaigns.create_campaign(
        audience.shop.business_id,
        name="Kill test",
        subject="Hello {first_name}",
        body="Once, and only once.",
        channels=["email"],
        attachment={"type": "voucher", "title": "Free cookie", "valid_days": 7},
    )
    env = server_env(CAMPAIGN_CHUNK_SIZE="10", CAMPAIGN_CLAIM_TTL="2")
    first = worker(env, log_name="first")
    # Other tests' automations may mail through the same server meanwhile: count only ours.
    smtp.kill_pid, smtp.kill_at, smtp.kill_scope = first.pid, 15, set(audience.emails)
    enqueue_campaign(campaign)
    try:
        assert await asyncio.to_thread(smtp.killed.wait, 60), open(first.log_path).read()
        assert await asyncio.to_thread(first.wait, 10) == -signal.SIGKILL
        # Mid-campaign: some sent, the rest open, some rows held by the dead worker.
        rows = await CampaignDelivery.filter(campaign_id=campaign.id, channel="email")
        statuses = Counter(r.status for r in rows)
        assert 0 < statuses["delivered"] < RECIPIENTS and statuses["sending"] > 0, statuses
        assert (await Campaign.get(id=campaign.id)).status == "sending"

        second = worker(env, log_name="second")
        try:
            assert await _wait_done(campaign.id, 90) == "done", open(second.log_path).read()
        finally:
            await asyncio.to_thread(stop_worker, second)
    finally:
        await asyncio.to_thread(stop_worker, first)

    rows = await CampaignDelivery.filter(campaign_id=campaign.id, channel="email")
    assert Counter(r.status for r in rows) == {"delivered": RECIPIENTS, "skipped": 1}
    for address in audience.emails:
        assert len(smtp.to(address)) == 1, address
    ours = [m for m in smtp.messages if set(m.recipients) & set(audience.emails)]
    assert len(ours) == RECIPIENTS
    assert len({m.message_id for m in ours}) == RECIPIENTS
    for card in audience.cards:
        assert await card.vouchers.filter(source="campaign").count() == 1
    # The message the first worker died on was taken over after its claim went stale.
    assert max(r.attempts for r in rows) == 2
