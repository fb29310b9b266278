"""Web Push to a customer who keeps only the web card: the message reaches a local push service
encrypted for the browser's keys and signed with our VAPID key; a subscription the push service
says is gone (410) is forgotten."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hub.config import settings
from hub.delivery.web_push import public_key
from hub.domain import campaigns, web_push
from hub.errors import InvalidInput, NotFound
from hub.models import CampaignDelivery, PushSubscription
from tests.factories import new_card
from tests.inbox.push_service import PushService, b64url
from tests.inbox.sending import send_to_card


@pytest.fixture
def push_service(configure) -> Iterator[PushService]:
    service = PushService().start()
    # Push services are public hosts: only the local one is let in, as an operator would allow it.
    configure(
        STAMPHUB_WEBHOOKS_PRIVATE=None, STAMPHUB_EGRESS_ALLOW="127.0.0.1/32", VAPID_SUBJECT="mailto:owner@example.com"
    )
    yield service
    service.stop()


async def test_a_subscribed_browser_gets_the_message_encrypted_for_it_and_a_gone_one_is_forgotten(shop, push_service):
    card = await new_card(shop, "Ada")
    endpoint, browser = push_service.subscribe("ada-phone")
    await web_push.subscribe(card.token, endpoint, browser.p256dh, b64url(browser.auth))
    old_endpoint, old = push_service.subscribe("ada-old-laptop", gone=True)
    await web_push.subscribe(card.token, old_endpoint, old.p256dh, b64url(old.auth))
    reach = await campaigns.reach(shop.business_id, {"card_ids": [card.id]}, kind="direct")
    assert (reach["web_push"], reach["inbox_only"]) == (1, 0)

    campaign = await send_to_card(shop.business_id, card, "Open late", "Until 10 tonight")

    assert push_service.refused == []
    [pushed] = push_service.received
    assert pushed.subscription == "ada-phone"
    assert pushed.payload["title"] == "Open late" and pushed.payload["body"] == "Until 10 tonight"
    assert pushed.payload["url"] == f"/c/{card.token}"
    assert pushed.vapid_key == public_key(settings().vapid_private_key)
    assert pushed.claims["aud"] == push_service.origin and pushed.claims["sub"] == "mailto:owner@example.com"
    assert [s.endpoint for s in await PushSubscription.filter(card_id=card.id)] == [endpoint]
    [row] = await CampaignDelivery.filter(campaign_id=campaign.id)
    assert row.status == "delivered" and "web push 1/2, 1 expired" in row.detail


async def test_the_vapid_key_is_made_once_and_kept_in_the_data_folder(configure, tmp_path):
    configure(STAMPHUB_DATA=str(tmp_path), VAPID_PRIVATE_KEY=None)
    first = settings().vapid_private_key
    assert (tmp_path / "vapid_private_key.pem").read_text() == first
    settings.cache_clear()
    assert settings().vapid_private_key == first


async def test_a_subscription_must_be_a_browser_s_and_for_a_live_card(shop, push_service):
    card = await new_card(shop, "Ada")
    endpoint, browser = push_service.subscribe("ada-phone")
    auth = b64url(browser.auth)
    with pytest.raises(InvalidInput):
        await web_push.subscribe(card.token, "http://10.0.0.7/push/x", browser.p256dh, auth)  # a private address
    with pytest.raises(InvalidInput):
        await web_push.subscribe(card.token, endpoint, "bm90IGEga2V5", auth)
    with pytest.raises(InvalidInput):
        await web_push.subscribe(card.token, endpoint, browser.p256dh, "c2hvcnQ")
    with pytest.raises(NotFound):
        await web_push.subscribe("no-such-card", endpoint, browser.p256dh, auth)
    await web_push.subscribe(card.token, endpoint, browser.p256dh, auth)
    await web_push.subscribe(card.token, endpoint, browser.p256dh, auth)  # asked again: still one
    assert await PushSubscription.filter(card_id=card.id).count() == 1
    await web_push.unsubscribe(card.token, endpoint)
    assert not await PushSubscription.filter(card_id=card.id).exists()
