"""SEND MESSAGE from a customer's card: a campaign of one that shows in the card's history."""

from __future__ import annotations

import pytest

from hub.domain import campaigns
from hub.errors import NotFound
from hub.models import Campaign, CardEvent
from hub.workers.campaign_jobs import enqueue_campaign
from tests.campaigns.conftest import make_audience, run_burst_worker


async def test_a_message_to_one_card_is_a_campaign_of_one_in_the_card_history(smtp):
    audience = await make_audience(2)
    card = audience.shop.card  # Mina never gave marketing consent: a direct message still reaches her
    campaign = await campaigns.send_message_to_card(
        audience.shop.business_id,
        card.id,
        ["email", "push"],
        "Your order",
        "Your cake is ready, {first_name}.",
    )
    assert campaign.kind == "direct" and campaign.status == "queued"
    customer = await card.customer
    assert smtp.to(customer.email) == []  # nothing is sent until a worker runs
    enqueue_campaign(campaign)
    run_burst_worker()
    assert (await Campaign.get(id=campaign.id)).status == "done"
    [mail] = smtp.to(customer.email)
    assert "Your cake is ready, Mina." in mail.part("plain")
    assert not any(smtp.to(address) for address in audience.emails)  # not in the audience
    [event] = await CardEvent.filter(card_id=card.id, kind="message_sent")
    assert event.detail["channel"] == "email" and event.detail["subject"] == "Your order"
    assert event.detail["campaign_id"] == campaign.id
    stats = await campaigns.stats(campaign.id)
    assert stats["channels"]["push"]["skipped"] == 1  # Mina's card lives on the web only
    history = await campaigns.card_messages(card.id)
    assert {(h["channel"], h["status"]) for h in history} == {("email", "delivered"), ("push", "skipped")}


async def test_a_message_to_another_business_card_is_refused():
    mine, theirs = await make_audience(0), await make_audience(0)
    with pytest.raises(NotFound):
        await campaigns.send_message_to_card(mine.shop.business_id, theirs.shop.card.id, ["push"], "Hi", "Hello")
