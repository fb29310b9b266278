"""The unsubscribe link in every email works, is stored per customer and honoured by later campaigns."""

from __future__ import annotations

import re

import httpx
from nicegui.testing import User

from hub.api.app import create_api_app
from hub.domain import campaigns
from hub.models import CampaignDelivery, ContactPreference
from tests.campaigns.conftest import make_audience


async def email_everyone(audience, name: str) -> int:
    campaign = await campaigns.create_campaign(
        audience.shop.business_id,
        name=name,
        subject="News",
        body="Hello {first_name}",
        channels=["email", "push"],
    )
    await campaigns.fan_out(campaign.id)
    transports = campaigns.Transports.configured()
    try:
        await campaigns.send_range(campaign.id, transports=transports)
    finally:
        await transports.close()
    return campaign.id


def link_in(mail) -> str:
    return re.search(r"Unsubscribe: (\S+)", mail.part("plain")).group(1)


async def test_the_unsubscribe_link_stops_emails_to_that_customer_only(user: User, live, redis, smtp):
    audience = await make_audience(2)
    await email_everyone(audience, "First")
    link = link_in(smtp.to(audience.emails[0])[0])
    assert link.startswith("http://testserver/u/")
    await user.open(link.removeprefix("http://testserver"))
    await user.should_see("Stop the emails of Campaign Café?")
    user.find(marker="unsubscribe-email").click()
    await user.should_see(marker="unsubscribed", retries=50)

    smtp.reset()
    second = await email_everyone(audience, "Second")
    skipped = await CampaignDelivery.get(campaign_id=second, card_id=audience.cards[0].id, channel="email")
    assert (skipped.status, skipped.reason) == ("skipped", "unsubscribed")
    pushed = await CampaignDelivery.get(campaign_id=second, card_id=audience.cards[0].id, channel="push")
    assert pushed.status == "delivered"  # only emails were stopped
    assert smtp.to(audience.emails[0]) == [] and len(smtp.to(audience.emails[1])) == 1

    await user.open(link.removeprefix("http://testserver"))
    user.find(marker="resubscribe").click()
    await user.should_see("Stop the emails of Campaign Café?", retries=50)
    pref = await ContactPreference.get(customer_id=audience.cards[0].customer_id)
    assert pref.email_unsubscribed_at is None


async def test_one_click_unsubscribe_from_the_mail_client(smtp):
    audience = await make_audience(1)
    await email_everyone(audience, "One click")
    mail = smtp.to(audience.emails[0])[0]
    target = str(mail.message["List-Unsubscribe"]).strip().strip("<>")
    assert target.startswith("http://testserver/api/v1/unsubscribe/")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(create_api_app()), base_url="http://testserver") as api:
        response = await api.post(target, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200, response.text
        forged = await api.post(target[:-3] + "abc", data={"List-Unsubscribe": "One-Click"})
        assert forged.status_code == 404
    pref = await ContactPreference.get(customer_id=audience.cards[0].customer_id)
    assert pref.email_unsubscribed_at is not None


async def test_a_forged_unsubscribe_link_is_refused(user: User, live, redis):
    audience = await make_audience(1)
    await user.open(f"/u/{audience.cards[0].customer_id}.deadbeef")
    await user.should_see(marker="unsubscribe-invalid")
