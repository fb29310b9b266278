"""The reach an owner sees before sending is the reach the sender then has, channel by channel."""

from __future__ import annotations

from hub.config import settings
from hub.domain import campaigns
from hub.models import Card, ContactPreference, Customer
from tests.campaigns.conftest import make_audience, send


async def test_the_count_before_sending_is_the_count_reached(smtp, gateway):
    audience = await make_audience(6, gateway=gateway)
    business_id = audience.shop.business_id
    first, second, third, fourth, fifth, _ = audience.cards
    await Customer.filter(id=first.customer_id).update(email=None)  # no email
    await Customer.filter(id=second.customer_id).update(marketing_consent=False)  # no marketing at all
    secret = settings().secret_key
    await campaigns.unsubscribe(secret, campaigns.unsubscribe_token(secret, third.customer_id))  # from email
    await Card.filter(id=fourth.id).update(platforms=[])  # keeps the web card only
    await ContactPreference.filter(customer_id=fifth.customer_id).update(messenger_address="")

    expected = await campaigns.reach(business_id, {})
    # PUSH reaches all 7 cards' inboxes (and the shop's own card): 5 in a wallet, 2 on the web only.
    assert expected == {
        "audience": 7,
        "email": 3,
        "push": 7,
        "messenger": 4,
        "wallet": 5,
        "web_push": 0,
        "inbox_only": 2,
    }

    campaign = await campaigns.create_campaign(
        business_id, name="Spring", subject="Hi {first_name}", body="New menu", channels=["push", "email", "messenger"]
    )
    await campaigns.fan_out(campaign.id)
    await send(campaign.id)
    numbers = await campaigns.stats(campaign.id)
    reached = {channel: per["delivered"] for channel, per in numbers["channels"].items()}
    assert reached == {"email": 3, "push": 7, "messenger": 4}

    # A message to one card needs no marketing consent: the one without it is reached too.
    direct = await campaigns.reach(business_id, {"card_ids": [second.id]}, kind="direct")
    assert direct == {"audience": 1, "email": 1, "push": 1, "messenger": 1, "wallet": 1, "web_push": 0, "inbox_only": 0}
