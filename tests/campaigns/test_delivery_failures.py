"""Messenger outcomes: an unknown contact fails for good, an outage is retried with backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.domain import campaigns
from hub.models import CampaignDelivery
from tests.campaigns.conftest import make_audience, send

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_an_unknown_messenger_contact_fails_and_an_outage_is_retried_until_it_passes(gateway, clock_at):
    clock = clock_at(T0, frozen=True)
    audience = await make_audience(2, gateway=gateway)
    gateway.unknown.add(audience.phones[1])
    campaign = await campaigns.create_campaign(
        audience.shop.business_id,
        name="Chat",
        subject="",
        body="Hi {first_name}",
        channels=["messenger"],
    )
    await campaigns.fan_out(campaign.id)
    good = await CampaignDelivery.get(campaign_id=campaign.id, card_id=audience.cards[0].id)
    gone = await CampaignDelivery.get(campaign_id=campaign.id, card_id=audience.cards[1].id)

    gateway.stop()
    summary = await send(campaign.id)
    assert summary.retrying == 2
    await good.refresh_from_db()
    assert good.status == "pending" and good.not_before == T0 + timedelta(seconds=30)
    assert "unreachable" in good.detail
    clock.set(T0 + timedelta(seconds=10))
    assert (await send(campaign.id)).claimed == 0  # not yet due

    gateway.start()  # back, on a new address the owner reconnects
    await campaigns.connect_messenger(audience.shop.business_id, gateway.url, gateway.token)
    clock.set(T0 + timedelta(seconds=31))
    summary = await send(campaign.id)
    assert (summary.delivered, summary.failed) == (1, 1)
    await gone.refresh_from_db()
    assert (gone.status, gone.reason) == ("failed", "bounced") and gone.detail.startswith("404")
    await good.refresh_from_db()
    assert good.status == "delivered" and good.attempts == 2
    assert len(gateway.to(audience.phones[0])) == 1
    assert (await campaigns.stats(campaign.id))["done"] == 3


async def test_a_message_is_given_up_after_the_last_attempt(gateway, clock_at):
    clock = clock_at(T0)
    audience = await make_audience(1, gateway=gateway)
    campaign = await campaigns.create_campaign(
        audience.shop.business_id,
        name="Down",
        subject="",
        body="Hi",
        channels=["messenger"],
    )
    await campaigns.fan_out(campaign.id)
    gateway.stop()
    for _ in range(campaigns.MAX_ATTEMPTS):
        await send(campaign.id)
        clock.advance(hours=1)
    row = await CampaignDelivery.get(campaign_id=campaign.id, card_id=audience.cards[0].id)
    assert (row.status, row.reason, row.attempts) == ("failed", "gave_up", campaigns.MAX_ATTEMPTS)
