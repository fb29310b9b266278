"""SEND MESSAGE from a customer's card: a campaign of one that shows in the card's history."""

from __future__ import annotations

import pytest

from hub.domain import campaigns
from hub.errors import InvalidInput, NotFound
from hub.models import Campaign, CardEvent, Customer, InboxMessage
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
    sent = {e.detail["channel"]: e for e in await CardEvent.filter(card_id=card.id, kind="message_sent")}
    assert set(sent) == {"email", "push"}
    assert sent["email"].detail["subject"] == "Your order" and sent["email"].detail["campaign_id"] == campaign.id
    stats = await campaigns.stats(campaign.id)
    # Mina's card lives on the web only: PUSH puts the message in her card page's inbox.
    assert stats["channels"]["push"]["delivered"] == 1
    [message] = await InboxMessage.filter(card_id=card.id)
    assert (message.title, message.body, message.read_at) == ("Your order", "Your cake is ready, Mina.", None)
    history = await campaigns.card_messages(card.id)
    assert {(h["channel"], h["status"]) for h in history} == {("email", "delivered"), ("push", "delivered")}


async def test_a_message_nobody_can_receive_is_refused_before_it_is_sent(smtp):
    audience = await make_audience(1)
    card = audience.shop.card
    await Customer.filter(id=card.customer_id).update(email=None)
    with pytest.raises(InvalidInput, match="Nobody can receive this message by email"):
        await campaigns.send_message_to_card(audience.shop.business_id, card.id, ["email"], "Hi", "Hello")
    assert not await Campaign.filter(business_id=audience.shop.business_id, kind="direct").exists()
    reach = await campaigns.reach(audience.shop.business_id, {"card_ids": [card.id]}, kind="direct")
    assert (reach["email"], reach["push"], reach["inbox_only"]) == (0, 1, 1)


async def test_a_message_to_another_business_card_is_refused():
    mine, theirs = await make_audience(0), await make_audience(0)
    with pytest.raises(NotFound):
        await campaigns.send_message_to_card(mine.shop.business_id, theirs.shop.card.id, ["push"], "Hi", "Hello")
