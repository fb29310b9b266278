"""The owner's campaign pages: create a campaign (queued, not sent by the page), watch it finish,
switch an automation on, connect the messenger gateway."""

from __future__ import annotations

from nicegui.testing import User

from hub.domain import automations
from hub.models import Campaign, CampaignDelivery, MessengerIntegration
from tests.campaigns.conftest import make_audience, run_burst_worker
from tests.ui.test_admin_support import eventually, sign_in


async def test_an_owner_creates_a_campaign_that_the_workers_send_and_the_list_shows_live(user: User, live, redis, smtp):
    audience = await make_audience(3)
    await sign_in(user, audience.shop)
    await user.open("/admin/campaigns/new")
    await user.should_see("4 customers · PUSH reaches 3 · email 3", retries=50)
    user.find(marker="campaign-name").type("Winter hours")
    user.find(marker="campaign-subject").type("Hello {first_name}")
    user.find(marker="campaign-body").type("We open at 7 from Monday.")
    user.find(marker="channel-push").click()  # on by default: off
    user.find(marker="refresh-preview").click()
    await user.should_see("Hello Mina", retries=50)
    user.find(marker="create-campaign").click()
    await user.should_see(marker="campaign-progress", retries=50)

    campaign = await Campaign.get(business_id=audience.shop.business_id, name="Winter hours")
    assert campaign.channels == ["email"] and campaign.status == "queued"
    assert not any(smtp.to(a) for a in audience.emails)
    assert not await CampaignDelivery.exists(campaign_id=campaign.id)

    await user.open("/admin/campaigns")
    await user.should_see(marker=f"campaign-{campaign.id}")
    run_burst_worker()
    await user.should_see("Done · 4 / 4", retries=100)
    await user.should_see("Email: 3 delivered · 0 failed · 1 skipped")
    assert all(len(smtp.to(a)) == 1 for a in audience.emails)


async def test_an_owner_switches_the_birthday_greeting_on(user: User, live, redis, smtp):
    audience = await make_audience(0)
    await sign_in(user, audience.shop)
    await user.open("/admin/campaigns/automations")
    await user.should_see("Birthday greeting")
    user.find(marker="birthday-enabled").click()
    user.find(marker="birthday-save").click()
    await eventually(lambda: _status(audience.shop.business_id, "birthday", "active"))


async def _status(business_id: int, kind: str, status: str) -> bool:
    return (await automations.automation(business_id, kind)).status == status


async def test_an_owner_connects_the_messenger_gateway(user: User, live, redis, gateway):
    audience = await make_audience(0)
    await sign_in(user, audience.shop)
    await user.open("/admin/campaigns/messenger")
    await user.should_see("Not connected")
    user.find(marker="messenger-url").type(gateway.url)
    user.find(marker="messenger-token").type("wrong")
    user.find(marker="messenger-connect").click()
    await user.should_see("The gateway refused the token.", retries=50)
    user.find(marker="messenger-token").clear()
    user.find(marker="messenger-token").type(gateway.token)
    user.find(marker="messenger-connect").click()
    await user.should_see("Whatsapp, Telegram", retries=50)
    integration = await MessengerIntegration.get(business_id=audience.shop.business_id)
    assert integration.status == "connected" and integration.hints == ["whatsapp", "telegram"]
